import {
  DiscoveryMethod,
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { NamePattern } from '@internal/backstage-plugin-environments-node';
import {
  AwsLocation,
  LambdaFunctionState,
  StackSummary,
} from '../../aws/types';
import type { FunctionDiscovery, ServiceSearch } from './FunctionDiscovery';
import { ServiceDescriptor } from './types';

/** Tag keys that discover a service's functions (config `environments.discovery`). */
export interface DiscoveryTags {
  projectTag: string;
  componentTag: string;
  environmentTag: string;
}

export const DEFAULT_DISCOVERY_TAGS: DiscoveryTags = {
  projectTag: 'Project',
  componentTag: 'Component',
  environmentTag: 'Environment',
};

/** Whether a name holds a project token (case-insensitive): such a stack may hold the project's functions. */
export function nameHoldsProject(name: string, project: string): boolean {
  return name.toLowerCase().includes(project.toLowerCase());
}

/** Whether a function's tags say it is this service in this environment (values case-insensitive). */
export function matchesTags(
  tags: Record<string, string>,
  service: Pick<ServiceDescriptor, 'project' | 'component'>,
  environment: Pick<EnvironmentDefinition, 'shortName' | 'longName'>,
  discoveryTags: DiscoveryTags = DEFAULT_DISCOVERY_TAGS,
): boolean {
  const value = (key: string) => tags[key]?.toLowerCase();
  const environmentValue = value(discoveryTags.environmentTag);
  return (
    value(discoveryTags.projectTag) === service.project.toLowerCase() &&
    value(discoveryTags.componentTag) === service.component.toLowerCase() &&
    environmentValue !== undefined &&
    [
      environment.shortName.toLowerCase(),
      environment.longName.toLowerCase(),
    ].includes(environmentValue)
  );
}

const METHOD_RANK: Record<DiscoveryMethod, number> = {
  explicit: 0,
  convention: 1,
  tags: 2,
};

/** A function of one location with the stack that holds it, if known. */
export interface LocatedFunction {
  state: LambdaFunctionState;
  stack?: StackSummary;
  /** Whether the stack's template defines the function's `live` alias; unknown when not read. */
  ownsLiveAlias?: boolean;
}

/** A function in a {@link FunctionIndex}; `position` keeps the order of the indexed map. */
interface IndexedFunction {
  name: string;
  located: LocatedFunction;
  position: number;
  environmentTag?: string;
}

/** The first position in `sorted` whose key is not below `key`. */
function lowerBound<T>(sorted: T[], key: string, keyOf: (item: T) => string) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyOf(sorted[middle]) < key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

const reverse = (text: string) => [...text].reverse().join('');

/**
 * The functions of one location, indexed once so that matching every service against them costs a few
 * look-ups per service instead of a pass over every function: by name (explicit and exact convention
 * names), by sorted name and reversed name (convention patterns with free tokens, by their fixed
 * prefix or suffix), and by the lower-cased project and component tag values (tag discovery).
 */
export class FunctionIndex {
  private readonly byName = new Map<string, IndexedFunction>();
  private readonly byTags = new Map<string, IndexedFunction[]>();
  /** By name and by reversed name: built on the first pattern with free tokens. */
  private sorted?: IndexedFunction[];
  private sortedReversed?: Array<{ key: string; entry: IndexedFunction }>;

  /** Indexes `functions`; the LocatedFunction objects are shared, so stacks attached later show. */
  constructor(
    functions: Map<string, LocatedFunction>,
    readonly discoveryTags: DiscoveryTags = DEFAULT_DISCOVERY_TAGS,
  ) {
    let position = 0;
    for (const [name, located] of functions) {
      const entry: IndexedFunction = {
        name,
        located,
        position: position++,
        environmentTag:
          located.state.tags[discoveryTags.environmentTag]?.toLowerCase(),
      };
      this.byName.set(name, entry);
      const project = located.state.tags[discoveryTags.projectTag];
      const component = located.state.tags[discoveryTags.componentTag];
      if (project !== undefined && component !== undefined) {
        const key = tagKey(project, component);
        const list = this.byTags.get(key);
        if (list) {
          list.push(entry);
        } else {
          this.byTags.set(key, [entry]);
        }
      }
    }
  }

  /** The function with this name, if any. */
  named(name: string | undefined): IndexedFunction | undefined {
    return name === undefined ? undefined : this.byName.get(name);
  }

  /**
   * The functions whose names a convention pattern allows: the one exact name, else those starting
   * with its fixed prefix (or ending with its suffix, when that is longer) that match the whole pattern.
   * A pattern with free tokens at both ends is tested against every function.
   */
  matching(pattern: NamePattern): IndexedFunction[] {
    if (pattern.exact) {
      const entry = this.byName.get(pattern.text);
      return entry ? [entry] : [];
    }
    const found: IndexedFunction[] = [];
    if (pattern.prefix.length >= pattern.suffix.length) {
      const { prefix } = pattern;
      const sorted = (this.sorted ??= [...this.byName.values()].sort((a, b) =>
        a.name < b.name ? -1 : 1,
      ));
      for (
        let i = lowerBound(sorted, prefix, e => e.name);
        i < sorted.length && sorted[i].name.startsWith(prefix);
        i++
      ) {
        if (pattern.matches(sorted[i].name)) {
          found.push(sorted[i]);
        }
      }
    } else {
      const suffix = reverse(pattern.suffix);
      const sorted = (this.sortedReversed ??= [...this.byName.values()]
        .map(entry => ({ key: reverse(entry.name), entry }))
        .sort((a, b) => (a.key < b.key ? -1 : 1)));
      for (
        let i = lowerBound(sorted, suffix, e => e.key);
        i < sorted.length && sorted[i].key.startsWith(suffix);
        i++
      ) {
        if (pattern.matches(sorted[i].entry.name)) {
          found.push(sorted[i].entry);
        }
      }
    }
    return found;
  }

  /** The functions whose tags say they are this service, in any environment. */
  taggedFor(
    service: Pick<ServiceDescriptor, 'project' | 'component'>,
  ): IndexedFunction[] {
    return this.byTags.get(tagKey(service.project, service.component)) ?? [];
  }
}

// Lower-cased as matchesTags compares; JSON keeps the two values apart whatever they contain.
function tagKey(project: string, component: string): string {
  return JSON.stringify([project.toLowerCase(), component.toLowerCase()]);
}

/**
 * The functions of one location that belong to each service in each environment: named explicitly,
 * allowed by the service's naming convention, or tagged for it ({@link matchesTags}), each in the order
 * of the index. A name that the conventions of several services allow (`billing-prod-api-{purpose}` and
 * `billing-prod-api-gateway-{purpose}` both allow `billing-prod-api-gateway-handler`) belongs to the
 * most specific pattern only. `primary` is decided later over all locations ({@link markPrimary}).
 * Returns, per entity ref and environment name, the functions found.
 */
export function matchLocation(options: {
  searches: ServiceSearch[];
  location: AwsLocation;
  index: FunctionIndex;
  discovery: FunctionDiscovery;
  /** False when only which functions are found matters: names are then not judged (`expectedName`). */
  judgeNames?: boolean;
}): Map<string, Map<string, FunctionResource[]>> {
  const { searches, location, index, discovery } = options;
  const judge = options.judgeNames === false ? undefined : discovery;
  const conventionMatches = searches.map(search =>
    index.matching(search.pattern),
  );
  const mostSpecific = new Map<string, number>();
  searches.forEach((search, i) => {
    for (const entry of conventionMatches[i]) {
      const best = mostSpecific.get(entry.name) ?? -1;
      mostSpecific.set(entry.name, Math.max(best, search.pattern.fixedLength));
    }
  });

  const found = new Map<string, Map<string, FunctionResource[]>>();
  searches.forEach((search, i) => {
    // A function matching several ways counts once, by the strongest way: explicit, convention, tags.
    const matched = new Map<string, [IndexedFunction, DiscoveryMethod]>();
    const add = (
      entry: IndexedFunction | undefined,
      method: DiscoveryMethod,
    ) => {
      if (entry && !matched.has(entry.name)) {
        matched.set(entry.name, [entry, method]);
      }
    };
    add(index.named(search.explicitName), 'explicit');
    for (const entry of conventionMatches[i]) {
      if (mostSpecific.get(entry.name) === search.pattern.fixedLength) {
        add(entry, 'convention');
      }
    }
    for (const entry of index.taggedFor(search.service)) {
      if (
        entry.environmentTag !== undefined &&
        search.tagValues.environments.includes(entry.environmentTag)
      ) {
        add(entry, 'tags');
      }
    }
    const resources = [...matched.values()]
      .sort(([a], [b]) => a.position - b.position)
      .map(([{ located }, discoveredBy]) =>
        toResource(located, location, discoveredBy, search, judge),
      );
    const perEnvironment =
      found.get(search.service.entityRef) ??
      new Map<string, FunctionResource[]>();
    perEnvironment.set(search.environment.name, resources);
    found.set(search.service.entityRef, perEnvironment);
  });
  return found;
}

/** A function found for a search in a location, as the collector reports it (`primary` decided later). */
export function toResource(
  { state, stack, ownsLiveAlias }: LocatedFunction,
  location: AwsLocation,
  discoveredBy: DiscoveryMethod,
  search: ServiceSearch,
  judge?: FunctionDiscovery,
): FunctionResource {
  const expectedName = judge?.expectedName(search, state.functionName);
  return {
    ...state,
    accountId: location.accountId,
    region: location.region,
    discoveredBy,
    ...(expectedName !== undefined ? { expectedName } : {}),
    primary: false,
    stack: stack && {
      stackName: stack.stackName,
      stackId: stack.stackId,
      status: stack.status,
      ...(ownsLiveAlias !== undefined ? { ownsLiveAlias } : {}),
    },
  };
}

/**
 * Orders a service's functions in one environment (all locations) and marks exactly one primary:
 * explicit before convention before tags, then by name.
 */
export function markPrimary(functions: FunctionResource[]): FunctionResource[] {
  const ordered = [...functions].sort(
    (a, b) =>
      METHOD_RANK[a.discoveredBy] - METHOD_RANK[b.discoveredBy] ||
      a.functionName.localeCompare(b.functionName) ||
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region),
  );
  return ordered.map((fn, index) => ({ ...fn, primary: index === 0 }));
}
