import {
  GetParametersByPathCommand,
  Parameter,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { CallCounter } from './CallCounter';
import { callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';
import { ParameterReader, StoredParameter } from './types';

/** Parameters per GetParametersByPath page (the API's maximum). */
const PAGE_SIZE = 10;

/**
 * Lists the parameters under a path of one account-region with Parameter Store's GetParametersByPath:
 * names, types and versions, and the value of String and StringList parameters only. Never asks for
 * decryption; a SecureString's value is dropped here even when the endpoint returns it (moto does).
 */
export class ParameterStoreAdapter implements ParameterReader {
  private readonly client: SSMClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;

  constructor(options: {
    client: SSMClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
  }

  async listParameters(
    path: string,
    signal?: AbortSignal,
  ): Promise<StoredParameter[]> {
    const parameters: StoredParameter[] = [];
    let token: string | undefined;
    do {
      const command = new GetParametersByPathCommand({
        Path: path,
        Recursive: true,
        WithDecryption: false,
        MaxResults: PAGE_SIZE,
        NextToken: token,
      });
      const page = await callAws({
        operation: 'ssm:GetParametersByPath',
        budget: 'parameterStore',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const parameter of page.Parameters ?? []) {
        const stored = toStoredParameter(parameter);
        if (stored) {
          parameters.push(stored);
        }
      }
      token = page.NextToken || undefined;
    } while (token);
    return parameters;
  }
}

/** Our record of a parameter: the value only for String and StringList, never a SecureString's. */
export function toStoredParameter(
  parameter: Parameter,
): StoredParameter | undefined {
  if (!parameter.Name) {
    return undefined;
  }
  const type = parameter.Type ?? 'String';
  const readable = type === 'String' || type === 'StringList';
  return {
    name: parameter.Name,
    type,
    version: parameter.Version,
    ...(readable && parameter.Value !== undefined
      ? { value: parameter.Value }
      : {}),
  };
}
