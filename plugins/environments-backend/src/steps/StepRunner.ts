import { randomUUID } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionActivity } from '../promotion/PromotionActivity';
import { PromotionStore } from '../promotion/PromotionStore';
import { holdLease, LeaseLostError } from './lease';
import { Step, StepSubject } from './Step';
import { StepRecorder } from './StepRecorder';

const DEFAULT_LEASE_MS = 120_000;

/**
 * A change to AWS as the runner runs it: a list of steps on a state, and how it ends. The caller claimed
 * it first (a compare-and-set that only one instance wins), so it runs on this instance only.
 */
export interface Execution<S> {
  subject: StepSubject;
  entityRef: string;
  /** The user it runs as. */
  actor: string;
  state: S;
  steps: Array<Step<S>>;
  /** Extends this instance's lease until the given time; false when another instance holds it now. */
  renewLease(until: string): Promise<boolean>;
  /** Readies the state before the first step (e.g. the write role's credentials); a throw fails it. */
  prepare?(state: S): Promise<void>;
  /** Settles it once every step succeeded, or one said what follows is already done. */
  succeeded(state: S, recorder: StepRecorder): Promise<void>;
  /** Settles it truthfully after a step failed (e.g. points live back); not called when the lease was lost. */
  failed(state: S, error: Error, recorder: StepRecorder): Promise<void>;
}

/** Executions of one kind whose instance stopped mid-way: how to find them, take them over and settle them. */
export interface InterruptedExecutions<
  T extends { id: string; entityRef: string },
> {
  type: StepSubject['type'];
  /** Running executions whose lease expired before `now`. */
  listExpired(now: string): Promise<T[]>;
  /** A compare-and-set on the expired lease: false when another instance took it over first. */
  takeOver(
    id: string,
    owner: string,
    now: string,
    until: string,
  ): Promise<boolean>;
  /** Settles one taken over, from what AWS shows its interrupted steps achieved. */
  recover(execution: T): Promise<void>;
}

/** Options of the {@link StepRunner}. */
export interface StepRunnerOptions {
  store: Pick<PromotionStore, 'startStep' | 'finishStep'>;
  activity: PromotionActivity;
  logger: LoggerService;
  clock?: () => Date;
  /** Identifies this backend instance in leases; default a random UUID. */
  instanceId?: string;
  /** How long a running execution stays claimed without renewal; renewed every third of it. Default 2 minutes. */
  leaseMs?: number;
}

/**
 * Runs every change this product makes to AWS (promotions, rollbacks) as a list of steps: each recorded
 * before and after it acts, under a lease renewed while it runs, and settled by the change's own rules.
 * An execution whose instance stopped is taken over by another instance's {@link StepRunner.recoverInterrupted}.
 */
export class StepRunner {
  readonly instanceId: string;
  readonly leaseMs: number;
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: StepRunnerOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  /** When a lease taken now ends. */
  leaseUntil(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  /** Whether this instance stopped starting and renewing executions. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs `work` in the background, logging a failure; `settled(key)` waits for it. */
  start(key: string, work: () => Promise<void>): void {
    if (this.stopped) {
      return;
    }
    const run: Promise<void> = work()
      .catch(error =>
        this.options.logger.error(`${key} could not be executed: ${error}`),
      )
      .finally(() => {
        if (this.running.get(key) === run) {
          this.running.delete(key);
        }
      });
    this.running.set(key, run);
  }

  /** Resolves when what was started under `key` finished, or after `timeoutMs`; true when it finished. */
  async settled(key: string, timeoutMs: number): Promise<boolean> {
    const run = this.running.get(key);
    if (!run) {
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>(resolve => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([run.then(() => true), timeout]);
    clearTimeout(timer);
    return finished;
  }

  /** Resolves once every execution this instance started has finished. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running.values()]);
    }
  }

  /**
   * Stops renewing leases and starting executions, as a stopping backend does. Executions in flight
   * are left to recovery by another instance once their lease expires.
   */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) {
      clearInterval(timer);
    }
    this.timers.clear();
  }

  /** A recorder of the subject's steps; `beforeStep` throws to stop the execution. */
  recorder(
    subject: StepSubject,
    entityRef: string,
    actor?: string,
    beforeStep?: () => void,
  ): StepRecorder {
    const { store, activity } = this.options;
    const clock = () => this.now();
    return new StepRecorder({
      ...{ store, activity, subject, entityRef, actor, clock },
      beforeStep,
    });
  }

  /** Runs a claimed execution's steps in order under its lease, and settles it however they end. */
  async run<S>(execution: Execution<S>): Promise<void> {
    const { subject, state } = execution;
    const lease = holdLease({
      subject,
      renew: until => execution.renewLease(until),
      leaseMs: this.leaseMs,
      now: () => this.now(),
      logger: this.options.logger,
      timers: this.timers,
    });
    const recorder = this.recorder(
      subject,
      execution.entityRef,
      execution.actor,
      () => {
        if (lease.lost() || this.stopped) {
          throw new LeaseLostError(subject);
        }
      },
    );
    try {
      await execution.prepare?.(state);
      for (const step of execution.steps) {
        if ((await recorder.step(step, state)).done) {
          break;
        }
      }
      await execution.succeeded(state, recorder);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.options.logger.warn(error.message);
        return;
      }
      await execution.failed(state, toError(error), recorder);
    } finally {
      lease.release();
    }
  }

  /**
   * Takes over executions whose lease expired (their instance stopped mid-way), each with a
   * compare-and-set, and settles each by its kind's rules. One that cannot be settled yet (AWS
   * unreachable) is retried by a later sweep, once its lease lapses again.
   */
  async recoverInterrupted<T extends { id: string; entityRef: string }>(
    kind: InterruptedExecutions<T>,
  ): Promise<void> {
    const now = this.now().toISOString();
    for (const execution of await kind.listExpired(now)) {
      if (
        !(await kind.takeOver(
          execution.id,
          this.instanceId,
          now,
          this.leaseUntil(),
        ))
      ) {
        continue;
      }
      try {
        await kind.recover(execution);
      } catch (error) {
        this.options.logger.error(
          `Could not recover interrupted ${kind.type} ${execution.id}: ${error}`,
        );
        await this.options.activity.record({
          subject: { type: kind.type, id: execution.id },
          entityRef: execution.entityRef,
          event: 'recovery-failed',
          at: this.now().toISOString(),
          detail: `Could not settle the interrupted execution yet, will retry: ${
            toError(error).message
          }`,
          severity: 'high',
        });
      }
    }
  }
}

/** What was thrown, as an Error. */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
