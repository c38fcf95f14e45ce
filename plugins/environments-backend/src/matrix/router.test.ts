import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { digestOf } from './__testUtils__/demoFleet';
import { environmentsPlugin } from '../plugin';
import {
  component,
  FakeCollector,
  testFeatures,
} from '../__testUtils__/testBackend';

describe('the environments API', () => {
  let server: Parameters<typeof request>[0];
  let collector: FakeCollector;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    collector = new FakeCollector();
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        ...testFeatures({
          collector,
          entities: [
            component('checkout-api', { owner: 'team-checkout' }),
            component('inventory-service'),
            component('payments-api', { owner: 'team-checkout' }),
            component('example-website', { annotations: {} }),
            { ...component('shop-db'), kind: 'Resource' },
          ],
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(() => stop());

  describe('credentials', () => {
    it.each([
      '/api/environments/environments',
      '/api/environments/fleet',
      '/api/environments/services/default/component/checkout-api/matrix',
    ])('rejects a request without credentials to %s', async path => {
      const res = await request(server)
        .get(path)
        .set('Authorization', mockCredentials.none.header());

      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    });

    it('serves other backends calling with service credentials', async () => {
      const res = await request(server)
        .get('/api/environments/services/default/component/checkout-api/matrix')
        .set('Authorization', mockCredentials.service.header());

      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/checkout-api');
    });
  });

  it('lists the configured environments in promotion order', async () => {
    const res = await request(server).get('/api/environments/environments');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      environments: [
        {
          name: 'dev',
          title: 'Development',
          shortName: 'dev',
          longName: 'development',
          locations: [{ accountId: '111111111111', region: 'eu-west-1' }],
        },
        {
          name: 'staging',
          title: 'Staging',
          shortName: 'staging',
          longName: 'staging',
          locations: [{ accountId: '222222222222', region: 'eu-west-1' }],
        },
        {
          name: 'prod',
          title: 'Production',
          shortName: 'prod',
          longName: 'production',
          locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
        },
      ],
    });
  });

  describe('GET /services/{namespace}/{kind}/{name}/matrix', () => {
    it('shows what the service runs in every environment and what waits for a promotion', async () => {
      const res = await request(server).get(
        '/api/environments/services/default/component/checkout-api/matrix',
      );

      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/checkout-api');
      expect(res.body.environments).toHaveLength(3);
      const [dev, staging, prod] = res.body.environments;
      expect(dev).toMatchObject({
        environment: 'dev',
        status: 'ok',
        digest: digestOf('checkout-api', '1.5.0'),
      });
      expect(dev.comparison).toBeUndefined();
      expect(staging.comparison).toMatchObject({
        previousEnvironment: 'dev',
        promotionPending: true,
      });
      expect(prod).toMatchObject({
        environment: 'prod',
        status: 'ok',
        digest: digestOf('checkout-api', '1.3.2'),
        liveVersion: '1',
        functions: [
          expect.objectContaining({
            functionName: 'shop-checkout-api-prod',
            primary: true,
          }),
        ],
        freshness: { stale: false, refreshedAt: expect.any(String) },
        comparison: {
          previousEnvironment: 'staging',
          sameDigestAsPrevious: false,
          promotionPending: true,
          unpromotedArtifact: false,
        },
      });
    });

    it('says which annotation is missing for a component without environments', async () => {
      const res = await request(server).get(
        '/api/environments/services/default/component/example-website/matrix',
      );

      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        error: {
          name: 'NotFoundError',
          message:
            'component:default/example-website has no environments.io/project annotation: add it to the entity to show its environments (see docs/annotations.md)',
        },
        request: {
          method: 'GET',
          url: '/services/default/component/example-website/matrix',
        },
        response: { statusCode: 404 },
      });
    });

    it('answers 404 for an entity the catalog does not know, and for other kinds', async () => {
      const unknown = await request(server).get(
        '/api/environments/services/default/component/nope/matrix',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'No entity component:default/nope in the catalog',
      );

      const resource = await request(server).get(
        '/api/environments/services/default/resource/shop-db/matrix',
      );
      expect(resource.status).toBe(404);
      expect(resource.body.error.message).toBe(
        'resource:default/shop-db is a Resource: only Components have environments',
      );
    });

    it('answers 400 naming the parameter for a name no catalog entity can have', async () => {
      const res = await request(server).get(
        `/api/environments/services/default/component/${encodeURIComponent(
          'checkout api^',
        )}/matrix`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^request\/params\/name must match pattern/,
      );
    });
  });

  describe('GET /services/{namespace}/{kind}/{name}/environments/{environment}/history', () => {
    it('lists the digests that ran in the environment', async () => {
      const res = await request(server).get(
        '/api/environments/services/default/component/checkout-api/environments/prod/history',
      );

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            digest: digestOf('checkout-api', '1.3.2'),
            digestKind: 'image',
            version: '1',
            imageUri: expect.stringContaining(
              '333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:',
            ),
            firstSeenAt: expect.any(String),
            lastSeenAt: expect.any(String),
          },
        ],
      });
    });

    it('names the environments when asked for one that is not configured', async () => {
      const res = await request(server).get(
        '/api/environments/services/default/component/checkout-api/environments/qa/history',
      );

      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        "No environment named 'qa'; the environments are dev, staging, prod",
      );
    });
  });

  describe('POST /services/{namespace}/{kind}/{name}/refresh', () => {
    it('collects only that service and returns its new matrix', async () => {
      collector.releases['payments-api'] = {
        dev: '3.1.0',
        staging: '3.0.0',
        prod: '3.0.0',
      };
      collector.calls.length = 0;

      const res = await request(server).post(
        '/api/environments/services/default/component/payments-api/refresh',
      );

      expect(res.status).toBe(200);
      expect(collector.calls).toEqual([['component:default/payments-api']]);
      expect(res.body.environments[0].digest).toBe(
        digestOf('payments-api', '3.1.0'),
      );
      expect(res.body.environments[1].comparison.promotionPending).toBe(true);
      const fleet = await request(server).get(
        '/api/environments/fleet?search=payments',
      );
      expect(fleet.body.items[0].needsPromotion).toBe(true);
    });

    it('refuses to refresh an entity without environments', async () => {
      const res = await request(server).post(
        '/api/environments/services/default/component/example-website/refresh',
      );

      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(
        /has no environments.io\/project annotation/,
      );
    });
  });

  describe('GET /fleet', () => {
    it('lists every service of the fleet with its environments', async () => {
      const res = await request(server).get('/api/environments/fleet');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalItems: 3, offset: 0, limit: 100 });
      expect(
        res.body.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual([
        'component:default/checkout-api',
        'component:default/inventory-service',
        'component:default/payments-api',
      ]);
      expect(res.body.items[1]).toEqual({
        entityRef: 'component:default/inventory-service',
        owner: 'group:default/team-platform',
        system: 'system:default/shop',
        environments: [
          {
            environment: 'dev',
            status: 'ok',
            digest: digestOf('inventory-service', '2.1.0'),
            liveVersion: '1',
            stale: false,
          },
          expect.objectContaining({
            environment: 'staging',
            comparison: expect.objectContaining({ sameDigestAsPrevious: true }),
          }),
          expect.objectContaining({
            environment: 'prod',
            comparison: expect.objectContaining({ sameDigestAsPrevious: true }),
          }),
        ],
        needsPromotion: false,
        hasUnpromotedArtifact: false,
        stale: false,
      });
    });

    it('answers a repeated fleet request with the same JSON and ETag, and 304 when the client has it', async () => {
      const first = await request(server).get('/api/environments/fleet');
      const again = await request(server).get('/api/environments/fleet');

      expect(again.status).toBe(200);
      expect(again.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(again.text).toBe(first.text);
      expect(again.headers.etag).toMatch(/^W\/"/);
      expect(again.headers.etag).toBe(first.headers.etag);
      const cached = await request(server)
        .get('/api/environments/fleet')
        .set('If-None-Match', first.headers.etag);
      expect(cached.status).toBe(304);
    });

    it('sends the fleet gzipped to clients that accept it, and plain to the others', async () => {
      const plain = await request(server)
        .get('/api/environments/fleet')
        .set('Accept-Encoding', 'identity');
      const zipped = await request(server)
        .get('/api/environments/fleet')
        .set('Accept-Encoding', 'gzip, deflate, br');

      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
      // supertest decompresses: the same page either way.
      expect(zipped.body).toEqual(plain.body);
      expect(plain.body.items.length).toBeGreaterThan(0);
    });

    it('filters and pages with query parameters', async () => {
      const res = await request(server).get(
        '/api/environments/fleet?owner=team-checkout&limit=1&offset=1',
      );

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalItems: 2, offset: 1, limit: 1 });
      expect(
        res.body.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual(['component:default/payments-api']);
      const cleared = await request(server).get(
        '/api/environments/fleet?search=',
      );
      expect(cleared.status).toBe(200);
      expect(cleared.body.totalItems).toBe(3);
      const ok = await request(server).get('/api/environments/fleet?status=ok');
      expect(
        ok.body.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual(['component:default/inventory-service']);
    });

    it.each([
      ['limit=abc', /limit/],
      ['limit=0', /limit/],
      ['limit=5000', /limit/],
      ['offset=-1', /offset/],
      ['offset=169932659100052619264', /offset/],
      ['status=broken', /status/],
      ['colour=blue', /colour/],
    ])(
      'rejects a bad query (%s) with a 400 that names the parameter',
      async (query, named) => {
        const res = await request(server).get(
          `/api/environments/fleet?${query}`,
        );

        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(named);
        expect(res.body.response).toEqual({ statusCode: 400 });
      },
    );
  });
});
