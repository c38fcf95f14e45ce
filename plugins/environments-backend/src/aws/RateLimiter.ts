import Bottleneck from 'bottleneck';
import { RateLimits } from './config';

/**
 * The separate budgets AWS enforces: GetFunction has its own quota, other Lambda calls share one,
 * CloudFormation and the Resource Groups Tagging API have their own.
 */
export type CallBudget =
  | 'getFunction'
  | 'lambdaControlPlane'
  | 'cloudFormation'
  | 'tagging';

/**
 * Spaces the calls of one account-region so each budget stays under its rate. The SDK's adaptive retry
 * handles the throttling that still happens (other clients share the same quotas).
 */
export class LocationRateLimiter {
  private readonly limiters: Record<CallBudget, Bottleneck>;

  constructor(rateLimits: RateLimits) {
    const limiter = (perSecond: number) =>
      new Bottleneck({ minTime: Math.ceil(1000 / perSecond) });
    this.limiters = {
      getFunction: limiter(rateLimits.getFunctionPerSecond),
      lambdaControlPlane: limiter(rateLimits.lambdaControlPlanePerSecond),
      cloudFormation: limiter(rateLimits.cloudFormationPerSecond),
      tagging: limiter(rateLimits.taggingPerSecond),
    };
  }

  /** Runs a call when its budget allows; rejects without calling when the signal aborted meanwhile. */
  schedule<T>(
    budget: CallBudget,
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.limiters[budget].schedule(() => {
      signal?.throwIfAborted();
      return call();
    });
  }
}
