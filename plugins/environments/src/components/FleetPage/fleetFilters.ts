import {
  ComplianceSummary,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import { hasDrift, isNonCompliant } from '../Compliance';

/** What the user narrowed the fleet to. Empty fields do not filter. */
export interface FleetFilters {
  owner?: string;
  system?: string;
  needsPromotion: boolean;
  unpromotedArtifact: boolean;
  stale: boolean;
  /** Breaks a naming or tag rule. */
  nonCompliant: boolean;
  /** Runs something that differs from what was declared, promoted or templated. */
  hasDrift: boolean;
  search: string;
}

export const noFleetFilters: FleetFilters = {
  needsPromotion: false,
  unpromotedArtifact: false,
  stale: false,
  nonCompliant: false,
  hasDrift: false,
  search: '',
};

/**
 * The services that pass every active filter; the search matches name, title, owner and system.
 * The compliance filters read each service's summary from `compliance` (by entity ref).
 */
export function filterFleet(
  items: FleetServiceSummary[],
  filters: FleetFilters,
  compliance: Map<string, ComplianceSummary> = new Map(),
): FleetServiceSummary[] {
  const search = filters.search.trim().toLocaleLowerCase('en-US');
  return items.filter(
    item =>
      (!filters.owner || item.owner === filters.owner) &&
      (!filters.system || item.system === filters.system) &&
      (!filters.needsPromotion || item.needsPromotion) &&
      (!filters.unpromotedArtifact || item.hasUnpromotedArtifact) &&
      (!filters.stale || item.stale) &&
      (!filters.nonCompliant ||
        isNonCompliant(compliance.get(item.entityRef))) &&
      (!filters.hasDrift || hasDrift(compliance.get(item.entityRef))) &&
      (!search ||
        [item.entityRef, item.title, item.owner, item.system].some(value =>
          value?.toLocaleLowerCase('en-US').includes(search),
        )),
  );
}

/** The distinct values of a field, sorted, for a filter's options. */
export function distinctValues(
  items: FleetServiceSummary[],
  field: 'owner' | 'system',
): string[] {
  const values = new Set<string>();
  for (const item of items) {
    const value = item[field];
    if (value) {
      values.add(value);
    }
  }
  return [...values].sort((a, b) => a.localeCompare(b));
}
