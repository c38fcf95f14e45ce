import {
  PromotionApproval,
  PromotionPolicySummary,
  PromotionRequest,
} from '@internal/backstage-plugin-environments-common';
import { PromotionPolicy } from './config';
import { validApprovals } from './lifecycle';
import { PromotionContext } from './promotionContext';
import { StoredApproval, StoredPromotion } from './PromotionStore';
import { evaluateWindows } from './windows';

/**
 * Requests as the API shows them: with their approvals, steps and history, a summary of what they still
 * need, and whether the source moved on since (what it runs is read from AWS, remembered briefly).
 */
export class PromotionViews {
  private readonly sourceCache = new Map<
    string,
    { at: number; digest?: string }
  >();

  constructor(private readonly context: PromotionContext) {}

  async view(
    promotion: StoredPromotion,
    withSource: boolean,
  ): Promise<PromotionRequest> {
    const { store } = this.context;
    const now = this.context.now();
    const subject = { type: 'promotion' as const, id: promotion.id };
    const [approvals, steps, history] = await Promise.all([
      store.listApprovals(promotion.id),
      store.listSteps(subject),
      store.listEvents(subject),
    ]);
    // Whether an approver may execute is for the sweep only.
    const approvalViews: PromotionApproval[] = approvals.map(
      ({ mayExecute: _mayExecute, ...approval }) => ({
        ...approval,
        expired:
          approval.decision === 'approved' &&
          !!approval.expiresAt &&
          new Date(approval.expiresAt) <= now,
      }),
    );
    const policy = this.context.config.policies.get(
      promotion.targetEnvironment,
    );
    const summary = this.summarise(promotion, approvals, policy, now);
    const {
      policy: _policy,
      leaseOwner: _owner,
      leaseExpiresAt: _lease,
      ...fields
    } = promotion;
    let sourceCurrentDigest: string | undefined;
    if (withSource) {
      sourceCurrentDigest = await this.currentDigest(
        promotion.entityRef,
        promotion.sourceEnvironment,
      );
    }
    return {
      ...fields,
      approvals: approvalViews,
      steps,
      history,
      policy: summary,
      sourceMovedOn:
        sourceCurrentDigest !== undefined &&
        sourceCurrentDigest !== promotion.digest,
      sourceCurrentDigest,
    };
  }

  summarise(
    promotion: StoredPromotion,
    approvals: StoredApproval[],
    policy: PromotionPolicy | undefined,
    now: Date,
  ): PromotionPolicySummary {
    const given = validApprovals(approvals, now).length;
    const window = evaluateWindows(policy?.windows ?? [], now);
    const missing: string[] = [];
    const open =
      promotion.status === 'requested' || promotion.status === 'approved';
    if (
      promotion.status === 'requested' &&
      promotion.policy.requiresApproval &&
      given < promotion.policy.approvals
    ) {
      const needed = promotion.policy.approvals - given;
      const expired = approvals.filter(
        a =>
          a.decision === 'approved' &&
          a.expiresAt &&
          new Date(a.expiresAt) <= now,
      );
      const expiredNote = expired.length
        ? `; expired: ${expired.map(a => a.approver).join(', ')}`
        : '';
      missing.push(
        `${needed} more approval${needed === 1 ? '' : 's'} from members of ` +
          `${promotion.policy.approvers.join(', ')} (not ${
            promotion.requestedBy
          })${expiredNote}`,
      );
    }
    if (open && window.closed && !promotion.windowOverride) {
      missing.push(
        `Promotions into ${promotion.targetEnvironment} are closed${
          window.until ? ` until ${window.until}` : ''
        }: ${window.reason}`,
      );
    }
    return {
      requiresApproval: promotion.policy.requiresApproval,
      approvalsRequired: promotion.policy.approvals,
      approvalsGiven: given,
      approvers: promotion.policy.approvers,
      approvalTtlSeconds: Math.round(promotion.policy.approvalTtlMs / 1000),
      missing,
      window,
    };
  }

  /** What the source environment runs now (cached briefly); undefined when it cannot be read. */
  async currentDigest(
    entityRef: string,
    environment: string,
  ): Promise<string | undefined> {
    const key = `${entityRef}|${environment}`;
    const ttl = this.context.sourceCacheTtlMs ?? 60_000;
    const cached = this.sourceCache.get(key);
    if (cached && Date.now() - cached.at < ttl) {
      return cached.digest;
    }
    try {
      const entity = await this.context.getEntity(entityRef);
      const located = await this.context.locator.locate(entity, [environment]);
      const digest = located[environment]?.digest;
      this.sourceCache.set(key, { at: Date.now(), digest });
      return digest;
    } catch (error) {
      this.context.logger.warn(
        `Could not read what ${environment} runs for ${entityRef}: ${error}`,
      );
      return undefined;
    }
  }
}
