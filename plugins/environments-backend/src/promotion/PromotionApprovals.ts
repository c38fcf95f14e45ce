import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  PromotionState,
  promotionExecutePermission,
} from '@internal/backstage-plugin-environments-common';
import { Actor, permissionDenied } from '../authorization/permissions';
import { approvedBy, describePromotion } from './lifecycle';
import { PromotionContext } from './promotionContext';
import { StoredPromotion } from './PromotionStore';
import { PromotionTransitions } from './PromotionTransitions';

/**
 * Decisions on requests: approvals, rejections, cancellations. Four-eyes is enforced here whatever the
 * permission policy says: a requester never approves or rejects their own request, and approvers must
 * be in the environment's approver set.
 */
export class PromotionApprovals {
  constructor(
    private readonly context: PromotionContext,
    private readonly transitions: PromotionTransitions,
  ) {}

  /**
   * Approves a request; the approval that completes it starts the execution. Whether it completes is
   * decided by the store in one transaction, so approvals made at the same instant are each counted
   * once and exactly one of them completes the request.
   */
  async approve(
    id: string,
    input: { comment?: string },
    actor: Actor,
  ): Promise<void> {
    const { store } = this.context;
    const { promotion, now } = await this.decision(id, actor, 'approve');
    if (promotion.status !== 'requested') {
      throw notRequested(id, promotion.status);
    }
    if (!promotion.policy.requiresApproval) {
      throw new ConflictError(`Promotion ${id} needs no approval`);
    }
    await this.assertApprover(promotion, actor);
    const recorded = await store.recordApproval(
      id,
      {
        approver: actor.userRef,
        decision: 'approved',
        comment: input.comment,
        decidedAt: now.toISOString(),
        expiresAt: new Date(
          now.getTime() + promotion.policy.approvalTtlMs,
        ).toISOString(),
        mayExecute: actor.holds(promotionExecutePermission),
      },
      { now: now.toISOString(), statusReason: approvedBy },
    );
    if (recorded.outcome === 'already-approved') {
      throw new ConflictError(
        `${actor.userRef} has already approved promotion ${id}`,
      );
    } else if (recorded.outcome === 'not-requested') {
      throw notRequested(id, recorded.status);
    } else if (recorded.outcome === 'may-not-execute') {
      throw permissionDenied(
        promotionExecutePermission,
        promotion.entityRef,
        actor,
        'this approval completes the request, which then runs on Lambda as you',
      );
    }
    const { approvers, completed } = recorded;
    await this.context.activity.record({
      subject: { type: 'promotion', id },
      entityRef: promotion.entityRef,
      event: 'approved',
      actor: actor.userRef,
      at: now.toISOString(),
      detail: `Approval ${approvers.length} of ${promotion.policy.approvals}${
        input.comment ? `: ${input.comment}` : ''
      }`,
    });
    if (completed) {
      await this.transitions.recordReady(
        promotion,
        actor.userRef,
        approvedBy(approvers),
      );
      this.context.executor.start(id);
    } else {
      await this.context.activity.notify({
        recipients: [promotion.requestedBy],
        title: `Promotion approved by ${actor.userRef}: ${describePromotion(
          promotion,
        )}`,
        description: `${approvers.length} of ${promotion.policy.approvals} approvals given.`,
        link: this.context.link(id),
        scope: `promotion:${id}`,
        topic: 'environments-promotion',
      });
    }
  }

  /** Rejects a request (requested, or approved and waiting for its window). */
  async reject(
    id: string,
    input: { comment?: string },
    actor: Actor,
  ): Promise<void> {
    const { store } = this.context;
    const { promotion, now } = await this.decision(id, actor, 'reject');
    if (promotion.status !== 'requested' && promotion.status !== 'approved') {
      throw new ConflictError(
        `Promotion ${id} is ${promotion.status}: it can no longer be rejected`,
      );
    }
    await this.assertApprover(promotion, actor);
    await store.upsertApproval(id, {
      approver: actor.userRef,
      decision: 'rejected',
      comment: input.comment,
      decidedAt: now.toISOString(),
    });
    const reason = `Rejected by ${actor.userRef}${
      input.comment ? `: ${input.comment}` : ''
    }`;
    await this.transitions.transitionOrExplain(
      promotion,
      ['requested', 'approved'],
      'rejected',
      reason,
      actor.userRef,
    );
  }

  /** Cancels a request: by its requester or by one of its approvers. */
  async cancel(id: string, actor: Actor): Promise<void> {
    const promotion = await this.transitions.getOpen(id);
    if (promotion.requestedBy !== actor.userRef) {
      await this.assertApprover(
        promotion,
        actor,
        'cancel it (only the requester or an approver may)',
      );
    }
    if (promotion.status !== 'requested' && promotion.status !== 'approved') {
      throw new ConflictError(
        `Promotion ${id} is ${promotion.status}: it can no longer be cancelled`,
      );
    }
    await this.transitions.transitionOrExplain(
      promotion,
      ['requested', 'approved'],
      'cancelled',
      `Cancelled by ${actor.userRef}`,
      actor.userRef,
    );
  }

  /** A request about to be decided on (expired first when due), by someone else than its requester. */
  private async decision(
    id: string,
    actor: Actor,
    verb: 'approve' | 'reject',
  ): Promise<{ promotion: StoredPromotion; now: Date }> {
    const promotion = await this.transitions.getOpen(id);
    const now = this.context.now();
    this.assertNotRequester(promotion, actor, verb);
    return { promotion, now };
  }

  /** Four-eyes, in code: no permission policy can let a requester decide on their own request. */
  assertNotRequester(
    promotion: StoredPromotion,
    actor: Actor,
    action: string,
  ): void {
    if (promotion.requestedBy === actor.userRef) {
      throw new NotAllowedError(
        `${actor.userRef} requested promotion ${promotion.id} and may not ${action} it: someone else must`,
      );
    }
  }

  async assertApprover(
    promotion: StoredPromotion,
    actor: Actor,
    action = 'approve or reject it',
  ): Promise<void> {
    const identities = await this.context.approvers.identitiesOf(actor.userRef);
    if (!promotion.policy.approvers.some(ref => identities.has(ref))) {
      throw new NotAllowedError(
        `${actor.userRef} may not ${action}: approvers of promotions into ${promotion.targetEnvironment} ` +
          `are members of ${promotion.policy.approvers.join(', ')}`,
      );
    }
  }
}

function notRequested(id: string, status: PromotionState): ConflictError {
  return new ConflictError(
    `Promotion ${id} is ${status}: only requested promotions can be approved`,
  );
}
