import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrateDatabase } from '../migrations';
import { DatabaseMatrixStore } from './DatabaseMatrixStore';
import {
  collected,
  DEMO_RELEASES,
  digestOf,
  ENVIRONMENTS,
  liveFunction,
  refresh,
  service,
} from './__testUtils__/demoFleet';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  const store = new DatabaseMatrixStore(knex, ENVIRONMENTS);
  return { knex, store };
}

const checkout = service('checkout-api', 'team-checkout');
const inventory = service('inventory-service');
const payments = service('payments-api', 'team-checkout');

describe.each(databases.eachSupportedId())(
  'DatabaseMatrixStore on %p',
  databaseId => {
    it('shows what runs in every environment, with the promotion candidate of the demo', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-20T10:00:00.000Z', [
          collected(
            'checkout-api',
            { dev: '1.5.0', staging: '1.4.0', prod: '1.3.2' },
            { published: DEMO_RELEASES['checkout-api'] },
          ),
        ]),
        [checkout],
      );

      const matrix = await store.getMatrix(checkout.entityRef);

      expect(matrix.entityRef).toBe('component:default/checkout-api');
      expect(
        matrix.environments.map(e => [e.environment, e.status, e.digest]),
      ).toEqual([
        ['dev', 'ok', digestOf('checkout-api', '1.5.0')],
        ['staging', 'ok', digestOf('checkout-api', '1.4.0')],
        ['prod', 'ok', digestOf('checkout-api', '1.3.2')],
      ]);
      const prod = matrix.environments[2];
      expect(prod.functions).toEqual([
        liveFunction('checkout-api', 'prod', '1.3.2', {
          liveVersion: '2',
          deployedAt: '2026-10-04T10:00:00.000Z',
        }),
      ]);
      expect(prod.liveVersion).toBe('2');
      expect(prod.freshness).toEqual({
        refreshedAt: '2026-11-20T10:00:00.000Z',
        stale: false,
      });
      expect(matrix.environments[0].comparison).toBeUndefined();
      expect(prod.comparison).toEqual({
        previousEnvironment: 'staging',
        sameDigestAsPrevious: false,
        promotionPending: true,
        // Staging published 1.3.2 before 1.4.0: prod's digest came the promotion path.
        unpromotedArtifact: false,
      });
      expect(matrix.environments[1].comparison).toMatchObject({
        promotionPending: true,
        unpromotedArtifact: false,
      });
    });

    it('shows every environment as unknown for a service never collected', async () => {
      const { store } = await createStore(databaseId);

      const matrix = await store.getMatrix('component:default/new-service');

      const unknown = {
        status: 'unknown',
        functions: [],
        freshness: { stale: false },
      };
      const nothingToCompare = {
        sameDigestAsPrevious: false,
        promotionPending: false,
        unpromotedArtifact: false,
      };
      expect(matrix.environments).toEqual([
        { environment: 'dev', ...unknown },
        {
          environment: 'staging',
          ...unknown,
          comparison: { previousEnvironment: 'dev', ...nothingToCompare },
        },
        {
          environment: 'prod',
          ...unknown,
          comparison: { previousEnvironment: 'staging', ...nothingToCompare },
        },
      ]);
    });

    it('keeps when each digest was first and last seen, and goes back to pending after a rollback', async () => {
      const { store } = await createStore(databaseId);
      // prod published 1.3.2 on October 30th and 1.4.0 on November 1st (10:00), by its own clock.
      const save = (at: string, prod: string, prodReleases: string[]) =>
        store.saveRefresh(
          refresh(at, [
            collected(
              'checkout-api',
              { dev: '1.4.0', staging: '1.4.0', prod },
              {
                published: {
                  dev: ['1.3.2', '1.4.0'],
                  staging: ['1.3.2', '1.4.0'],
                  prod: prodReleases,
                },
                clocks: { prod: { firstDay: 30, daysApart: 2 } },
              },
            ),
          ]),
          [checkout],
        );
      await save('2026-11-01T08:00:00.000Z', '1.3.2', ['1.3.2']);
      await save('2026-11-02T10:00:00.000Z', '1.4.0', ['1.3.2', '1.4.0']);
      expect(
        (await store.getMatrix(checkout.entityRef)).environments[2].comparison,
      ).toMatchObject({
        sameDigestAsPrevious: true,
        promotionPending: false,
      });

      // prod's live alias is moved back to version 1 (1.3.2).
      await save('2026-11-03T10:00:00.000Z', '1.3.2', ['1.3.2', '1.4.0']);

      expect(await store.getHistory(checkout.entityRef, 'prod')).toEqual([
        {
          digest: digestOf('checkout-api', '1.3.2'),
          digestKind: 'image',
          version: '1',
          imageUri: liveFunction('checkout-api', 'prod', '1.3.2').imageUri,
          firstSeenAt: '2026-10-30T10:00:00.000Z',
          lastSeenAt: '2026-11-03T10:00:00.000Z',
        },
        expect.objectContaining({
          digest: digestOf('checkout-api', '1.4.0'),
          version: '2',
          firstSeenAt: '2026-11-01T10:00:00.000Z',
          lastSeenAt: '2026-11-02T10:00:00.000Z',
        }),
      ]);
      expect(
        (await store.getMatrix(checkout.entityRef)).environments[2].comparison,
      ).toEqual({
        previousEnvironment: 'staging',
        sameDigestAsPrevious: false,
        promotionPending: true,
        unpromotedArtifact: false,
      });
      expect(
        await store.getHistory('component:default/unknown', 'prod'),
      ).toEqual([]);
    });

    it('knows on the first refresh what ran before, from the published versions', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-20T10:00:00.000Z', [
          collected(
            'checkout-api',
            { dev: '1.5.0', staging: '1.4.0', prod: '1.3.2' },
            { published: DEMO_RELEASES['checkout-api'] },
          ),
        ]),
        [checkout],
      );

      expect(await store.getHistory(checkout.entityRef, 'prod')).toEqual([
        {
          digest: digestOf('checkout-api', '1.3.2'),
          digestKind: 'image',
          version: '2',
          imageUri: liveFunction('checkout-api', 'prod', '1.3.2').imageUri,
          firstSeenAt: '2026-10-04T10:00:00.000Z',
          lastSeenAt: '2026-11-20T10:00:00.000Z',
        },
        // Known from its version only: live until the next version replaced it.
        {
          digest: digestOf('checkout-api', '1.3.1'),
          digestKind: 'image',
          version: '1',
          firstSeenAt: '2026-10-01T10:00:00.000Z',
          lastSeenAt: '2026-10-04T10:00:00.000Z',
        },
      ]);
      expect(
        (await store.getHistory(checkout.entityRef, 'dev')).map(e => e.digest),
      ).toEqual(
        ['1.5.0', '1.4.0', '1.3.2', '1.3.1'].map(v =>
          digestOf('checkout-api', v),
        ),
      );
    });

    it('dates a digest published more than once from its first version, and names its latest', async () => {
      const { store } = await createStore(databaseId);
      // prod went 1.3.1 → 1.3.2 → 1.3.1 again (redeployed) → 1.3.2 again, and runs the last one.
      await store.saveRefresh(
        refresh('2026-11-20T10:00:00.000Z', [
          collected(
            'checkout-api',
            { dev: null, staging: null, prod: '1.3.2' },
            { published: { prod: ['1.3.1', '1.3.2', '1.3.1', '1.3.2'] } },
          ),
        ]),
        [checkout],
      );

      expect(await store.getHistory(checkout.entityRef, 'prod')).toEqual([
        expect.objectContaining({
          digest: digestOf('checkout-api', '1.3.2'),
          version: '4',
          firstSeenAt: '2026-10-04T10:00:00.000Z',
          lastSeenAt: '2026-11-20T10:00:00.000Z',
        }),
        expect.objectContaining({
          digest: digestOf('checkout-api', '1.3.1'),
          version: '3',
          firstSeenAt: '2026-10-01T10:00:00.000Z',
          lastSeenAt: '2026-10-10T10:00:00.000Z',
        }),
      ]);
    });

    it('keeps a digest it already recorded as it was: versions only add digests it never saw', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-20T10:00:00.000Z', [
          collected('checkout-api', {
            dev: null,
            staging: null,
            prod: '1.3.2',
          }),
        ]),
        [checkout],
      );
      await store.saveRefresh(
        refresh('2026-11-21T10:00:00.000Z', [
          collected(
            'checkout-api',
            { dev: null, staging: null, prod: '1.4.0' },
            { published: { prod: ['1.3.1', '1.3.2', '1.4.0'] } },
          ),
        ]),
        [checkout],
      );

      const history = await store.getHistory(checkout.entityRef, 'prod');
      expect(
        history.map(e => [e.version, e.firstSeenAt, e.lastSeenAt]),
      ).toEqual([
        ['3', '2026-10-07T10:00:00.000Z', '2026-11-21T10:00:00.000Z'],
        // Seen live by the first refresh: its dates stay those it was seen with.
        ['1', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z'],
        ['1', '2026-10-01T10:00:00.000Z', '2026-10-04T10:00:00.000Z'],
      ]);
      expect(history[1].digest).toBe(digestOf('checkout-api', '1.3.2'));
    });

    it.each([
      ['every account on the same clock', {}],
      [
        'prod publishing before staging and dev',
        {
          dev: { firstDay: 20 },
          staging: { firstDay: 10 },
          prod: { firstDay: 1 },
        },
      ],
      [
        'dev and staging publishing in quick succession after prod',
        {
          dev: { firstDay: 25, daysApart: 0.01 },
          staging: { firstDay: 24, daysApart: 0.01 },
          prod: { firstDay: 1 },
        },
      ],
    ])(
      "decides the demo's comparisons on the first refresh with %s",
      async (_, clocks) => {
        const { store } = await createStore(databaseId);
        await store.saveRefresh(
          refresh('2026-11-20T10:00:00.000Z', [
            collected(
              'checkout-api',
              { dev: '1.5.0', staging: '1.4.0', prod: '1.3.2' },
              { published: DEMO_RELEASES['checkout-api'], clocks },
            ),
            collected(
              'payments-api',
              { dev: '3.0.0', staging: '3.0.0', prod: '3.0.1-hotfix' },
              { published: DEMO_RELEASES['payments-api'], clocks },
            ),
          ]),
          [checkout, payments],
        );

        const comparisons = async (entityRef: string) =>
          (await store.getMatrix(entityRef)).environments.map(e =>
            e.comparison
              ? [e.comparison.promotionPending, e.comparison.unpromotedArtifact]
              : undefined,
          );
        // [promotionPending, unpromotedArtifact] of dev, staging, prod.
        expect(await comparisons(checkout.entityRef)).toEqual([
          undefined,
          [true, false],
          [true, false],
        ]);
        expect(await comparisons(payments.entityRef)).toEqual([
          undefined,
          [false, false],
          [false, true],
        ]);
      },
    );

    it('dates a digest seen for the first time from when its live version was published', async () => {
      const { store } = await createStore(databaseId);
      const fn = liveFunction('checkout-api', 'prod', '1.3.2', {
        liveVersion: '7',
        deployedAt: '2026-10-15T08:30:00.000Z',
      });
      await store.saveRefresh(
        refresh('2026-11-20T10:00:00.000Z', [
          {
            entityRef: checkout.entityRef,
            environments: [
              { environment: 'prod', complete: true, functions: [fn] },
            ],
          },
        ]),
        [checkout],
      );

      const [entry] = await store.getHistory(checkout.entityRef, 'prod');
      expect(entry).toMatchObject({
        version: '7',
        firstSeenAt: '2026-10-15T08:30:00.000Z',
        lastSeenAt: '2026-11-20T10:00:00.000Z',
      });
      const prod = (await store.getMatrix(checkout.entityRef)).environments[2];
      expect(prod).toMatchObject({
        liveVersion: '7',
        deployedAt: '2026-10-15T08:30:00.000Z',
      });
    });

    it('flags the hotfix that never ran in staging as an unpromoted artifact', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-01T10:00:00.000Z', [
          collected('payments-api', {
            dev: '3.0.0',
            staging: '3.0.0',
            prod: '3.0.0',
          }),
        ]),
        [payments],
      );
      await store.saveRefresh(
        refresh('2026-11-02T10:00:00.000Z', [
          collected('payments-api', {
            dev: '3.0.0',
            staging: '3.0.0',
            prod: '3.0.1-hotfix',
          }),
        ]),
        [payments],
      );

      const prod = (await store.getMatrix(payments.entityRef)).environments[2];
      expect(prod.comparison).toEqual({
        previousEnvironment: 'staging',
        sameDigestAsPrevious: false,
        promotionPending: false,
        unpromotedArtifact: true,
      });
      const [summary] = (await store.listFleet({})).items;
      expect(summary).toMatchObject({
        hasUnpromotedArtifact: true,
        needsPromotion: false,
      });
    });

    it('keeps the last known state of an environment that could not be read, marked stale with the error', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-01T10:00:00.000Z', [
          collected('checkout-api', {
            dev: '1.5.0',
            staging: '1.4.0',
            prod: '1.3.2',
          }),
        ]),
        [checkout],
      );
      await store.saveRefresh(
        refresh(
          '2026-11-01T10:10:00.000Z',
          [
            collected(
              'checkout-api',
              { dev: '1.6.0', staging: '1.4.0', prod: null },
              { incomplete: ['prod'] },
            ),
          ],
          [
            {
              accountId: '333333333333',
              region: 'eu-west-1',
              error: 'AccessDenied: not authorized to assume role',
            },
          ],
        ),
        [checkout],
      );

      const [dev, , prod] = (await store.getMatrix(checkout.entityRef))
        .environments;
      expect(dev).toMatchObject({
        digest: digestOf('checkout-api', '1.6.0'),
        freshness: { refreshedAt: '2026-11-01T10:10:00.000Z', stale: false },
      });
      expect(prod).toMatchObject({
        status: 'ok',
        digest: digestOf('checkout-api', '1.3.2'),
        freshness: {
          refreshedAt: '2026-11-01T10:00:00.000Z',
          stale: true,
          error:
            'Could not read account 333333333333 in eu-west-1: AccessDenied: not authorized to assume role',
          errorAt: '2026-11-01T10:10:00.000Z',
        },
      });
      expect(prod.functions).toHaveLength(1);

      const page = await store.listFleet({ status: 'stale' });
      expect(page.items.map(i => i.entityRef)).toEqual([checkout.entityRef]);
      expect(page.items[0].environments[2]).toMatchObject({
        environment: 'prod',
        stale: true,
      });

      // The next good refresh clears the error.
      await store.saveRefresh(
        refresh('2026-11-01T10:20:00.000Z', [
          collected('checkout-api', {
            dev: '1.6.0',
            staging: '1.4.0',
            prod: '1.3.2',
          }),
        ]),
        [checkout],
      );
      const after = (await store.getMatrix(checkout.entityRef)).environments[2];
      expect(after.freshness).toEqual({
        refreshedAt: '2026-11-01T10:20:00.000Z',
        stale: false,
      });
      expect((await store.listFleet({ status: 'stale' })).items).toEqual([]);
    });

    it('marks an environment never read successfully as unknown and stale', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh(
          '2026-11-01T10:00:00.000Z',
          [
            collected(
              'inventory-service',
              { dev: '2.1.0', staging: '2.1.0', prod: null },
              { incomplete: ['prod'] },
            ),
          ],
          [
            {
              accountId: '333333333333',
              region: 'eu-west-1',
              error: 'connect ECONNREFUSED',
            },
          ],
        ),
        [inventory],
      );

      const prod = (await store.getMatrix(inventory.entityRef)).environments[2];
      expect(prod).toMatchObject({
        status: 'unknown',
        functions: [],
        freshness: {
          stale: true,
          error:
            'Could not read account 333333333333 in eu-west-1: connect ECONNREFUSED',
        },
      });
      expect(prod.freshness.refreshedAt).toBeUndefined();
    });

    it('shows an environment where nothing was found as missing', async () => {
      const { store } = await createStore(databaseId);
      await store.saveRefresh(
        refresh('2026-11-01T10:00:00.000Z', [
          collected('inventory-service', {
            dev: '2.1.0',
            staging: null,
            prod: null,
          }),
        ]),
        [inventory],
      );

      const [, staging] = (await store.getMatrix(inventory.entityRef))
        .environments;
      expect(staging).toMatchObject({
        status: 'missing',
        functions: [],
        freshness: { stale: false },
      });
      expect(staging.digest).toBeUndefined();
    });

    it('removes services that left the catalog on a full refresh, and only then', async () => {
      const { store } = await createStore(databaseId);
      const all = { dev: '1.0.0', staging: '1.0.0', prod: '1.0.0' };
      await store.saveRefresh(
        refresh('2026-11-01T10:00:00.000Z', [
          collected('checkout-api', all),
          collected('inventory-service', all),
        ]),
        [checkout, inventory],
        { replaceFleet: true },
      );

      // Refreshing one service leaves the others alone.
      await store.saveRefresh(
        refresh('2026-11-01T10:05:00.000Z', [collected('checkout-api', all)]),
        [checkout],
      );
      expect((await store.listFleet({})).totalItems).toBe(2);

      await store.saveRefresh(
        refresh('2026-11-01T10:10:00.000Z', [collected('checkout-api', all)]),
        [checkout],
        { replaceFleet: true },
      );

      expect((await store.listFleet({})).items.map(i => i.entityRef)).toEqual([
        checkout.entityRef,
      ]);
      expect(await store.getHistory(inventory.entityRef, 'prod')).toEqual([]);
      expect(
        (await store.getMatrix(inventory.entityRef)).environments[0].status,
      ).toBe('unknown');
    });

    it('shows in every replica, once its fingerprint is due, the fleet another replica sharing the database saved', async () => {
      const { knex } = await createStore(databaseId);
      // Each replica reads the fleet's fingerprint again after 50 ms (1 s by default).
      const fingerprintMaxAgeMs = 50;
      const replicaA = new DatabaseMatrixStore(knex, ENVIRONMENTS, {
        fingerprintMaxAgeMs,
      });
      const replicaB = new DatabaseMatrixStore(knex, ENVIRONMENTS, {
        fingerprintMaxAgeMs,
      });
      const fingerprintsDue = () =>
        new Promise(resolve => setTimeout(resolve, fingerprintMaxAgeMs + 10));
      const clean = { dev: '1.0.0', staging: '1.0.0', prod: '1.0.0' };
      await replicaA.saveRefresh(
        refresh('2026-11-01T10:00:00.000Z', [
          collected('checkout-api', clean),
          collected('inventory-service', clean),
        ]),
        [checkout, inventory],
        { replaceFleet: true },
      );
      const statusOf = async (
        store: DatabaseMatrixStore,
        status: 'ok' | 'needs-promotion',
      ) => (await store.listFleet({ status })).items.map(i => i.entityRef);
      // Both replicas have read (and may keep) the fleet.
      expect(await statusOf(replicaA, 'ok')).toEqual([
        checkout.entityRef,
        inventory.entityRef,
      ]);
      expect(await statusOf(replicaB, 'ok')).toEqual([
        checkout.entityRef,
        inventory.entityRef,
      ]);

      // Replica B saves a newer staging build of checkout-api: replica A shows it.
      await replicaB.saveRefresh(
        refresh('2026-11-01T10:05:00.000Z', [
          collected('checkout-api', { ...clean, staging: '1.1.0' }),
        ]),
        [checkout],
      );
      await fingerprintsDue();
      expect(await statusOf(replicaA, 'ok')).toEqual([inventory.entityRef]);
      expect(await statusOf(replicaA, 'needs-promotion')).toEqual([
        checkout.entityRef,
      ]);

      // Replica A removes inventory-service from the fleet: replica B no longer lists it.
      await replicaA.saveRefresh(
        refresh('2026-11-01T10:10:00.000Z', [
          collected('checkout-api', { ...clean, staging: '1.1.0' }),
        ]),
        [checkout],
        { replaceFleet: true },
      );
      await fingerprintsDue();
      expect(await statusOf(replicaB, 'ok')).toEqual([]);
      expect((await replicaB.listFleet({})).totalItems).toBe(1);
    });

    describe('the fleet view', () => {
      let store: DatabaseMatrixStore;
      let knex: Knex;

      beforeAll(async () => {
        ({ store, knex } = await createStore(databaseId));
        const services = [
          checkout,
          inventory,
          payments,
          { ...service('reporting-api'), title: 'Reporting 100%_API' },
          { ...service('notifications-worker'), system: undefined },
        ];
        const same = { dev: '2.1.0', staging: '2.1.0', prod: '2.1.0' };
        const checkoutStory = () =>
          collected(
            'checkout-api',
            { dev: '1.5.0', staging: '1.4.0', prod: '1.3.2' },
            { published: DEMO_RELEASES['checkout-api'] },
          );
        await store.saveRefresh(
          refresh('2026-11-01T10:00:00.000Z', [
            checkoutStory(),
            collected('inventory-service', same),
            collected('payments-api', same),
            collected('reporting-api', same),
            collected('notifications-worker', same),
          ]),
          services,
        );
        await store.saveRefresh(
          refresh(
            '2026-11-02T10:00:00.000Z',
            [
              checkoutStory(),
              collected('inventory-service', same),
              collected('payments-api', { ...same, prod: '2.1.1-hotfix' }),
              collected('reporting-api', same, { incomplete: ['staging'] }),
              collected('notifications-worker', same),
            ],
            [
              {
                accountId: '222222222222',
                region: 'eu-west-1',
                error: 'Throttling',
              },
            ],
          ),
          services,
        );
      });

      const refs = (page: { items: Array<{ entityRef: string }> }) =>
        page.items.map(item =>
          item.entityRef.replace('component:default/', ''),
        );

      it('lists every service in order with its per-environment summary', async () => {
        const page = await store.listFleet({});

        expect(page).toMatchObject({ totalItems: 5, offset: 0, limit: 100 });
        expect(refs(page)).toEqual([
          'checkout-api',
          'inventory-service',
          'notifications-worker',
          'payments-api',
          'reporting-api',
        ]);
        expect(page.items[0]).toEqual({
          entityRef: 'component:default/checkout-api',
          title: 'Checkout Api',
          owner: 'group:default/team-checkout',
          system: 'system:default/shop',
          environments: [
            {
              environment: 'dev',
              status: 'ok',
              digest: digestOf('checkout-api', '1.5.0'),
              liveVersion: '4',
              stale: false,
            },
            expect.objectContaining({
              environment: 'staging',
              comparison: expect.objectContaining({ promotionPending: true }),
            }),
            expect.objectContaining({
              environment: 'prod',
              digest: digestOf('checkout-api', '1.3.2'),
              comparison: {
                previousEnvironment: 'staging',
                sameDigestAsPrevious: false,
                promotionPending: true,
                unpromotedArtifact: false,
              },
            }),
          ],
          needsPromotion: true,
          hasUnpromotedArtifact: false,
          stale: false,
        });
      });

      it('filters by status', async () => {
        expect(
          refs(await store.listFleet({ status: 'needs-promotion' })),
        ).toEqual(['checkout-api']);
        expect(
          refs(await store.listFleet({ status: 'unpromoted-artifact' })),
        ).toEqual(['payments-api']);
        expect(refs(await store.listFleet({ status: 'stale' }))).toEqual([
          'reporting-api',
        ]);
        expect(refs(await store.listFleet({ status: 'ok' }))).toEqual([
          'inventory-service',
          'notifications-worker',
        ]);
      });

      it('filters by owner and system, given as full or short references', async () => {
        expect(refs(await store.listFleet({ owner: 'team-checkout' }))).toEqual(
          ['checkout-api', 'payments-api'],
        );
        expect(
          refs(await store.listFleet({ owner: 'group:default/team-checkout' })),
        ).toEqual(['checkout-api', 'payments-api']);
        expect(await store.listFleet({ system: 'shop' })).toMatchObject({
          totalItems: 4,
        });
        expect(
          refs(
            await store.listFleet({
              owner: 'team-platform',
              system: 'system:default/shop',
            }),
          ),
        ).toEqual(['inventory-service', 'reporting-api']);
      });

      it('searches the entity ref and the title, ignoring case and taking % and _ literally', async () => {
        expect(refs(await store.listFleet({ search: 'CHECKOUT' }))).toEqual([
          'checkout-api',
        ]);
        expect(refs(await store.listFleet({ search: '100%_' }))).toEqual([
          'reporting-api',
        ]);
        expect(refs(await store.listFleet({ search: '%' }))).toEqual([
          'reporting-api',
        ]);
        expect(refs(await store.listFleet({ search: 'ts_w' }))).toEqual([]);
      });

      it('pages through the fleet and counts every match', async () => {
        const first = await store.listFleet({ limit: 2 });
        const last = await store.listFleet({ offset: 4, limit: 2 });
        const beyond = await store.listFleet({ offset: 10, limit: 2 });

        expect(first).toMatchObject({ totalItems: 5, offset: 0, limit: 2 });
        expect(refs(first)).toEqual(['checkout-api', 'inventory-service']);
        expect(refs(last)).toEqual(['reporting-api']);
        expect(last.totalItems).toBe(5);
        expect(beyond).toMatchObject({ items: [], totalItems: 5, offset: 10 });
      });

      it('reads a page in a single query besides the fleet fingerprint, serves it again from memory, and reads only the fingerprint once it is due', async () => {
        const fingerprintMaxAgeMs = 50;
        const replica = new DatabaseMatrixStore(knex, ENVIRONMENTS, {
          fingerprintMaxAgeMs,
        });
        const queries: string[] = [];
        const listener = (q: { sql: string }) => queries.push(q.sql);
        const query = {
          owner: 'team-checkout',
          status: 'needs-promotion' as const,
          search: 'api',
        };
        knex.on('query', listener);
        let first;
        let again;
        let due;
        try {
          first = await replica.listFleet(query);
          expect(queries).toHaveLength(2);
          again = await replica.listFleet({ ...query, search: ' API ' });
          expect(queries).toHaveLength(2);
          await new Promise(resolve =>
            setTimeout(resolve, fingerprintMaxAgeMs + 10),
          );
          due = await replica.listFleet(query);
        } finally {
          knex.removeListener('query', listener);
        }
        expect(queries).toHaveLength(3);
        expect(queries[2]).toBe(queries[0]);
        expect(again).toEqual(first);
        expect(due).toEqual(first);
      });

      it('rejects an owner filter that is not an entity reference', async () => {
        await expect(store.listFleet({ owner: 'group:' })).rejects.toThrow(
          /^The owner filter 'group:' is not an entity reference: Entity reference "group:" was not on the form/,
        );
      });
    });
  },
);
