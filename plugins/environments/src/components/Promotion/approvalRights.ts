import { PromotionRequest } from '@internal/backstage-plugin-environments-common';
import { displayRef } from '../FleetPage/refs';

/** Who the signed-in user is: their user ref and the refs they count as (their groups). */
export interface SignedInUser {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/**
 * Why the user may not approve or reject this request, in words; undefined when they may. Mirrors the
 * backend's rules (four eyes, approver set) so the buttons say why before the user tries.
 */
export function whyCannotDecide(
  promotion: PromotionRequest,
  user: SignedInUser,
): string | undefined {
  if (promotion.status !== 'requested') {
    return `This request is ${promotion.status}: it no longer takes approvals.`;
  }
  if (promotion.requestedBy === user.userEntityRef) {
    return 'You requested this promotion; someone else must approve it.';
  }
  const identities = new Set([user.userEntityRef, ...user.ownershipEntityRefs]);
  if (!promotion.policy.approvers.some(ref => identities.has(ref))) {
    return `Only members of ${promotion.policy.approvers
      .map(displayRef)
      .join(', ')} may approve promotions into ${promotion.targetEnvironment}.`;
  }
  if (
    promotion.approvals.some(
      a =>
        a.approver === user.userEntityRef &&
        a.decision === 'approved' &&
        !a.expired,
    )
  ) {
    return 'You approved this request already; it waits for other approvers.';
  }
  return undefined;
}

/** Whether the user may cancel: the requester or an approver, while nothing has started. */
export function mayCancel(
  promotion: PromotionRequest,
  user: SignedInUser,
): boolean {
  if (promotion.status !== 'requested' && promotion.status !== 'approved') {
    return false;
  }
  const identities = new Set([user.userEntityRef, ...user.ownershipEntityRefs]);
  return (
    promotion.requestedBy === user.userEntityRef ||
    promotion.policy.approvers.some(ref => identities.has(ref))
  );
}
