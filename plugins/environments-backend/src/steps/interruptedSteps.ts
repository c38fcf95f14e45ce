import { PromotionStep } from '@internal/backstage-plugin-environments-common';
import { PromotionActivity } from '../promotion/PromotionActivity';
import { PromotionStore } from '../promotion/PromotionStore';
import { StepSubject } from './Step';

/** What AWS shows a step left `started` by a stopped instance achieved. */
export interface InterruptedStep {
  name: string;
  /** Whether its AWS call went through. */
  achieved: boolean;
  /** What AWS shows, in words. */
  finding: string;
}

/** The finding of a step that only reads. */
export const ONLY_READS = 'it only reads, so it changed nothing';

/**
 * Records, for each step a stopped instance left `started`, what AWS shows it achieved (asked with
 * `outcomeOf`, the change's own reading of each step): `succeeded` when its call went through (e.g. the
 * alias was switched), `failed` otherwise, with what AWS shows, and adds that to the history. Returns
 * the interrupted steps as found, in order.
 */
export async function settleInterruptedSteps(options: {
  store: Pick<PromotionStore, 'finishInterruptedStep'>;
  activity: PromotionActivity;
  subject: StepSubject;
  entityRef: string;
  steps: PromotionStep[];
  at: string;
  outcomeOf: (stepName: string) => Promise<InterruptedStep>;
}): Promise<InterruptedStep[]> {
  const { store, activity, subject, entityRef, at } = options;
  const interrupted: InterruptedStep[] = [];
  for (const step of options.steps.filter(s => s.status === 'started')) {
    const outcome = await options.outcomeOf(step.name);
    interrupted.push(outcome);
    const result = outcome.achieved ? 'succeeded' : 'failed';
    await store.finishInterruptedStep(
      subject,
      step.sequence,
      result,
      at,
      outcome.achieved
        ? { detail: `${outcome.finding} (found after the interruption)` }
        : {
            error: `Interrupted before its result was recorded; AWS shows ${outcome.finding}`,
          },
    );
    await activity.record({
      subject,
      entityRef,
      event: 'step',
      at,
      detail: `${step.name} ${result} (found after the interruption): ${outcome.finding}`,
      severity: 'high',
      meta: { step: step.name, result },
    });
  }
  return interrupted;
}

/** ` during step 'x', which went through (…)`: where an execution stopped, and what AWS shows of it. */
export function describeInterruption(
  steps: PromotionStep[],
  interrupted: InterruptedStep[],
): string {
  const [first] = interrupted;
  if (first) {
    let outcome = `which did not go through (AWS shows ${first.finding})`;
    if (first.achieved) {
      outcome = `which went through (AWS shows ${first.finding})`;
    } else if (first.finding === ONLY_READS) {
      outcome = first.finding;
    }
    return ` during step '${first.name}', ${outcome}`;
  }
  const last = steps[steps.length - 1];
  return last ? ` after step '${last.name}'` : ' before its first step';
}
