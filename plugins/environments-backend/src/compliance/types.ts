import { HumanDuration } from '@backstage/types';
import { NamingResourceType } from '@internal/backstage-plugin-environments-common';
import {
  NamingConvention,
  TagRules,
} from '@internal/backstage-plugin-environments-node';

/**
 * The configuration keys that can be declared per environment and compared with what runs.
 * `memory` is in MB, `timeout` in seconds; `reservedConcurrency` null means "none reserved".
 */
export type DeclaredKey =
  | 'memory'
  | 'timeout'
  | 'reservedConcurrency'
  | 'runtime'
  | 'handler'
  | 'architecture'
  | 'packageType';

/** Declared values of one environment, by key. */
export type DeclaredValues = Partial<
  Record<DeclaredKey, string | number | null>
>;

/** A declared value and where it was declared (shown in findings). */
export interface DeclaredValue {
  value: string | number | null;
  /** e.g. `app-config environments.definitions[1].declared` or the URL of a tfvars file. */
  source: string;
}

/** Keys compared between consecutive environments (parity). */
export type ParityKey = DeclaredKey | 'environmentVariableNames' | 'layers';

/** The compliance section of the config, read once at start-up. */
export interface ComplianceConfig {
  /** Naming conventions by resource type; a type without one is not checked. */
  naming: Partial<Record<NamingResourceType, NamingConvention>>;
  tags: TagRules;
  /** Declared values per environment name, from `environments.definitions[].declared`. */
  declared: Record<string, Record<string, DeclaredValue>>;
  parity: { allowedToDiffer: ParityKey[] };
  /** Whether to read `envs/<env>/terraform.tfvars` and `environment.yaml` from the service's repository. */
  readRepositoryFiles: boolean;
  cloudFormationDrift: {
    /** Stacks checked per scheduled run (the call budget); 0 turns the schedule off. */
    stacksPerRun: number;
    /** How often the scheduled check runs. */
    frequency: HumanDuration;
  };
}

/** What the catalog says about a service that the rules compare against. */
export interface ServiceFacts {
  entityRef: string;
  /** The `environments.io/project` annotation. */
  project: string;
  /** The component token (annotation `environments.io/component`, default the entity name). */
  component: string;
  /** The Component's owner, e.g. `group:default/team-checkout`. */
  owner?: string;
  /** Naming patterns from the service's `environments.io/naming-convention*` annotations. */
  namingOverrides?: Partial<Record<NamingResourceType, string>>;
}

/** Values a service's repository declares for one environment. */
export interface DeclaredOverride {
  environment: string;
  /** The file's URL. */
  source: string;
  values: DeclaredValues;
}

/** A repository file that exists but could not be used; it becomes a finding so owners see it. */
export interface DeclaredOverrideProblem {
  environment: string;
  source: string;
  message: string;
}

/** What a service's repository declares, per environment. */
export interface DeclaredOverrides {
  overrides: DeclaredOverride[];
  problems: DeclaredOverrideProblem[];
}

/** One property of a resource that differs from the stack's template. */
export interface PropertyDifference {
  propertyPath: string;
  expectedValue?: string;
  actualValue?: string;
  differenceType: string;
}

/** A stack resource that drifted from its template. */
export interface ResourceDrift {
  logicalResourceId: string;
  physicalResourceId?: string;
  resourceType: string;
  /** `MODIFIED` or `DELETED` (only drifted resources are kept). */
  status: string;
  differences: PropertyDifference[];
}

/** The result of one CloudFormation drift detection of one stack. */
export interface StackDriftReport {
  stackName: string;
  stackId?: string;
  /** `IN_SYNC`, `DRIFTED`, `UNKNOWN` or `NOT_CHECKED`, as CloudFormation says. */
  stackDriftStatus: string;
  /** When CloudFormation ran the detection, ISO 8601. */
  checkedAt: string;
  /** Set when detection failed for some resources; results for the others are still given. */
  detectionStatusReason?: string;
  resources: ResourceDrift[];
}

/** Runs CloudFormation drift detection on one stack and waits for its result. */
export interface StackDriftDetector {
  /** Rejects with {@link DriftDetectionUnsupportedError} when the endpoint does not offer drift detection. */
  detectDrift(
    stackName: string,
    signal?: AbortSignal,
  ): Promise<StackDriftReport>;
}

/** Thrown when an endpoint does not implement drift detection (e.g. the moto emulator). */
export class DriftDetectionUnsupportedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriftDetectionUnsupportedError';
  }
}

/** A stack whose drift can be checked, and the service and environment it belongs to. */
export interface StackDriftTarget {
  entityRef: string;
  environment: string;
  accountId: string;
  region: string;
  stackName: string;
  stackId?: string;
}

/**
 * What is known about a stack's drift: the last attempt (`status`), and the last successful check
 * (`checkedAt`, `stackDriftStatus`, `resources`), kept when a later attempt fails.
 */
export interface StackDriftCheck extends StackDriftTarget {
  /** `checked`; `not-checked` when the API is missing where the stack lives; `failed` on an error. */
  status: 'checked' | 'not-checked' | 'failed';
  /** When the last attempt was made, ISO 8601. */
  attemptedAt: string;
  /** Why the last attempt did not check the stack. */
  reason?: string;
  /** When the stack was last checked successfully, ISO 8601. */
  checkedAt?: string;
  stackDriftStatus?: string;
  resources?: ResourceDrift[];
}

/**
 * A function whose `live` alias a rollback pointed away from the stack that defines it, on purpose: the
 * stack's drift on that alias is intended until the next promotion of the function.
 */
export interface IntendedAliasDrift {
  accountId: string;
  region: string;
  functionName: string;
  rollbackId: string;
  requestedBy: string;
}
