import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { digestOf } from './database/__testUtils__/demoFleet';
import { environmentsPlugin, REFRESH_TASK_ID } from './plugin';
import { environmentCollectorServiceRef } from './service';
import {
  component,
  DEMO_CONFIG,
  FakeCollector,
} from './service/__testUtils__/testBackend';

function withUid(uid: string, entity: ReturnType<typeof component>) {
  return { ...entity, metadata: { ...entity.metadata, uid } };
}

async function start(
  options: { config?: object; collector?: FakeCollector } = {},
) {
  const collector = options.collector ?? new FakeCollector();
  // At run time the mock scheduler is a MockSchedulerService, which can install itself and trigger tasks.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory<SchedulerService>;
  };
  const catalog = catalogServiceMock({
    entities: [
      withUid('1', component('checkout-api', { owner: 'team-checkout' })),
      withUid('2', component('inventory-service')),
      withUid('3', component('example-website', { annotations: {} })),
    ],
  });
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({ data: options.config ?? DEMO_CONFIG }),
      scheduler.factory(),
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
    ],
  });
  return { backend, scheduler, catalog, collector };
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
    ]);
    // The mock scheduler ran the task once at start-up.
    expect(collector.calls).toEqual([
      ['component:default/checkout-api', 'component:default/inventory-service'],
    ]);
    expect(await fleetRefs(backend.server)).toEqual([
      'component:default/checkout-api',
      'component:default/inventory-service',
    ]);
    const matrix = await request(backend.server).get(
      '/api/environments/services/default/component/checkout-api/matrix',
    );
    expect(matrix.body.environments[2].digest).toBe(
      digestOf('checkout-api', '1.3.2'),
    );

    await backend.stop();
  });

  it('shows new releases and drops services that left the catalog on the next refresh', async () => {
    const { backend, scheduler, catalog, collector } = await start();

    collector.releases['checkout-api'] = {
      dev: '1.5.0',
      staging: '1.5.0',
      prod: '1.4.0',
    };
    await catalog.removeEntityByUid('2');
    await scheduler.triggerTask(REFRESH_TASK_ID);

    expect(await fleetRefs(backend.server)).toEqual([
      'component:default/checkout-api',
    ]);
    const prod = (
      await request(backend.server).get(
        '/api/environments/services/default/component/checkout-api/matrix',
      )
    ).body.environments[2];
    expect(prod.digest).toBe(digestOf('checkout-api', '1.4.0'));

    await backend.stop();
  });

  it('does not start with an environments section that is wrong, and says where', async () => {
    const config = structuredClone(DEMO_CONFIG) as any;
    config.environments.definitions[2].locations[0].accountId = '33';

    await expect(start({ config })).rejects.toThrow(
      "environments.definitions[2].locations[0].accountId must be a 12-digit AWS account id, got '33'",
    );
  });
});
