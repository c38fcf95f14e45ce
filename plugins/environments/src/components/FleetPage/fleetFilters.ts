import {
  ComplianceSummary,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import {
  hasConfigurationFindings,
  hasDrift,
  isNonCompliant,
} from '../Compliance';

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
  /** Its configuration matrix has findings: a required variable missing, a flag off-plan, a leak. */
  configurationFindings: boolean;
  search: string;
  /** Row order: by name (the fleet's own order), or the most compliance problems first. */
  sort: FleetSort;
}

export type FleetSort = 'name' | 'compliance';

export const noFleetFilters: FleetFilters = {
  sort: 'name',
  needsPromotion: false,
  unpromotedArtifact: false,
  stale: false,
  nonCompliant: false,
  hasDrift: false,
  configurationFindings: false,
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
      (!filters.configurationFindings ||
        hasConfigurationFindings(compliance.get(item.entityRef))) &&
      (!search ||
        [item.entityRef, item.title, item.owner, item.system].some(value =>
          value?.toLocaleLowerCase('en-US').includes(search),
        )),
  );
}

/**
 * The rows in the order asked for. `compliance`: most errors first, then most warnings, then most
 * findings of any severity; services never evaluated last; ties keep the fleet's order (by name).
 */
export function sortFleet(
  items: FleetServiceSummary[],
  sort: FleetSort,
  compliance: Map<string, ComplianceSummary> = new Map(),
): FleetServiceSummary[] {
  if (sort === 'name') {
    return items;
  }
  const rank = (item: FleetServiceSummary) => {
    const summary = compliance.get(item.entityRef);
    return summary
      ? [summary.bySeverity.error, summary.bySeverity.warning, summary.total]
      : [-1, -1, -1];
  };
  return items
    .map(item => ({ item, rank: rank(item) }))
    .sort(
      (a, b) =>
        b.rank[0] - a.rank[0] || b.rank[1] - a.rank[1] || b.rank[2] - a.rank[2],
    )
    .map(({ item }) => item);
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
