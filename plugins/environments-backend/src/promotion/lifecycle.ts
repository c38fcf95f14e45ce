import { shortDigest } from '@internal/backstage-plugin-environments-common';
import { StoredApproval, StoredPromotion } from './PromotionStore';

/** Approvals that still count at `now`: approved and not past their TTL. */
export function validApprovals(
  approvals: StoredApproval[],
  now: Date,
): StoredApproval[] {
  return approvals.filter(
    approval =>
      approval.decision === 'approved' &&
      (!approval.expiresAt || new Date(approval.expiresAt) > now),
  );
}

/** Whether a request has the approvals its policy needs at `now`. */
export function hasEnoughApprovals(
  promotion: StoredPromotion,
  approvals: StoredApproval[],
  now: Date,
): boolean {
  return (
    !promotion.policy.requiresApproval ||
    validApprovals(approvals, now).length >= promotion.policy.approvals
  );
}

/** `checkout-api sha256:abc… staging → prod`, for titles and messages. */
export function describePromotion(promotion: StoredPromotion): string {
  const name = promotion.entityRef.split('/').pop();
  return `${name} ${shortDigest(promotion.digest)} ${
    promotion.sourceEnvironment
  } → ${promotion.targetEnvironment}`;
}

/** Where the frontend shows a promotion request. */
export function defaultPromotionLink(id: string): string {
  return `/environments/promotions/${id}`;
}

/** Where the frontend shows a rollback. */
export function defaultRollbackLink(id: string): string {
  return `/environments/rollbacks/${id}`;
}

/** A duration in words for messages: `3 days`, `4 hours`, `30 minutes`. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) {
      const count = ms / size;
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

/** The status reason of a request its approvals completed. */
export function approvedBy(approvers: string[]): string {
  return `Approved by ${approvers.join(', ')}`;
}
