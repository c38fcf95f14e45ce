import type { UnknownAnnotation } from './annotationKeys';
import { DigestKind } from './digest';

/** One environment of the ordered pipeline (dev → staging → prod), as configured. */
export interface EnvironmentDefinition {
  /** The name used everywhere in the product, e.g. `prod`. */
  name: string;
  /** Human title, e.g. `Production`. */
  title: string;
  /** Short spelling used in resource names and tags, e.g. `prod`. */
  shortName: string;
  /** Long spelling, e.g. `production`. */
  longName: string;
  /** Where the environment lives. */
  locations: Array<{ accountId: string; region: string }>;
}

/**
 * Configuration of a Lambda function that users compare between environments. The values of environment
 * variables whose names say they are secrets are never collected (docs/configuration-matrix.md).
 */
export interface FunctionConfiguration {
  packageType: 'Image' | 'Zip';
  memorySize?: number;
  timeout?: number;
  /** Undefined when AWS did not say (unknown), null when no reserved concurrency is set. */
  reservedConcurrency?: number | null;
  architectures: string[];
  runtime?: string;
  handler?: string;
  environmentVariableNames: string[];
  /**
   * Values of the environment variables that are not secrets (by name), URLs without credentials;
   * absent when there is none.
   */
  environmentVariableValues?: Record<string, string>;
  layers: string[];
}

/** How a resource was associated with the service. */
export type DiscoveryMethod = 'convention' | 'explicit' | 'tags';

/** A Lambda function found for a service in one environment, described by its `live` alias. */
export interface FunctionResource {
  accountId: string;
  region: string;
  functionName: string;
  functionArn: string;
  discoveredBy: DiscoveryMethod;
  /** The name the naming convention gives; differs from functionName when the resource breaks it. */
  expectedName?: string;
  /** Whether this is the function that stands for the service in this environment. */
  primary: boolean;
  /** Null when the function has no `live` alias. */
  liveAlias: {
    version: string;
    revisionId?: string;
    /** Extra versions receiving traffic and their weights, when traffic is shifting. */
    routing?: Record<string, number>;
  } | null;
  digest?: string;
  digestKind?: DigestKind;
  imageUri?: string;
  /** When the live version was published (its LastModified), ISO 8601. */
  deployedAt?: string;
  configuration: FunctionConfiguration;
  tags: Record<string, string>;
  stack?: {
    stackName: string;
    stackId: string;
    status: string;
    /**
     * Whether the stack's template defines the function's `live` alias (an AWS::Lambda::Alias): its next
     * deploy then undoes a switch made outside it. Absent when the template could not be read.
     */
    ownsLiveAlias?: boolean;
  };
}

/**
 * The function that stands for the service in an environment: the one the collector marked primary
 * (the first of its ordering), or the first when none is marked.
 */
export function primaryFunction(environment: {
  functions: FunctionResource[];
}): FunctionResource | undefined {
  return (
    environment.functions.find(fn => fn.primary) ?? environment.functions[0]
  );
}

/** Freshness of what the product knows about one environment of one service. */
export interface Freshness {
  /** When this state was last collected successfully, ISO 8601. */
  refreshedAt?: string;
  /** True when the last attempt failed and this is the last known state. */
  stale: boolean;
  /** The error of the last failed attempt, when stale. */
  error?: string;
  /** When the last attempt failed, ISO 8601; with `error`. */
  errorAt?: string;
}

/** One column of a service's environment matrix. */
export interface EnvironmentState {
  environment: string;
  /** `ok`: found; `missing`: nothing found for the service; `unknown`: never collected. */
  status: 'ok' | 'missing' | 'unknown';
  functions: FunctionResource[];
  /** Digest of the primary function's live version. */
  digest?: string;
  digestKind?: DigestKind;
  liveVersion?: string;
  deployedAt?: string;
  freshness: Freshness;
  /** Comparison with the environment before this one; absent for the first environment. */
  comparison?: EnvironmentComparison;
  /** Where the collector looked for the service's function, when none was found (`missing`). */
  searched?: FunctionSearch;
}

/**
 * Where the collector looks for a service's Lambda function in one environment: a function is found
 * when it has one of the names, or carries all of the tags, in one of the locations.
 */
export interface FunctionSearch {
  names: SearchedName[];
  /** Tags a function must carry, all of them; a value matches any one listed, ignoring case. */
  tags: Array<{ key: string; values: string[] }>;
  locations: Array<{ accountId: string; region: string }>;
}

/** A name looked for: exact, or a pattern whose free tokens (`{purpose}`) match any text. */
export interface SearchedName {
  /** The name, or the convention with the service's values filled in, e.g. `billing-prod-api-{purpose}`. */
  name: string;
  /** `annotation`: named by `environments.io/function.<env>`; `convention`: the naming convention's. */
  source: 'annotation' | 'convention';
  /** The convention's pattern, e.g. `{project}-{env}-{component}-{purpose}`. */
  convention?: string;
  /**
   * Where it is set: the annotation key, `environments.compliance.naming.conventions.lambdaFunction`,
   * or `default` for the built-in `{project}-{component}-{env}`.
   */
  setBy: string;
}

/** How an environment relates to the one before it in order. */
export interface EnvironmentComparison {
  previousEnvironment: string;
  /** It runs the same digest as the environment before it. */
  sameDigestAsPrevious: boolean;
  /** The environment before it runs a newer digest that has not reached this one. */
  promotionPending: boolean;
  /** Its digest never ran in the environment before it: built outside the promotion path. */
  unpromotedArtifact: boolean;
}

/** A service (catalog Component) across all environments, in order. */
export interface EnvironmentMatrix {
  entityRef: string;
  environments: EnvironmentState[];
  /** The entity's annotations that look meant for these plugins but are none they read. */
  unknownAnnotations?: UnknownAnnotation[];
}

/**
 * One digest that ran in an environment, with when it was first and last seen live. Times come from
 * the environment's own account (version publication) where AWS gives them, else from the refresh.
 */
export interface DigestHistoryEntry {
  digest: string;
  digestKind: DigestKind;
  version?: string;
  imageUri?: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A row of the fleet view. */
export interface FleetServiceSummary {
  entityRef: string;
  title?: string;
  owner?: string;
  system?: string;
  environments: Array<{
    environment: string;
    status: EnvironmentState['status'];
    digest?: string;
    liveVersion?: string;
    stale: boolean;
    comparison?: EnvironmentComparison;
  }>;
  /** True when any environment waits for a promotion. */
  needsPromotion: boolean;
  /** True when any environment runs an unpromoted artifact. */
  hasUnpromotedArtifact: boolean;
  /** True when any environment's data is stale. */
  stale: boolean;
}
