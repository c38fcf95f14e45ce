import {
  coreServices,
  createServiceFactory,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import {
  ComplianceFleetCollector,
  COMPLIANCE_CONFIG,
  component,
  driftedMemory,
  FakeDriftDetectors,
} from '../__testUtils__/testBackend';
import {
  environmentCollectorServiceRef,
  stackDriftDetectorsServiceRef,
} from '../serviceRefs';

const REPOSITORY = 'https://git.example.com/acme/checkout-api/tree/main/';

/** checkout-api's repository declares 2048 MB for staging; every other file is missing. */
const urlReader: UrlReaderService = {
  async readUrl(url) {
    if (url === `${REPOSITORY}envs/staging/environment.yaml`) {
      return {
        buffer: async () => Buffer.from('memory: 2048\n'),
        etag: '"1"',
      } as any;
    }
    throw new NotFoundError(`${url} not found`);
  },
  readTree: async () => {
    throw new Error('not used');
  },
  search: async () => {
    throw new Error('not used');
  },
};

describe('the compliance API', () => {
  let server: Parameters<typeof request>[0];
  let detectors: FakeDriftDetectors;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    detectors = new FakeDriftDetectors();
    // dev's account has no drift detection; staging's function memory was changed by hand.
    detectors.unsupportedAccounts.add('111111111111');
    detectors.reports['shop-checkout-api-staging'] = driftedMemory(
      'shop-checkout-api-staging',
      '2048',
    );
    const collector = new ComplianceFleetCollector();
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.rootConfig.factory({ data: COMPLIANCE_CONFIG }),
        catalogServiceMock.factory({
          entities: [
            component('checkout-api', {
              owner: 'team-checkout',
              annotations: {
                'environments.io/project': 'shop',
                'backstage.io/source-location': `url:${REPOSITORY}`,
              },
            }),
            component('inventory-service'),
            component('notifications-worker'),
            component('example-website', { annotations: {} }),
          ],
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
        createServiceFactory({
          service: coreServices.urlReader,
          deps: {},
          factory: () => urlReader,
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(() => stop());

  const findingsOf = (name: string) =>
    request(server).get(
      `/api/environments/services/default/component/${name}/findings`,
    );

  describe('GET /services/{namespace}/{kind}/{name}/findings', () => {
    it("lists a service's findings after the refresh, worst first, with their counts", async () => {
      const res = await findingsOf('notifications-worker');

      expect(res.status).toBe(200);
      expect(
        res.body.items.map((f: any) => [
          f.environment,
          f.kind,
          f.severity,
          f.rule,
        ]),
      ).toEqual([
        ['staging', 'tags', 'error', 'tags.required'],
        ['prod', 'naming', 'warning', 'naming.environment-spelling'],
      ]);
      expect(res.body.items[0]).toMatchObject({
        entityRef: 'component:default/notifications-worker',
        resource:
          'arn:aws:lambda:eu-west-1:222222222222:function:shop-notifications-worker-staging',
        subject: 'Owner',
        since: expect.any(String),
        lastSeenAt: expect.any(String),
      });
      expect(res.body.items[1]).toMatchObject({
        expected: 'shop-notifications-worker-prod',
        actual: 'shop-notifications-worker-production',
      });
      expect(res.body.summary).toMatchObject({
        entityRef: 'component:default/notifications-worker',
        total: 2,
        bySeverity: { error: 1, warning: 1, info: 0 },
        byKind: { naming: 1, tags: 1 },
        worstSeverity: 'error',
        evaluatedAt: expect.any(String),
      });
      expect(res.body.stacks).toEqual([]);
    });

    it('says a clean service was evaluated and has nothing', async () => {
      const res = await findingsOf('inventory-service');

      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(res.body.summary).toMatchObject({
        total: 0,
        evaluatedAt: expect.any(String),
      });
      expect(res.body.summary.worstSeverity).toBeUndefined();
    });

    it("compares with what the service's repository declares (backstage.io/source-location)", async () => {
      const res = await findingsOf('checkout-api');

      expect(res.body.items).toEqual([
        expect.objectContaining({
          environment: 'staging',
          kind: 'config-drift',
          rule: 'config.declared',
          subject: 'memory',
          expected: '2048 MB',
          actual: '1024 MB',
          message: expect.stringContaining(
            `${REPOSITORY}envs/staging/environment.yaml`,
          ),
        }),
      ]);
    });

    it('answers 404 naming the annotation for a Component without it', async () => {
      const res = await findingsOf('example-website');

      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
      expect(res.body.error.message).toContain('environments.io/project');
    });

    it('rejects a request without credentials', async () => {
      const res = await findingsOf('checkout-api').set(
        'Authorization',
        mockCredentials.none.header(),
      );
      expect(res.status).toBe(401);
    });
  });

  describe('GET /findings', () => {
    it('lists the findings of the whole fleet, filtered by kind, severity and environment', async () => {
      const naming = await request(server).get(
        '/api/environments/findings?kind=naming',
      );
      expect(naming.status).toBe(200);
      expect(
        naming.body.items.map((f: any) => [f.entityRef, f.environment]),
      ).toEqual([['component:default/notifications-worker', 'prod']]);

      const stagingWarnings = await request(server).get(
        '/api/environments/findings?severity=warning&environment=staging',
      );
      expect(
        stagingWarnings.body.items.map((f: any) => [f.entityRef, f.rule]),
      ).toEqual([['component:default/checkout-api', 'config.declared']]);
    });

    it('answers 400 for a kind that does not exist', async () => {
      const res = await request(server).get(
        '/api/environments/findings?kind=spelling',
      );

      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(/query\/kind/);
    });

    it('answers 400 for an environment that is not configured, naming the environments', async () => {
      const res = await request(server).get(
        '/api/environments/findings?environment=qa',
      );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "request/query/environment: no environment named 'qa'; the environments are dev, staging, prod",
      );
    });
  });

  describe('GET /compliance', () => {
    it('summarises every evaluated service', async () => {
      const res = await request(server).get('/api/environments/compliance');

      expect(res.status).toBe(200);
      expect(
        res.body.items.map((s: any) => [
          s.entityRef,
          s.bySeverity.error,
          s.bySeverity.warning,
        ]),
      ).toEqual([
        ['component:default/checkout-api', 0, 1],
        ['component:default/inventory-service', 0, 0],
        ['component:default/notifications-worker', 1, 1],
      ]);
    });

    it('narrows to the services having a finding of that severity', async () => {
      const res = await request(server).get(
        '/api/environments/compliance?severity=error',
      );

      expect(res.body.items.map((s: any) => s.entityRef)).toEqual([
        'component:default/notifications-worker',
      ]);
    });

    it('answers 400 for a severity that does not exist', async () => {
      const res = await request(server).get(
        '/api/environments/compliance?severity=fatal',
      );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/query\/severity/);
    });
  });

  describe('POST /services/{namespace}/{kind}/{name}/drift-check', () => {
    const driftCheck = (name: string) =>
      request(server).post(
        `/api/environments/services/default/component/${name}/drift-check`,
      );

    it('checks every stack of the service now and shows the drift, or why a stack was not checked', async () => {
      const res = await driftCheck('checkout-api');

      expect(res.status).toBe(200);
      expect(
        res.body.stacks
          .map((s: any) => [
            s.environment,
            s.stackName,
            s.status,
            s.stackDriftStatus,
            s.driftedResources,
          ])
          .sort(),
      ).toEqual([
        ['dev', 'shop-checkout-api-dev', 'not-checked', undefined, undefined],
        ['prod', 'shop-checkout-api-prod', 'checked', 'IN_SYNC', 0],
        ['staging', 'shop-checkout-api-staging', 'checked', 'DRIFTED', 1],
      ]);
      expect(
        res.body.stacks.find((s: any) => s.environment === 'dev').reason,
      ).toMatch(/drift detection is not available here/);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            environment: 'staging',
            kind: 'cloudformation-drift',
            rule: 'cloudformation.resource-modified',
            subject: 'Function./MemorySize',
            expected: '1024',
            actual: '2048',
          }),
        ]),
      );
      expect(res.body.summary.byKind['cloudformation-drift']).toBe(1);

      // Kept: the service's findings show the drift and the checks afterwards.
      const later = await findingsOf('checkout-api');
      expect(later.body.items.map((f: any) => f.kind).sort()).toEqual([
        'cloudformation-drift',
        'config-drift',
      ]);
      expect(later.body.stacks).toHaveLength(3);
    });

    it('is for people: another backend calling with service credentials is refused', async () => {
      const res = await driftCheck('inventory-service').set(
        'Authorization',
        mockCredentials.service.header(),
      );

      expect(res.status).toBe(403);
      expect(detectors.detected).not.toContain('shop-inventory-service-prod');
    });

    it('answers 404 for an unknown service before 403 for service credentials', async () => {
      const res = await driftCheck('nobody-knows').set(
        'Authorization',
        mockCredentials.service.header(),
      );

      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        'No entity component:default/nobody-knows in the catalog',
      );
    });

    it('answers 404 naming the annotation for a Component without it', async () => {
      const res = await driftCheck('example-website');

      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('environments.io/project');
    });
  });
});
