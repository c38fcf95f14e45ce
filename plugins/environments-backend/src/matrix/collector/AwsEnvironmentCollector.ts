import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  EnvironmentDefinition,
  FunctionResource,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import {
  AwsLocation,
  LambdaFunctionState,
  LocationReaders,
  LocationReaderSource,
  PublishedVersion,
  StackSummary,
} from '../../aws/types';
import { AwsClientFactory } from '../../aws/AwsClientFactory';
import { STACK_NAME_TAG } from '../../aws/CloudFormationAdapter';
import { FunctionDiscovery, ServiceSearch } from './FunctionDiscovery';
import { markStackOwnedAliases } from './stackOwnedAliases';
import {
  DiscoveryTags,
  FunctionIndex,
  LocatedFunction,
  markPrimary,
  matchLocation,
  nameHoldsProject,
} from './serviceMatching';
import {
  CollectedService,
  EnvironmentCollector,
  FailedLocation,
  RefreshResult,
  ServiceDescriptor,
} from './types';

/** What one account-region yielded. */
interface LocationFindings {
  /** Per service and environment, the functions found there. */
  functions: Map<string, Map<string, FunctionResource[]>>;
  /** The published versions of every function listed there, by function name. */
  versions: Map<string, PublishedVersion[]>;
}

/** The Resource Groups Tagging API's name of Lambda functions. */
const LAMBDA_FUNCTION_TYPE = 'lambda:function';

/**
 * Collects what runs in every environment, one account-region at a time and all of them in parallel.
 * Per account-region: the ListFunctions(FunctionVersion=ALL) pages, which also give every published
 * version (the environment's history), and the GetResources pages of the functions carrying the
 * discovery tag keys (one walk for every service); then one GetFunction(live) per function found, and,
 * only when some found function is not tagged with its stack, the DescribeStacks pages plus one
 * ListStackResources per candidate stack, and one GetTemplate per stack holding one that changed since
 * it was last read. An account-region that fails becomes a FailedLocation.
 */
export class AwsEnvironmentCollector implements EnvironmentCollector {
  private readonly readers: LocationReaderSource;
  private readonly discovery: FunctionDiscovery;
  private readonly logger?: LoggerService;

  /**
   * Reads the discovery rules (`environments.discovery`, the Lambda naming convention); AWS access
   * comes from `readers`, by default an AwsClientFactory built from the same config (`aws`,
   * `environments.accounts`, `environments.rateLimits`).
   */
  static fromConfig(
    config: Config,
    options?: { readers?: LocationReaderSource; logger?: LoggerService },
  ): AwsEnvironmentCollector {
    return new AwsEnvironmentCollector({
      readers: options?.readers ?? AwsClientFactory.fromConfig(config),
      discovery: FunctionDiscovery.fromConfig(config),
      logger: options?.logger,
    });
  }

  constructor(options: {
    /** The AWS adapters per account-region, usually an AwsClientFactory. */
    readers: LocationReaderSource;
    /** How functions are found; by default the built-in convention and `discoveryTags`. */
    discovery?: FunctionDiscovery;
    /** Tag keys of tag discovery (config `environments.discovery`), when no `discovery` is given. */
    discoveryTags?: Partial<DiscoveryTags>;
    logger?: LoggerService;
  }) {
    this.readers = options.readers;
    this.discovery =
      options.discovery ??
      new FunctionDiscovery({ discoveryTags: options.discoveryTags });
    this.logger = options.logger;
  }

  async collect(options: {
    environments: EnvironmentDefinition[];
    services: ServiceDescriptor[];
    signal?: AbortSignal;
  }): Promise<RefreshResult> {
    const { environments, services, signal } = options;
    const startedAt = new Date().toISOString();

    const locations = new Map<string, AwsLocation>();
    for (const environment of environments) {
      for (const location of environment.locations) {
        locations.set(locationKey(location), location);
      }
    }

    // What to look for is decided once per refresh, for every service and environment.
    const searches = services.flatMap(service =>
      environments.map(environment =>
        this.discovery.search(service, environment),
      ),
    );
    const findings = new Map<string, LocationFindings>();
    const failedLocations: FailedLocation[] = [];
    await Promise.all(
      [...locations.entries()].map(async ([key, location]) => {
        const here = searches.filter(search =>
          search.environment.locations.some(l => locationKey(l) === key),
        );
        try {
          findings.set(
            key,
            await this.collectLocation(location, here, services, signal),
          );
        } catch (error) {
          if (signal?.aborted) {
            return;
          }
          const message =
            error instanceof Error ? error.message : String(error);
          this.logger?.warn(
            `Could not collect account ${location.accountId} in ${location.region}: ${message}`,
          );
          failedLocations.push({ ...location, error: message });
        }
      }),
    );
    signal?.throwIfAborted();

    const collected: CollectedService[] = services.map(service => ({
      entityRef: service.entityRef,
      environments: environments.map(environment =>
        collectedEnvironment(service, environment, findings),
      ),
    }));

    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      services: collected,
      failedLocations: failedLocations.sort((a, b) =>
        locationKey(a).localeCompare(locationKey(b)),
      ),
    };
  }

  private async collectLocation(
    location: AwsLocation,
    searches: ServiceSearch[],
    services: ServiceDescriptor[],
    outerSignal?: AbortSignal,
  ): Promise<LocationFindings> {
    // The first failed call fails the location: the calls still queued for it are not made.
    const failed = new AbortController();
    const signal = outerSignal
      ? AbortSignal.any([outerSignal, failed.signal])
      : failed.signal;
    try {
      return await this.readLocation(location, searches, services, signal);
    } catch (error) {
      failed.abort(error);
      throw error;
    }
  }

  private async readLocation(
    location: AwsLocation,
    searches: ServiceSearch[],
    services: ServiceDescriptor[],
    signal: AbortSignal,
  ): Promise<LocationFindings> {
    const readers = await this.readers.forLocation(location);
    const { projectTag, componentTag, environmentTag } =
      this.discovery.discoveryTags;
    const [listed, tagged] = await Promise.all([
      readers.lambda.listFunctions(signal),
      readers.tagging.listTaggedResources(
        {
          resourceTypes: [LAMBDA_FUNCTION_TYPE],
          tagKeys: [projectTag, componentTag, environmentTag],
        },
        signal,
      ),
    ]);
    const versions = new Map(
      listed.map(({ state, versions: published }) => [
        state.functionName,
        published,
      ]),
    );
    const tagsByName = new Map(
      tagged.map(resource => [lambdaFunctionName(resource.arn), resource.tags]),
    );
    // What the list and the tag walk say: the state of a function without a live alias.
    const latest = new Map<string, LocatedFunction>(
      listed.map(({ state }) => [
        state.functionName,
        { state: { ...state, tags: tagsByName.get(state.functionName) ?? {} } },
      ]),
    );
    const match = (
      functions: Map<string, LocatedFunction>,
      judgeNames = false,
    ) =>
      matchLocation({
        searches,
        location,
        // Indexed once per match: every service and environment is then a few look-ups.
        index: new FunctionIndex(functions, this.discovery.discoveryTags),
        discovery: this.discovery,
        judgeNames,
      });

    // One GetFunction per function found by name or tags; `functions` keeps the order of the list.
    const candidates = foundNames(match(latest));
    const live = new Map<string, LambdaFunctionState | undefined>();
    await forEachConcurrently([...candidates], signal, async name => {
      live.set(name, await readers.lambda.getLiveFunction(name, signal));
    });
    const functions = new Map<string, LocatedFunction>();
    for (const [name, { state }] of latest) {
      if (candidates.has(name)) {
        const liveState = live.get(name);
        functions.set(name, {
          state: liveState
            ? { ...liveState, functionArn: state.functionArn }
            : state,
        });
      }
    }

    if (candidates.size > 0) {
      await this.attachStacks(readers, functions, candidates, services, signal);
      await markStackOwnedAliases(readers.cloudFormation, functions, {
        signal,
        logger: this.logger,
      });
    }
    // Matched again with what GetFunction said, names judged, with the stacks just found.
    return { functions: match(functions, true), versions };
  }

  /**
   * Finds the stack of each found function: from the tag CloudFormation puts on what it creates, else
   * with one ListStackResources per stack that may hold one (name contains a project token, or the stack
   * is tagged with the project).
   */
  private async attachStacks(
    readers: LocationReaders,
    functions: Map<string, LocatedFunction>,
    found: Set<string>,
    services: ServiceDescriptor[],
    signal: AbortSignal,
  ): Promise<void> {
    const stacks = await readers.cloudFormation.listStacks(signal);
    const byName = new Map(stacks.map(stack => [stack.stackName, stack]));

    const untagged = new Set<string>();
    const stacksKnownFromTags = new Set<string>();
    for (const name of found) {
      const fn = functions.get(name)!;
      const stack = byName.get(fn.state.tags[STACK_NAME_TAG]);
      if (stack) {
        fn.stack = stack;
        stacksKnownFromTags.add(stack.stackName);
      } else {
        untagged.add(name);
      }
    }
    if (untagged.size === 0) {
      return;
    }

    const projects = [
      ...new Set(services.map(service => service.project.toLowerCase())),
    ];
    const mayHoldService = (stack: StackSummary) =>
      !stacksKnownFromTags.has(stack.stackName) &&
      projects.some(
        project =>
          nameHoldsProject(stack.stackName, project) ||
          stack.tags[this.discovery.discoveryTags.projectTag]?.toLowerCase() ===
            project,
      );
    await forEachConcurrently(
      stacks.filter(mayHoldService),
      signal,
      async stack => {
        for (const name of await readers.cloudFormation.listStackFunctionNames(
          stack.stackName,
          signal,
        )) {
          const fn = untagged.has(name) ? functions.get(name) : undefined;
          if (fn) {
            fn.stack = stack;
          }
        }
      },
    );
  }
}

/**
 * Calls in flight per account-region and kind of call: enough to use the rate limit (50 GetFunction per
 * second at ~100 ms each needs 5), few enough that a failed or aborted refresh leaves no long queue in
 * the shared rate limiter.
 */
const CONCURRENCY = 16;

/** Runs `task` on every item, CONCURRENCY at a time; stops taking items once the signal aborted. */
async function forEachConcurrently<T>(
  items: T[],
  signal: AbortSignal,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal.throwIfAborted();
      await task(items[next++]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker),
  );
}

/** The names of the functions found for any service. */
function foundNames(
  found: Map<string, Map<string, FunctionResource[]>>,
): Set<string> {
  const names = new Set<string>();
  for (const perEnvironment of found.values()) {
    for (const resources of perEnvironment.values()) {
      resources.forEach(resource => names.add(resource.functionName));
    }
  }
  return names;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` → `<name>`. */
function lambdaFunctionName(arn: string): string {
  return arn.split(':')[6] ?? arn;
}

function locationKey(location: AwsLocation): string {
  return `${location.accountId}/${location.region}`;
}

/**
 * What was found of a service in one environment, from every location it lives in: its functions,
 * the primary first, and the primary's published versions (the environment's history). An
 * environment not read in full is incomplete and gives no versions (the store keeps its last state).
 */
function collectedEnvironment(
  service: ServiceDescriptor,
  environment: EnvironmentDefinition,
  findings: Map<string, LocationFindings>,
): CollectedService['environments'][number] {
  const functions: FunctionResource[] = [];
  let complete = true;
  for (const location of environment.locations) {
    const found = findings.get(locationKey(location));
    if (!found) {
      complete = false;
      continue;
    }
    functions.push(
      ...(found.functions.get(service.entityRef)?.get(environment.name) ?? []),
    );
  }
  const ordered = markPrimary(functions);
  const primary = primaryFunction({ functions: ordered });
  const versions = primary
    ? findings.get(locationKey(primary))?.versions.get(primary.functionName)
    : undefined;
  return {
    environment: environment.name,
    complete,
    functions: ordered,
    ...(complete ? { versions: versions ?? [] } : {}),
  };
}
