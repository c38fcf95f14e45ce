import type { PromotionState } from './models';
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
