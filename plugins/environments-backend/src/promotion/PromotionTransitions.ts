import { ConflictError, NotFoundError } from '@backstage/errors';
import { PromotionState } from '@internal/backstage-plugin-environments-common';
import {
  approvedBy,
  describePromotion,
  formatDuration,
  validApprovals,
} from './lifecycle';
import { PromotionContext } from './promotionContext';
import { StoredPromotion } from './PromotionStore';

/**
 * The status changes of requests that are not approvals: ready to run, completed by the sweep,
 * rejected or cancelled, expired. Each is a compare-and-set in the store, recorded and notified once,
 * by whichever instance made it.
 */
export class PromotionTransitions {
  constructor(private readonly context: PromotionContext) {}

  async markApproved(
    promotion: StoredPromotion,
    executedBy: string,
    reason: string,
  ): Promise<void> {
    const moved = await this.context.store.transition(
      promotion.id,
      ['requested'],
      {
        status: 'approved',
        statusReason: reason,
        executedBy,
        updatedAt: this.context.now().toISOString(),
      },
    );
    if (moved) {
      await this.recordReady(promotion, executedBy, reason);
    }
    // Also when another instance moved it: claiming decides who executes.
    this.context.executor.start(promotion.id);
  }

  /** Records that a request has what it needs to run, and as whom it will. */
  async recordReady(
    promotion: StoredPromotion,
    executedBy: string,
    reason: string,
  ): Promise<void> {
    await this.context.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: 'ready',
      actor: executedBy,
      at: this.context.now().toISOString(),
      detail: `${reason}; executing as ${executedBy}`,
    });
  }

  /**
   * Completes requested requests that hold enough valid approvals without having been completed (as
   * approvals recorded before they were decided in one transaction could be), as the last of their
   * approvers who held the execute permission when approving. The sweep then starts them.
   */
  async completeFullyApproved(): Promise<void> {
    const { store } = this.context;
    const now = this.context.now();
    for (const promotion of await store.listPromotions({
      statuses: ['requested'],
    })) {
      const valid = validApprovals(
        await store.listApprovals(promotion.id),
        now,
      );
      const executor = valid.filter(a => a.mayExecute).pop();
      if (
        !promotion.policy.requiresApproval ||
        valid.length < promotion.policy.approvals ||
        !executor
      ) {
        continue;
      }
      const reason = `${approvedBy(
        valid.map(a => a.approver),
      )} (completed by the periodic sweep)`;
      const moved = await store.transition(promotion.id, ['requested'], {
        status: 'approved',
        statusReason: reason,
        executedBy: executor.approver,
        updatedAt: now.toISOString(),
      });
      if (moved) {
        await this.recordReady(promotion, executor.approver, reason);
      }
    }
  }

  async transitionOrExplain(
    promotion: StoredPromotion,
    from: PromotionState[],
    to: PromotionState,
    reason: string,
    actor: string,
  ): Promise<void> {
    const at = this.context.now().toISOString();
    const moved = await this.context.store.transition(promotion.id, from, {
      status: to,
      statusReason: reason,
      finishedAt: at,
      updatedAt: at,
    });
    if (!moved) {
      const current = await this.context.store.getPromotion(promotion.id);
      throw new ConflictError(
        `Promotion ${promotion.id} is ${current?.status}: it was not ${to}`,
      );
    }
    await this.context.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: to,
      actor,
      at,
      detail: reason,
    });
    const approvals = await this.context.store.listApprovals(promotion.id);
    await this.context.activity.notify({
      recipients: [
        promotion.requestedBy,
        ...approvals
          .filter(a => a.decision === 'approved')
          .map(a => a.approver),
      ],
      exclude: actor,
      title: `Promotion ${to}: ${describePromotion(promotion)}`,
      description: reason,
      link: this.context.link(promotion.id),
      scope: `promotion:${promotion.id}`,
      topic: 'environments-promotion',
    });
  }

  async expireIfDue(promotion: StoredPromotion): Promise<StoredPromotion> {
    const now = this.context.now();
    if (
      (promotion.status !== 'requested' && promotion.status !== 'approved') ||
      new Date(promotion.expiresAt) > now
    ) {
      return promotion;
    }
    const policy = this.context.config.policies.get(
      promotion.targetEnvironment,
    );
    const reason =
      `Not executed within ${
        policy ? formatDuration(policy.requestTtlMs) : 'its time to live'
      } ` + `(expired at ${promotion.expiresAt})`;
    const moved = await this.context.store.transition(
      promotion.id,
      [promotion.status],
      {
        status: 'expired',
        statusReason: reason,
        finishedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
    );
    if (moved) {
      await this.context.activity.record({
        subject: { type: 'promotion', id: promotion.id },
        entityRef: promotion.entityRef,
        event: 'expired',
        at: now.toISOString(),
        detail: reason,
      });
      await this.context.activity.notify({
        recipients: [promotion.requestedBy],
        title: `Promotion expired: ${describePromotion(promotion)}`,
        description: reason,
        link: this.context.link(promotion.id),
        scope: `promotion:${promotion.id}`,
        topic: 'environments-promotion',
      });
    }
    return (await this.context.store.getPromotion(promotion.id)) ?? promotion;
  }

  async getOpen(id: string): Promise<StoredPromotion> {
    const promotion = await this.context.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    return this.expireIfDue(promotion);
  }
}
