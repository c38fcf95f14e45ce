import { LambdaDeployer } from '../aws/LambdaDeployer';

/** What steps and events belong to: a promotion request or a rollback. */
export interface StepSubject {
  type: 'promotion' | 'rollback';
  id: string;
}

/** What a step did, in words; `done` ends the execution early because what follows is already true. */
export interface StepResult {
  detail: string;
  done?: boolean;
}

/**
 * One change to AWS (or one check of it), run by the {@link StepRunner}: recorded as `started` before
 * `act` runs and as `succeeded` or `failed` after. `S` is the execution's state, which steps read and
 * extend (e.g. the version a publish step published, for the switch that follows).
 */
export interface Step<S> {
  /** Its name in the history and the UI, e.g. `switch-alias`. */
  name: string;
  /** What it is about to do, recorded before it acts. */
  intent(state: S): string;
  act(state: S): Promise<StepResult>;
  /** A pause between steps (e.g. the wait after a traffic shift): not recorded, but stops on a lost lease. */
  unrecorded?: boolean;
}

/** The state of an execution on one function: where it acts, and as whom once prepared. */
export interface FunctionChange {
  functionName: string;
  /** Acting with the account's write role as the user the change runs as; set before the first step. */
  writer?: LambdaDeployer;
}

/** The writer of a prepared change. */
export function writerOf(state: FunctionChange): LambdaDeployer {
  if (!state.writer) {
    throw new Error(`No AWS credentials to change ${state.functionName} with`);
  }
  return state.writer;
}
