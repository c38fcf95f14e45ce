import { LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import {
  DemoFleet,
  Emulator,
  findMotoServer,
  loadDemoFleet,
  seedDemoFleet,
  startEmulator,
} from '@internal/demo-fleet';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { AwsEnvironmentCollector } from '../collector/AwsEnvironmentCollector';
import { ServiceDescriptor } from '../collector/types';
import { DatabaseMatrixStore } from '../database/DatabaseMatrixStore';
import { readComplianceConfig } from './config';
import { DatabaseFindingsStore } from './DatabaseFindingsStore';
import { evaluateService } from './evaluateService';
import { StoredFinding } from './FindingsStore';

function motoAvailable(): boolean {
  try {
    findMotoServer();
    return true;
  } catch {
    return false;
  }
}
const describeWithMoto = motoAvailable() ? describe : describe.skip;

/**
 * The whole path on the demo fleet: seed the emulator, collect, store the matrix, evaluate every
 * service and store its findings, as the plugin does after each refresh.
 */
describeWithMoto('compliance of the demo fleet (moto)', () => {
  jest.setTimeout(240_000);
  const fleet: DemoFleet = loadDemoFleet();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;
  let emulator: Emulator;
  let config: ConfigReader;
  let environments: EnvironmentDefinition[];
  let services: ServiceDescriptor[];
  let collector: AwsEnvironmentCollector;
  let matrices: DatabaseMatrixStore;
  let findings: DatabaseFindingsStore;

  async function refreshAndEvaluate(now: Date): Promise<StoredFinding[]> {
    const result = await collector.collect({ environments, services });
    expect(result.failedLocations).toEqual([]);
    await matrices.saveRefresh(result, services, { replaceFleet: true });
    const compliance = readComplianceConfig(config, environments);
    for (const service of services) {
      await findings.replaceFindings(
        service.entityRef,
        evaluateService({
          matrix: await matrices.getMatrix(service.entityRef),
          environments,
          service,
          config: compliance,
        }),
        now,
      );
    }
    return findings.listFindings();
  }

  /**
   * The digest-drift findings must be exactly the environments the matrix marks as running an
   * unpromoted artifact. Which ones those are on a freshly seeded fleet depends on the order the seeder
   * happened to publish versions across accounts (the store orders a first refresh's digests by their
   * publish times), so the demo's payments-api hotfix is asserted in complianceOnEmulator.test.ts instead.
   */
  async function expectDigestDriftToFollowTheMatrix(found: StoredFinding[]) {
    const unpromoted: string[][] = [];
    for (const service of services) {
      const matrix = await matrices.getMatrix(service.entityRef);
      for (const state of matrix.environments) {
        if (state.comparison?.unpromotedArtifact) {
          unpromoted.push([service.entityRef, state.environment]);
        }
      }
    }
    expect(
      found
        .filter(f => f.kind === 'digest-drift')
        .map(f => [f.entityRef, f.environment]),
    ).toEqual(expect.arrayContaining(unpromoted));
    expect(found.filter(f => f.kind === 'digest-drift')).toHaveLength(
      unpromoted.length,
    );
  }

  const withoutDigestDrift = (found: StoredFinding[]) =>
    found.filter(f => f.kind !== 'digest-drift');

  const row = (f: StoredFinding) => [
    f.entityRef.replace('component:default/', ''),
    f.environment,
    f.kind,
    f.rule,
    f.subject,
  ];

  beforeAll(async () => {
    emulator = await startEmulator();
    await seedDemoFleet({ endpoint: emulator.endpoint });
    process.env.AWS_ENDPOINT_URL_STS = emulator.endpoint;

    environments = fleet.environments.map(env => ({
      name: env.name,
      title: env.name,
      shortName: env.shortName,
      longName: env.longName,
      locations: [{ accountId: env.accountId, region: fleet.region }],
    }));
    services = fleet.services.map(service => ({
      entityRef: `component:default/${service.component}`,
      project: fleet.project,
      component: service.component,
      explicitFunctionNames: {},
      owner: `group:default/${service.owner}`,
    }));
    config = new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
        accountDefaults: { roleName: 'environments-reader' },
      },
      environments: {
        definitions: fleet.environments.map(env => ({
          name: env.name,
          shortName: env.shortName,
          longName: env.longName,
          locations: [{ accountId: env.accountId, region: fleet.region }],
          declared: {
            memory: env.declared.memorySize,
            timeout: env.declared.timeout,
            reservedConcurrency: env.declared.reservedConcurrency,
          },
        })),
        accounts: fleet.environments.map(env => ({
          accountId: env.accountId,
          endpoint: emulator.endpoint,
        })),
        compliance: {
          naming: {
            conventions: {
              lambdaFunction: '{project}-{component}-{env}',
              cloudFormationStack: '{project}-{component}-{env}',
            },
          },
          tags: { required: fleet.requiredTags },
        },
      },
    });
    collector = AwsEnvironmentCollector.fromConfig(config, {
      readers: AwsClientFactory.fromConfig(config),
    });
    const knex = await databases.init('SQLITE_3');
    matrices = await DatabaseMatrixStore.create({
      database: { getClient: async () => knex },
      environments,
    });
    findings = new DatabaseFindingsStore(knex);
  });

  afterAll(async () => {
    if (previousStsEndpoint === undefined) {
      delete process.env.AWS_ENDPOINT_URL_STS;
    } else {
      process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
    }
    await emulator?.stop();
  });

  it('finds the deliberate problems of the demo and nothing on inventory-service', async () => {
    const found = await refreshAndEvaluate(new Date('2026-11-23T10:00:00Z'));

    await expectDigestDriftToFollowTheMatrix(found);
    expect(withoutDigestDrift(found).map(row)).toEqual([
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
      ['reporting-api', 'prod', 'config-drift', 'config.declared', 'timeout'],
      ['reporting-api', 'staging', 'config-drift', 'config.declared', 'memory'],
    ]);
    expect(found.find(f => f.kind === 'naming')).toMatchObject({
      expected: 'shop-notifications-worker-prod',
      actual: 'shop-notifications-worker-production',
    });
    expect(
      await findings.summary('component:default/inventory-service'),
    ).toMatchObject({
      total: 0,
      evaluatedAt: '2026-11-23T10:00:00.000Z',
    });
  });

  it('clears the missing tags once they are added with lambda:TagResource', async () => {
    const staging = fleet.environments.find(env => env.name === 'staging')!;
    const credentials = DefaultAwsCredentialsManager.fromConfig(config);
    const { sdkCredentialProvider } = await credentials.getCredentialProvider({
      accountId: staging.accountId,
    });
    const lambda = new LambdaClient({
      region: fleet.region,
      endpoint: emulator.endpoint,
      credentials: sdkCredentialProvider,
    });
    await lambda.send(
      new TagResourceCommand({
        Resource: `arn:aws:lambda:${fleet.region}:${staging.accountId}:function:shop-notifications-worker-staging`,
        Tags: { Owner: 'team-platform', CostCenter: 'CC-2002' },
      }),
    );

    const found = await refreshAndEvaluate(new Date('2026-11-23T10:10:00Z'));

    await expectDigestDriftToFollowTheMatrix(found);
    expect(withoutDigestDrift(found).map(row)).toEqual([
      [
        'notifications-worker',
        'prod',
        'naming',
        'naming.environment-spelling',
        undefined,
      ],
      ['reporting-api', 'prod', 'config-drift', 'config.declared', 'timeout'],
      ['reporting-api', 'staging', 'config-drift', 'config.declared', 'memory'],
    ]);
    // The problems that remain keep the time they were first seen.
    expect(found.every(f => f.since === '2026-11-23T10:00:00.000Z')).toBe(true);
  });
});
