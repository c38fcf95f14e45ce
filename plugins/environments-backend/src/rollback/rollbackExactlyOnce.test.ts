import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import knexFactory, { Knex } from 'knex';
import {
  actor,
  createHarness,
  Harness,
  MIGRATIONS_DIR,
  READER,
} from '../promotion/__testUtils__/harness';
import { checkoutFleet, digestOf } from '../promotion/__testUtils__/fakeLambda';
import { RollbackLeases } from './RollbackLeases';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'rollbacks on two backend instances sharing one %s database',
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
    });

    afterEach(async () => {
      await Promise.all([a.runner.whenIdle(), b.runner.whenIdle()]);
      a.stop();
      b.stop();
      if (knexB !== knexA) {
        await knexB.destroy();
      }
    });

    const prod = () => a.fleet.functions.prod;
    const aliasUpdatesSent = () =>
      prod().calls.filter(call => call === 'UpdateAlias').length;
    const rollBackProd = (replica: Harness, user = 'alice') =>
      replica.rollbacks.rollback(
        {
          entityRef: 'component:default/checkout-api',
          environment: 'prod',
          targetVersion: '1',
        },
        actor(user),
      );

    it('switch live once when 20 rollbacks of one service are asked for at once, half on each', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => rollBackProd(i % 2 ? b : a)),
      );
      await Promise.all([a.runner.whenIdle(), b.runner.whenIdle()]);

      expect(aliasUpdatesSent()).toBe(1);
      expect(prod().alias.version).toBe('1');
      const answered = results.flatMap(r =>
        r.status === 'fulfilled' ? [r.value] : [],
      );
      expect(answered.filter(r => r.status === 'succeeded')).toHaveLength(1);
      // Refused before anything was recorded: one is running, or version 1 is live already.
      const refusals = results.flatMap(r =>
        r.status === 'rejected' ? [r.reason] : [],
      );
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(ConflictError);
      }
      // One planned before the switch and recorded after it finds live changed, and says so.
      for (const late of answered.filter(r => r.status !== 'succeeded')) {
        expect(late).toMatchObject({ status: 'failed' });
        expect(late.statusReason).toMatch(/points at version 1, not 2/);
      }
      const recorded = await a.rollbacks.list({}, READER);
      expect(recorded.filter(r => r.status === 'succeeded')).toHaveLength(1);
    });

    it('run a recorded rollback once when both instances start it 10 times at once and sweep', async () => {
      await new RollbackLeases(knexA).insertRunning({
        ...(await rollBackPlanned(a)),
        id: 'rollback-1',
      });
      await Promise.all([
        ...Array.from({ length: 10 }, () =>
          a.rollbackExecutor.execute('rollback-1'),
        ),
        ...Array.from({ length: 10 }, () =>
          b.rollbackExecutor.execute('rollback-1'),
        ),
        a.sweep(),
        b.sweep(),
      ]);

      expect(aliasUpdatesSent()).toBe(1);
      const done = await b.rollbacks.get('rollback-1', READER);
      expect(done.status).toBe('succeeded');
      expect(done.steps.map(s => s.name)).toEqual(['switch-alias', 'verify']);
      expect(done.history.filter(e => e.event === 'succeeded')).toHaveLength(1);
    });

    it('resume on the other instance a rollback whose instance stopped before its switch went through', async () => {
      const leases = new RollbackLeases(knexA);
      const plan = await rollBackPlanned(a);
      await leases.insertRunning({ ...plan, id: 'rollback-2' });
      await leases.claim('rollback-2', 'stopped', a.runner.leaseUntil());
      await a.store.startStep(
        { type: 'rollback', id: 'rollback-2' },
        'switch-alias',
        a.clock.now.toISOString(),
      );
      // Nothing recovers it while its lease runs.
      await b.sweep();
      expect(aliasUpdatesSent()).toBe(0);

      b.clock.advance(10 * 60_000);
      await b.sweep();
      const done = await a.rollbacks.get('rollback-2', READER);
      expect(done.status).toBe('succeeded');
      expect(done.steps.map(s => [s.name, s.status])).toEqual([
        ['switch-alias', 'failed'],
        ['switch-alias', 'succeeded'],
        ['verify', 'succeeded'],
      ]);
      expect(prod().alias.version).toBe('1');
      expect(prod().liveDigest).toBe(digestOf('v1.3.1'));
    });

    it('fail a rollback whose instance stopped when live was changed by something else, saying what live serves', async () => {
      const leases = new RollbackLeases(knexA);
      const plan = await rollBackPlanned(a);
      await leases.insertRunning({ ...plan, id: 'rollback-3' });
      await leases.claim('rollback-3', 'stopped', a.runner.leaseUntil());
      // Someone deployed version 3 by hand meanwhile.
      prod().versions.set('3', prod().versions.get('2')!);
      prod().alias.version = '3';

      b.clock.advance(10 * 60_000);
      await b.sweep();
      const done = await a.rollbacks.get('rollback-3', READER);
      expect(done.status).toBe('failed');
      expect(done.statusReason).toMatch(
        /^Interrupted before its first step when the backend instance executing it stopped\. Live serves version 3: neither version 2 \(.*\) it was rolling back from nor version 1/,
      );
      expect(aliasUpdatesSent()).toBe(0);
    });

    /** A planned rollback of prod to version 1, as recorded before it runs. */
    async function rollBackPlanned(replica: Harness) {
      const {
        steps: _s,
        history: _h,
        ...plan
      } = await replica.rollbacks.rollback(
        {
          entityRef: 'component:default/checkout-api',
          environment: 'prod',
          targetVersion: '1',
          dryRun: true,
        },
        actor('alice'),
      );
      return {
        ...plan,
        status: 'running' as const,
        leaseExpiresAt: replica.runner.leaseUntil(),
      };
    }
  },
);
