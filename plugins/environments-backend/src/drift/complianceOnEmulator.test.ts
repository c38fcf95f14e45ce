import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  LambdaClient,
  CreateAliasCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import {
  EnvironmentDefinition,
  Finding,
} from '@internal/backstage-plugin-environments-common';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { CloudFormationDriftAdapter } from '../aws/CloudFormationDriftAdapter';
import { LocationRateLimiter } from '../aws/RateLimiter';
import { Moto, motoServerBinary, startMoto } from '../aws/__testUtils__/moto';
import { AwsEnvironmentCollector } from '../collector/AwsEnvironmentCollector';
import { RefreshResult, ServiceDescriptor } from '../collector/types';
import { DatabaseMatrixStore } from '../database/DatabaseMatrixStore';
import { readComplianceConfig } from './config';
import { DatabaseFindingsStore } from './DatabaseFindingsStore';
import { evaluateService } from './evaluateService';
import { StackDriftChecker, stackDriftTargets } from './StackDriftChecker';
import { StackDriftTarget } from './types';

const REGION = 'eu-west-1';
const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};
const ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
  },
].map(env => ({
  ...env,
  locations: [{ accountId: ACCOUNTS[env.name], region: REGION }],
}));

const DECLARED: Record<
  string,
  { memory: number; timeout: number; reservedConcurrency: number }
> = {
  dev: { memory: 512, timeout: 120, reservedConcurrency: 5 },
  staging: { memory: 1024, timeout: 300, reservedConcurrency: 10 },
  prod: { memory: 1024, timeout: 300, reservedConcurrency: 50 },
};

const OWNERS: Record<string, string> = {
  'checkout-api': 'team-checkout',
  'payments-api': 'team-checkout',
  'inventory-service': 'team-platform',
  'notifications-worker': 'team-platform',
  'reporting-api': 'team-platform',
};

const SERVICES: ServiceDescriptor[] = Object.entries(OWNERS).map(
  ([component, owner]) => ({
    entityRef: `component:default/${component}`,
    project: 'shop',
    component,
    explicitFunctionNames: {},
    owner: `group:default/${owner}`,
  }),
);

/** One function in a stack, as the demo's stacks hold them. */
function serviceStack(
  functionName: string,
  options: { memory: number; timeout: number; variables: string[] },
) {
  return JSON.stringify({
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'lambda.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: functionName,
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: 'exports.handler = async () => "placeholder"' },
          MemorySize: options.memory,
          Timeout: options.timeout,
          Environment: {
            Variables: Object.fromEntries(
              options.variables.map(name => [name, 'value']),
            ),
          },
        },
      },
    },
  });
}

const binary = motoServerBinary();
const describeWithMoto = binary ? describe : describe.skip;

describeWithMoto('compliance findings on the AWS emulator (moto)', () => {
  jest.setTimeout(180_000);
  let moto: Moto;
  let config: ConfigReader;
  let credentials: DefaultAwsCredentialsManager;
  let collector: AwsEnvironmentCollector;
  let store: DatabaseFindingsStore;
  let matrices: DatabaseMatrixStore;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

  const clients = async (env: string) => {
    const { sdkCredentialProvider } = await credentials.getCredentialProvider({
      accountId: ACCOUNTS[env],
    });
    const clientConfig = {
      region: REGION,
      endpoint: moto.endpoint,
      credentials: sdkCredentialProvider,
    };
    return {
      lambda: new LambdaClient(clientConfig),
      cloudFormation: new CloudFormationClient(clientConfig),
    };
  };
  const arn = (env: string, name: string) =>
    `arn:aws:lambda:${REGION}:${ACCOUNTS[env]}:function:${name}`;
  const tagsOf = (component: string, env: string, environmentTag = env) => ({
    Project: 'shop',
    Component: component,
    Environment: environmentTag,
    ManagedBy: 'cloudformation',
    Owner: OWNERS[component],
    CostCenter: 'cc-42',
  });

  /** A new version with the given change, and the live alias moved onto it (how a deployment lands). */
  async function release(
    env: string,
    functionName: string,
    change: { code?: string; memory?: number; variables?: string[] },
  ) {
    const { lambda } = await clients(env);
    if (change.code) {
      await lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: functionName,
          ZipFile: Buffer.from(change.code),
        }),
      );
    }
    if (change.memory || change.variables) {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: functionName,
          ...(change.memory ? { MemorySize: change.memory } : {}),
          ...(change.variables
            ? {
                Environment: {
                  Variables: Object.fromEntries(
                    change.variables.map(name => [name, 'value']),
                  ),
                },
              }
            : {}),
        }),
      );
    }
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 30 },
      { FunctionName: functionName },
    );
    const { Version } = await lambda.send(
      new PublishVersionCommand({ FunctionName: functionName }),
    );
    return { lambda, version: Version! };
  }

  async function deploy(
    env: string,
    component: string,
    options: {
      functionName?: string;
      code: string;
      memory?: number;
      timeout?: number;
      variables?: string[];
      tags?: Record<string, string>;
    },
  ) {
    const functionName = options.functionName ?? `shop-${component}-${env}`;
    const { cloudFormation } = await clients(env);
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: `shop-${component}-${env}`,
        TemplateBody: serviceStack(functionName, {
          memory: options.memory ?? DECLARED[env].memory,
          timeout: options.timeout ?? DECLARED[env].timeout,
          variables: options.variables ?? ['LOG_LEVEL', 'TABLE_NAME'],
        }),
      }),
    );
    const { lambda, version } = await release(env, functionName, {
      code: options.code,
    });
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: functionName,
        Name: 'live',
        FunctionVersion: version,
      }),
    );
    // CloudFormation on moto does not apply a function's Tags: tag it as the demo seeder does.
    await lambda.send(
      new TagResourceCommand({
        Resource: arn(env, functionName),
        Tags: options.tags ?? tagsOf(component, env),
      }),
    );
  }

  async function moveLive(
    env: string,
    functionName: string,
    change: Parameters<typeof release>[2],
  ) {
    const { lambda, version } = await release(env, functionName, change);
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: functionName,
        Name: 'live',
        FunctionVersion: version,
      }),
    );
  }

  /** Refreshes the fleet and evaluates every service, storing the findings as the plugin will. */
  async function refreshAndEvaluate(
    now: Date,
  ): Promise<{ result: RefreshResult; findings: Finding[] }> {
    const result = await collector.collect({
      environments: ENVIRONMENTS,
      services: SERVICES,
    });
    expect(result.failedLocations).toEqual([]);
    await matrices.saveRefresh(result, SERVICES, { replaceFleet: true });
    const compliance = readComplianceConfig(config, ENVIRONMENTS);
    const stackDrift = await store.listStackDriftChecks();
    for (const service of SERVICES) {
      const evaluated = evaluateService({
        matrix: await matrices.getMatrix(service.entityRef),
        environments: ENVIRONMENTS,
        service,
        config: compliance,
        stackDrift: stackDrift.filter(
          check => check.entityRef === service.entityRef,
        ),
      });
      await store.replaceFindings(service.entityRef, evaluated, now);
    }
    return { result, findings: await store.listFindings() };
  }

  const row = (f: Finding & { entityRef?: string }) => [
    f.entityRef?.replace('component:default/', ''),
    f.environment,
    f.kind,
    f.rule,
    f.subject,
  ];

  beforeAll(async () => {
    moto = await startMoto(binary!);
    process.env.AWS_ENDPOINT_URL_STS = moto.endpoint;
    config = new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
        accountDefaults: { roleName: 'environments-reader' },
      },
      environments: {
        definitions: ENVIRONMENTS.map(env => ({
          name: env.name,
          shortName: env.shortName,
          longName: env.longName,
          locations: env.locations,
          declared: DECLARED[env.name],
        })),
        accounts: Object.values(ACCOUNTS).map(accountId => ({
          accountId,
          endpoint: moto.endpoint,
        })),
        compliance: {
          naming: {
            conventions: {
              lambdaFunction: '{project}-{component}-{env}',
              cloudFormationStack: '{project}-{component}-{env}',
            },
          },
          tags: {
            required: [
              'Project',
              'Component',
              'Environment',
              'ManagedBy',
              'Owner',
              'CostCenter',
            ],
          },
        },
      },
    });
    credentials = DefaultAwsCredentialsManager.fromConfig(config);
    collector = AwsEnvironmentCollector.fromConfig(config, {
      readers: AwsClientFactory.fromConfig(config),
    });
    const knex = await databases.init('SQLITE_3');
    matrices = await DatabaseMatrixStore.create({
      database: { getClient: async () => knex },
      environments: ENVIRONMENTS,
    });
    store = new DatabaseFindingsStore(knex);

    for (const env of ['dev', 'staging', 'prod']) {
      await deploy(env, 'inventory-service', { code: 'inventory v2.1.0' });
    }
    await deploy('dev', 'checkout-api', { code: 'checkout v1.4.0' });
    await deploy('staging', 'checkout-api', { code: 'checkout v1.4.0' });
    // A debugging switch that only prod has: parity says so.
    await deploy('prod', 'checkout-api', {
      code: 'checkout v1.4.0',
      variables: ['LOG_LEVEL', 'TABLE_NAME', 'DEBUG_MODE'],
    });
    await deploy('dev', 'payments-api', { code: 'payments v3.0.0' });
    await deploy('staging', 'payments-api', { code: 'payments v3.0.0' });
    await deploy('prod', 'payments-api', { code: 'payments v3.0.1-hotfix' });
    await deploy('dev', 'notifications-worker', { code: 'notify v1.0.0' });
    await deploy('staging', 'notifications-worker', {
      code: 'notify v1.0.0',
      tags: (({ Owner, CostCenter, ...rest }) => rest)(
        tagsOf('notifications-worker', 'staging'),
      ),
    });
    await deploy('prod', 'notifications-worker', {
      functionName: 'shop-notifications-worker-production',
      code: 'notify v1.0.0',
      tags: tagsOf('notifications-worker', 'prod', 'production'),
    });
    await deploy('dev', 'reporting-api', { code: 'reporting v0.9.0' });
    await deploy('staging', 'reporting-api', {
      code: 'reporting v0.9.0',
      memory: 512,
    });
    await deploy('prod', 'reporting-api', {
      code: 'reporting v0.9.0',
      timeout: 60,
    });
  });

  afterAll(async () => {
    if (previousStsEndpoint === undefined) {
      delete process.env.AWS_ENDPOINT_URL_STS;
    } else {
      process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
    }
    await moto?.stop();
  });

  it("finds each of the fleet's deliberate problems, and nothing on the clean service", async () => {
    const { findings } = await refreshAndEvaluate(
      new Date('2026-11-23T10:00:00Z'),
    );

    // Ordered by service, severity (errors first), environment.
    expect(findings.map(row)).toEqual([
      [
        'checkout-api',
        'prod',
        'parity',
        'parity.differs',
        'environmentVariableNames',
      ],
      [
        'notifications-worker',
        'staging',
        'tags',
        'tags.required',
        'CostCenter',
      ],
      ['notifications-worker', 'staging', 'tags', 'tags.required', 'Owner'],
      [
        'notifications-worker',
        'prod',
        'naming',
        'naming.environment-spelling',
        undefined,
      ],
      ['payments-api', 'prod', 'digest-drift', 'digest.unpromoted', undefined],
      ['reporting-api', 'prod', 'config-drift', 'config.declared', 'timeout'],
      ['reporting-api', 'staging', 'config-drift', 'config.declared', 'memory'],
    ]);
    const byRule = (rule: string) => findings.find(f => f.rule === rule)!;
    expect(byRule('naming.environment-spelling')).toMatchObject({
      resource: arn('prod', 'shop-notifications-worker-production'),
      expected: 'shop-notifications-worker-prod',
    });
    expect(findings.find(f => f.subject === 'memory')).toMatchObject({
      expected: '1024 MB',
      actual: '512 MB',
    });
    expect(findings.find(f => f.subject === 'timeout')).toMatchObject({
      expected: '300 s',
      actual: '60 s',
    });
    expect(byRule('parity.differs').message).toContain(
      'only in prod: DEBUG_MODE',
    );
    expect(
      await store.summary('component:default/inventory-service'),
    ).toMatchObject({
      total: 0,
      evaluatedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(
      (await store.fleetSummary({ severity: 'error' })).map(s => s.entityRef),
    ).toEqual([
      'component:default/notifications-worker',
      'component:default/payments-api',
    ]);
  });

  it('shows CloudFormation drift as not checked where the emulator lacks the API, without failing', async () => {
    const detectors = {
      forLocation: async ({ accountId }: { accountId: string }) =>
        new CloudFormationDriftAdapter({
          client: (
            await clients(
              Object.keys(ACCOUNTS).find(env => ACCOUNTS[env] === accountId)!,
            )
          ).cloudFormation,
          limiter: new LocationRateLimiter({
            getFunctionPerSecond: 50,
            lambdaControlPlanePerSecond: 10,
            cloudFormationPerSecond: 5,
          }),
          pollIntervalMs: 100,
        }),
    };
    const checker = new StackDriftChecker({
      detectors,
      store,
      logger: mockServices.logger.mock(),
      stacksPerRun: 5,
    });
    const targets: StackDriftTarget[] = [];
    for (const service of SERVICES) {
      targets.push(
        ...stackDriftTargets(await matrices.getMatrix(service.entityRef)),
      );
    }
    expect(targets).toHaveLength(15);

    const run = await checker.run(targets);

    // One call per account finds the API missing; the other stacks there cost nothing.
    expect(run.checks).toHaveLength(15);
    expect(run.checks.every(check => check.status === 'not-checked')).toBe(
      true,
    );
    expect(run.checks[0].reason).toMatch(
      /drift detection is not available here/,
    );
    const stored = await store.listStackDriftChecks({
      entityRef: 'component:default/inventory-service',
    });
    expect(stored.map(check => check.status)).toEqual([
      'not-checked',
      'not-checked',
      'not-checked',
    ]);
  });

  it('clears each finding once the fleet is fixed, keeping since for those that persist', async () => {
    // Tags fixed with lambda:TagResource, memory fixed, the debug switch removed, the hotfix promoted
    // through staging, and the misnamed function replaced by one named by the convention.
    const { lambda } = await clients('staging');
    await lambda.send(
      new TagResourceCommand({
        Resource: arn('staging', 'shop-notifications-worker-staging'),
        Tags: { Owner: 'team-platform', CostCenter: 'cc-42' },
      }),
    );
    await moveLive('staging', 'shop-reporting-api-staging', { memory: 1024 });
    await moveLive('prod', 'shop-checkout-api-prod', {
      variables: ['LOG_LEVEL', 'TABLE_NAME'],
    });
    await moveLive('dev', 'shop-payments-api-dev', {
      code: 'payments v3.0.1-hotfix',
    });
    await moveLive('staging', 'shop-payments-api-staging', {
      code: 'payments v3.0.1-hotfix',
    });
    const { cloudFormation } = await clients('prod');
    await cloudFormation.send(
      new DeleteStackCommand({ StackName: 'shop-notifications-worker-prod' }),
    );
    await deploy('prod', 'notifications-worker', { code: 'notify v1.0.0' });

    const { findings } = await refreshAndEvaluate(
      new Date('2026-11-23T10:10:00Z'),
    );

    // Only prod's timeout is left: it keeps the time it was first seen.
    expect(findings.map(row)).toEqual([
      ['reporting-api', 'prod', 'config-drift', 'config.declared', 'timeout'],
    ]);
    expect(findings[0]).toMatchObject({
      since: '2026-11-23T10:00:00.000Z',
      lastSeenAt: '2026-11-23T10:10:00.000Z',
    });
    expect(await store.fleetSummary({ severity: 'error' })).toEqual([]);
  });
});
