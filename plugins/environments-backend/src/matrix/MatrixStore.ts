import {
  DigestHistoryEntry,
  EnvironmentMatrix,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import { RefreshResult, ServiceDescriptor } from './collector/types';

/** The state a fleet query filters on. `ok`: none of the other three. */
export type FleetStatus =
  | 'needs-promotion'
  | 'unpromoted-artifact'
  | 'stale'
  | 'ok';

/** The fleet statuses, for validation and docs. */
export const FLEET_STATUSES: FleetStatus[] = [
  'needs-promotion',
  'unpromoted-artifact',
  'stale',
  'ok',
];

/** Filters and paging of the fleet view; every filter is optional. */
export interface FleetQuery {
  /** Owner entity ref, e.g. `group:default/team-checkout` (kind `group` and namespace `default` by default). */
  owner?: string;
  /** System entity ref, e.g. `system:default/shop` (kind `system` and namespace `default` by default). */
  system?: string;
  status?: FleetStatus;
  /** Case-insensitive text in the entity ref or title. */
  search?: string;
  offset?: number;
  limit?: number;
}

/** One page of the fleet view, ordered by entity ref. */
export interface FleetPage {
  items: FleetServiceSummary[];
  totalItems: number;
  offset: number;
  limit: number;
}

/**
 * Stores what the collector found: the last known state of each service in each environment, every
 * digest that ran there, and a per-service summary for the fleet view. The environments (and their
 * order) are the store's, given when it is created.
 */
export interface MatrixStore {
  /**
   * Saves a refresh. Complete environments replace the stored state and add to the digest history
   * (the live digest, and each digest of the published versions not recorded yet, dated by its first
   * publication); incomplete ones keep their last known state, marked stale with the error. With `replaceFleet`,
   * `services` is the whole fleet and every other stored service is removed.
   */
  saveRefresh(
    result: RefreshResult,
    services: ServiceDescriptor[],
    options?: { replaceFleet?: boolean },
  ): Promise<void>;

  /** The entity refs of every stored service: the ones collected at least once. */
  listServiceRefs(): Promise<string[]>;

  /** The service in every environment, in order, with comparisons; `unknown` where never collected. */
  getMatrix(entityRef: string): Promise<EnvironmentMatrix>;

  /** The digests that ran in one environment of a service, most recently live first. */
  getHistory(
    entityRef: string,
    environment: string,
  ): Promise<DigestHistoryEntry[]>;

  /** One page of the fleet view; with `visible`, of those services only (the caller's). */
  listFleet(
    query: FleetQuery,
    visible?: ReadonlySet<string>,
  ): Promise<FleetPage>;
}
