import { AwsCredentialsManager } from '@backstage/integration-aws-node';

/** Credentials per account whose access key names the account, so mocks can tell accounts apart. */
export function fakeCredentialsManager(options?: {
  unreachableAccounts?: string[];
}): AwsCredentialsManager {
  return {
    async getCredentialProvider(opts) {
      const accountId = opts?.accountId ?? '000000000000';
      if (options?.unreachableAccounts?.includes(accountId)) {
        throw new Error(`AccessDenied: could not assume role in ${accountId}`);
      }
      return {
        accountId,
        sdkCredentialProvider: async () => ({
          accessKeyId: `key-${accountId}`,
          secretAccessKey: 'secret',
        }),
      };
    },
  };
}

/** The account a mocked SDK client acts in, read back from its fake credentials. */
export async function accountOf(client: {
  config: { credentials: unknown };
}): Promise<string> {
  const provider = client.config.credentials as () => Promise<{
    accessKeyId: string;
  }>;
  const { accessKeyId } = await provider();
  return accessKeyId.replace(/^key-/, '');
}

/** SDK retry that backs off 1 ms instead of seconds, so retry tests run fast through the real strategy. */
export const FAST_RETRY = {
  maxAttempts: 3,
  backoff: { computeNextBackoffDelay: () => 1, setDelayBase: () => {} },
};

/** A canned HTTP answer. */
export interface StubResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** The request as the stub saw it. */
export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HTTP handler that answers every SDK request from `respond`, below the SDK's retry middleware
 * (aws-sdk-client-mock replaces `send`, so retries never run with it).
 */
export function stubHttpHandler(
  respond: (request: StubRequest, index: number) => StubResponse,
) {
  const requests: StubRequest[] = [];
  const handler = {
    requests,
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: any) {
      const seen: StubRequest = {
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        headers: request.headers ?? {},
        body: typeof request.body === 'string' ? request.body : '',
      };
      requests.push(seen);
      const { statusCode, headers, body } = respond(seen, requests.length - 1);
      return {
        response: {
          statusCode,
          reason: undefined,
          headers: { 'content-type': 'application/json', ...headers },
          body: Buffer.from(body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return handler;
}

/** Lambda's throttling answer (REST-JSON protocol). */
export function lambdaThrottled(
  errorType = 'TooManyRequestsException',
): StubResponse {
  return {
    statusCode: 429,
    headers: { 'x-amzn-errortype': errorType },
    body: JSON.stringify({
      Type: 'User',
      message: 'Rate exceeded',
      Reason: 'CallerRateLimitExceeded',
    }),
  };
}

/** CloudFormation's throttling answer (query protocol). */
export function cloudFormationThrottled(): StubResponse {
  return {
    statusCode: 400,
    headers: { 'content-type': 'text/xml' },
    body:
      '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>' +
      '<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>',
  };
}
