import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DigestHistoryEntry,
  EnvironmentDefinition,
  EnvironmentMatrix,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';

/** The state a fleet query can filter on, as the backend's `/fleet` endpoint names it. */
export type FleetStatus =
  | 'needs-promotion'
  | 'unpromoted-artifact'
  | 'stale'
  | 'ok';

/** Filters and paging of a fleet query; every field is optional. */
export interface FleetQuery {
  owner?: string;
  system?: string;
  status?: FleetStatus;
  search?: string;
  offset?: number;
  limit?: number;
}

/** One page of the fleet view. */
export interface FleetPage {
  items: FleetServiceSummary[];
  totalItems: number;
  offset: number;
  limit: number;
}

/** What the Environments frontend reads from (and asks of) the environments backend. */
export interface EnvironmentsApi {
  /** The configured environments, in promotion order. */
  getEnvironments(): Promise<EnvironmentDefinition[]>;
  /** What a service runs in every environment. */
  getMatrix(entity: CompoundEntityRef): Promise<EnvironmentMatrix>;
  /** The digests that ran in one environment of a service. */
  getHistory(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<DigestHistoryEntry[]>;
  /** Collects a service from AWS now and returns its new matrix. */
  refresh(entity: CompoundEntityRef): Promise<EnvironmentMatrix>;
  /** One page of every service × environment. */
  getFleet(query?: FleetQuery): Promise<FleetPage>;
}

/** The API ref of {@link EnvironmentsApi}. */
export const environmentsApiRef = createApiRef<EnvironmentsApi>().with({
  id: 'plugin.environments.client',
  pluginId: 'environments',
});
