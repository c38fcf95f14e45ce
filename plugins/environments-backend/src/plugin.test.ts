import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { digestOf } from './matrix/__testUtils__/demoFleet';
import {
  DRIFT_CHECK_TASK_ID,
  environmentsPlugin,
  NEW_SERVICES_TASK_ID,
  PROMOTIONS_SWEEP_TASK_ID,
  REFRESH_TASK_ID,
} from './plugin';
import {
  environmentCollectorServiceRef,
  stackDriftDetectorsServiceRef,
} from './serviceRefs';
import {
  ComplianceFleetCollector,
  COMPLIANCE_CONFIG,
  component,
  DEMO_CONFIG,
  driftedMemory,
  FakeCollector,
  FakeDriftDetectors,
} from './__testUtils__/testBackend';

function withUid(uid: string, entity: ReturnType<typeof component>) {
  return { ...entity, metadata: { ...entity.metadata, uid } };
}

async function start(
  options: {
    config?: object;
    collector?: FakeCollector | ComplianceFleetCollector;
    detectors?: FakeDriftDetectors;
  } = {},
) {
  const collector = options.collector ?? new FakeCollector();
  const detectors = options.detectors ?? new FakeDriftDetectors();
  // At run time the mock scheduler is a MockSchedulerService, which can install itself and trigger tasks.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
    }): ServiceFactory<SchedulerService>;
  };
  const catalog = catalogServiceMock({
    entities: [
      withUid('1', component('checkout-api', { owner: 'team-checkout' })),
      withUid('2', component('inventory-service')),
      withUid('3', component('example-website', { annotations: {} })),
      withUid('4', component('notifications-worker')),
    ],
  });
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({ data: options.config ?? DEMO_CONFIG }),
      // Tasks run when a test triggers them: the refresh and the drift check must not race.
      scheduler.factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      createServiceFactory({
        service: environmentCollectorServiceRef,
        deps: {},
        factory: () => collector,
      }),
      createServiceFactory({
        service: stackDriftDetectorsServiceRef,
        deps: {},
        factory: () => detectors,
      }),
    ],
  });
  return { backend, scheduler, catalog, collector, detectors };
}

const fleetRefs = async (server: Parameters<typeof request>[0]) =>
  (await request(server).get('/api/environments/fleet')).body.items.map(
    (item: { entityRef: string }) => item.entityRef,
  );

describe('environmentsPlugin', () => {
  it('refreshes the fleet of annotated Components in a global scheduled task', async () => {
    const { backend, scheduler, collector } = await start();

    expect(await scheduler.getScheduledTasks()).toEqual([
      expect.objectContaining({ id: REFRESH_TASK_ID, scope: 'global' }),
      expect.objectContaining({ id: NEW_SERVICES_TASK_ID, scope: 'global' }),
      expect.objectContaining({ id: DRIFT_CHECK_TASK_ID, scope: 'global' }),
      expect.objectContaining({
        id: PROMOTIONS_SWEEP_TASK_ID,
        scope: 'local',
      }),
    ]);
    await scheduler.triggerTask(REFRESH_TASK_ID);
    expect(collector.calls).toEqual([
      [
        'component:default/checkout-api',
        'component:default/inventory-service',
        'component:default/notifications-worker',
      ],
    ]);
    expect(await fleetRefs(backend.server)).toEqual([
      'component:default/checkout-api',
      'component:default/inventory-service',
      'component:default/notifications-worker',
    ]);
    const matrix = await request(backend.server).get(
      '/api/environments/services/default/component/checkout-api/matrix',
    );
    expect(matrix.body.environments[2].digest).toBe(
      digestOf('checkout-api', '1.3.2'),
    );

    await backend.stop();
  });

  it('collects a Component the catalog gained since the last full refresh, without waiting for the next one', async () => {
    // notifications-worker is not in the catalog yet (still being read at start-up, or registered later).
    const { backend, scheduler, catalog, collector } = await start();
    const getEntities = catalog.getEntities.bind(catalog);
    let registered = false;
    jest.spyOn(catalog, 'getEntities').mockImplementation(async (...args) => {
      const response = await getEntities(...args);
      return registered
        ? response
        : {
            items: response.items.filter(
              e => e.metadata.name !== 'notifications-worker',
            ),
          };
    });
    await scheduler.triggerTask(REFRESH_TASK_ID);
    await scheduler.triggerTask(NEW_SERVICES_TASK_ID);

    registered = true;
    await scheduler.triggerTask(NEW_SERVICES_TASK_ID);

    expect((collector as FakeCollector).calls).toEqual([
      ['component:default/checkout-api', 'component:default/inventory-service'],
      ['component:default/notifications-worker'],
    ]);
    expect(await fleetRefs(backend.server)).toEqual([
      'component:default/checkout-api',
      'component:default/inventory-service',
      'component:default/notifications-worker',
    ]);

    await backend.stop();
  });

  it('shows new releases and drops services that left the catalog on the next refresh', async () => {
    const { backend, scheduler, catalog, collector } = await start();
    await scheduler.triggerTask(REFRESH_TASK_ID);

    (collector as FakeCollector).releases['checkout-api'] = {
      dev: '1.5.0',
      staging: '1.5.0',
      prod: '1.4.0',
    };
    await catalog.removeEntityByUid('2');
    await scheduler.triggerTask(REFRESH_TASK_ID);

    expect(await fleetRefs(backend.server)).toEqual([
      'component:default/checkout-api',
      'component:default/notifications-worker',
    ]);
    const prod = (
      await request(backend.server).get(
        '/api/environments/services/default/component/checkout-api/matrix',
      )
    ).body.environments[2];
    expect(prod.digest).toBe(digestOf('checkout-api', '1.4.0'));

    await backend.stop();
  });

  it('evaluates compliance after each fleet refresh, and clears a finding once it is fixed', async () => {
    const collector = new ComplianceFleetCollector();
    const { backend, scheduler } = await start({
      config: COMPLIANCE_CONFIG,
      collector,
    });
    const findingsOf = async (name: string) =>
      (
        await request(backend.server).get(
          `/api/environments/services/default/component/${name}/findings`,
        )
      ).body.items.map((f: { environment: string; rule: string }) =>
        [f.environment, f.rule].join(' '),
      );

    await scheduler.triggerTask(REFRESH_TASK_ID);
    expect(await findingsOf('notifications-worker')).toEqual([
      'staging tags.required',
      'prod naming.environment-spelling',
    ]);

    collector.tags['shop-notifications-worker-staging'].Owner = 'team-platform';
    await scheduler.triggerTask(REFRESH_TASK_ID);
    expect(await findingsOf('notifications-worker')).toEqual([
      'prod naming.environment-spelling',
    ]);

    await backend.stop();
  });

  it('checks CloudFormation drift on schedule, a few stacks per run, and shows what it found', async () => {
    const detectors = new FakeDriftDetectors();
    detectors.reports['shop-checkout-api-dev'] = driftedMemory(
      'shop-checkout-api-dev',
      '2048',
    );
    const config = structuredClone(COMPLIANCE_CONFIG) as any;
    config.environments.compliance.cloudFormationDrift = {
      stacksPerRun: 2,
      frequency: { hours: 12 },
    };
    const { backend, scheduler } = await start({
      config,
      collector: new ComplianceFleetCollector(),
      detectors,
    });
    await scheduler.triggerTask(REFRESH_TASK_ID);

    await scheduler.triggerTask(DRIFT_CHECK_TASK_ID);

    expect(detectors.detected).toEqual([
      'shop-checkout-api-dev',
      'shop-checkout-api-staging',
    ]);
    const findings = await request(backend.server).get(
      '/api/environments/services/default/component/checkout-api/findings',
    );
    expect(findings.body.items).toEqual([
      expect.objectContaining({
        environment: 'dev',
        kind: 'cloudformation-drift',
        actual: '2048',
      }),
    ]);

    await backend.stop();
  });

  it('does not schedule drift checks when stacksPerRun is 0', async () => {
    const { backend, scheduler } = await start({ config: COMPLIANCE_CONFIG });

    expect(
      (await scheduler.getScheduledTasks()).map(task => task.id),
    ).not.toContain(DRIFT_CHECK_TASK_ID);

    await backend.stop();
  });

  it('does not start with an environments section that is wrong, and says where', async () => {
    const config = structuredClone(DEMO_CONFIG) as any;
    config.environments.definitions[2].locations[0].accountId = '33';

    await expect(start({ config })).rejects.toThrow(
      "environments.definitions[2].locations[0].accountId must be a 12-digit AWS account id, got '33'",
    );
  });

  it('does not start with a misspelt optional key (prod would otherwise need one approval, not two)', async () => {
    const config = structuredClone(DEMO_CONFIG) as any;
    config.environments.definitions[2].promotion = { aprovals: 2 };

    await expect(start({ config })).rejects.toThrow(
      'environments.definitions[2].promotion.aprovals is not a known key; did you mean approvals?',
    );
  });
});
