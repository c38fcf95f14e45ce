import {
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Emulator } from '@internal/demo-fleet';
import {
  ACCOUNTS,
  awsClientsIn,
  collectorFor,
  DEMO_ENVIRONMENTS,
  describeWithMoto,
  emulatorConfig,
  functionArn,
  serviceStack,
  startAwsEmulator,
  tagFunction,
} from '../__testUtils__/emulator';
import { CloudFormationDriftAdapter } from '../aws/CloudFormationDriftAdapter';
import { LocationRateLimiter } from '../aws/RateLimiter';
import { service as serviceOf } from '../matrix/__testUtils__/demoFleet';
import {
  complianceConfig,
  CompliancePipeline,
  Declared,
  findingRow,
} from './__testUtils__/compliancePipeline';
import { StoredFinding } from './FindingsStore';
import { StackDriftChecker, stackDriftTargets } from './StackDriftChecker';
import { StackDriftTarget } from './types';

const DECLARED: Record<string, Declared> = {
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

const SERVICES = Object.entries(OWNERS).map(([component, owner]) =>
  serviceOf(component, owner),
);

/** Environment variables of these names, each with a value. */
const variablesNamed = (names: string[]) =>
  Object.fromEntries(names.map(name => [name, 'value']));

describeWithMoto('compliance findings on the AWS emulator (moto)', () => {
  jest.setTimeout(180_000);
  let emulator: Emulator;
  let pipeline: CompliancePipeline;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  const clients = (env: string) =>
    awsClientsIn(emulator.endpoint, ACCOUNTS[env]);
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
                Environment: { Variables: variablesNamed(change.variables) },
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
          memorySize: options.memory ?? DECLARED[env].memory,
          timeout: options.timeout ?? DECLARED[env].timeout,
          variables: variablesNamed(
            options.variables ?? ['LOG_LEVEL', 'TABLE_NAME'],
          ),
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
    await tagFunction(
      emulator.endpoint,
      ACCOUNTS[env],
      functionName,
      options.tags ?? tagsOf(component, env),
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

  async function refreshAndEvaluate(now: Date): Promise<StoredFinding[]> {
    const { result, findings } = await pipeline.refreshAndEvaluate(now);
    expect(result.failedLocations).toEqual([]);
    return findings;
  }

  beforeAll(async () => {
    emulator = await startAwsEmulator();
    const config = emulatorConfig(emulator.endpoint, {
      environments: complianceConfig({
        environments: DEMO_ENVIRONMENTS,
        declared: DECLARED,
        requiredTags: [
          'Project',
          'Component',
          'Environment',
          'ManagedBy',
          'Owner',
          'CostCenter',
        ],
      }),
    });
    pipeline = await CompliancePipeline.create({
      database: await databases.init('SQLITE_3'),
      config,
      environments: DEMO_ENVIRONMENTS,
      services: SERVICES,
      collector: collectorFor(config).collector,
    });

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
    await emulator?.stop();
  });

  it("finds each of the fleet's deliberate problems, and nothing on the clean service", async () => {
    const findings = await refreshAndEvaluate(new Date('2026-11-23T10:00:00Z'));

    // Ordered by service, severity (errors first), environment.
    expect(findings.map(findingRow)).toEqual([
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
      resource: functionArn(
        ACCOUNTS.prod,
        'shop-notifications-worker-production',
      ),
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
      await pipeline.findings.summary('component:default/inventory-service'),
    ).toMatchObject({
      total: 0,
      evaluatedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(
      (await pipeline.findings.fleetSummary({ severity: 'error' })).map(
        s => s.entityRef,
      ),
    ).toEqual([
      'component:default/notifications-worker',
      'component:default/payments-api',
    ]);
  });

  it('shows CloudFormation drift as not checked where the emulator lacks the API, without failing', async () => {
    const detectors = {
      forLocation: async ({ accountId }: { accountId: string }) =>
        new CloudFormationDriftAdapter({
          client: (await awsClientsIn(emulator.endpoint, accountId))
            .cloudFormation,
          limiter: new LocationRateLimiter({
            getFunctionPerSecond: 50,
            lambdaControlPlanePerSecond: 10,
            cloudFormationPerSecond: 5,
            taggingPerSecond: 5,
          }),
          pollIntervalMs: 100,
        }),
    };
    const checker = new StackDriftChecker({
      detectors,
      store: pipeline.findings,
      logger: mockServices.logger.mock(),
      stacksPerRun: 5,
    });
    const targets: StackDriftTarget[] = [];
    for (const service of SERVICES) {
      targets.push(
        ...stackDriftTargets(
          await pipeline.matrices.getMatrix(service.entityRef),
        ),
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
    const stored = await pipeline.findings.listStackDriftChecks({
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
    await tagFunction(
      emulator.endpoint,
      ACCOUNTS.staging,
      'shop-notifications-worker-staging',
      { Owner: 'team-platform', CostCenter: 'cc-42' },
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

    const findings = await refreshAndEvaluate(new Date('2026-11-23T10:10:00Z'));

    // Only prod's timeout is left: it keeps the time it was first seen.
    expect(findings.map(findingRow)).toEqual([
      ['reporting-api', 'prod', 'config-drift', 'config.declared', 'timeout'],
    ]);
    expect(findings[0]).toMatchObject({
      since: '2026-11-23T10:00:00.000Z',
      lastSeenAt: '2026-11-23T10:10:00.000Z',
    });
    expect(await pipeline.findings.fleetSummary({ severity: 'error' })).toEqual(
      [],
    );
  });
});
