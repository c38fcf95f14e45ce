import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** The plugin's knex migrations (migrations/ at the package root), applied in the order of their names. */
export const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@internal/backstage-plugin-environments-backend',
  'migrations',
);

/**
 * Runs every migration of the plugin, in order (matrix, findings, promotions, provisions), unless the
 * database service says to skip them, and returns the client. The one place migrations run: the
 * composition root calls it before any store is built.
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
  }
  return client;
}

/** Undoes every migration of the plugin; for the migrations test. */
export async function rollbackMigrations(client: Knex): Promise<void> {
  await client.migrate.rollback({ directory: MIGRATIONS_DIRECTORY }, true);
}
