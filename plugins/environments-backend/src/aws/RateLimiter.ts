import Bottleneck from 'bottleneck';
import { DEFAULT_RATE_LIMITS, RateLimits } from './config';

/**
 * The separate budgets AWS enforces: GetFunction has its own quota, other Lambda calls share one,
 * CloudFormation, the Resource Groups Tagging API and ECR have their own.
 */
export type CallBudget =
  | 'getFunction'
  | 'lambdaControlPlane'
  | 'cloudFormation'
  | 'tagging'
  | 'ecr'
  | 'parameterStore'
  | 'secretsManager';

// ECR is asked only when a service is created (its initial image, once per environment): not configurable.
const ECR_CALLS_PER_SECOND = 5;

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
      ecr: limiter(ECR_CALLS_PER_SECOND),
      parameterStore: limiter(
        rateLimits.parameterStorePerSecond ??
          DEFAULT_RATE_LIMITS.parameterStorePerSecond,
      ),
      secretsManager: limiter(
        rateLimits.secretsManagerPerSecond ??
          DEFAULT_RATE_LIMITS.secretsManagerPerSecond,
      ),
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

/** The budget an SDK command spends, from its client and command names (`LambdaClient`, `GetFunctionCommand`). */
export function budgetOf(clientName: string, commandName: string): CallBudget {
  if (clientName.startsWith('Lambda')) {
    return commandName === 'GetFunctionCommand'
      ? 'getFunction'
      : 'lambdaControlPlane';
  }
  if (clientName.startsWith('CloudFormation')) {
    return 'cloudFormation';
  }
  if (clientName.startsWith('ECR')) {
    return 'ecr';
  }
  if (clientName.startsWith('ResourceGroupsTagging')) {
    return 'tagging';
  }
  if (clientName.startsWith('SSM')) {
    return 'parameterStore';
  }
  if (clientName.startsWith('SecretsManager')) {
    return 'secretsManager';
  }
  throw new Error(`No call budget for ${clientName} ${commandName}`);
}

/** A client whose middleware stack can take one more step. */
interface SdkClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: any) => Promise<any>,
        context: { clientName?: string; commandName?: string },
      ) => (args: any) => Promise<any>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Schedules every call of `client` through `limiter`, waiters and paginators included: each command once,
 * before the SDK's retries (which happen later in the stack). For the clients of deployments and
 * provisions; the read adapters schedule their calls in callAws, which also counts them.
 */
export function rateLimited<C extends SdkClient>(
  client: C,
  limiter: LocationRateLimiter,
): C {
  client.middlewareStack.add(
    (next, context) => args =>
      limiter.schedule(
        budgetOf(context.clientName ?? '', context.commandName ?? ''),
        () => next(args),
      ),
    { step: 'initialize', name: 'environmentsRateLimit' },
  );
  return client;
}
