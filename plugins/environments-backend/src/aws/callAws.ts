import { CallCounter } from './CallCounter';
import { CallBudget, LocationRateLimiter } from './RateLimiter';

/** An AWS call that failed after the SDK's retries; the message names the operation and AWS's error. */
export class AwsCallError extends Error {
  readonly operation: string;
  /** The AWS error name, e.g. `ThrottlingException`, `AccessDeniedException`. */
  readonly awsErrorName: string;

  constructor(operation: string, cause: unknown) {
    const awsErrorName = (cause as Error)?.name ?? 'Error';
    super(
      `${operation} failed: ${awsErrorName}: ${
        (cause as Error)?.message ?? String(cause)
      }`,
      {
        cause,
      },
    );
    this.name = 'AwsCallError';
    this.operation = operation;
    this.awsErrorName = awsErrorName;
  }
}

interface SdkOutput {
  $metadata: { attempts?: number };
}

/**
 * Makes one AWS call within its budget and counts it with the attempts the SDK needed.
 * Aborts pass through unchanged; other failures become an {@link AwsCallError}.
 */
export async function callAws<T extends SdkOutput>(options: {
  operation: string;
  budget: CallBudget;
  limiter: LocationRateLimiter;
  callCounter?: CallCounter;
  signal?: AbortSignal;
  call: () => Promise<T>;
}): Promise<T> {
  const { operation, budget, limiter, callCounter, signal, call } = options;
  return limiter.schedule(
    budget,
    async () => {
      try {
        const output = await call();
        callCounter?.record(operation, output.$metadata?.attempts ?? 1);
        return output;
      } catch (error) {
        callCounter?.record(
          operation,
          (error as Partial<SdkOutput>)?.$metadata?.attempts ?? 1,
        );
        if (signal?.aborted || (error as Error)?.name === 'AbortError') {
          throw error;
        }
        throw new AwsCallError(operation, error);
      }
    },
    signal,
  );
}
