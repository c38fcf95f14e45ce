import {
  DigestHistoryEntry,
  DigestKind,
  EnvironmentState,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import { PublishedVersion } from '../aws/types';
import { CollectedService } from './collector/types';

// The rows of the matrix tables (migrations/20261123_01_matrix.js) and what a refresh writes in them.

export type Timestamp = Date | string | number;

export interface StateRow {
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

export interface HistoryRow {
  entity_ref: string;
  environment: string;
  digest: string;
  digest_kind: DigestKind;
  version: string | null;
  image_uri: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface ServiceRow {
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
export function toIso(value: Timestamp): string;
export function toIso(value: Timestamp | null | undefined): string | undefined;
export function toIso(value: Timestamp | null | undefined): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value).toISOString();
}

export function rowToState(row: StateRow): EnvironmentState {
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

export function rowToHistory(row: HistoryRow): DigestHistoryEntry {
  return {
    digest: row.digest,
    digestKind: row.digest_kind,
    version: row.version ?? undefined,
    imageUri: row.image_uri ?? undefined,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
  };
}

export function unknownState(environment: string): EnvironmentState {
  return {
    environment,
    status: 'unknown',
    functions: [],
    freshness: { stale: false },
  };
}

/** The knex implementation of {@link MatrixStore}, on SQLite or PostgreSQL; its database is migrated (migrations.ts). */
// Rows read back from SQLite carry numbers for dates and 0/1 for booleans: write them as the
// column types expect.
export function normaliseStateRow(row: StateRow) {
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

export function normaliseHistoryRow(row: HistoryRow) {
  return {
    ...row,
    first_seen_at: new Date(row.first_seen_at),
    last_seen_at: new Date(row.last_seen_at),
  };
}

/** One environment of a collected service. */
type CollectedEnvironment = CollectedService['environments'][number];

const key = (ref: string, environment: string) => `${ref}\n${environment}`;

/**
 * The rows one batch of a refresh writes, from the rows stored before: each environment's state (a
 * complete one replaces it; an incomplete one keeps the last known state, marked stale with the error),
 * and the digests that ran there (the live one, and each published version's not recorded yet).
 */
export class RefreshRows {
  readonly stateWrites: StateRow[] = [];
  readonly historyWrites: HistoryRow[] = [];
  private readonly states: Map<string, StateRow>;
  private readonly history: Map<string, HistoryRow>;

  constructor(
    stored: { states: StateRow[]; history: HistoryRow[] },
    private readonly at: { seenAt: Date; now: Date },
    /** The error of each environment that failed, by name. */
    private readonly errors: Map<string, string>,
  ) {
    this.states = new Map(
      stored.states.map(row => [key(row.entity_ref, row.environment), row]),
    );
    this.history = new Map(
      stored.history.map(row => [
        `${key(row.entity_ref, row.environment)}\n${row.digest}`,
        row,
      ]),
    );
  }

  /** Adds what the refresh found of one service in one environment. */
  add(entityRef: string, env: CollectedEnvironment): void {
    const row = env.complete
      ? this.collectedState(entityRef, env)
      : this.staleState(entityRef, env);
    this.states.set(key(entityRef, env.environment), row);
    this.stateWrites.push(row);
  }

  /** A service's state and history rows, as they are after this batch. */
  rowsOf(entityRef: string): { states: StateRow[]; history: HistoryRow[] } {
    return {
      states: [...this.states.values()].filter(r => r.entity_ref === entityRef),
      history: [...this.history.values()].filter(
        r => r.entity_ref === entityRef,
      ),
    };
  }

  private collectedState(
    entityRef: string,
    env: CollectedEnvironment,
  ): StateRow {
    const { seenAt, now } = this.at;
    const primary = primaryFunction(env);
    // Only a live alias says what "runs" in the environment.
    const live = primary?.liveAlias ? primary : undefined;
    const row: StateRow = {
      entity_ref: entityRef,
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
      this.addHistory(row, env.versions ?? [], live);
    }
    return row;
  }

  /** The live digest's history row, and those of the versions published there not recorded yet. */
  private addHistory(
    state: StateRow,
    versions: PublishedVersion[],
    live: { digest?: string; imageUri?: string; deployedAt?: string },
  ): void {
    const { seenAt } = this.at;
    const stateKey = key(state.entity_ref, state.environment);
    const digest = live.digest!;
    const historyKey = `${stateKey}\n${digest}`;
    const entry: HistoryRow = {
      entity_ref: state.entity_ref,
      environment: state.environment,
      digest,
      digest_kind: state.digest_kind!,
      version: state.live_version,
      image_uri: live.imageUri ?? null,
      first_seen_at:
        this.history.get(historyKey)?.first_seen_at ??
        firstPublished(versions, digest, live.deployedAt) ??
        seenAt,
      last_seen_at: seenAt,
    };
    this.history.set(historyKey, entry);
    this.historyWrites.push(entry);
    // The versions published there ran there: recorded once, so a first refresh already
    // knows the environment's past, in the order of its own account's clock.
    for (const ran of versionHistory(versions, digest)) {
      const ranKey = `${stateKey}\n${ran.digest}`;
      if (!this.history.has(ranKey)) {
        const ranEntry: HistoryRow = {
          entity_ref: state.entity_ref,
          environment: state.environment,
          ...ran,
        };
        this.history.set(ranKey, ranEntry);
        this.historyWrites.push(ranEntry);
      }
    }
  }

  private staleState(entityRef: string, env: CollectedEnvironment): StateRow {
    const old = this.states.get(key(entityRef, env.environment));
    return {
      ...(old ?? {
        entity_ref: entityRef,
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
        this.errors.get(env.environment) ??
        'The last refresh could not read every account and region of this environment',
      error_at: this.at.seenAt,
      updated_at: this.at.now,
    };
  }
}
