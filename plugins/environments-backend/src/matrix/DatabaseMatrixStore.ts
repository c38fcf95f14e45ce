import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  compareEnvironments,
  DigestHistoryEntry,
  DigestKind,
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  FleetServiceSummary,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { PublishedVersion } from '../aws/types';
import {
  CollectedService,
  RefreshResult,
  ServiceDescriptor,
} from './collector/types';
import { FleetPage, FleetQuery, MatrixStore } from './MatrixStore';
import { chunk, removeServicesExcept } from './batches';

/** Page size of the fleet view when the query gives none, and the largest page served. */
export const DEFAULT_FLEET_LIMIT = 100;
export const MAX_FLEET_LIMIT = 1000;

// Services written per transaction: keeps each write short so fleet reads are not held up
// (SQLite has a single connection) while every service's rows still change together.
const SERVICES_PER_TRANSACTION = 50;

// Fleet pages kept per store instance (a page of 100 summaries is ~90 kB) and how long one is served
// without reading it again even when the fleet's fingerprint did not change (see listFleet).
const FLEET_CACHE_ENTRIES = 200;
const FLEET_CACHE_MAX_AGE_MS = 60_000;
// How long a fleet fingerprint is reused before it is read again: how late another replica's write
// can show in this one's fleet view (see fleetFingerprint).
const FLEET_FINGERPRINT_MAX_AGE_MS = 1_000;

type Timestamp = Date | string | number;

/** A fleet query with refs in full, search lower-cased and paging settled: the cache key. */
interface NormalisedFleetQuery {
  owner?: string;
  system?: string;
  status?: FleetQuery['status'];
  search?: string;
  offset: number;
  limit: number;
}

interface CachedFleetPage {
  fingerprint: string;
  storedAt: number;
  page: FleetPage;
}

interface StateRow {
  entity_ref: string;
  environment: string;
  status: EnvironmentState['status'];
  functions: string;
  digest: string | null;
  digest_kind: DigestKind | null;
  live_version: string | null;
  deployed_at: Timestamp | null;
  refreshed_at: Timestamp | null;
  stale: boolean | number;
  error: string | null;
  error_at: Timestamp | null;
  updated_at: Timestamp;
}

interface HistoryRow {
  entity_ref: string;
  environment: string;
  digest: string;
  digest_kind: DigestKind;
  version: string | null;
  image_uri: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

interface ServiceRow {
  entity_ref: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  search_text: string;
  summary: string;
  needs_promotion: boolean;
  has_unpromoted_artifact: boolean;
  stale: boolean;
  updated_at: Date;
}

/** Dates come back as Date (PostgreSQL), number (SQLite, as bound) or string; the API speaks ISO 8601. */
function toIso(value: Timestamp): string;
function toIso(value: Timestamp | null | undefined): string | undefined;
function toIso(value: Timestamp | null | undefined): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value).toISOString();
}

function rowToState(row: StateRow): EnvironmentState {
  return {
    environment: row.environment,
    status: row.status,
    functions: JSON.parse(row.functions),
    digest: row.digest ?? undefined,
    digestKind: row.digest_kind ?? undefined,
    liveVersion: row.live_version ?? undefined,
    deployedAt: toIso(row.deployed_at),
    freshness: {
      refreshedAt: toIso(row.refreshed_at),
      stale: Boolean(row.stale),
      error: row.error ?? undefined,
      errorAt: toIso(row.error_at),
    },
  };
}

/**
 * When a digest was first published in an environment (or its live version published, when the
 * versions do not show it); undefined when AWS gave no date. AWS's dates are kept as they are, not
 * capped at the refresh time: the account's own clock is what orders the environment's history.
 */
function firstPublished(
  versions: PublishedVersion[],
  digest: string,
  deployedAt: string | undefined,
): Date | undefined {
  const times = versions
    .filter(v => v.digest === digest)
    .map(v => Date.parse(v.publishedAt));
  if (deployedAt) {
    times.push(Date.parse(deployedAt));
  }
  const known = times.filter(t => !Number.isNaN(t));
  return known.length > 0 ? new Date(Math.min(...known)) : undefined;
}

/**
 * The history rows (without entity and environment) of the digests published in an environment,
 * the live one excepted: first seen when first published; last seen when the next version with
 * another digest was published (it replaced it), or at its own last publication when none was.
 */
function versionHistory(
  versions: PublishedVersion[],
  liveDigest: string,
): Array<Omit<HistoryRow, 'entity_ref' | 'environment'>> {
  const ordered = [...versions].sort(
    (a, b) => Number(a.version) - Number(b.version),
  );
  const byDigest = new Map<
    string,
    { first: PublishedVersion; last: PublishedVersion; replacedAt?: string }
  >();
  ordered.forEach((version, index) => {
    byDigest.set(version.digest, {
      first: byDigest.get(version.digest)?.first ?? version,
      last: version,
      // Kept from a digest's last version, whose successor necessarily runs another digest.
      replacedAt: ordered[index + 1]?.publishedAt,
    });
  });
  return [...byDigest.values()]
    .filter(({ first }) => first.digest !== liveDigest)
    .map(({ first, last, replacedAt }) => ({
      digest: first.digest,
      digest_kind: first.digestKind,
      version: last.version,
      image_uri: null,
      first_seen_at: new Date(first.publishedAt),
      last_seen_at: new Date(replacedAt ?? last.publishedAt),
    }));
}

function rowToHistory(row: HistoryRow): DigestHistoryEntry {
  return {
    digest: row.digest,
    digestKind: row.digest_kind,
    version: row.version ?? undefined,
    imageUri: row.image_uri ?? undefined,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
  };
}

function unknownState(environment: string): EnvironmentState {
  return {
    environment,
    status: 'unknown',
    functions: [],
    freshness: { stale: false },
  };
}

/** The knex implementation of {@link MatrixStore}, on SQLite or PostgreSQL; its database is migrated (migrations.ts). */
export class DatabaseMatrixStore implements MatrixStore {
  /** Fleet pages by normalised query; emptied by every write of this instance. */
  private readonly fleetCache = new Map<string, CachedFleetPage>();
  /** How often this instance emptied the cache for a write; a page read across one is not kept. */
  private fleetCacheClears = 0;
  /** The last fleet fingerprint read (or under way), and when its read started. */
  private fingerprint?: { value: Promise<string>; readAt: number };
  private readonly fingerprintMaxAgeMs: number;

  constructor(
    private readonly db: Knex,
    private readonly environments: EnvironmentDefinition[],
    options?: { fingerprintMaxAgeMs?: number },
  ) {
    this.fingerprintMaxAgeMs =
      options?.fingerprintMaxAgeMs ?? FLEET_FINGERPRINT_MAX_AGE_MS;
  }

  async saveRefresh(
    result: RefreshResult,
    services: ServiceDescriptor[],
    options?: { replaceFleet?: boolean },
  ): Promise<void> {
    const collected = new Map(result.services.map(s => [s.entityRef, s]));
    const errors = this.environmentErrors(result);
    this.clearFleetCache();
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
      this.clearFleetCache();
    }
  }

  private clearFleetCache(): void {
    this.fleetCache.clear();
    this.fleetCacheClears += 1;
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

  /**
   * One page of the fleet view. Pages are cached per instance: a page is read from the database
   * again only when this instance wrote since, or when the fleet's fingerprint (number of services
   * and latest `updated_at`, one aggregate query, read at most once a second) changed, which is how
   * a write by another replica sharing the database shows; see
   * {@link DatabaseMatrixStore.fleetFingerprint}. The returned page
   * may be shared between callers: do not modify it.
   *
   * With `visible`, only those services count: the whole fleet matching the query is read (and cached
   * as one page for every caller), then filtered and paged.
   */
  async listFleet(
    query: FleetQuery,
    visible?: ReadonlySet<string>,
  ): Promise<FleetPage> {
    const normalised: NormalisedFleetQuery = {
      owner: query.owner
        ? normaliseRef(query.owner, 'group', 'owner')
        : undefined,
      system: query.system
        ? normaliseRef(query.system, 'system', 'system')
        : undefined,
      status: query.status,
      search: query.search?.trim().toLocaleLowerCase('en-US') || undefined,
      offset: query.offset ?? 0,
      limit: Math.min(query.limit ?? DEFAULT_FLEET_LIMIT, MAX_FLEET_LIMIT),
    };
    if (!visible) {
      return this.cachedFleet(normalised);
    }
    const { offset, limit } = normalised;
    const all = await this.cachedFleet({
      ...normalised,
      offset: 0,
      limit: Number.MAX_SAFE_INTEGER,
    });
    const items = all.items.filter(item => visible.has(item.entityRef));
    return {
      items: items.slice(offset, offset + limit),
      totalItems: items.length,
      offset,
      limit,
    };
  }

  private async cachedFleet(
    normalised: NormalisedFleetQuery,
  ): Promise<FleetPage> {
    const key = JSON.stringify(normalised);
    // Read before the page: a write between the two makes the next fingerprint differ, so a page
    // newer than its fingerprint is at worst read again, never kept too long.
    const fingerprint = await this.fleetFingerprint();
    const cached = this.fleetCache.get(key);
    if (
      cached?.fingerprint === fingerprint &&
      Date.now() - cached.storedAt < FLEET_CACHE_MAX_AGE_MS
    ) {
      return cached.page;
    }
    const writesBefore = this.fleetCacheClears;
    const page = await this.readFleet(normalised);
    // A write of this instance while the page was read empties the cache: keep nothing then.
    if (writesBefore === this.fleetCacheClears) {
      if (this.fleetCache.size >= FLEET_CACHE_ENTRIES) {
        this.fleetCache.clear();
      }
      this.fleetCache.set(key, { fingerprint, storedAt: Date.now(), page });
    }
    return page;
  }

  /**
   * What changes whenever the `service` table does, in any replica: every write stamps the rows it
   * upserts with an `updated_at` later than any stored one ({@link DatabaseMatrixStore.writeTime}), so the
   * latest one rises; a removal lowers the count (and a later insert raises the latest `updated_at`).
   * Only two replicas writing at the same moment with the same stamp could leave it unchanged:
   * FLEET_CACHE_MAX_AGE_MS bounds how long a page can then be served stale.
   */
  private fleetFingerprint(): Promise<string> {
    // A fingerprint is reused for fingerprintMaxAgeMs (concurrent requests share its read): a read per
    // request cost more than the rest of a cached request. So another replica's write shows here
    // within that time; this instance's own writes empty the cache at once.
    const now = Date.now();
    if (
      !this.fingerprint ||
      now - this.fingerprint.readAt >= this.fingerprintMaxAgeMs
    ) {
      const entry = { value: this.readFleetFingerprint(), readAt: now };
      this.fingerprint = entry;
      entry.value.catch(() => {
        if (this.fingerprint === entry) {
          this.fingerprint = undefined;
        }
      });
    }
    return this.fingerprint.value;
  }

  private async readFleetFingerprint(): Promise<string> {
    const row = await this.db('service')
      .count({ services: '*' })
      .max({ updated: 'updated_at' })
      .first();
    return `${Number(row?.services ?? 0)}/${
      row?.updated === null || row?.updated === undefined
        ? ''
        : new Date(row.updated).getTime()
    }`;
  }

  private async readFleet(query: NormalisedFleetQuery): Promise<FleetPage> {
    const { offset, limit } = query;
    const filters = (qb: Knex.QueryBuilder) => {
      if (query.owner) {
        qb.where('owner', query.owner);
      }
      if (query.system) {
        qb.where('system', query.system);
      }
      switch (query.status) {
        case 'needs-promotion':
          qb.where('needs_promotion', true);
          break;
        case 'unpromoted-artifact':
          qb.where('has_unpromoted_artifact', true);
          break;
        case 'stale':
          qb.where('stale', true);
          break;
        case 'ok':
          qb.where({
            needs_promotion: false,
            has_unpromoted_artifact: false,
            stale: false,
          });
          break;
        default:
      }
      const search = query.search;
      if (search) {
        const escaped = search.replace(/[\\%_]/g, c => `\\${c}`);
        qb.whereRaw(`search_text like ? escape '\\'`, [`%${escaped}%`]);
      }
      return qb;
    };

    // One query: the page, and the number of matching services from a subquery (a window
    // function would make the database buffer every matching summary).
    const rows: Array<{ summary: string; total_items: number | string }> =
      await filters(this.db('service'))
        .select(
          'summary',
          filters(this.db('service').count('*')).as('total_items'),
        )
        .orderBy('entity_ref')
        .offset(offset)
        .limit(limit);
    let totalItems = rows.length > 0 ? Number(rows[0].total_items) : 0;
    if (rows.length === 0 && offset > 0) {
      const [{ count }] = await filters(this.db('service')).count({
        count: '*',
      });
      totalItems = Number(count);
    }
    return {
      items: rows.map(row => JSON.parse(row.summary) as FleetServiceSummary),
      totalItems,
      offset,
      limit,
    };
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
    const [oldStates, oldHistory] = await Promise.all([
      tx<StateRow>('environment_state').whereIn('entity_ref', refs),
      tx<HistoryRow>('digest_history').whereIn('entity_ref', refs),
    ]);
    const now = await this.writeTime(tx);
    const seenAt = new Date(finishedAt);
    const key = (ref: string, environment: string) => `${ref}\n${environment}`;
    const states = new Map(
      oldStates.map(row => [key(row.entity_ref, row.environment), row]),
    );
    const history = new Map(
      oldHistory.map(row => [
        `${key(row.entity_ref, row.environment)}\n${row.digest}`,
        row,
      ]),
    );

    const stateWrites: StateRow[] = [];
    const historyWrites: HistoryRow[] = [];
    for (const service of services) {
      for (const env of collected.get(service.entityRef)?.environments ?? []) {
        const stateKey = key(service.entityRef, env.environment);
        let row: StateRow;
        if (env.complete) {
          const primary = primaryFunction(env);
          // Only a live alias says what "runs" in the environment.
          const live = primary?.liveAlias ? primary : undefined;
          row = {
            entity_ref: service.entityRef,
            environment: env.environment,
            status: env.functions.length > 0 ? 'ok' : 'missing',
            functions: JSON.stringify(env.functions),
            digest: live?.digest ?? null,
            digest_kind: live?.digest ? live.digestKind ?? 'image' : null,
            live_version: live?.liveAlias?.version ?? null,
            deployed_at: live?.deployedAt ? new Date(live.deployedAt) : null,
            refreshed_at: seenAt,
            stale: false,
            error: null,
            error_at: null,
            updated_at: now,
          };
          if (live?.digest) {
            const versions = env.versions ?? [];
            const historyKey = `${stateKey}\n${live.digest}`;
            const previous = history.get(historyKey);
            const entry: HistoryRow = {
              entity_ref: service.entityRef,
              environment: env.environment,
              digest: live.digest,
              digest_kind: row.digest_kind!,
              version: row.live_version,
              image_uri: live.imageUri ?? null,
              first_seen_at:
                previous?.first_seen_at ??
                firstPublished(versions, live.digest, live.deployedAt) ??
                seenAt,
              last_seen_at: seenAt,
            };
            history.set(historyKey, entry);
            historyWrites.push(entry);
            // The versions published there ran there: recorded once, so a first refresh already
            // knows the environment's past, in the order of its own account's clock.
            for (const ran of versionHistory(versions, live.digest)) {
              const ranKey = `${stateKey}\n${ran.digest}`;
              if (!history.has(ranKey)) {
                const ranEntry: HistoryRow = {
                  entity_ref: service.entityRef,
                  environment: env.environment,
                  ...ran,
                };
                history.set(ranKey, ranEntry);
                historyWrites.push(ranEntry);
              }
            }
          }
        } else {
          const old = states.get(stateKey);
          row = {
            ...(old ?? {
              entity_ref: service.entityRef,
              environment: env.environment,
              status: 'unknown',
              functions: '[]',
              digest: null,
              digest_kind: null,
              live_version: null,
              deployed_at: null,
              refreshed_at: null,
            }),
            stale: true,
            error:
              errors.get(env.environment) ??
              'The last refresh could not read every account and region of this environment',
            error_at: seenAt,
            updated_at: now,
          };
        }
        states.set(stateKey, row);
        stateWrites.push(row);
      }
    }

    for (const rows of chunk(stateWrites, 100)) {
      await tx('environment_state')
        .insert(rows.map(normaliseStateRow))
        .onConflict(['entity_ref', 'environment'])
        .merge();
    }
    for (const rows of chunk(historyWrites, 100)) {
      await tx('digest_history')
        .insert(rows.map(normaliseHistoryRow))
        .onConflict(['entity_ref', 'environment', 'digest'])
        // first_seen_at is kept: it is when the digest first ran there.
        .merge(['digest_kind', 'version', 'image_uri', 'last_seen_at']);
    }

    const serviceRows: ServiceRow[] = services.map(service => {
      const ref = service.entityRef;
      const serviceStates = [...states.values()].filter(
        r => r.entity_ref === ref,
      );
      const serviceHistory = [...history.values()].filter(
        r => r.entity_ref === ref,
      );
      const summary = this.summarise(
        service,
        this.compare(serviceStates, serviceHistory),
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
    });
    if (serviceRows.length > 0) {
      await tx('service').insert(serviceRows).onConflict('entity_ref').merge();
    }
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

// Rows read back from SQLite carry numbers for dates and 0/1 for booleans: write them as the
// column types expect.
function normaliseStateRow(row: StateRow) {
  const date = (value: Timestamp | null) =>
    value === null ? null : new Date(value);
  return {
    ...row,
    stale: Boolean(row.stale),
    deployed_at: date(row.deployed_at),
    refreshed_at: date(row.refreshed_at),
    error_at: date(row.error_at),
    updated_at: new Date(row.updated_at),
  };
}

function normaliseHistoryRow(row: HistoryRow) {
  return {
    ...row,
    first_seen_at: new Date(row.first_seen_at),
    last_seen_at: new Date(row.last_seen_at),
  };
}

/** Owner and system filters accept a full ref or a short one (`team-checkout`, `shop`). */
function normaliseRef(
  value: string,
  defaultKind: string,
  filter: string,
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch (error) {
    throw new InputError(
      `The ${filter} filter '${value}' is not an entity reference: ${
        (error as Error).message
      }`,
    );
  }
}
