import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Emulator, startEmulator } from './emulator';
import { loadDemoFleet } from './fleet';
import { seedDemoFleet, SeedSummary } from './seed';

jest.setTimeout(120_000);

const REGION = 'eu-west-1';
const DEV = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';

let emulator: Emulator;
let firstRun: SeedSummary;

beforeAll(async () => {
  emulator = await startEmulator();
  firstRun = await seedDemoFleet({ endpoint: emulator.endpoint });
});

afterAll(async () => {
  await emulator?.stop();
});

/** Clients acting in one account, reached the way the product reaches it: a role assumed through STS. */
async function account(accountId: string) {
  const sts = new STSClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/environments-reader`,
      RoleSessionName: 'test',
    }),
  );
  const config = {
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  };
  const lambda = new LambdaClient(config);
  const ecr = new ECRClient(config);
  return {
    lambda,
    cloudFormation: new CloudFormationClient(config),
    live: async (functionName: string) =>
      lambda.send(
        new GetFunctionCommand({
          FunctionName: functionName,
          Qualifier: 'live',
        }),
      ),
    /** Digests of the published versions, oldest first, in the `sha256:<hex>` form ECR uses. */
    history: async (functionName: string) => {
      const { Versions = [] } = await lambda.send(
        new ListVersionsByFunctionCommand({ FunctionName: functionName }),
      );
      return Versions.filter(v => v.Version !== '$LATEST')
        .sort((a, b) => Number(a.Version) - Number(b.Version))
        .map(v => `sha256:${v.CodeSha256}`);
    },
    /** The digest ECR gives an image tag in this account. */
    imageDigest: async (repositoryName: string, imageTag: string) => {
      const { imageDetails } = await ecr.send(
        new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag }] }),
      );
      return imageDetails![0].imageDigest!;
    },
    functionNames: async () => {
      const { Functions = [] } = await lambda.send(
        new ListFunctionsCommand({}),
      );
      return Functions.map(f => f.FunctionName!).sort();
    },
  };
}

/** Everything a user of the fleet can see, per account and function. */
async function snapshot() {
  const fleet = loadDemoFleet();
  const result: Record<string, unknown> = {};
  for (const environment of fleet.environments) {
    const aws = await account(environment.accountId);
    for (const functionName of await aws.functionNames()) {
      const { Versions = [] } = await aws.lambda.send(
        new ListVersionsByFunctionCommand({ FunctionName: functionName }),
      );
      const live = await aws.live(functionName);
      const alias = await aws.lambda.send(
        new GetAliasCommand({ FunctionName: functionName, Name: 'live' }),
      );
      const concurrency = await aws.lambda.send(
        new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
      );
      result[`${environment.accountId}/${functionName}`] = {
        versions: Versions.map(v => ({
          version: v.Version,
          codeSha256: v.CodeSha256,
          packageType: v.PackageType,
          memorySize: v.MemorySize,
          timeout: v.Timeout,
          description: v.Description,
          lastModified: v.LastModified,
        })),
        alias: { version: alias.FunctionVersion, revisionId: alias.RevisionId },
        tags: live.Tags,
        concurrency: concurrency.ReservedConcurrentExecutions,
      };
    }
  }
  return result;
}

describe('seedDemoFleet', () => {
  it('puts each environment in its own account, with the fleet’s function names', async () => {
    expect(await (await account(DEV)).functionNames()).toEqual([
      'shop-checkout-api-dev',
      'shop-inventory-service-dev',
      'shop-notifications-worker-dev',
      'shop-payments-api-dev',
      'shop-reporting-api-dev',
    ]);
    expect(await (await account(STAGING)).functionNames()).toEqual([
      'shop-checkout-api-staging',
      'shop-inventory-service-staging',
      'shop-notifications-worker-staging',
      'shop-payments-api-staging',
      'shop-reporting-api-staging',
    ]);
    expect(await (await account(PROD)).functionNames()).toEqual([
      'shop-checkout-api-prod',
      'shop-inventory-service-prod',
      'shop-notifications-worker-production',
      'shop-payments-api-prod',
      'shop-reporting-api-prod',
    ]);
    expect(
      firstRun.accounts.map(a => [a.accountId, a.functions.length]),
    ).toEqual([
      [DEV, 5],
      [STAGING, 5],
      [PROD, 5],
    ]);
  });

  it('runs checkout-api v1.3.2 in prod and the newer v1.4.0 in staging: a promotion waits', async () => {
    const prod = await account(PROD);
    const staging = await account(STAGING);

    const prodLive = await prod.live('shop-checkout-api-prod');
    expect(prodLive.Configuration?.PackageType).toBe('Image');
    expect(`sha256:${prodLive.Configuration?.CodeSha256}`).toBe(
      await prod.imageDigest('checkout-api', 'v1.3.2'),
    );
    expect(prodLive.Code?.ImageUri).toBe(
      `${PROD}.dkr.ecr.${REGION}.amazonaws.com/checkout-api@${await prod.imageDigest(
        'checkout-api',
        'v1.3.2',
      )}`,
    );
    // Prod's history: v1.3.1, then v1.3.2.
    expect(await prod.history('shop-checkout-api-prod')).toEqual([
      await prod.imageDigest('checkout-api', 'v1.3.1'),
      await prod.imageDigest('checkout-api', 'v1.3.2'),
    ]);

    const stagingLive = await staging.live('shop-checkout-api-staging');
    const v140 = await staging.imageDigest('checkout-api', 'v1.4.0');
    expect(`sha256:${stagingLive.Configuration?.CodeSha256}`).toBe(v140);
    expect(v140).not.toBe(`sha256:${prodLive.Configuration?.CodeSha256}`);
    // A release has the same digest in every account, as replicated images do.
    expect(await prod.imageDigest('checkout-api', 'v1.4.0')).toBe(v140);
  });

  it('runs a payments-api hotfix in prod that never ran in staging or dev', async () => {
    const prod = await account(PROD);
    const hotfix = `sha256:${
      (await prod.live('shop-payments-api-prod')).Configuration?.CodeSha256
    }`;
    expect(hotfix).toBe(
      await prod.imageDigest('payments-api', 'v3.0.1-hotfix'),
    );

    const stagingHistory = await (
      await account(STAGING)
    ).history('shop-payments-api-staging');
    const devHistory = await (
      await account(DEV)
    ).history('shop-payments-api-dev');
    expect(stagingHistory.length).toBeGreaterThan(0);
    expect(stagingHistory).not.toContain(hotfix);
    expect(devHistory).not.toContain(hotfix);
  });

  it('names prod’s notifications-worker with the long spelling, findable by its tags, in the conventional stack', async () => {
    const prod = await account(PROD);
    const live = await prod.live('shop-notifications-worker-production');
    expect(live.Tags).toMatchObject({
      Project: 'shop',
      Component: 'notifications-worker',
      Environment: 'prod',
    });
    await expect(prod.live('shop-notifications-worker-prod')).rejects.toThrow();

    const { StackResources = [] } = await prod.cloudFormation.send(
      new DescribeStackResourcesCommand({
        StackName: 'shop-notifications-worker-prod',
      }),
    );
    expect(
      StackResources.filter(
        r => r.ResourceType === 'AWS::Lambda::Function',
      ).map(r => r.PhysicalResourceId),
    ).toEqual(['shop-notifications-worker-production']);
  });

  it('leaves Owner and CostCenter off staging’s notifications-worker only', async () => {
    const staging = await account(STAGING);
    const incomplete =
      (await staging.live('shop-notifications-worker-staging')).Tags ?? {};
    expect(Object.keys(incomplete).sort()).toEqual([
      'Component',
      'Environment',
      'ManagedBy',
      'Project',
    ]);
    expect((await staging.live('shop-inventory-service-staging')).Tags).toEqual(
      {
        Project: 'shop',
        Component: 'inventory-service',
        Environment: 'staging',
        ManagedBy: 'CloudFormation',
        Owner: 'team-platform',
        CostCenter: 'CC-2002',
      },
    );
  });

  it('gives reporting-api 512 MB in staging and a 60 s timeout in prod, other functions what is declared', async () => {
    const staging = await account(STAGING);
    const prod = await account(PROD);
    const reportingStaging = (await staging.live('shop-reporting-api-staging'))
      .Configuration;
    const reportingProd = (await prod.live('shop-reporting-api-prod'))
      .Configuration;
    const inventoryStaging = (
      await staging.live('shop-inventory-service-staging')
    ).Configuration;
    const inventoryProd = (await prod.live('shop-inventory-service-prod'))
      .Configuration;

    expect([reportingStaging?.MemorySize, reportingStaging?.Timeout]).toEqual([
      512, 300,
    ]);
    expect([reportingProd?.MemorySize, reportingProd?.Timeout]).toEqual([
      1024, 60,
    ]);
    expect([inventoryStaging?.MemorySize, inventoryStaging?.Timeout]).toEqual([
      1024, 300,
    ]);
    expect([inventoryProd?.MemorySize, inventoryProd?.Timeout]).toEqual([
      1024, 300,
    ]);
    expect(
      (
        await prod.lambda.send(
          new GetFunctionConcurrencyCommand({
            FunctionName: 'shop-inventory-service-prod',
          }),
        )
      ).ReservedConcurrentExecutions,
    ).toBe(50);
  });

  it('gives every function its history as versions, a live alias on the last one, and a stack', async () => {
    for (const summary of firstRun.accounts) {
      const aws = await account(summary.accountId);
      for (const fn of summary.functions) {
        const history = await aws.history(fn.functionName);
        expect(history.length).toBe(fn.versions);
        expect(history.length).toBeGreaterThanOrEqual(2);
        const alias = await aws.lambda.send(
          new GetAliasCommand({ FunctionName: fn.functionName, Name: 'live' }),
        );
        expect(alias.FunctionVersion).toBe(String(history.length));
        expect(history[history.length - 1]).toBe(
          await aws.imageDigest(fn.component, fn.liveRelease),
        );
        const { StackResources = [] } = await aws.cloudFormation.send(
          new DescribeStackResourcesCommand({ StackName: fn.stackName }),
        );
        expect(StackResources.map(r => r.PhysicalResourceId)).toContain(
          fn.functionName,
        );
      }
    }
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot();
    const secondRun = await seedDemoFleet({ endpoint: emulator.endpoint });
    expect(secondRun.changes).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(secondRun.accounts.map(a => a.functions)).toEqual(
      firstRun.accounts.map(a => a.functions),
    );
  });

  it('puts back only what was changed by hand', async () => {
    const prod = await account(PROD);
    const dev = await account(DEV);
    await prod.lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'shop-checkout-api-prod',
        Name: 'live',
        FunctionVersion: '1',
      }),
    );
    const devInventory = await dev.lambda.send(
      new GetFunctionCommand({ FunctionName: 'shop-inventory-service-dev' }),
    );
    await dev.lambda.send(
      new UntagResourceCommand({
        Resource: devInventory.Configuration!.FunctionArn!,
        TagKeys: ['Owner'],
      }),
    );

    const run = await seedDemoFleet({ endpoint: emulator.endpoint });

    expect(run.accounts.flatMap(a => a.changes)).toEqual([
      'tagged shop-inventory-service-dev with Owner',
      'moved shop-checkout-api-prod:live from version 1 to 2',
    ]);
    expect((await dev.live('shop-inventory-service-dev')).Tags?.Owner).toBe(
      'team-platform',
    );
    expect(
      (
        await prod.lambda.send(
          new GetAliasCommand({
            FunctionName: 'shop-checkout-api-prod',
            Name: 'live',
          }),
        )
      ).FunctionVersion,
    ).toBe('2');
  });

  it('says which endpoint it cannot reach', async () => {
    await expect(
      seedDemoFleet({ endpoint: 'http://127.0.0.1:9' }),
    ).rejects.toThrow(
      /Cannot reach the AWS endpoint http:\/\/127\.0\.0\.1:9 .*Is the emulator running\?/,
    );
  });
});
