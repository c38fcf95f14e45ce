import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { FleetServiceSummary } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { FleetPage, FleetQuery } from './MatrixStore';

/** Page size of the fleet view when the query gives none, and the largest page served. */
export const DEFAULT_FLEET_LIMIT = 100;
export const MAX_FLEET_LIMIT = 1000;

// Fleet pages kept per store instance (a page of 100 summaries is ~90 kB) and how long one is served
// without reading it again even when the fleet's fingerprint did not change (see listFleet).
const FLEET_CACHE_ENTRIES = 200;
const FLEET_CACHE_MAX_AGE_MS = 60_000;
// How long a fleet fingerprint is reused before it is read again: how late another replica's write
// can show in this one's fleet view (see fleetFingerprint).
const FLEET_FINGERPRINT_MAX_AGE_MS = 1_000;

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

/**
 * The fleet view of the matrix store: pages of the `service` table's summaries, filtered and paged in
 * the database, and cached per instance until the fleet changes (in this instance or, as its
 * fingerprint shows, in another replica sharing the database).
 */
export class FleetView {
  /** Fleet pages by normalised query; emptied by every write of this instance. */
  private readonly fleetCache = new Map<string, CachedFleetPage>();
  /** How often this instance emptied the cache for a write; a page read across one is not kept. */
  private writes = 0;
  /** The last fleet fingerprint read (or under way), and when its read started. */
  private fingerprint?: { value: Promise<string>; readAt: number };
  private readonly fingerprintMaxAgeMs: number;

  constructor(
    private readonly db: Knex,
    options?: { fingerprintMaxAgeMs?: number },
  ) {
    this.fingerprintMaxAgeMs =
      options?.fingerprintMaxAgeMs ?? FLEET_FINGERPRINT_MAX_AGE_MS;
  }

  /** This instance wrote to the fleet: what it cached is gone. */
  written(): void {
    this.fleetCache.clear();
    this.writes += 1;
  }

  /**
   * One page of the fleet view. Pages are cached per instance: a page is read from the database
   * again only when this instance wrote since, or when the fleet's fingerprint (number of services
   * and latest `updated_at`, one aggregate query, read at most once a second) changed, which is how
   * a write by another replica sharing the database shows; see
   * {@link FleetView.fleetFingerprint}. The returned page
   * may be shared between callers: do not modify it.
   *
   * With `visible`, only those services count: the whole fleet matching the query is read (and cached
   * as one page for every caller), then filtered and paged.
   */
  async list(
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
    const writesBefore = this.writes;
    const page = await this.readFleet(normalised);
    // A write of this instance while the page was read empties the cache: keep nothing then.
    if (writesBefore === this.writes) {
      if (this.fleetCache.size >= FLEET_CACHE_ENTRIES) {
        this.fleetCache.clear();
      }
      this.fleetCache.set(key, { fingerprint, storedAt: Date.now(), page });
    }
    return page;
  }

  /**
   * What changes whenever the `service` table does, in any replica: every write stamps the rows it
   * upserts with an `updated_at` later than any stored one (the store's `writeTime`), so the
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
