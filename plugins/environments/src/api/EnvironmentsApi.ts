import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ComplianceSummary,
  DigestHistoryEntry,
  EnvironmentDefinition,
  EnvironmentMatrix,
  Finding,
  FleetServiceSummary,
  FunctionVersionSummary,
  PromotionRequest,
  PromotionState,
  PromotionWindowState,
  RollbackRecord,
  PromotionGate,
  SettingsMatrix,
} from '@internal/backstage-plugin-environments-common';

/** The state a fleet query can filter on, as the backend's `/fleet` endpoint names it. */
export type FleetStatus =
  | 'needs-promotion'
  | 'unpromoted-artifact'
  | 'stale'
  | 'ok';

/** Filters and paging of a fleet query; every field is optional. */
export interface FleetQuery {
  owner?: string;
  system?: string;
  status?: FleetStatus;
  search?: string;
  offset?: number;
  limit?: number;
}

/** One page of the fleet view. */
export interface FleetPage {
  items: FleetServiceSummary[];
  totalItems: number;
  offset: number;
  limit: number;
}

/** A finding as the backend keeps it: of which service, since when, and when it was last seen. */
export interface ServiceFinding extends Finding {
  entityRef: string;
  /** ISO 8601: when it was first seen; kept while it persists. */
  since: string;
  /** ISO 8601: the last evaluation that found it. */
  lastSeenAt: string;
}

/** The last CloudFormation drift detection of one stack holding the service's function. */
export interface StackDriftCheck {
  environment: string;
  accountId: string;
  region: string;
  stackName: string;
  stackId?: string;
  /** `not-checked`: drift detection is missing where the stack lives (e.g. the emulator). */
  status: 'checked' | 'not-checked' | 'failed';
  attemptedAt: string;
  /** Why the last attempt did not check the stack. */
  reason?: string;
  /** When CloudFormation last checked it successfully. */
  checkedAt?: string;
  /** `IN_SYNC`, `DRIFTED`, `UNKNOWN` or `NOT_CHECKED`. */
  stackDriftStatus?: string;
  driftedResources?: number;
}

/** A service's compliance and drift findings, their counts, and its stacks' drift checks. */
export interface ServiceFindings {
  items: ServiceFinding[];
  summary: ComplianceSummary;
  stacks: StackDriftCheck[];
}

/** What POST /promotions takes: the service and the environment to promote into. */
export interface PromotionInput {
  entityRef: string;
  targetEnvironment: string;
  comment?: string;
  /**
   * Request although the target's promotion window is closed; the backend allows it only to holders of
   * `environments.promotion.window-override` and records the override.
   */
  overrideWindow?: boolean;
  /**
   * The digest the user saw in the source environment (`sha256:<hex>`): the backend refuses (409, saying
   * what the source runs now) when the source runs another one, so that what was shown is what is promoted.
   */
  digest?: string;
}

/** Filters of GET /promotions; every field is optional. */
export interface PromotionQuery {
  entityRef?: string;
  status?: PromotionState[];
  /** Only requests the signed-in user may approve and has not yet. */
  awaitingMyApproval?: boolean;
  /** At most this many requests (the newest). */
  limit?: number;
}

/** Filters of GET /rollbacks; every field is optional. */
export interface RollbackQuery {
  entityRef?: string;
  environment?: string;
  /** At most this many, newest first (1–500; the backend's default is 100). */
  limit?: number;
}

/** What POST /rollbacks takes; without targetVersion the backend picks the previous published version. */
export interface RollbackInput {
  entityRef: string;
  environment: string;
  targetVersion?: string;
  comment?: string;
  /** Answer what would happen (status `planned`, with warnings) without changing anything. */
  dryRun?: boolean;
}

/** What the Environments frontend reads from (and asks of) the environments backend. */
export interface EnvironmentsApi {
  /** The configured environments, in promotion order. */
  getEnvironments(): Promise<EnvironmentDefinition[]>;
  /** What a service runs in every environment. */
  getMatrix(entity: CompoundEntityRef): Promise<EnvironmentMatrix>;
  /** The digests that ran in one environment of a service. */
  getHistory(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<DigestHistoryEntry[]>;
  /** Collects a service from AWS now and returns its new matrix. */
  refresh(entity: CompoundEntityRef): Promise<EnvironmentMatrix>;
  /** One page of every service × environment. */
  getFleet(query?: FleetQuery): Promise<FleetPage>;
  /** A service's drift and compliance findings. */
  getFindings(entity: CompoundEntityRef): Promise<ServiceFindings>;
  /** Runs CloudFormation drift detection on the service's stacks now and returns its new findings. */
  checkDrift(entity: CompoundEntityRef): Promise<ServiceFindings>;
  /** The compliance summary of every evaluated service of the fleet. */
  getComplianceSummaries(): Promise<ComplianceSummary[]>;
  /** Requests the promotion of the digest running in the environment before `targetEnvironment`. */
  requestPromotion(input: PromotionInput): Promise<PromotionRequest>;
  /** One promotion request with its approvals, steps and policy summary. */
  getPromotion(id: string): Promise<PromotionRequest>;
  /** Promotion requests, newest first. */
  listPromotions(query?: PromotionQuery): Promise<PromotionRequest[]>;
  /** Whether promotions into each environment are closed now, why and until when. */
  getPromotionWindows(): Promise<EnvironmentWindowState[]>;
  /** Approves someone else's request as the signed-in user. */
  approvePromotion(id: string, comment?: string): Promise<PromotionRequest>;
  /** Rejects someone else's request as the signed-in user. */
  rejectPromotion(id: string, comment?: string): Promise<PromotionRequest>;
  /** Cancels a request that has not started. */
  cancelPromotion(id: string): Promise<PromotionRequest>;
  /** The published versions of a service's function in one environment, for the rollback picker. */
  listVersions(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<FunctionVersionSummary[]>;
  /** Points an environment's live alias back at an earlier version (or plans it with dryRun). */
  requestRollback(input: RollbackInput): Promise<RollbackRecord>;
  /** One rollback with its steps. */
  getRollback(id: string): Promise<RollbackRecord>;
  /** Rollbacks, newest first. */
  listRollbacks(query?: RollbackQuery): Promise<RollbackRecord[]>;

  // --- The configuration matrix (issue 15; moves onto the generated client with the others) ---
  /** A service's variables, parameters, secrets and flags × environments, with their findings. */
  getSettingsMatrix(entity: CompoundEntityRef): Promise<SettingsMatrix>;
  /** What a promotion of the service into `environment` meets there, and whether it is refused. */
  getPromotionGate(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<PromotionGate>;
  // --- end of the configuration matrix ---
}

/** An environment's promotion window now (`GET /promotion-windows`). */
export interface EnvironmentWindowState extends PromotionWindowState {
  environment: string;
}

/** The API ref of {@link EnvironmentsApi}. */
export const environmentsApiRef = createApiRef<EnvironmentsApi>().with({
  id: 'plugin.environments.client',
  pluginId: 'environments',
});
