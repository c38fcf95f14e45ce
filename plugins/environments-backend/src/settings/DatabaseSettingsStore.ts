import { Knex } from 'knex';
import { removeServicesExcept } from '../matrix/batches';
import { EnvironmentSettingsSnapshot, SettingsStore } from './types';

const TABLE = 'settings_snapshots';

interface SnapshotRow {
  entity_ref: string;
  environment: string;
  snapshot: string;
  collected_at: Date | string;
}

/** The configuration matrix's snapshots in the plugin's database (migrations/20261206_15_settings.js). */
export class DatabaseSettingsStore implements SettingsStore {
  constructor(private readonly db: Knex) {}

  async saveSnapshots(
    entityRef: string,
    snapshots: EnvironmentSettingsSnapshot[],
  ): Promise<void> {
    // One transaction, and upserts: a reader sees a service's previous snapshots or its new ones, and two
    // replicas refreshing the same service at once both succeed (the last one's stay).
    await this.db.transaction(async tx => {
      await tx(TABLE)
        .where({ entity_ref: entityRef })
        .whereNotIn(
          'environment',
          snapshots.map(s => s.environment),
        )
        .delete();
      if (snapshots.length > 0) {
        await tx(TABLE)
          .insert(
            snapshots.map(({ environment, collectedAt, ...rest }) => ({
              entity_ref: entityRef,
              environment,
              snapshot: JSON.stringify(rest),
              collected_at: new Date(collectedAt),
            })),
          )
          .onConflict(['entity_ref', 'environment'])
          .merge();
      }
    });
  }

  async getSnapshots(
    entityRef: string,
  ): Promise<EnvironmentSettingsSnapshot[]> {
    const rows: SnapshotRow[] = await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('environment');
    return rows.map(row => ({
      environment: row.environment,
      collectedAt: new Date(row.collected_at).toISOString(),
      ...JSON.parse(row.snapshot),
    }));
  }

  removeServicesExcept(keep: string[]): Promise<void> {
    return removeServicesExcept(this.db, [TABLE], keep);
  }
}
