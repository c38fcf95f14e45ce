import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase, rollbackMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// Every table of every migration, in the order the migrations create them.
const TABLES = [
  'environment_state',
  'digest_history',
  'service',
  'compliance_findings',
  'compliance_evaluations',
  'stack_drift_checks',
  'promotions',
  'promotion_approvals',
  'rollbacks',
  'promotion_steps',
  'promotion_events',
  'service_provisions',
];

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('create every table of the plugin and remove them again', async () => {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    for (const table of TABLES) {
      expect([table, await knex.schema.hasTable(table)]).toEqual([table, true]);
    }

    await rollbackMigrations(knex);

    for (const table of TABLES) {
      expect([table, await knex.schema.hasTable(table)]).toEqual([
        table,
        false,
      ]);
    }
  });

  it('are skipped when the database service says so', async () => {
    const knex = await databases.init(databaseId);
    await migrateDatabase({
      getClient: async () => knex,
      migrations: { skip: true },
    });
    expect(await knex.schema.hasTable('environment_state')).toBe(false);
  });
});
