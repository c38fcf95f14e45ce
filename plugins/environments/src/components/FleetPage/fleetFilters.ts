import { FleetServiceSummary } from '@internal/backstage-plugin-environments-common';

/** What the user narrowed the fleet to. Empty fields do not filter. */
export interface FleetFilters {
  owner?: string;
  system?: string;
  needsPromotion: boolean;
  unpromotedArtifact: boolean;
  stale: boolean;
  search: string;
}

export const noFleetFilters: FleetFilters = {
  needsPromotion: false,
  unpromotedArtifact: false,
  stale: false,
  search: '',
};

/** The services that pass every active filter; the search matches name, title, owner and system. */
export function filterFleet(
  items: FleetServiceSummary[],
  filters: FleetFilters,
): FleetServiceSummary[] {
  const search = filters.search.trim().toLocaleLowerCase('en-US');
  return items.filter(
    item =>
      (!filters.owner || item.owner === filters.owner) &&
      (!filters.system || item.system === filters.system) &&
      (!filters.needsPromotion || item.needsPromotion) &&
      (!filters.unpromotedArtifact || item.hasUnpromotedArtifact) &&
      (!filters.stale || item.stale) &&
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
