import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Finding } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { DatabaseFindingsStore } from './DatabaseFindingsStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-environments-backend',
  'migrations',
);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const checkout = 'component:default/checkout-api';
const notifications = 'component:default/notifications-worker';

const missingOwner: Finding = {
  kind: 'tags',
  severity: 'error',
  environment: 'staging',
  resource:
    'arn:aws:lambda:eu-west-1:222222222222:function:shop-notifications-worker-staging',
  rule: 'tags.required',
  subject: 'Owner',
  message: "Required tag 'Owner' is missing",
  expected: 'Owner',
};
const missingCostCenter: Finding = {
  ...missingOwner,
  subject: 'CostCenter',
  message: "Required tag 'CostCenter' is missing",
  expected: 'CostCenter',
};
const longSpelling: Finding = {
  kind: 'naming',
  severity: 'warning',
  environment: 'prod',
  resource:
    'arn:aws:lambda:eu-west-1:333333333333:function:shop-notifications-worker-production',
  rule: 'naming.environment-spelling',
  message: 'uses the long spelling',
  expected: 'shop-notifications-worker-prod',
  actual: 'shop-notifications-worker-production',
};

async function migrated(id: TestDatabaseId): Promise<Knex> {
  const knex = await databases.init(id);
  await knex.migrate.latest({ directory: migrationsDir });
  return knex;
}

describe.each(databases.eachSupportedId())(
  'DatabaseFindingsStore on %p',
  databaseId => {
    it('migrates up and down', async () => {
      const knex = await migrated(databaseId);
      expect(await knex.schema.hasTable('compliance_findings')).toBe(true);
      expect(await knex.schema.hasTable('stack_drift_checks')).toBe(true);
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('compliance_findings')).toBe(false);
      expect(await knex.schema.hasTable('compliance_evaluations')).toBe(false);
    });

    it('keeps since for persisting findings, starts new ones now and deletes cleared ones', async () => {
      const store = new DatabaseFindingsStore(await migrated(databaseId));
      const t1 = new Date('2026-11-23T10:00:00.000Z');
      const t2 = new Date('2026-11-23T10:10:00.000Z');

      const first = await store.replaceFindings(
        notifications,
        [missingOwner, missingCostCenter, longSpelling],
        t1,
      );
      expect(first).toHaveLength(3);
      expect(first.every(f => f.since === t1.toISOString())).toBe(true);

      // The Owner tag was fixed; the long spelling persists with a new message; a new problem appears.
      const parity: Finding = {
        kind: 'parity',
        severity: 'warning',
        environment: 'prod',
        resource: longSpelling.resource,
        rule: 'parity.differs',
        subject: 'runtime',
        message: 'runtime differs',
      };
      const second = await store.replaceFindings(
        notifications,
        [missingCostCenter, { ...longSpelling, message: 'still long' }, parity],
        t2,
      );
      expect(
        second.map(f => [f.rule, f.subject, f.since, f.lastSeenAt]),
      ).toEqual([
        ['tags.required', 'CostCenter', t1.toISOString(), t2.toISOString()],
        [
          'naming.environment-spelling',
          undefined,
          t1.toISOString(),
          t2.toISOString(),
        ],
        ['parity.differs', 'runtime', t2.toISOString(), t2.toISOString()],
      ]);
      expect(second.find(f => f.kind === 'naming')).toMatchObject({
        message: 'still long',
        expected: 'shop-notifications-worker-prod',
        actual: 'shop-notifications-worker-production',
      });
      expect(second.find(f => f.subject === 'Owner')).toBeUndefined();
    });

    it('summarises per service and for the fleet, filtering by kind and severity', async () => {
      const store = new DatabaseFindingsStore(await migrated(databaseId));
      const now = new Date('2026-11-23T10:00:00.000Z');
      await store.replaceFindings(
        notifications,
        [missingOwner, missingCostCenter, longSpelling],
        now,
      );
      await store.replaceFindings(checkout, [], now);

      const summary = await store.summary(notifications);
      expect(summary).toMatchObject({
        entityRef: notifications,
        total: 3,
        worstSeverity: 'error',
        bySeverity: { error: 2, warning: 1, info: 0 },
        byKind: { tags: 2, naming: 1, parity: 0 },
        evaluatedAt: now.toISOString(),
      });
      expect(await store.summary(checkout)).toMatchObject({
        total: 0,
        evaluatedAt: now.toISOString(),
      });
      expect(
        (await store.summary('component:default/unknown')).evaluatedAt,
      ).toBeUndefined();

      const fleet = await store.fleetSummary();
      expect(fleet.map(s => [s.entityRef, s.total])).toEqual([
        [checkout, 0],
        [notifications, 3],
      ]);
      expect(
        (await store.fleetSummary({ kind: 'naming' })).map(s => s.entityRef),
      ).toEqual([notifications]);
      expect(await store.fleetSummary({ kind: 'digest-drift' })).toEqual([]);
      expect(
        (await store.fleetSummary({ severity: 'error' })).map(s => s.entityRef),
      ).toEqual([notifications]);

      expect(await store.listFindings({ kind: ['naming'] })).toEqual([
        expect.objectContaining({
          entityRef: notifications,
          rule: 'naming.environment-spelling',
        }),
      ]);
      expect(
        await store.listFindings({
          severity: ['error'],
          environment: 'staging',
        }),
      ).toHaveLength(2);
    });

    it('forgets the services that left the fleet, and only them', async () => {
      const store = new DatabaseFindingsStore(await migrated(databaseId));
      const now = new Date('2026-11-23T10:00:00.000Z');
      await store.replaceFindings(checkout, [], now);
      await store.replaceFindings(
        notifications,
        [missingOwner, longSpelling],
        now,
      );
      await store.saveStackDriftCheck({
        entityRef: notifications,
        environment: 'prod',
        accountId: '333333333333',
        region: 'eu-west-1',
        stackName: 'shop-notifications-worker-prod',
        status: 'not-checked',
        attemptedAt: now.toISOString(),
        reason: 'not supported',
      });

      await store.removeServicesExcept([checkout]);

      expect((await store.fleetSummary()).map(s => s.entityRef)).toEqual([
        checkout,
      ]);
      expect(await store.listFindings()).toEqual([]);
      expect(await store.listStackDriftChecks()).toEqual([]);
      expect((await store.summary(checkout)).evaluatedAt).toBe(
        now.toISOString(),
      );
    });

    it('keeps the last successful drift check when a later attempt fails', async () => {
      const store = new DatabaseFindingsStore(await migrated(databaseId));
      const target = {
        entityRef: checkout,
        environment: 'prod',
        accountId: '333333333333',
        region: 'eu-west-1',
        stackName: 'shop-checkout-api-prod',
      };
      const resources = [
        {
          logicalResourceId: 'Function',
          physicalResourceId: 'shop-checkout-api-prod',
          resourceType: 'AWS::Lambda::Function',
          status: 'MODIFIED',
          differences: [
            {
              propertyPath: '/MemorySize',
              expectedValue: '1024',
              actualValue: '2048',
              differenceType: 'NOT_EQUAL',
            },
          ],
        },
      ];
      await store.saveStackDriftCheck({
        ...target,
        status: 'checked',
        attemptedAt: '2026-11-23T10:00:00.000Z',
        checkedAt: '2026-11-23T10:00:05.000Z',
        stackDriftStatus: 'DRIFTED',
        resources,
      });
      await store.saveStackDriftCheck({
        ...target,
        status: 'failed',
        attemptedAt: '2026-11-23T16:00:00.000Z',
        reason: 'Throttling',
      });
      expect(await store.listStackDriftChecks({ entityRef: checkout })).toEqual(
        [
          {
            ...target,
            status: 'failed',
            attemptedAt: '2026-11-23T16:00:00.000Z',
            reason: 'Throttling',
            checkedAt: '2026-11-23T10:00:05.000Z',
            stackDriftStatus: 'DRIFTED',
            resources,
          },
        ],
      );
      await store.saveStackDriftCheck({
        ...target,
        status: 'checked',
        attemptedAt: '2026-11-23T22:00:00.000Z',
        checkedAt: '2026-11-23T22:00:03.000Z',
        stackDriftStatus: 'IN_SYNC',
        resources: [],
      });
      const [latest] = await store.listStackDriftChecks();
      expect(latest).toMatchObject({
        status: 'checked',
        stackDriftStatus: 'IN_SYNC',
        resources: [],
      });
      expect(latest.reason).toBeUndefined();
    });
  },
);
