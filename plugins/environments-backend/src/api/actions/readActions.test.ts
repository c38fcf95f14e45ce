import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin, REFRESH_TASK_ID } from '../../plugin';
import { environmentCollectorServiceRef } from '../../serviceRefs';
import {
  ComplianceFleetCollector,
  COMPLIANCE_CONFIG,
  component,
} from '../../__testUtils__/testBackend';

const USER = mockCredentials.user.header('user:default/carol');

/**
 * The whole plugin in a backend with Backstage's own actions registry (the one MCP clients and the
 * scaffolder call, over HTTP), after one refresh of a small fleet with compliance problems.
 */
async function start() {
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
    }): ServiceFactory<SchedulerService>;
    triggerTask(id: string): Promise<void>;
  };
  const collector = new ComplianceFleetCollector();
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      actionsRegistryServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...COMPLIANCE_CONFIG,
          backend: { actions: { pluginSources: ['environments'] } },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          component('checkout-api', { owner: 'team-checkout' }),
          component('notifications-worker'),
        ],
      }),
      createServiceFactory({
        service: environmentCollectorServiceRef,
        deps: {},
        factory: () => collector,
      }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
    ],
  });
  await scheduler.triggerTask(REFRESH_TASK_ID);
  return backend;
}

describe('the read actions', () => {
  let backend: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    backend = await start();
  });
  afterAll(() => backend.stop());

  const invoke = (id: string, input: object) =>
    request(backend.server)
      .post(`/api/environments/.backstage/actions/v1/actions/${id}/invoke`)
      .set('Authorization', USER)
      .send(input);
  const get = (path: string) =>
    request(backend.server)
      .get(`/api/environments${path}`)
      .set('Authorization', USER);

  it('lists the six actions: the reads read-only, the changes destructive', async () => {
    const listed = await request(backend.server)
      .get('/api/environments/.backstage/actions/v1/actions')
      .set('Authorization', USER);
    const attributes = Object.fromEntries(
      listed.body.actions.map(
        (a: {
          id: string;
          attributes: { readOnly: boolean; destructive: boolean };
        }) => [a.id, [a.attributes.readOnly, a.attributes.destructive]],
      ),
    );
    expect(attributes).toEqual({
      'environments:get-service-matrix': [true, false],
      'environments:list-fleet': [true, false],
      'environments:get-service-findings': [true, false],
      'environments:request-promotion': [false, true],
      'environments:approve-promotion': [false, true],
      'environments:request-rollback': [false, true],
    });
  });

  it('answers a service’s matrix and findings as their routes do', async () => {
    const path = '/services/default/component/notifications-worker';
    const input = { entityRef: 'notifications-worker' };

    const matrix = await invoke('environments:get-service-matrix', input);
    expect(matrix.status).toBe(200);
    const route = await get(`${path}/matrix`);
    expect(route.body.environments).toHaveLength(3);
    expect(matrix.body.output).toEqual(route.body);

    const findings = await invoke('environments:get-service-findings', input);
    const findingsRoute = await get(`${path}/findings`);
    // The fleet's problems: the prod function's name, the staging function's missing Owner tag.
    expect(findingsRoute.body.items.length).toBeGreaterThanOrEqual(2);
    expect(findings.body.output).toEqual(findingsRoute.body);
  });

  it('answers the fleet page the route answers for the same filters', async () => {
    const fleet = await invoke('environments:list-fleet', {
      search: 'checkout',
      limit: 10,
    });
    const route = await get('/fleet?search=checkout&limit=10');
    expect(
      route.body.items.map((i: { entityRef: string }) => i.entityRef),
    ).toEqual(['component:default/checkout-api']);
    expect(fleet.body.output).toEqual(route.body);
  });

  it('says which input is wrong, and not found for a service the catalog does not hold', async () => {
    const unknown = await invoke('environments:get-service-matrix', {
      entityRef: 'component:default/no-such-service',
    });
    expect(unknown.status).toBe(404);
    const broken = await invoke('environments:get-service-findings', {
      entityRef: 'component:default/Not A Name!',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain('input.entityRef');
  });
});
