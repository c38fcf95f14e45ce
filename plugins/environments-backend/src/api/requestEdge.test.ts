import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import {
  component,
  DEMO_CONFIG,
  FakeCollector,
} from '../__testUtils__/testBackend';
import { environmentCollectorServiceRef } from '../serviceRefs';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** The plugin on a database; the catalog fails for the entity named `broken`, as an outage would. */
async function start(databaseId: TestDatabaseId) {
  const catalog = catalogServiceMock({
    entities: [component('checkout-api', { owner: 'team-checkout' })],
  });
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
    }): ServiceFactory<SchedulerService>;
  };
  return startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({ data: DEMO_CONFIG }),
      mockServices.database.factory({ knex: await databases.init(databaseId) }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          Object.assign(Object.create(catalog), {
            async getEntityByRef(
              ...args: Parameters<typeof catalog.getEntityByRef>
            ) {
              const [ref] = args;
              const name =
                typeof ref === 'string' ? ref.split('/').pop() : ref.name;
              if (name === 'broken') {
                throw new Error('connect ECONNREFUSED 10.0.0.1:5432');
              }
              return catalog.getEntityByRef(...args);
            },
          }),
      }),
      createServiceFactory({
        service: environmentCollectorServiceRef,
        deps: {},
        factory: () => new FakeCollector(),
      }),
    ],
  });
}

describe.each(databases.eachSupportedId())('the request edge on %p', id => {
  let backend: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    backend = await start(id);
  });
  afterAll(() => backend.stop());

  it('answers 400 naming the field for a NUL in a body, a query or a path (PostgreSQL stores no NUL)', async () => {
    const server = backend.server;
    const nul = 'component:default/checkout\u0000api';

    const list = await request(server).get(
      `/api/environments/promotions?entityRef=${encodeURIComponent(nul)}`,
    );
    expect(list.status).toBe(400);
    expect(list.body.error.message).toMatch(/^request\/query\/entityRef /);

    const rollback = await request(server)
      .post('/api/environments/rollbacks')
      .send({ entityRef: nul, environment: 'prod' });
    expect(rollback.status).toBe(400);
    expect(rollback.body.error.message).toBe(
      'request/body/entityRef must not contain control characters; found U+0000 at position 26',
    );

    const promotion = await request(server)
      .post('/api/environments/promotions')
      .send({ entityRef: 'checkout-api', targetEnvironment: 'prod\u0007' });
    expect(promotion.status).toBe(400);
    expect(promotion.body.error.message).toMatch(
      /^request\/body\/targetEnvironment must not contain control characters; found U\+0007/,
    );

    const matrix = await request(server).get(
      '/api/environments/services/default/component/checkout%00api/matrix',
    );
    expect(matrix.status).toBe(400);
    expect(matrix.body.error.message).toBe(
      'request/path/name must not contain control characters; found U+0000 at position 8',
    );
  });

  it('lets line breaks through in free text', async () => {
    const res = await request(backend.server)
      .post('/api/environments/promotions')
      .send({
        entityRef: 'component:default/nobody-knows',
        targetEnvironment: 'prod',
        comment: 'release 1.4.0\r\n\tfixes the checkout',
      });
    expect(res.status).toBe(404);
  });

  it('answers 413 with the limit for a 2 MB body, and 400 for a body that is not JSON', async () => {
    const large = await request(backend.server)
      .post('/api/environments/promotions')
      .send({ comment: 'x'.repeat(2 * 1024 * 1024) });
    expect(large.status).toBe(413);
    expect(large.body.error).toEqual({
      name: 'PayloadTooLargeError',
      message: 'The request body is 2.0 MB; the limit is 100 kB',
      statusCode: 413,
    });

    const broken = await request(backend.server)
      .post('/api/environments/rollbacks')
      .set('Content-Type', 'application/json')
      .send('{"entityRef":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(
      /^The request body is not valid JSON: /,
    );
  });

  it('answers 405 with the allowed methods for a method the spec does not list on a path', async () => {
    const res = await request(backend.server).delete('/api/environments/fleet');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.body.error).toMatchObject({
      name: 'MethodNotAllowedError',
      message: 'DELETE is not supported on /fleet; use GET',
    });
    const head = await request(backend.server).head('/api/environments/fleet');
    expect(head.status).toBe(200);
  });

  it('shows no stack trace in an error body outside development', async () => {
    const res = await request(backend.server).get(
      '/api/environments/services/default/component/broken/matrix',
    );
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe('connect ECONNREFUSED 10.0.0.1:5432');
    expect(res.body.error).not.toHaveProperty('stack');
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
