import {
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CallCounter } from './CallCounter';
import { callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';
import { SecretNameReader } from './types';

/** Secrets per ListSecrets page (the API's maximum). */
const PAGE_SIZE = 100;

/**
 * Lists the names of the secrets of one account-region whose name starts with a prefix, with Secrets
 * Manager's ListSecrets. ListSecrets returns no secret values; none is ever asked for.
 */
export class SecretsManagerAdapter implements SecretNameReader {
  private readonly client: SecretsManagerClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;

  constructor(options: {
    client: SecretsManagerClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
  }

  async listSecretNames(
    prefixes: string[],
    signal?: AbortSignal,
  ): Promise<string[]> {
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const command = new ListSecretsCommand({
        // The name filter matches prefixes; values are alternatives.
        Filters: [{ Key: 'name', Values: prefixes }],
        MaxResults: PAGE_SIZE,
        NextToken: token,
      });
      const page = await callAws({
        operation: 'secretsmanager:ListSecrets',
        budget: 'secretsManager',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const secret of page.SecretList ?? []) {
        // Checked here too: an endpoint may match the filter more loosely than AWS does.
        if (secret.Name && prefixes.some(p => secret.Name!.startsWith(p))) {
          names.add(secret.Name);
        }
      }
      token = page.NextToken || undefined;
    } while (token);
    return [...names].sort();
  }
}
