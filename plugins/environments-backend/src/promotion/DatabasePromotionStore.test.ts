import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { StoredPromotion } from './PromotionStore';
import { MIGRATIONS_DIR } from './__testUtils__/harness';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function promotion(
  id: string,
  overrides: Partial<StoredPromotion> = {},
): StoredPromotion {
  return {
    id,
    entityRef: 'component:default/checkout-api',
    sourceEnvironment: 'staging',
    targetEnvironment: 'prod',
    skippedEnvironments: [],
    digest: `sha256:${'a'.repeat(64)}`,
    sourceVersion: '3',
    sourceImageUri:
      '222222222222.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v1.4.0',
    imageUri: `333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:${'a'.repeat(
      64,
    )}`,
    target: {
      accountId: '333333333333',
      region: 'eu-west-1',
      functionName: 'shop-checkout-api-prod',
    },
    status: 'approved',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-11-24T10:00:00.000Z',
    expiresAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    policy: {
      requiresApproval: true,
      approvals: 1,
      approvers: ['group:default/team-checkout'],
      approvalTtlMs: 3600_000,
    },
    warnings: [],
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore on %s',
  databaseId => {
    let knex: Knex;
    let store: DatabasePromotionStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
      store = new DatabasePromotionStore(knex);
    }, 60_000);

    it('stores a request and reads it back as it was', async () => {
      const stored = promotion('11111111-0000-0000-0000-000000000001', {
        comment: 'ship it',
        windowOverride: {
          by: 'user:default/alice',
          at: '2026-11-24T10:00:00.000Z',
          reason: 'Freeze',
        },
      });
      await store.insertPromotion(stored);
      await expect(store.getPromotion(stored.id)).resolves.toEqual({
        ...stored,
        statusReason: undefined,
        startedAt: undefined,
        finishedAt: undefined,
        executedBy: undefined,
        previousVersion: undefined,
        previousDigest: undefined,
        publishedVersion: undefined,
        smokeCheckUrl: undefined,
        leaseOwner: undefined,
        leaseExpiresAt: undefined,
      });
    });

    it('lets exactly one of two concurrent claims move a request from approved to running', async () => {
      const id = '11111111-0000-0000-0000-000000000002';
      await store.insertPromotion(promotion(id));
      const claim = (owner: string) =>
        store.transition(id, ['approved'], {
          status: 'running',
          leaseOwner: owner,
          leaseExpiresAt: '2026-11-24T10:02:00.000Z',
        });
      const results = await Promise.all([claim('a'), claim('b'), claim('c')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const owner = ['a', 'b', 'c'][results.indexOf(true)];
      await expect(store.getPromotion(id)).resolves.toMatchObject({
        status: 'running',
        leaseOwner: owner,
      });
    });

    it('records an approval only once per approver while it counts, and completes the request with the approval that makes it enough', async () => {
      const id = '11111111-0000-0000-0000-000000000009';
      await store.insertPromotion(
        promotion(id, {
          status: 'requested',
          policy: { ...promotion(id).policy, approvals: 2 },
        }),
      );
      const approve = (approver: string, at: string, mayExecute = true) =>
        store.recordApproval(
          id,
          {
            approver: `user:default/${approver}`,
            decision: 'approved',
            decidedAt: at,
            expiresAt: new Date(Date.parse(at) + 3600_000).toISOString(),
            mayExecute,
          },
          { now: at, statusReason: approvers => `By ${approvers.join(' & ')}` },
        );
      await expect(approve('bob', '2026-11-24T10:00:00.000Z')).resolves.toEqual(
        {
          outcome: 'recorded',
          approvers: ['user:default/bob'],
          completed: false,
        },
      );
      await expect(approve('bob', '2026-11-24T10:30:00.000Z')).resolves.toEqual(
        { outcome: 'already-approved' },
      );
      // Bob's approval expired at 11:00: his new one replaces it and counts again.
      await expect(approve('bob', '2026-11-24T11:30:00.000Z')).resolves.toEqual(
        {
          outcome: 'recorded',
          approvers: ['user:default/bob'],
          completed: false,
        },
      );
      await expect(
        approve('erin', '2026-11-24T11:40:00.000Z', false),
      ).resolves.toEqual({ outcome: 'may-not-execute' });
      expect(
        (await store.listApprovals(id)).map(a => [a.approver, a.decidedAt]),
      ).toEqual([['user:default/bob', '2026-11-24T11:30:00.000Z']]);
      await expect(
        approve('erin', '2026-11-24T11:45:00.000Z'),
      ).resolves.toEqual({
        outcome: 'recorded',
        approvers: ['user:default/bob', 'user:default/erin'],
        completed: true,
      });
      await expect(store.getPromotion(id)).resolves.toMatchObject({
        status: 'approved',
        statusReason: 'By user:default/bob & user:default/erin',
        executedBy: 'user:default/erin',
      });
      await expect(
        approve('carol', '2026-11-24T11:50:00.000Z'),
      ).resolves.toEqual({ outcome: 'not-requested', status: 'approved' });
    });

    it('only lets the lease holder finish a running request, and another instance take over an expired lease', async () => {
      const id = '11111111-0000-0000-0000-000000000003';
      await store.insertPromotion(
        promotion(id, {
          status: 'running',
          leaseOwner: 'a',
          leaseExpiresAt: '2026-11-24T10:02:00.000Z',
        }),
      );
      expect(
        await store.transition(
          id,
          ['running'],
          { status: 'succeeded' },
          { leaseOwner: 'b' },
        ),
      ).toBe(false);
      expect(await store.renewLease(id, 'a', '2026-11-24T10:04:00.000Z')).toBe(
        true,
      );
      expect(await store.renewLease(id, 'b', '2026-11-24T10:04:00.000Z')).toBe(
        false,
      );

      // Before the lease expired, nobody takes it over.
      expect(
        (await store.listExpiredLeases('2026-11-24T10:03:00.000Z')).map(
          p => p.id,
        ),
      ).not.toContain(id);
      expect(
        await store.takeOverExpiredLease(
          id,
          'b',
          '2026-11-24T10:03:00.000Z',
          '2026-11-24T10:05:00.000Z',
        ),
      ).toBe(false);

      const expired = await store.listExpiredLeases('2026-11-24T10:05:00.000Z');
      expect(expired.map(p => p.id)).toContain(id);
      const takeOvers = await Promise.all([
        store.takeOverExpiredLease(
          id,
          'b',
          '2026-11-24T10:05:00.000Z',
          '2026-11-24T10:07:00.000Z',
        ),
        store.takeOverExpiredLease(
          id,
          'c',
          '2026-11-24T10:05:00.000Z',
          '2026-11-24T10:07:00.000Z',
        ),
      ]);
      expect(takeOvers.filter(Boolean)).toHaveLength(1);
      // The instance that lost its lease can no longer finish the request.
      expect(
        await store.transition(
          id,
          ['running'],
          { status: 'failed' },
          { leaseOwner: 'a' },
        ),
      ).toBe(false);
    });

    it('records approvals once per approver, steps before and after they act, and events in order', async () => {
      const id = '11111111-0000-0000-0000-000000000004';
      await store.insertPromotion(promotion(id, { status: 'requested' }));
      await store.upsertApproval(id, {
        approver: 'user:default/bob',
        decision: 'approved',
        decidedAt: '2026-11-24T10:01:00.000Z',
        expiresAt: '2026-11-24T11:01:00.000Z',
      });
      await store.upsertApproval(id, {
        approver: 'user:default/bob',
        decision: 'approved',
        comment: 'again',
        decidedAt: '2026-11-24T12:00:00.000Z',
        expiresAt: '2026-11-24T13:00:00.000Z',
      });
      expect(await store.listApprovals(id)).toEqual([
        {
          approver: 'user:default/bob',
          decision: 'approved',
          comment: 'again',
          decidedAt: '2026-11-24T12:00:00.000Z',
          expiresAt: '2026-11-24T13:00:00.000Z',
        },
      ]);

      const subject = { type: 'promotion' as const, id };
      const first = await store.startStep(
        subject,
        'update-function-code',
        '2026-11-24T10:02:00.000Z',
        'UpdateFunctionCode',
      );
      expect((await store.listSteps(subject))[0]).toMatchObject({
        name: 'update-function-code',
        status: 'started',
      });
      await store.finishStep(
        first.id,
        'succeeded',
        '2026-11-24T10:02:01.000Z',
        { detail: 'done' },
      );
      const second = await store.startStep(
        subject,
        'wait-for-update',
        '2026-11-24T10:02:02.000Z',
      );
      // Recovery records what AWS shows the interrupted step achieved, once.
      expect(
        await store.finishInterruptedStep(
          subject,
          2,
          'failed',
          '2026-11-24T10:09:00.000Z',
          { error: 'Interrupted' },
        ),
      ).toBe(true);
      expect(
        await store.finishInterruptedStep(
          subject,
          2,
          'succeeded',
          '2026-11-24T10:10:00.000Z',
          { detail: 'again' },
        ),
      ).toBe(false);
      expect(second.sequence).toBe(2);
      expect(await store.listSteps(subject)).toEqual([
        {
          sequence: 1,
          name: 'update-function-code',
          status: 'succeeded',
          startedAt: '2026-11-24T10:02:00.000Z',
          finishedAt: '2026-11-24T10:02:01.000Z',
          detail: 'done',
          error: undefined,
        },
        {
          sequence: 2,
          name: 'wait-for-update',
          status: 'failed',
          startedAt: '2026-11-24T10:02:02.000Z',
          finishedAt: '2026-11-24T10:09:00.000Z',
          detail: undefined,
          error: 'Interrupted',
        },
      ]);

      await store.addEvent(subject, 'component:default/checkout-api', {
        at: '2026-11-24T10:00:00.000Z',
        event: 'requested',
        actor: 'user:default/alice',
      });
      await store.addEvent(subject, 'component:default/checkout-api', {
        at: '2026-11-24T10:01:00.000Z',
        event: 'approved',
        actor: 'user:default/bob',
      });
      expect((await store.listEvents(subject)).map(e => e.event)).toEqual([
        'requested',
        'approved',
      ]);
    });

    it('finds open requests past their expiry', async () => {
      const id = '11111111-0000-0000-0000-000000000005';
      await store.insertPromotion(
        promotion(id, {
          status: 'requested',
          expiresAt: '2026-11-24T11:00:00.000Z',
        }),
      );
      expect(
        (await store.listExpiredOpen('2026-11-24T10:59:00.000Z')).map(
          p => p.id,
        ),
      ).not.toContain(id);
      expect(
        (await store.listExpiredOpen('2026-11-24T11:00:00.000Z')).map(
          p => p.id,
        ),
      ).toContain(id);
    });

    it('keeps a rollback’s intentional drift until it is cleared by a promotion', async () => {
      const target = {
        accountId: '333333333333',
        region: 'eu-west-1',
        functionName: 'shop-checkout-api-prod',
      };
      await store.insertRollback({
        id: '22222222-0000-0000-0000-000000000001',
        entityRef: 'component:default/checkout-api',
        environment: 'prod',
        target,
        fromVersion: '3',
        toVersion: '2',
        status: 'succeeded',
        requestedBy: 'user:default/alice',
        requestedAt: '2026-11-24T10:00:00.000Z',
        aliasStackName: 'shop-checkout-api-prod',
        intentionalDrift: true,
        warnings: ['stack owns the alias'],
      });
      await expect(store.findIntentionalDrift(target)).resolves.toMatchObject({
        toVersion: '2',
        aliasStackName: 'shop-checkout-api-prod',
        intentionalDrift: true,
        warnings: ['stack owns the alias'],
      });
      await store.clearIntentionalDrift(target, '2026-11-25T10:00:00.000Z');
      await expect(store.findIntentionalDrift(target)).resolves.toBeUndefined();
      await expect(
        store.getRollback('22222222-0000-0000-0000-000000000001'),
      ).resolves.toMatchObject({
        intentionalDrift: false,
        driftClearedAt: '2026-11-25T10:00:00.000Z',
      });
    });

    it('migrates down cleanly', async () => {
      const fresh = await databases.init(databaseId);
      await fresh.migrate.latest({ directory: MIGRATIONS_DIR });
      expect(await fresh.schema.hasTable('promotions')).toBe(true);
      await fresh.migrate.rollback({ directory: MIGRATIONS_DIR }, true);
      expect(await fresh.schema.hasTable('promotions')).toBe(false);
      expect(await fresh.schema.hasTable('promotion_events')).toBe(false);
    });
  },
);
