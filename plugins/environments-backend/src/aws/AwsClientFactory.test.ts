import { mockServices } from '@backstage/backend-test-utils';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsClientFactory } from './AwsClientFactory';
import {
  FAST_RETRY,
  fakeCredentialsManager,
  lambdaThrottled,
  StubRequest,
  StubResponse,
  stubHttpHandler,
} from './__testUtils__/fakes';
import { LocationRateLimiter } from './RateLimiter';

const ACCOUNT = '333333333333';
const LOCATION = { accountId: ACCOUNT, region: 'eu-west-1' };
const FN = 'shop-checkout-api-prod';
const HEX = 'c'.repeat(64);

/** Lambda's answers for the calls of a rollback's alias switch, and ECR's for a provision's image lookup. */
function aws(request: StubRequest): StubResponse {
  const json = (body: object): StubResponse => ({
    statusCode: 200,
    body: JSON.stringify(body),
  });
  if (request.headers['x-amz-target']?.endsWith('.DescribeImages')) {
    return json({ imageDetails: [{ imageDigest: `sha256:${HEX}` }] });
  }
  if (request.path.endsWith('/aliases/live')) {
    return json({
      Name: 'live',
      FunctionVersion: request.method === 'PUT' ? '4' : '3',
      RevisionId: request.method === 'PUT' ? 'r2' : 'r1',
    });
  }
  if (request.path === `/2015-03-31/functions/${FN}`) {
    return json({
      Configuration: {
        FunctionName: FN,
        Version: '4',
        PackageType: 'Image',
        CodeSha256: HEX,
      },
    });
  }
  return json({ Functions: [] });
}

function factory(
  extra?: Partial<ConstructorParameters<typeof AwsClientFactory>[0]>,
) {
  return new AwsClientFactory({
    credentialsManager: fakeCredentialsManager(),
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('AwsClientFactory', () => {
  // The adaptive strategy slows a client down after throttling: real seconds pass.
  jest.setTimeout(30_000);
  afterEach(() => jest.restoreAllMocks());

  it('retries a throttled write with the same adaptive retry as a read', async () => {
    let updates = 0;
    const http = stubHttpHandler(request => {
      if (request.method === 'PUT') {
        updates += 1;
        if (updates <= 3) {
          return lambdaThrottled();
        }
      }
      return aws(request);
    });
    // Four attempts: more than the SDK's default strategy makes.
    const writer = await factory({
      requestHandler: http,
      retry: { ...FAST_RETRY, maxAttempts: 4 },
    }).forWrite(LOCATION, 'user:default/alice');

    const alias = await writer.switchAlias(FN, {
      version: '4',
      expectedVersion: '3',
      expectedRevisionId: 'r1',
    });

    expect(alias).toMatchObject({ version: '4', revisionId: 'r2' });
    // GetAlias, then UpdateAlias throttled three times and sent a fourth time.
    expect(http.requests.map(r => r.method)).toEqual([
      'GET',
      'PUT',
      'PUT',
      'PUT',
      'PUT',
    ]);
  });

  it('spends the budgets of the account-region on writes as on reads: one limiter for both', async () => {
    const schedule = jest.spyOn(LocationRateLimiter.prototype, 'schedule');
    const clients = factory({ requestHandler: stubHttpHandler(aws) });

    const { lambda } = await clients.forLocation(LOCATION);
    await lambda.listFunctions();
    const writer = await clients.forWrite(LOCATION, 'user:default/alice');
    await writer.switchAlias(FN, { version: '4', expectedRevisionId: 'r1' });
    await writer.getVersion(FN, 'live');
    const provisioner = await clients.provisionerFor(
      LOCATION,
      'user:default/alice',
    );
    await provisioner.imageDigest('checkout-api', 'v1');

    expect(schedule.mock.calls.map(([budget]) => budget)).toEqual([
      'lambdaControlPlane', // ListFunctions, by the collector's adapter
      'lambdaControlPlane', // GetAlias
      'lambdaControlPlane', // UpdateAlias
      'getFunction', // GetFunction(live)
      'ecr', // DescribeImages
    ]);
    expect(new Set(schedule.mock.contexts).size).toBe(1);

    // Another account-region has its own budgets.
    await (
      await clients.forWrite(
        { accountId: ACCOUNT, region: 'us-east-1' },
        'user:default/alice',
      )
    ).getVersion(FN, 'live');
    expect(new Set(schedule.mock.contexts).size).toBe(2);
  });

  it('falls back to the aws section’s credentials for an account without a write role, and warns', async () => {
    const getCredentialProvider = jest.fn(async () => ({
      sdkCredentialProvider: async () => ({
        accessKeyId: 'a',
        secretAccessKey: 'b',
      }),
    }));
    const logger = mockServices.logger.mock();
    const clients = factory({
      credentialsManager: { getCredentialProvider } as AwsCredentialsManager,
      writeRoles: {
        byAccount: new Map([['111111111111', 'environments-promoter']]),
      },
      logger,
    });
    await clients.forWrite(LOCATION, 'user:default/alice');
    expect(getCredentialProvider).toHaveBeenCalledWith({ accountId: ACCOUNT });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /No write role configured for account 333333333333/,
      ),
    );
  });
});
