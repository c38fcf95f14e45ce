import { PromotionActivity } from './PromotionActivity';
import { PromotionStore, StepSubject } from './PromotionStore';

/** What a step's action returns: its value and, in words, what it did. */
export interface StepOutcome<T> {
  value: T;
  detail: string;
}

/** Thrown by a step whose action found something wrong without throwing (e.g. a failing smoke check). */
export class StepFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailedError';
  }
}

/**
 * Runs the steps of one execution and records each twice: as `started` before it acts and as
 * `succeeded` or `failed` after, with its time and what happened. A backend that stops in between leaves
 * a `started` step behind, which recovery settles from what AWS shows it achieved (interruptedSteps.ts).
 */
export class StepRecorder {
  constructor(
    private readonly options: {
      store: PromotionStore;
      activity: PromotionActivity;
      subject: StepSubject;
      entityRef: string;
      actor?: string;
      clock: () => Date;
      /** Called before every step; throws to stop the execution (e.g. the lease was lost). */
      beforeStep?: () => void;
    },
  ) {}

  async run<T>(
    name: string,
    intent: string,
    action: () => Promise<StepOutcome<T>>,
  ): Promise<T> {
    const { store, activity, subject, entityRef, actor, clock, beforeStep } =
      this.options;
    beforeStep?.();
    const step = await store.startStep(
      subject,
      name,
      clock().toISOString(),
      intent,
    );
    try {
      const { value, detail } = await action();
      const at = clock().toISOString();
      await store.finishStep(step.id, 'succeeded', at, { detail });
      await activity.record({
        subject,
        entityRef,
        event: 'step',
        actor,
        at,
        detail: `${name} succeeded: ${detail}`,
        severity: 'high',
        meta: { step: name, result: 'succeeded' },
      });
      return value;
    } catch (error) {
      const at = clock().toISOString();
      const message = (error as Error)?.message ?? String(error);
      await store.finishStep(step.id, 'failed', at, { error: message });
      await activity.record({
        subject,
        entityRef,
        event: 'step',
        actor,
        at,
        detail: `${name} failed: ${message}`,
        severity: 'high',
        meta: { step: name, result: 'failed' },
        error: error as Error,
      });
      throw error;
    }
  }
}
