import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  actor,
  createHarness,
  environmentsConfig,
  Harness,
  MIGRATIONS_DIR,
  READER,
} from './__testUtils__/harness';
import { checkoutFleet, digestOf, teammate } from './__testUtils__/fakeLambda';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'two backend instances on one %s database',
  databaseId => {
    let knexA: Knex;
    let knexB: Knex;
    let a: Harness;
    let b: Harness;

    /** Two replicas on one database and one fleet; `config` and `teammates` as in createHarness. */
    async function startReplicas(options?: {
      config?: JsonObject;
      teammates?: number;
    }) {
      knexA = await databases.init(databaseId);
      await knexA.migrate.latest({ directory: MIGRATIONS_DIR });
      // A replica has its own connection pool to the same database (SQLite in memory cannot be shared).
      knexB = databaseId.startsWith('POSTGRES')
        ? knexFactory(knexA.client.config)
        : knexA;
      const fleet = checkoutFleet();
      a = await createHarness({
        ...options,
        knex: knexA,
        fleet,
        instanceId: 'replica-a',
      });
      b = await createHarness({
        ...options,
        knex: knexB,
        fleet,
        instanceId: 'replica-b',
      });
    }

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
      await startReplicas();
      const requested = await a.requestProd();
      const approvals = await Promise.allSettled([
        a.promotions.approve(requested.id, {}, actor('bob')),
        b.promotions.approve(requested.id, {}, actor('erin')),
      ]);
      expect(approvals.some(result => result.status === 'fulfilled')).toBe(
        true,
      );
      await Promise.all([a.executor.whenIdle(), b.executor.whenIdle()]);

      const done = await a.promotions.get(requested.id, READER);
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
      await startReplicas();
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
      expect((await b.promotions.get(requested.id, READER)).status).toBe(
        'succeeded',
      );
      expect(updates()).toBe(1);
      expect(a.fleet.functions.prod.aliasUpdates).toHaveLength(1);
    });

    /** Settles `calls` at once, half on each replica: how many succeeded, and every refusal. */
    async function atOnce(
      calls: Array<(replica: Harness) => Promise<unknown>>,
    ): Promise<{ fulfilled: number; refusals: unknown[] }> {
      const results = await Promise.allSettled(
        calls.map((call, i) => call(i % 2 === 0 ? a : b)),
      );
      await Promise.all([a.executor.whenIdle(), b.executor.whenIdle()]);
      return {
        fulfilled: results.filter(r => r.status === 'fulfilled').length,
        refusals: results.flatMap(r =>
          r.status === 'rejected' ? [r.reason] : [],
        ),
      };
    }

    it('completes a request needing 3 approvals exactly once when 24 approvers approve at the same instant', async () => {
      await startReplicas({
        config: environmentsConfig({ prod: { approvals: 3 } }),
        teammates: 24,
      });
      const requested = await a.requestProd();
      const { fulfilled, refusals } = await atOnce(
        Array.from(
          { length: 24 },
          (_, i) => replica =>
            replica.promotions.approve(
              requested.id,
              {},
              actor(teammate(i + 1)),
            ),
        ),
      );

      const done = await a.promotions.get(requested.id, READER);
      expect(done.status).toBe('succeeded');
      // The third approval completed it; the ones after found it no longer awaiting approval.
      expect(fulfilled).toBe(3);
      expect(done.approvals).toHaveLength(3);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(ConflictError);
      }
      expect(
        done.history
          .filter(event => event.event === 'approved')
          .map(event => event.detail)
          // Recorded once each approval's transaction committed: in any order at the same instant.
          .sort(),
      ).toEqual(['Approval 1 of 3', 'Approval 2 of 3', 'Approval 3 of 3']);
      expect(done.history.filter(e => e.event === 'ready')).toHaveLength(1);
      expect(done.executedBy).toBe(done.approvals[2].approver);
      expect(updates()).toBe(1);
    });

    it('completes a 2-approval request when its two approvers approve at the same instant, every time', async () => {
      await startReplicas({
        config: environmentsConfig({ prod: { approvals: 2 } }),
      });
      const staging = a.fleet.functions.staging;
      for (let round = 1; round <= 6; round++) {
        // Staging alternates between two releases, so that prod always has something new to take.
        const release = round % 2 === 1 ? 'v1.4.0' : 'v1.5.0';
        staging.versions.set('4', {
          ...staging.versions.get('3')!,
          codeSha256: digestOf(release).replace('sha256:', ''),
          imageUri: `${staging.repositoryUri}@${digestOf(release)}`,
        });
        staging.alias.version = '4';
        const requested = await a.requestProd();
        const { fulfilled } = await atOnce([
          replica => replica.promotions.approve(requested.id, {}, actor('bob')),
          replica =>
            replica.promotions.approve(requested.id, {}, actor('erin')),
        ]);
        expect(fulfilled).toBe(2);
        const done = await b.promotions.get(requested.id, READER);
        expect({ round, status: done.status }).toEqual({
          round,
          status: 'succeeded',
        });
        expect(a.fleet.functions.prod.liveDigest).toBe(digestOf(release));
      }
    });

    it.each([1, 2])(
      'counts one approver once when they approve 25 times at once (%i approval(s) needed)',
      async approvals => {
        await startReplicas({
          config: environmentsConfig({ prod: { approvals } }),
        });
        const requested = await a.requestProd();
        const { fulfilled, refusals } = await atOnce(
          Array.from(
            { length: 25 },
            () => (replica: Harness) =>
              replica.promotions.approve(requested.id, {}, actor('bob')),
          ),
        );

        expect(fulfilled).toBe(1);
        for (const refusal of refusals) {
          expect(refusal).toBeInstanceOf(ConflictError);
        }
        const done = await a.promotions.get(requested.id, READER);
        expect(done.approvals.map(x => x.approver)).toEqual([
          'user:default/bob',
        ]);
        expect(
          done.history
            .filter(event => event.event === 'approved')
            .map(event => event.detail),
        ).toEqual([`Approval 1 of ${approvals}`]);
        const audited = [...a.auditor.events, ...b.auditor.events].filter(
          event => event.eventId === 'promotion-approved',
        );
        expect(audited).toHaveLength(1);
        const approvedNotices = [
          ...a.notifications.send.mock.calls,
          ...b.notifications.send.mock.calls,
        ].filter(([notice]: any[]) =>
          notice.payload.title.startsWith(
            'Promotion approved by user:default/bob',
          ),
        );
        // With one approval needed, bob's completes the request: the notice then says it started.
        expect(approvedNotices).toHaveLength(approvals === 1 ? 0 : 1);
        expect(done.status).toBe(approvals === 1 ? 'succeeded' : 'requested');
      },
    );
  },
);
