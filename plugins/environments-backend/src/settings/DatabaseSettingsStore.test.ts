import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../migrations';
import { DatabaseSettingsStore } from './DatabaseSettingsStore';
import { EnvironmentSettingsSnapshot } from './types';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function snapshot(
  environment: string,
  value: string,
): EnvironmentSettingsSnapshot {
  return {
    environment,
    paths: [`/shop/${environment}/checkout-api/`],
    parameters: [
      {
        name: `/shop/${environment}/checkout-api/API_URL`,
        type: 'String',
        version: 1,
        value,
      },
    ],
    secretNames: [`shop/${environment}/checkout-api/STRIPE_SECRET_KEY`],
    collectedAt: '2026-12-06T04:00:00.000Z',
  };
}

describe('DatabaseSettingsStore', () => {
  it.each(databases.eachSupportedId())(
    'keeps the last snapshots of a service, replacing them whole, even when two replicas save at once (%s)',
    async (id: TestDatabaseId) => {
      const knex = await databases.init(id);
      await migrateDatabase({ getClient: async () => knex });
      const store = new DatabaseSettingsStore(knex);
      const ref = 'component:default/checkout-api';

      await store.saveSnapshots(ref, [
        snapshot('dev', 'a'),
        snapshot('prod', 'a'),
      ]);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.saveSnapshots(ref, [snapshot('prod', `v${i}`)]),
        ),
      );

      const stored = await store.getSnapshots(ref);
      expect(stored.map(s => s.environment)).toEqual(['prod']);
      expect(stored[0].parameters[0].value).toMatch(/^v\d$/);
      expect(stored[0].secretNames).toEqual([
        'shop/prod/checkout-api/STRIPE_SECRET_KEY',
      ]);

      await store.removeServicesExcept([]);
      expect(await store.getSnapshots(ref)).toEqual([]);
    },
  );
});
