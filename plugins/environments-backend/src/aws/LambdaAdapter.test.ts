import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { AwsClientFactory } from './AwsClientFactory';
import { AwsCallError } from './callAws';
import {
  FAST_RETRY,
  fakeCredentialsManager,
  lambdaThrottled,
  stubHttpHandler,
} from './__testUtils__/fakes';
import { mockFleet } from './__testUtils__/mockFleet';

const ACCOUNT = '111111111111';
const LOCATION = { accountId: ACCOUNT, region: 'eu-west-1' };
const IMAGE_HEX = `${'a'.repeat(60)}1234`;
const FAST_LIMITS = {
  getFunctionPerSecond: 1000,
  lambdaControlPlanePerSecond: 1000,
  cloudFormationPerSecond: 1000,
  taggingPerSecond: 1000,
};

function factory(
  extra?: Partial<ConstructorParameters<typeof AwsClientFactory>[0]>,
) {
  return new AwsClientFactory({
    credentialsManager: fakeCredentialsManager(),
    rateLimits: FAST_LIMITS,
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('LambdaAdapter', () => {
  describe('with the SDK mocked', () => {
    let fleet: ReturnType<typeof mockFleet>;
    afterEach(() => fleet.restore());

    it('lists every function across ListFunctions pages of 50', async () => {
      fleet = mockFleet({
        functions: Array.from({ length: 123 }, (_, i) => ({
          accountId: ACCOUNT,
          name: `fn-${String(i).padStart(3, '0')}`,
          latestCodeSha256: IMAGE_HEX,
        })),
      });
      const aws = factory();
      const { lambda } = await aws.forLocation(LOCATION);

      const functions = await lambda.listFunctions();

      expect(functions.map(fn => fn.state.functionName)).toEqual(
        Array.from(
          { length: 123 },
          (_, i) => `fn-${String(i).padStart(3, '0')}`,
        ),
      );
      const calls = fleet.lambda.commandCalls(ListFunctionsCommand);
      expect(calls.map(call => call.args[0].input)).toEqual([
        { FunctionVersion: 'ALL', Marker: undefined, MaxItems: 50 },
        { FunctionVersion: 'ALL', Marker: '50', MaxItems: 50 },
        { FunctionVersion: 'ALL', Marker: '100', MaxItems: 50 },
      ]);
      expect(aws.callCounter.callsByOperation()).toEqual({
        'lambda:ListFunctions': 3,
      });
      // Listed functions are $LATEST: not yet known to be live.
      expect(functions[0].state.liveAlias).toBeNull();
    });

    it('gives each function its published versions from the same pages, oldest first, with no call per function', async () => {
      fleet = mockFleet({ functions: [] });
      const arn = (name: string, qualifier: string) =>
        `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}:${qualifier}`;
      const entry = (
        name: string,
        version: string,
        code: string,
        lastModified = '2026-11-01T10:00:00.000+0000',
      ) => ({
        FunctionName: name,
        FunctionArn: arn(name, version),
        PackageType: 'Image' as const,
        CodeSha256: code,
        Version: version,
        LastModified: lastModified,
      });
      const [v1, v2, v3] = ['1', '2', '3'].map(n => n.repeat(64));
      // AWS lists a function's $LATEST and its versions together; a function may span two pages.
      const pages = [
        [
          entry('shop-checkout-api-prod', '$LATEST', v3),
          entry(
            'shop-checkout-api-prod',
            '1',
            v1,
            '2026-11-02T08:00:00.000+0000',
          ),
        ],
        [
          entry(
            'shop-checkout-api-prod',
            '10',
            v3,
            '2026-11-20T08:00:00.000+0000',
          ),
          entry(
            'shop-checkout-api-prod',
            '2',
            v2,
            '2026-11-09T08:00:00.000+0000',
          ),
          // The emulator's own precision: microseconds.
          entry('shop-cron-prod', '1', v1, '2026-11-03T08:00:00.123456000Z'),
          entry('shop-cron-prod', '$LATEST', v1),
        ],
      ];
      fleet.lambda.on(ListFunctionsCommand).callsFake(async input => {
        const index = input.Marker ? Number(input.Marker) : 0;
        return {
          $metadata: {},
          Functions: pages[index],
          NextMarker: index + 1 < pages.length ? String(index + 1) : undefined,
        };
      });
      const aws = factory();
      const { lambda } = await aws.forLocation(LOCATION);

      const functions = await lambda.listFunctions();

      expect(functions.map(fn => fn.state.functionName)).toEqual([
        'shop-checkout-api-prod',
        'shop-cron-prod',
      ]);
      expect(functions[0].state).toMatchObject({
        functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:shop-checkout-api-prod`,
        liveAlias: null,
        digest: `sha256:${v3}`,
      });
      expect(functions[0].versions).toEqual([
        {
          version: '1',
          digest: `sha256:${v1}`,
          digestKind: 'image',
          publishedAt: '2026-11-02T08:00:00.000Z',
        },
        expect.objectContaining({
          version: '2',
          digest: `sha256:${v2}`,
          publishedAt: '2026-11-09T08:00:00.000Z',
        }),
        expect.objectContaining({ version: '10', digest: `sha256:${v3}` }),
      ]);
      expect(functions[1].versions).toEqual([
        expect.objectContaining({
          version: '1',
          publishedAt: '2026-11-03T08:00:00.123Z',
        }),
      ]);
      expect(aws.callCounter.callsByOperation()).toEqual({
        'lambda:ListFunctions': 2,
      });
    });

    it('describes an image function by its live version with an sha256: digest, variable names, and no value of a secret-named variable', async () => {
      fleet = mockFleet({
        functions: [
          {
            accountId: ACCOUNT,
            name: 'shop-checkout-api-prod',
            latestCodeSha256: 'b'.repeat(64),
            live: { version: '7', codeSha256: IMAGE_HEX.toUpperCase() },
            tags: { Project: 'shop' },
            environment: {
              DB_PASSWORD: 'hunter2-secret',
              API_URL: 'https://internal',
            },
          },
        ],
      });
      const { lambda } = await factory().forLocation(LOCATION);

      const live = await lambda.getLiveFunction('shop-checkout-api-prod');

      expect(live).toMatchObject({
        functionName: 'shop-checkout-api-prod',
        functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:shop-checkout-api-prod`,
        liveAlias: { version: '7' },
        digest: `sha256:${IMAGE_HEX}`,
        digestKind: 'image',
        imageUri: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${IMAGE_HEX.toUpperCase()}`,
        deployedAt: '2024-05-02T10:00:00.000Z',
        tags: { Project: 'shop' },
        configuration: {
          packageType: 'Image',
          memorySize: 1024,
          timeout: 300,
          architectures: ['arm64'],
          environmentVariableNames: ['API_URL', 'DB_PASSWORD'],
          layers: [],
        },
      });
      expect(live?.liveAlias?.routing).toBeUndefined();
      expect(live?.configuration.reservedConcurrency).toBeUndefined();
      const serialised = JSON.stringify(live);
      expect(serialised).not.toContain('hunter2-secret');
      // Values that are not secrets are kept for the configuration matrix (docs/configuration-matrix.md).
      expect(live?.configuration.environmentVariableValues).toEqual({
        API_URL: 'https://internal',
      });
    });

    it('keeps a zip function base64 code hash as it is, marked zip', async () => {
      const base64 = 'q2X0Xo0r3oKq7m8mR8ZB4bQfVnq1M9yVbq0FJ6v2Z1c=';
      fleet = mockFleet({
        functions: [
          {
            accountId: ACCOUNT,
            name: 'shop-cron-dev',
            packageType: 'Zip',
            latestCodeSha256: base64,
            live: { version: '2', codeSha256: base64 },
          },
        ],
      });
      const { lambda } = await factory().forLocation(LOCATION);

      const live = await lambda.getLiveFunction('shop-cron-dev');

      expect(live).toMatchObject({
        digest: base64,
        digestKind: 'zip',
        configuration: {
          packageType: 'Zip',
          runtime: 'nodejs20.x',
          handler: 'index.handler',
        },
      });
    });

    it('answers undefined for a function without a live alias', async () => {
      fleet = mockFleet({
        functions: [
          {
            accountId: ACCOUNT,
            name: 'shop-new-dev',
            latestCodeSha256: IMAGE_HEX,
          },
        ],
      });
      const { lambda } = await factory().forLocation(LOCATION);

      await expect(
        lambda.getLiveFunction('shop-new-dev'),
      ).resolves.toBeUndefined();
    });
  });

  describe('with throttling answered by the HTTP layer (the SDK retry runs)', () => {
    // The adaptive strategy slows the client to ~1 call per 2 s after throttling: real seconds pass.
    jest.setTimeout(30_000);
    const listPage = {
      statusCode: 200,
      body: JSON.stringify({
        Functions: [
          {
            FunctionName: 'shop-a-dev',
            FunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:shop-a-dev`,
            PackageType: 'Image',
            CodeSha256: IMAGE_HEX,
            Version: '$LATEST',
          },
        ],
      }),
    };

    it.each(['TooManyRequestsException', 'ThrottlingException'])(
      'retries %s with backoff and then succeeds',
      async errorType => {
        const http = stubHttpHandler((_, index) =>
          index < 2 ? lambdaThrottled(errorType) : listPage,
        );
        const aws = factory({ requestHandler: http });
        const { lambda } = await aws.forLocation(LOCATION);

        const functions = await lambda.listFunctions();

        expect(functions.map(fn => fn.state.functionName)).toEqual([
          'shop-a-dev',
        ]);
        expect(http.requests).toHaveLength(3);
        expect(aws.callCounter.callsByOperation()).toEqual({
          'lambda:ListFunctions': 1,
        });
        expect(aws.callCounter.retriesByOperation()).toEqual({
          'lambda:ListFunctions': 2,
        });
      },
    );

    it('gives up after the configured attempts with an error naming the operation', async () => {
      const http = stubHttpHandler(() => lambdaThrottled());
      const aws = factory({
        requestHandler: http,
        retry: { ...FAST_RETRY, maxAttempts: 3 },
      });
      const { lambda } = await aws.forLocation(LOCATION);

      const failure = lambda.listFunctions();

      await expect(failure).rejects.toBeInstanceOf(AwsCallError);
      await expect(failure).rejects.toThrow(
        'lambda:ListFunctions failed: TooManyRequestsException: Rate exceeded',
      );
      expect(http.requests).toHaveLength(3);
    });

    it('sends requests to the account endpoint from config', async () => {
      const http = stubHttpHandler(() => listPage);
      const aws = factory({
        requestHandler: http,
        endpoints: new Map([[ACCOUNT, 'http://127.0.0.1:9999']]),
      });
      const { lambda } = await aws.forLocation(LOCATION);
      await lambda.listFunctions();

      expect(http.requests[0].headers.host).toBe('127.0.0.1:9999');
    });
  });
});
