import { PromotionActivity } from '../promotion/PromotionActivity';
import { PromotionStore } from '../promotion/PromotionStore';
import { Step, StepResult, StepSubject } from './Step';

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
 * Used by the {@link StepRunner}; recovery runs single steps with it too.
 */
export class StepRecorder {
  constructor(
    private readonly options: {
      store: Pick<PromotionStore, 'startStep' | 'finishStep'>;
      activity: PromotionActivity;
      subject: StepSubject;
      entityRef: string;
      actor?: string;
      clock: () => Date;
      /** Called before every step; throws to stop the execution (e.g. the lease was lost). */
      beforeStep?: () => void;
    },
  ) {}

  /** Runs one step of an execution on its state (a pause only checks that the execution may go on). */
  async step<S>(step: Step<S>, state: S): Promise<StepResult> {
    if (step.unrecorded) {
      this.options.beforeStep?.();
      return step.act(state);
    }
    return this.run(step.name, step.intent(state), async () => {
      const result = await step.act(state);
      return { value: result, detail: result.detail };
    });
  }

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
