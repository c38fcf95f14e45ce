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
 * The functions of one location that belong to a service in an environment: named explicitly, named
 * by the convention, or tagged for it. `primary` is decided later over all locations ({@link markPrimary}).
 */
export function findServiceFunctions(options: {
  service: ServiceDescriptor;
  environment: EnvironmentDefinition;
  location: AwsLocation;
  functions: Map<string, LocatedFunction>;
  discoveryTags?: DiscoveryTags;
}): FunctionResource[] {
  const { service, environment, location, functions, discoveryTags } = options;
  const explicitName = service.explicitFunctionNames[environment.name];
  const conventionName = conventionFunctionName(service, environment);

  const found: FunctionResource[] = [];
  for (const [name, { state, stack }] of functions) {
    let discoveredBy: DiscoveryMethod | undefined;
    if (name === explicitName) {
      discoveredBy = 'explicit';
    } else if (name === conventionName) {
      discoveredBy = 'convention';
    } else if (matchesTags(state.tags, service, environment, discoveryTags)) {
      discoveredBy = 'tags';
    }
    if (!discoveredBy) {
      continue;
    }
    found.push({
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
    });
  }
  return found;
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
