import {
  DigestHistoryEntry,
  EnvironmentMatrix,
  FleetPage,
  FleetQuery,
  FleetStatus,
} from '@internal/backstage-plugin-environments-common';
import { RefreshResult, ServiceDescriptor } from './collector/types';

export type {
  FleetPage,
  FleetQuery,
  FleetStatus,
} from '@internal/backstage-plugin-environments-common';

/** Every fleet status (the spec's FleetStatus), for the benchmarks. */
export const FLEET_STATUSES: FleetStatus[] = [
  'needs-promotion',
  'unpromoted-artifact',
  'stale',
  'ok',
];

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
