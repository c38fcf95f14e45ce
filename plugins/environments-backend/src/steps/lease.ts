import { LoggerService } from '@backstage/backend-plugin-api';
import { StepSubject } from './Step';

/** Stops an execution whose lease another instance took over. */
export class LeaseLostError extends Error {
  constructor(subject: StepSubject) {
    super(
      `Another backend instance took over ${subject.type} ${subject.id}; this one stopped acting on it`,
    );
    this.name = 'LeaseLostError';
  }
}

/** A lease held while an execution runs. */
export interface HeldLease {
  /** Whether a renewal found the lease taken over by another instance. */
  lost(): boolean;
  /** Stops renewing it. */
  release(): void;
}

/**
 * Renews the lease of a running execution every third of `leaseMs`, so that another instance takes it
 * over only when this one stopped. A renewal that finds it taken marks it lost: the next step stops.
 */
export function holdLease(options: {
  subject: StepSubject;
  /** Extends the lease until the given time; false when another instance holds it now. */
  renew: (until: string) => Promise<boolean>;
  leaseMs: number;
  now: () => Date;
  logger: LoggerService;
  timers: Set<NodeJS.Timeout>;
}): HeldLease {
  const { subject, renew, leaseMs, logger, timers } = options;
  let lost = false;
  const timer = setInterval(() => {
    const until = new Date(options.now().getTime() + leaseMs).toISOString();
    renew(until)
      .then(renewed => {
        lost = lost || !renewed;
      })
      .catch(error =>
        logger.warn(
          `Could not renew the lease of ${subject.type} ${subject.id}: ${error}`,
        ),
      );
  }, Math.max(1000, Math.floor(leaseMs / 3)));
  timer.unref?.();
  timers.add(timer);
  return {
    lost: () => lost,
    release() {
      clearInterval(timer);
      timers.delete(timer);
    },
  };
}
