import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import {
  actor,
  createHarness,
  Harness,
  MIGRATIONS_DIR,
} from './__testUtils__/harness';
import { checkoutFleet, digestOf } from './__testUtils__/fakeLambda';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'two backend instances on one %s database',
  databaseId => {
    let knexA: Knex;
    let knexB: Knex;
    let a: Harness;
    let b: Harness;

    beforeEach(async () => {
      knexA = await databases.init(databaseId);
      await knexA.migrate.latest({ directory: MIGRATIONS_DIR });
      // A replica has its own connection pool to the same database (SQLite in memory cannot be shared).
      knexB = databaseId.startsWith('POSTGRES')
        ? knexFactory(knexA.client.config)
        : knexA;
      const fleet = checkoutFleet();
      a = await createHarness({ knex: knexA, fleet, instanceId: 'replica-a' });
      b = await createHarness({ knex: knexB, fleet, instanceId: 'replica-b' });
    }, 60_000);

    afterEach(async () => {
      await Promise.all([a.executor.whenIdle(), b.executor.whenIdle()]);
      a.stop();
      b.stop();
      if (knexB !== knexA) {
        await knexB.destroy();
      }
    });

    const updates = () =>
      a.fleet.functions.prod.calls.filter(call => call === 'UpdateFunctionCode')
        .length;

    it('execute a request approved on both at the same time once', async () => {
      const requested = await a.requestProd();
      const approvals = await Promise.allSettled([
        a.promotions.approve(requested.id, {}, actor('bob')),
        b.promotions.approve(requested.id, {}, actor('erin')),
      ]);
      expect(approvals.some(result => result.status === 'fulfilled')).toBe(
        true,
      );
      await Promise.all([a.executor.whenIdle(), b.executor.whenIdle()]);

      const done = await a.promotions.get(requested.id);
      expect(done.status).toBe('succeeded');
      expect(updates()).toBe(1);
      expect([...a.fleet.functions.prod.versions.keys()]).toEqual([
        '1',
        '2',
        '3',
      ]);
      expect(a.fleet.functions.prod.liveDigest).toBe(digestOf('v1.4.0'));
      expect(
        done.history.filter(event => event.event === 'running'),
      ).toHaveLength(1);
    });

    it('execute an approved request once when both try to run it repeatedly at once', async () => {
      const requested = await a.requestProd();
      // Approved, but not yet started by anyone.
      await a.store.upsertApproval(requested.id, {
        approver: 'user:default/bob',
        decision: 'approved',
        decidedAt: a.clock.now.toISOString(),
        expiresAt: new Date(a.clock.now.getTime() + 3600_000).toISOString(),
      });
      await a.store.transition(requested.id, ['requested'], {
        status: 'approved',
        executedBy: 'user:default/bob',
      });
      await Promise.all([
        ...Array.from({ length: 5 }, () => a.executor.execute(requested.id)),
        ...Array.from({ length: 5 }, () => b.executor.execute(requested.id)),
        a.sweep(),
        b.sweep(),
      ]);
      expect((await b.promotions.get(requested.id)).status).toBe('succeeded');
      expect(updates()).toBe(1);
      expect(a.fleet.functions.prod.aliasUpdates).toHaveLength(1);
    });
  },
);
