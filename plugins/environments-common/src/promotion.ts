import { ANNOTATION_PREFIX } from './annotations';

/**
 * Prefix of the per-environment smoke check URL, e.g. `environments.io/smoke-url.prod: https://…/health`.
 * After a promotion switches the `live` alias, the backend GETs this URL and rolls back when it fails.
 */
export const SMOKE_URL_ANNOTATION_PREFIX = `${ANNOTATION_PREFIX}/smoke-url.`;

/** Returns the annotation key that holds a service's smoke check URL in one environment. */
export function smokeUrlAnnotation(environment: string): string {
  return `${SMOKE_URL_ANNOTATION_PREFIX}${environment}`;
}

/**
 * Where a promotion request is: requested → approved → running → succeeded | failed | rolled-back;
 * requested (or approved, while waiting for a window) → rejected | expired | cancelled.
 */
export type PromotionState =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rolled-back';

/** Every promotion state, in the order a request goes through them. */
export const PROMOTION_STATES: readonly PromotionState[] = [
  'requested',
  'approved',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'expired',
  'cancelled',
];

/** States from which a request can still change; every other state is final. */
export const OPEN_PROMOTION_STATES: readonly PromotionState[] = [
  'requested',
  'approved',
  'running',
];

/** Whether a request can no longer change. */
export function isFinalPromotionState(state: PromotionState): boolean {
  return !OPEN_PROMOTION_STATES.includes(state);
}

/** A Lambda function in one account and region. */
export interface FunctionLocation {
  accountId: string;
  region: string;
  functionName: string;
}

/** One approver's decision on a promotion request. */
export interface PromotionApproval {
  /** The user entity ref of the approver. */
  approver: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  /** ISO 8601. */
  decidedAt: string;
  /** When an approval stops counting (the environment's approval TTL), ISO 8601. */
  expiresAt?: string;
  /** An expired approval no longer counts towards the approvals needed. */
  expired: boolean;
}

/** The result of an execution step: recorded as `started` before it acts, then `succeeded` or `failed`. */
export type PromotionStepStatus = 'started' | 'succeeded' | 'failed';

/** One step of a promotion's or rollback's execution against AWS. */
export interface PromotionStep {
  /** Order within the execution, from 1. */
  sequence: number;
  /** e.g. `update-function-code`, `publish-version`, `switch-alias`, `verify`, `smoke-check`, `rollback-alias`. */
  name: string;
  status: PromotionStepStatus;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; absent while the step runs (or when the backend stopped during it). */
  finishedAt?: string;
  /** What the step did or found, in words. */
  detail?: string;
  /** Why it failed. */
  error?: string;
}

/** One entry of the history of a promotion request or rollback. */
export interface PromotionEvent {
  /** ISO 8601. */
  at: string;
  /** e.g. `requested`, `approved`, `rejected`, `running`, `succeeded`, `expired`, `recovered`. */
  event: string;
  /** The user entity ref who caused it; absent for the backend itself (expiry, recovery). */
  actor?: string;
  detail?: string;
}

/** Whether promotions into an environment are allowed now. */
export interface PromotionWindowState {
  closed: boolean;
  /** The configured reason of the closed window. */
  reason?: string;
  /** When the window opens again, ISO 8601, when it is closed. */
  until?: string;
}

/** The target environment's policy as it applies to one request. */
export interface PromotionPolicySummary {
  requiresApproval: boolean;
  /** Approvals needed (N). */
  approvalsRequired: number;
  /** Valid (not expired) approvals given so far. */
  approvalsGiven: number;
  /** Entity refs (groups or users) whose members may approve; never the requester. */
  approvers: string[];
  /** How long an approval stays valid, in seconds. */
  approvalTtlSeconds: number;
  /** What stands between the request and its execution, in words; empty when nothing does. */
  missing: string[];
  window: PromotionWindowState;
}

/** A request to move the exact digest running in one environment into the next one. */
export interface PromotionRequest {
  id: string;
  entityRef: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  /** Environments between source and target that this request skips (allowed by the target's policy). */
  skippedEnvironments: string[];
  /** The image digest to promote (`sha256:…`), fixed when the request was made. */
  digest: string;
  /** The source's live version when the request was made. */
  sourceVersion: string;
  /** The source's image URI when the request was made. */
  sourceImageUri?: string;
  /** What the target function is updated to: the same repository in the target account, pinned by digest. */
  imageUri: string;
  /** The function the promotion changes. */
  target: FunctionLocation;
  status: PromotionState;
  /** Why the request is in its status, in words (e.g. why it failed, what it waits for). */
  statusReason?: string;
  /** User entity ref. */
  requestedBy: string;
  requestedAt: string;
  comment?: string;
  /** When the request expires unless it has started, ISO 8601. */
  expiresAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The user whose action started the execution; the AWS role session name carries this user. */
  executedBy?: string;
  /** The target's live version and digest before the switch. */
  previousVersion?: string;
  previousDigest?: string;
  /** The version published in the target for this promotion. */
  publishedVersion?: string;
  /** The smoke check URL of the target environment, from the service's annotation at request time. */
  smokeCheckUrl?: string;
  /** Recorded when the request was made while the target's window was closed. */
  windowOverride?: { by: string; at: string; reason?: string };
  approvals: PromotionApproval[];
  steps: PromotionStep[];
  history: PromotionEvent[];
  policy: PromotionPolicySummary;
  /** True when the source environment now runs another digest than the one this request promotes. */
  sourceMovedOn: boolean;
  /** The digest the source environment runs now, when known. */
  sourceCurrentDigest?: string;
  warnings: string[];
}

/** Where a rollback is. `planned` only appears in a dry run's answer: nothing was changed. */
export type RollbackState = 'planned' | 'running' | 'succeeded' | 'failed';

/** A rollback of an environment's `live` alias to an earlier published version. */
export interface RollbackRecord {
  /** Empty for a dry run. */
  id: string;
  entityRef: string;
  environment: string;
  target: FunctionLocation;
  /** What was live before. */
  fromVersion: string;
  fromDigest?: string;
  /** The version made live. */
  toVersion: string;
  toDigest?: string;
  toImageUri?: string;
  status: RollbackState;
  statusReason?: string;
  requestedBy: string;
  requestedAt: string;
  finishedAt?: string;
  comment?: string;
  /** The CloudFormation stack that owns the `live` alias, when one does: the rollback drifts from it. */
  aliasStackName?: string;
  /** True while the drift this rollback created is intended, that is until the next promotion. */
  intentionalDrift: boolean;
  /** Said before acting, e.g. that a stack owns the alias. */
  warnings: string[];
  steps: PromotionStep[];
  history: PromotionEvent[];
}

/** A published version of a service's function in one environment, for the rollback picker. */
export interface FunctionVersionSummary {
  version: string;
  digest?: string;
  imageUri?: string;
  /** When the version was published, ISO 8601. */
  publishedAt?: string;
  /** When it became live, as far as this product switched it, ISO 8601. */
  liveFrom?: string;
  /** When it stopped being live, as far as this product switched it, ISO 8601. */
  liveUntil?: string;
  isLive: boolean;
}
