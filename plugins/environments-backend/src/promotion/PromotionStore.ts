import {
  FunctionLocation,
  PromotionEvent,
  PromotionRequest,
  PromotionState,
  PromotionStep,
  PromotionStepStatus,
  RollbackRecord,
} from '@internal/backstage-plugin-environments-common';
import { StepSubject } from '../steps/Step';

/** The approval rules of a request, fixed when it was made. */
export interface StoredPolicy {
  requiresApproval: boolean;
  approvals: number;
  /** Entity refs whose members may approve (the configured approvers, or the service's owner). */
  approvers: string[];
  approvalTtlMs: number;
}

/** A promotion request as stored: the request without what is computed when it is read. */
export interface StoredPromotion
  extends Omit<
    PromotionRequest,
    | 'approvals'
    | 'steps'
    | 'history'
    | 'policy'
    | 'sourceMovedOn'
    | 'sourceCurrentDigest'
  > {
  policy: StoredPolicy;
  leaseOwner?: string;
  leaseExpiresAt?: string;
}

/** What a transition or an execution may change on a stored request. */
export type PromotionPatch = Partial<
  Pick<
    StoredPromotion,
    | 'status'
    | 'statusReason'
    | 'updatedAt'
    | 'startedAt'
    | 'finishedAt'
    | 'executedBy'
    | 'previousVersion'
    | 'previousDigest'
    | 'publishedVersion'
    | 'leaseOwner'
    | 'leaseExpiresAt'
  >
>;

/** An approval or rejection as stored; whether it expired is computed when read. */
export interface StoredApproval {
  approver: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  decidedAt: string;
  expiresAt?: string;
  /** Whether the approver held the execute permission when approving; undefined when not known. */
  mayExecute?: boolean;
}

/** What {@link PromotionStore.recordApproval} did. */
export type ApprovalOutcome =
  | {
      outcome: 'recorded';
      /** The approvers whose approvals count now (this one included), in the order they approved. */
      approvers: string[];
      /** Whether this approval completed the request (it is `approved` now, executed by this approver). */
      completed: boolean;
    }
  /** The approver's earlier approval still counts: nothing was recorded. */
  | { outcome: 'already-approved' }
  /** The request no longer awaits approvals: nothing was recorded. */
  | { outcome: 'not-requested'; status: PromotionState }
  /** This approval would complete the request, but the approver may not execute it: nothing was recorded. */
  | { outcome: 'may-not-execute' };

/** A rollback as stored. */
export interface StoredRollback
  extends Omit<RollbackRecord, 'steps' | 'history'> {
  driftClearedAt?: string;
  /** The alias revision read when planning, which the switch is guarded by. */
  liveRevisionId?: string;
  leaseOwner?: string;
  leaseExpiresAt?: string;
}

export type { StepSubject } from '../steps/Step';

/** A step recorded as started, to be finished once it acted. */
export interface StartedStep {
  id: number;
  sequence: number;
}

/** Filter of {@link PromotionStore.listPromotions}. */
export interface PromotionFilter {
  entityRef?: string;
  statuses?: PromotionState[];
  targetEnvironment?: string;
  target?: FunctionLocation;
  limit?: number;
}

/**
 * Where promotions and rollbacks live. Every state change goes through {@link PromotionStore.transition},
 * a compare-and-set on the status, so that several backend instances sharing the database agree on
 * who moves a request and a request is executed once.
 */
export interface PromotionStore {
  insertPromotion(promotion: StoredPromotion): Promise<void>;
  getPromotion(id: string): Promise<StoredPromotion | undefined>;
  /** Newest first. */
  listPromotions(filter: PromotionFilter): Promise<StoredPromotion[]>;
  /**
   * Applies `patch` only while the request is in one of the `from` states (and, when given, while
   * `leaseOwner` holds its lease). Returns whether this call changed it.
   */
  transition(
    id: string,
    from: PromotionState[],
    patch: PromotionPatch,
    options?: { leaseOwner?: string },
  ): Promise<boolean>;
  /** Extends the lease of a running request held by `owner`; false when another instance took it over. */
  renewLease(
    id: string,
    owner: string,
    leaseExpiresAt: string,
  ): Promise<boolean>;
  /** Takes over a running request whose lease expired before `now`; false when another instance did. */
  takeOverExpiredLease(
    id: string,
    owner: string,
    now: string,
    leaseExpiresAt: string,
  ): Promise<boolean>;
  /** Running requests whose lease expired before `now`: their instance stopped mid-way. */
  listExpiredLeases(now: string): Promise<StoredPromotion[]>;
  /** Requested or approved requests that expired before `now`. */
  listExpiredOpen(now: string): Promise<StoredPromotion[]>;

  upsertApproval(promotionId: string, approval: StoredApproval): Promise<void>;
  /**
   * Records an approval and decides whether it completes the request, in one transaction that holds
   * the request: of approvals made at the same instant (on any instance) each is counted once, and
   * exactly one completes the request, moving it from `requested` to `approved` with `statusReason`.
   * An approver whose approval still counts at `now` is not recorded again.
   */
  recordApproval(
    promotionId: string,
    approval: StoredApproval & { decision: 'approved'; mayExecute: boolean },
    options: { now: string; statusReason: (approvers: string[]) => string },
  ): Promise<ApprovalOutcome>;
  listApprovals(promotionId: string): Promise<StoredApproval[]>;

  /** Records a step as started, before it acts. */
  startStep(
    subject: StepSubject,
    name: string,
    at: string,
    detail?: string,
  ): Promise<StartedStep>;
  /** Records the result of a step, after it acted. */
  finishStep(
    stepId: number,
    status: Exclude<PromotionStepStatus, 'started'>,
    at: string,
    result?: { detail?: string; error?: string },
  ): Promise<void>;
  listSteps(subject: StepSubject): Promise<PromotionStep[]>;
  /**
   * Records the result of a step still `started` when its instance stopped, as found afterwards (e.g. by
   * asking AWS what the step achieved); false when the step is no longer `started`.
   */
  finishInterruptedStep(
    subject: StepSubject,
    sequence: number,
    status: Exclude<PromotionStepStatus, 'started'>,
    at: string,
    result: { detail?: string; error?: string },
  ): Promise<boolean>;

  addEvent(
    subject: StepSubject,
    entityRef: string,
    event: PromotionEvent,
  ): Promise<void>;
  listEvents(subject: StepSubject): Promise<PromotionEvent[]>;

  insertRollback(rollback: StoredRollback): Promise<void>;
  updateRollback(
    id: string,
    patch: Partial<
      Pick<
        StoredRollback,
        'status' | 'statusReason' | 'finishedAt' | 'intentionalDrift'
      >
    >,
  ): Promise<void>;
  getRollback(id: string): Promise<StoredRollback | undefined>;
  /** Newest first. */
  listRollbacks(filter: {
    entityRef?: string;
    environment?: string;
    target?: FunctionLocation;
    limit?: number;
  }): Promise<StoredRollback[]>;
  /**
   * The rollback whose drift from the alias's stack is intended now (until the next promotion of the
   * function); undefined when there is none. For the drift view.
   */
  findIntentionalDrift(
    target: FunctionLocation,
  ): Promise<StoredRollback | undefined>;
  /** Ends the intentional drift of every rollback of the function (a promotion reached it). */
  clearIntentionalDrift(target: FunctionLocation, at: string): Promise<void>;
}
