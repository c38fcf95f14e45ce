import { TestDatabases } from '@backstage/backend-test-utils';
import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import {
  ACCOUNTS,
  collectorFor,
  DEMO_ENVIRONMENTS,
  DEMO_FLEET,
  DEMO_SERVICES,
  describeWithMoto,
  emulatorConfig,
  startAwsEmulator,
  tagFunction,
} from '../__testUtils__/emulator';
import {
  complianceConfig,
  CompliancePipeline,
  findingRow,
} from './__testUtils__/compliancePipeline';
import { StoredFinding } from './FindingsStore';

/**
 * The whole path on the demo fleet: seed the emulator, collect, store the matrix, evaluate every
 * service and store its findings, as the plugin does after each refresh.
 */
describeWithMoto('compliance of the demo fleet (moto)', () => {
  jest.setTimeout(240_000);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let emulator: Emulator;
  let pipeline: CompliancePipeline;

  async function refreshAndEvaluate(now: Date): Promise<StoredFinding[]> {
    const { result, findings } = await pipeline.refreshAndEvaluate(now);
    expect(result.failedLocations).toEqual([]);
    return findings;
  }

  /**
   * The digest-drift findings must be exactly the environments the matrix marks as running an
   * unpromoted artifact. Which ones those are on a freshly seeded fleet depends on the order the seeder
   * happened to publish versions across accounts (the store orders a first refresh's digests by their
   * publish times), so the demo's payments-api hotfix is asserted in complianceOnEmulator.test.ts instead.
   */
  async function expectDigestDriftToFollowTheMatrix(found: StoredFinding[]) {
    const unpromoted: string[][] = [];
    for (const service of DEMO_SERVICES) {
      const matrix = await pipeline.matrices.getMatrix(service.entityRef);
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

  beforeAll(async () => {
    emulator = await startAwsEmulator();
    await seedDemoFleet({ endpoint: emulator.endpoint });
    const config = emulatorConfig(emulator.endpoint, {
      environments: complianceConfig({
        environments: DEMO_ENVIRONMENTS,
        declared: Object.fromEntries(
          DEMO_FLEET.environments.map(env => [
            env.name,
            {
              memory: env.declared.memorySize,
              timeout: env.declared.timeout,
              reservedConcurrency: env.declared.reservedConcurrency,
            },
          ]),
        ),
        requiredTags: DEMO_FLEET.requiredTags,
        // As the demo's app-config: its variables differ per environment by design; the configuration
        // matrix judges them (docs/configuration-matrix.md).
        allowedToDiffer: [
          'memory',
          'timeout',
          'reservedConcurrency',
          'environmentVariableNames',
        ],
      }),
    });
    pipeline = await CompliancePipeline.create({
      database: await databases.init('SQLITE_3'),
      config,
      environments: DEMO_ENVIRONMENTS,
      services: DEMO_SERVICES,
      collector: collectorFor(config).collector,
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('finds the deliberate problems of the demo and nothing on inventory-service', async () => {
    const found = await refreshAndEvaluate(new Date('2026-11-23T10:00:00Z'));

    await expectDigestDriftToFollowTheMatrix(found);
    expect(withoutDigestDrift(found).map(findingRow)).toEqual([
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
      await pipeline.findings.summary('component:default/inventory-service'),
    ).toMatchObject({
      total: 0,
      evaluatedAt: '2026-11-23T10:00:00.000Z',
    });
  });

  it('clears the missing tags once they are added with lambda:TagResource', async () => {
    await tagFunction(
      emulator.endpoint,
      ACCOUNTS.staging,
      'shop-notifications-worker-staging',
      { Owner: 'team-platform', CostCenter: 'CC-2002' },
    );

    const found = await refreshAndEvaluate(new Date('2026-11-23T10:10:00Z'));

    await expectDigestDriftToFollowTheMatrix(found);
    expect(withoutDigestDrift(found).map(findingRow)).toEqual([
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
