import {
  BackstageCredentials,
  BackstageUserPrincipal,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import {
  component,
  DEMO_CONFIG,
  FakeCollector,
} from '../__testUtils__/testBackend';
import { environmentCollectorServiceRef } from '../serviceRefs';

// The catalog's read permission as a policy with the catalog's own conditions would decide it:
// alice may read everything, carol only what team-checkout owns, the guest nothing.
const ALICE = 'user:default/alice';
const CAROL = 'user:default/carol';
const GUEST = 'user:default/guest';

const entities = [
  component('checkout-api', { owner: 'team-checkout' }),
  component('inventory-service'),
  component('payments-api', { owner: 'team-checkout' }),
];

function userOf(options: unknown): string | undefined {
  const { credentials } = options as { credentials: BackstageCredentials };
  return (credentials.principal as BackstageUserPrincipal).userEntityRef;
}

// Decided on the whole entity, whatever fields a request asks for, as the catalog does.
const carolsEntities = new Set(
  entities
    .filter(e => e.spec?.owner === 'team-checkout')
    .map(e => stringifyEntityRef(e)),
);
function carolMayRead(entity: Entity | undefined): boolean {
  return Boolean(entity && carolsEntities.has(stringifyEntityRef(entity)));
}

/** The catalog applying carol's conditions to what it returns to her, as the real catalog does. */
function catalogWithConditions() {
  const catalog = catalogServiceMock({ entities });
  return Object.assign(Object.create(catalog), {
    async getEntities(...args: Parameters<typeof catalog.getEntities>) {
      const response = await catalog.getEntities(...args);
      return userOf(args[1]) === CAROL
        ? { items: response.items.filter(carolMayRead) }
        : response;
    },
    async getEntityByRef(...args: Parameters<typeof catalog.getEntityByRef>) {
      const entity = await catalog.getEntityByRef(...args);
      return userOf(args[1]) !== CAROL || carolMayRead(entity)
        ? entity
        : undefined;
    },
  });
}

const permissions = mockServices.permissions.mock({
  async authorizeConditional(requests, options) {
    const user = userOf(options);
    return requests.map(() => {
      if (user === CAROL) {
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: ['group:default/team-checkout'] },
          },
        };
      }
      return {
        result: user === GUEST ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      };
    });
  },
  async authorize(requests, options) {
    const user = userOf(options);
    return requests.map(r => {
      const resourceRef = 'resourceRef' in r ? r.resourceRef : undefined;
      const entity = entities.find(e => stringifyEntityRef(e) === resourceRef);
      const allowed =
        user === ALICE || !user || (user === CAROL && carolMayRead(entity));
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    });
  },
});

describe('what a user may see of the fleet', () => {
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const collector = new FakeCollector();
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.rootConfig.factory({ data: DEMO_CONFIG }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: catalogWithConditions,
        }),
        createServiceFactory({
          service: environmentCollectorServiceRef,
          deps: {},
          factory: () => collector,
        }),
        permissions.factory,
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // The scheduled refresh stores the fleet at start-up.
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get('/api/environments/fleet')
        .set('Authorization', mockCredentials.user.header(ALICE));
      if (res.body.totalItems === 3) break;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  });

  afterAll(() => stop());

  const get = (path: string, user: string) =>
    request(server)
      .get(`/api/environments${path}`)
      .set('Authorization', mockCredentials.user.header(user));
  const refs = (res: request.Response) =>
    res.body.items.map((i: { entityRef: string }) => i.entityRef);

  it('lists the whole fleet to a user who may read every entity', async () => {
    const res = await get('/fleet', ALICE);

    expect(res.status).toBe(200);
    expect(res.body.totalItems).toBe(3);
  });

  it('lists, counts and pages only the services whose entity the user may read', async () => {
    const all = await get('/fleet', CAROL);
    const second = await get('/fleet?limit=1&offset=1', CAROL);

    expect(refs(all)).toEqual([
      'component:default/checkout-api',
      'component:default/payments-api',
    ]);
    expect(all.body.totalItems).toBe(2);
    expect(refs(second)).toEqual(['component:default/payments-api']);
    expect(second.body).toMatchObject({ totalItems: 2, offset: 1, limit: 1 });
  });

  it('lists nothing to a user who may read no entity', async () => {
    const res = await get('/fleet', GUEST);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], totalItems: 0 });
  });

  it("leaves other services out of the fleet's compliance", async () => {
    const alice = await get('/compliance', ALICE);
    const carol = await get('/compliance', CAROL);

    expect(refs(alice)).toContain('component:default/inventory-service');
    expect(refs(carol)).not.toContain('component:default/inventory-service');
    expect(refs(carol)).toContain('component:default/checkout-api');
  });

  it('answers 404 for the versions of a service the user may not read, as the catalog does', async () => {
    const path =
      '/services/default/component/inventory-service/environments/prod/versions';
    const alice = await get(path, ALICE);
    const carol = await get(path, CAROL);

    // Alice gets past the check to AWS (which this test backend cannot reach); carol is stopped first.
    expect(alice.status).not.toBe(404);
    expect(carol.status).toBe(404);
    expect(carol.body.error.message).toBe(
      'No entity component:default/inventory-service in the catalog',
    );
  });

  it('answers 404 for the matrix of a service the user may not read', async () => {
    const res = await get(
      '/services/default/component/inventory-service/matrix',
      CAROL,
    );

    expect(res.status).toBe(404);
  });
});
