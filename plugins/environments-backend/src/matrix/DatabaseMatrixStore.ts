import {
  DigestHistoryEntry,
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import { compareEnvironments } from './comparison';
import { Knex } from 'knex';
import {
  CollectedService,
  RefreshResult,
  ServiceDescriptor,
} from './collector/types';
import { chunk, removeServicesExcept } from './batches';
import { FleetView } from './FleetView';
import {
  HistoryRow,
  normaliseHistoryRow,
  normaliseStateRow,
  RefreshRows,
  rowToHistory,
  rowToState,
  ServiceRow,
  StateRow,
  unknownState,
} from './matrixRows';
import { FleetPage, FleetQuery, MatrixStore } from './MatrixStore';

// Services written per transaction: keeps each write short so fleet reads are not held up
// (SQLite has a single connection) while every service's rows still change together.
const SERVICES_PER_TRANSACTION = 50;

/** The knex implementation of {@link MatrixStore}, on SQLite or PostgreSQL; its database is migrated (migrations.ts). */
export class DatabaseMatrixStore implements MatrixStore {
  private readonly fleet: FleetView;

  constructor(
    private readonly db: Knex,
    private readonly environments: EnvironmentDefinition[],
    options?: { fingerprintMaxAgeMs?: number },
  ) {
    this.fleet = new FleetView(db, options);
  }

  async saveRefresh(
    result: RefreshResult,
    services: ServiceDescriptor[],
    options?: { replaceFleet?: boolean },
  ): Promise<void> {
    const collected = new Map(result.services.map(s => [s.entityRef, s]));
    const errors = this.environmentErrors(result);
    this.fleet.written();
    try {
      for (const batch of chunk(services, SERVICES_PER_TRANSACTION)) {
        await this.db.transaction(tx =>
          this.saveServices(tx, batch, collected, errors, result.finishedAt),
        );
      }
      if (options?.replaceFleet) {
        await this.removeServicesExcept(services.map(s => s.entityRef));
      }
    } finally {
      // Also when a batch failed: the batches before it were written.
      this.fleet.written();
    }
  }

  /**
   * The `updated_at` of a write: now, but always later than every stored one, so that the fleet
   * fingerprint changes with every write even when this replica's clock is behind another's.
   */
  private async writeTime(tx: Knex.Transaction): Promise<Date> {
    const row = await tx('service').max({ updated: 'updated_at' }).first();
    const latest =
      row?.updated === null || row?.updated === undefined
        ? 0
        : new Date(row.updated).getTime();
    return new Date(Math.max(Date.now(), latest + 1));
  }

  async listServiceRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db('service').select(
      'entity_ref',
    );
    return rows.map(row => row.entity_ref);
  }

  async getMatrix(entityRef: string): Promise<EnvironmentMatrix> {
    const [stateRows, historyRows] = await Promise.all([
      this.db<StateRow>('environment_state').where('entity_ref', entityRef),
      this.db<HistoryRow>('digest_history').where('entity_ref', entityRef),
    ]);
    return {
      entityRef,
      environments: this.compare(stateRows, historyRows),
    };
  }

  /**
   * One page of the fleet view, cached per instance until the fleet changes (see {@link FleetView}).
   * With `visible`, only those services count. The returned page may be shared between callers: do
   * not modify it.
   */
  listFleet(
    query: FleetQuery,
    visible?: ReadonlySet<string>,
  ): Promise<FleetPage> {
    return this.fleet.list(query, visible);
  }

  async getHistory(
    entityRef: string,
    environment: string,
  ): Promise<DigestHistoryEntry[]> {
    const rows = await this.db<HistoryRow>('digest_history')
      .where({ entity_ref: entityRef, environment })
      .orderBy([
        { column: 'last_seen_at', order: 'desc' },
        { column: 'first_seen_at', order: 'desc' },
      ]);
    return rows.map(rowToHistory);
  }

  /** The error of each environment that failed, from the account-regions it lives in. */
  private environmentErrors(result: RefreshResult): Map<string, string> {
    const errors = new Map<string, string>();
    for (const environment of this.environments) {
      const failures = result.failedLocations.filter(failed =>
        environment.locations.some(
          l => l.accountId === failed.accountId && l.region === failed.region,
        ),
      );
      if (failures.length > 0) {
        errors.set(
          environment.name,
          failures
            .map(
              f =>
                `Could not read account ${f.accountId} in ${f.region}: ${f.error}`,
            )
            .join('; '),
        );
      }
    }
    return errors;
  }

  private async saveServices(
    tx: Knex.Transaction,
    services: ServiceDescriptor[],
    collected: Map<string, CollectedService>,
    errors: Map<string, string>,
    finishedAt: string,
  ): Promise<void> {
    const refs = services.map(s => s.entityRef);
    const [states, history] = await Promise.all([
      tx<StateRow>('environment_state').whereIn('entity_ref', refs),
      tx<HistoryRow>('digest_history').whereIn('entity_ref', refs),
    ]);
    const now = await this.writeTime(tx);
    const rows = new RefreshRows(
      { states, history },
      { seenAt: new Date(finishedAt), now },
      errors,
    );
    for (const service of services) {
      for (const env of collected.get(service.entityRef)?.environments ?? []) {
        rows.add(service.entityRef, env);
      }
    }
    for (const batch of chunk(rows.stateWrites, 100)) {
      await tx('environment_state')
        .insert(batch.map(normaliseStateRow))
        .onConflict(['entity_ref', 'environment'])
        .merge();
    }
    for (const batch of chunk(rows.historyWrites, 100)) {
      await tx('digest_history')
        .insert(batch.map(normaliseHistoryRow))
        .onConflict(['entity_ref', 'environment', 'digest'])
        // first_seen_at is kept: it is when the digest first ran there.
        .merge(['digest_kind', 'version', 'image_uri', 'last_seen_at']);
    }
    const serviceRows = services.map(service =>
      this.serviceRow(service, rows.rowsOf(service.entityRef), now),
    );
    if (serviceRows.length > 0) {
      await tx('service').insert(serviceRows).onConflict('entity_ref').merge();
    }
  }

  /** A service's row of the fleet view: its summary, and the columns the fleet filters on. */
  private serviceRow(
    service: ServiceDescriptor,
    rows: { states: StateRow[]; history: HistoryRow[] },
    now: Date,
  ): ServiceRow {
    const ref = service.entityRef;
    const summary = this.summarise(
      service,
      this.compare(rows.states, rows.history),
    );
    return {
      entity_ref: ref,
      title: service.title ?? null,
      owner: service.owner ?? null,
      system: service.system ?? null,
      search_text: `${ref} ${service.title ?? ''}`.toLocaleLowerCase('en-US'),
      summary: JSON.stringify(summary),
      needs_promotion: summary.needsPromotion,
      has_unpromoted_artifact: summary.hasUnpromotedArtifact,
      stale: summary.stale,
      updated_at: now,
    };
  }

  private async removeServicesExcept(keep: string[]): Promise<void> {
    await removeServicesExcept(
      this.db,
      ['digest_history', 'environment_state', 'service'],
      keep,
    );
  }

  /** The configured environments in order, from stored rows, with comparisons. */
  private compare(
    stateRows: StateRow[],
    historyRows: HistoryRow[],
  ): EnvironmentState[] {
    const byEnvironment = new Map(stateRows.map(row => [row.environment, row]));
    const states = this.environments.map(({ name }) => {
      const row = byEnvironment.get(name);
      return row ? rowToState(row) : unknownState(name);
    });
    const histories: Record<string, DigestHistoryEntry[]> = {};
    for (const row of historyRows) {
      (histories[row.environment] ??= []).push(rowToHistory(row));
    }
    return compareEnvironments(states, histories);
  }

  private summarise(
    service: ServiceDescriptor,
    states: EnvironmentState[],
  ): FleetServiceSummary {
    return {
      entityRef: service.entityRef,
      title: service.title,
      owner: service.owner,
      system: service.system,
      environments: states.map(state => ({
        environment: state.environment,
        status: state.status,
        digest: state.digest,
        liveVersion: state.liveVersion,
        stale: state.freshness.stale,
        comparison: state.comparison,
      })),
      needsPromotion: states.some(s => s.comparison?.promotionPending),
      hasUnpromotedArtifact: states.some(s => s.comparison?.unpromotedArtifact),
      stale: states.some(s => s.freshness.stale),
    };
  }
}
