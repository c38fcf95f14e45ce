import {
  ComplianceSummary,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import {
  hasConfigurationFindings,
  hasDrift,
  isNonCompliant,
} from '../Compliance';

/** A state a service can be in, which the page narrows the fleet to (a summary tile or a checkbox). */
export type FleetState =
  | 'needsPromotion'
  | 'unpromotedArtifact'
  | 'stale'
  /** Breaks a naming or tag rule. */
  | 'nonCompliant'
  /** Runs something that differs from what was declared, promoted or templated. */
  | 'hasDrift'
  /** Its configuration matrix has findings: a required variable missing, a flag off-plan, a leak. */
  | 'configurationFindings';

/** What the user narrowed the fleet to. Empty fields do not filter. */
export type FleetFilters = {
  owner?: string;
  system?: string;
  search: string;
  /** Row order: by name (the fleet's own order), or the most compliance problems first. */
  sort: FleetSort;
} & Record<FleetState, boolean>;

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

/** Each state's value of the `status` query parameter, in the API's words (`GET /fleet?status=`). */
const STATUS_PARAMETER: Record<FleetState, string> = {
  needsPromotion: 'needs-promotion',
  unpromotedArtifact: 'unpromoted-artifact',
  stale: 'stale',
  nonCompliant: 'non-compliant',
  hasDrift: 'drift',
  configurationFindings: 'configuration',
};

export const FLEET_STATES = Object.keys(STATUS_PARAMETER) as FleetState[];

/**
 * The filters a page URL carries, so that a filtered fleet can be bookmarked and shared:
 * `?owner=group:default/team-checkout&status=needs-promotion&status=stale&search=api&sort=compliance`.
 * Values the page does not know are ignored.
 */
export function fleetFiltersFromUrl(params: URLSearchParams): FleetFilters {
  const statuses = new Set(params.getAll('status'));
  const filters: FleetFilters = {
    ...noFleetFilters,
    owner: params.get('owner') || undefined,
    system: params.get('system') || undefined,
    search: params.get('search') ?? '',
    sort: params.get('sort') === 'compliance' ? 'compliance' : 'name',
  };
  for (const state of FLEET_STATES) {
    filters[state] = statuses.has(STATUS_PARAMETER[state]);
  }
  return filters;
}

/** The query of a page URL for these filters; the defaults are left out. */
export function fleetFiltersToUrl(filters: FleetFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.owner) params.set('owner', filters.owner);
  if (filters.system) params.set('system', filters.system);
  for (const state of FLEET_STATES) {
    if (filters[state]) params.append('status', STATUS_PARAMETER[state]);
  }
  if (filters.search) params.set('search', filters.search);
  if (filters.sort !== 'name') params.set('sort', filters.sort);
  return params;
}

function inState(
  item: FleetServiceSummary,
  state: FleetState,
  compliance: Map<string, ComplianceSummary>,
): boolean {
  switch (state) {
    case 'needsPromotion':
      return item.needsPromotion;
    case 'unpromotedArtifact':
      return item.hasUnpromotedArtifact;
    case 'stale':
      return item.stale;
    case 'nonCompliant':
      return isNonCompliant(compliance.get(item.entityRef));
    case 'hasDrift':
      return hasDrift(compliance.get(item.entityRef));
    default:
      return hasConfigurationFindings(compliance.get(item.entityRef));
  }
}

/** The services of the chosen owner and system that match the search; states aside. */
function narrowFleet(
  items: FleetServiceSummary[],
  filters: FleetFilters,
): FleetServiceSummary[] {
  const search = filters.search.trim().toLocaleLowerCase('en-US');
  return items.filter(
    item =>
      (!filters.owner || item.owner === filters.owner) &&
      (!filters.system || item.system === filters.system) &&
      (!search ||
        [item.entityRef, item.title, item.owner, item.system].some(value =>
          value?.toLocaleLowerCase('en-US').includes(search),
        )),
  );
}

/**
 * The services that pass every active filter; the search matches name, title, owner and system.
 * The compliance states read each service's summary from `compliance` (by entity ref).
 */
export function filterFleet(
  items: FleetServiceSummary[],
  filters: FleetFilters,
  compliance: Map<string, ComplianceSummary> = new Map(),
): FleetServiceSummary[] {
  const states = FLEET_STATES.filter(state => filters[state]);
  return narrowFleet(items, filters).filter(item =>
    states.every(state => inState(item, state, compliance)),
  );
}

/** How many services the summary tiles count: all of them, and those in each state. */
export type FleetCounts = { services: number } & Record<
  FleetState,
  number | undefined
>;

/**
 * The counts of the summary tiles, over the services of the chosen owner, system and search (the
 * states chosen do not change them). The compliance counts are undefined until the summaries loaded.
 */
export function fleetCounts(
  items: FleetServiceSummary[],
  filters: FleetFilters,
  compliance?: Map<string, ComplianceSummary>,
): FleetCounts {
  const narrowed = narrowFleet(items, filters);
  const count = (state: FleetState) =>
    narrowed.filter(item => inState(item, state, compliance ?? new Map()))
      .length;
  return {
    services: narrowed.length,
    needsPromotion: count('needsPromotion'),
    unpromotedArtifact: count('unpromotedArtifact'),
    stale: count('stale'),
    nonCompliant: compliance ? count('nonCompliant') : undefined,
    hasDrift: compliance ? count('hasDrift') : undefined,
    configurationFindings: compliance
      ? count('configurationFindings')
      : undefined,
  };
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
