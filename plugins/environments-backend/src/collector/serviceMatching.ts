import {
  DiscoveryMethod,
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { AwsLocation, LambdaFunctionState, StackSummary } from '../aws/types';
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

/**
 * The function name the naming convention gives a service in an environment:
 * `{project}-{component}-{env short name}`. The configurable naming convention replaces this later.
 */
export function conventionFunctionName(
  service: Pick<ServiceDescriptor, 'project' | 'component'>,
  environment: Pick<EnvironmentDefinition, 'shortName'>,
): string {
  return `${service.project}-${service.component}-${environment.shortName}`;
}

/**
 * Whether a function may belong to a project through its tags, judged by its name alone: tags are only
 * known after one GetFunction per function, so only functions whose name contains the project token
 * (case-insensitive) are read. A function tagged for the project whose name lacks the token is not found
 * unless it is named explicitly with the `environments.io/function.<env>` annotation.
 */
export function isTagDiscoveryCandidate(
  functionName: string,
  project: string,
): boolean {
  return functionName.toLowerCase().includes(project.toLowerCase());
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
}

/**
 * The functions of one location, indexed once so that matching every service against them costs
 * O(functions + services) instead of O(functions × services): by name (explicit and convention
 * names) and by the lower-cased project and component tag values (tag discovery).
 */
export class FunctionIndex {
  private readonly byName = new Map<string, IndexedFunction>();
  private readonly byTags = new Map<string, IndexedFunction[]>();

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

  /** The functions whose tags say they are this service, in any environment. */
  taggedFor(
    service: Pick<ServiceDescriptor, 'project' | 'component'>,
  ): IndexedFunction[] {
    return this.byTags.get(tagKey(service.project, service.component)) ?? [];
  }
}

/** A function in a {@link FunctionIndex}; `position` keeps the order of the indexed map. */
interface IndexedFunction {
  name: string;
  located: LocatedFunction;
  position: number;
  environmentTag?: string;
}

// Lower-cased as matchesTags compares; JSON keeps the two values apart whatever they contain.
function tagKey(project: string, component: string): string {
  return JSON.stringify([project.toLowerCase(), component.toLowerCase()]);
}

/**
 * The functions of one location that belong to a service in an environment: named explicitly, named
 * by the convention, or tagged for it ({@link matchesTags}), in the order of `functions`. Pass a
 * {@link FunctionIndex} when matching many services against the same functions. `primary` is decided
 * later over all locations ({@link markPrimary}).
 */
export function findServiceFunctions(options: {
  service: ServiceDescriptor;
  environment: EnvironmentDefinition;
  location: AwsLocation;
  functions: Map<string, LocatedFunction> | FunctionIndex;
  discoveryTags?: DiscoveryTags;
}): FunctionResource[] {
  const { service, environment, location, functions } = options;
  const index =
    functions instanceof FunctionIndex
      ? functions
      : new FunctionIndex(functions, options.discoveryTags);
  const explicitName = service.explicitFunctionNames[environment.name];
  const conventionName = conventionFunctionName(service, environment);

  // A function matching several ways counts once, by the strongest way: explicit, convention, tags.
  const matched = new Map<string, [IndexedFunction, DiscoveryMethod]>();
  const add = (entry: IndexedFunction | undefined, method: DiscoveryMethod) => {
    if (entry && !matched.has(entry.name)) {
      matched.set(entry.name, [entry, method]);
    }
  };
  add(index.named(explicitName), 'explicit');
  add(index.named(conventionName), 'convention');
  const environmentValues = [
    environment.shortName.toLowerCase(),
    environment.longName.toLowerCase(),
  ];
  for (const entry of index.taggedFor(service)) {
    if (
      entry.environmentTag !== undefined &&
      environmentValues.includes(entry.environmentTag)
    ) {
      add(entry, 'tags');
    }
  }

  return [...matched.values()]
    .sort(([a], [b]) => a.position - b.position)
    .map(([{ located }, discoveredBy]) => {
      const { state, stack } = located;
      return {
        ...state,
        accountId: location.accountId,
        region: location.region,
        discoveredBy,
        // An explicit name is declared on purpose: it is not a breach of the convention.
        expectedName: discoveredBy === 'explicit' ? undefined : conventionName,
        primary: false,
        stack: stack && {
          stackName: stack.stackName,
          stackId: stack.stackId,
          status: stack.status,
        },
      };
    });
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

/**
 * The names among `functionNames` worth one GetFunction each: explicit and convention names of the
 * services in these environments, and tag-discovery candidates ({@link isTagDiscoveryCandidate}).
 */
export function candidateFunctionNames(
  functionNames: Iterable<string>,
  services: ServiceDescriptor[],
  environments: EnvironmentDefinition[],
): Set<string> {
  const named = new Set<string>();
  for (const service of services) {
    for (const environment of environments) {
      const explicitName = service.explicitFunctionNames[environment.name];
      if (explicitName) {
        named.add(explicitName);
      }
      named.add(conventionFunctionName(service, environment));
    }
  }
  const projects = [...new Set(services.map(service => service.project))];
  const candidates = new Set<string>();
  for (const name of functionNames) {
    if (
      named.has(name) ||
      projects.some(project => isTagDiscoveryCandidate(name, project))
    ) {
      candidates.add(name);
    }
  }
  return candidates;
}
