import { LiveAliasState } from '../aws/LambdaDeployer';
import { DeployerSource } from '../aws/types';
import { PromotionActivity } from '../promotion/PromotionActivity';
import { PromotionStore, StoredRollback } from '../promotion/PromotionStore';
import {
  describeInterruption,
  InterruptedStep,
  ONLY_READS,
  settleInterruptedSteps,
} from '../steps/interruptedSteps';
import { Execution, StepRunner } from '../steps/StepRunner';
import { RollbackLeases } from './RollbackLeases';
import { RollbackSettlement } from './RollbackSettlement';
import { RollbackRun, rollbackSteps, versionInWords } from './rollbackSteps';

/**
 * Executes recorded rollbacks on the {@link StepRunner}, exactly once across backend instances: a
 * rollback is recorded running and unclaimed, then claimed with a compare-and-set and held with a lease.
 * One whose instance stopped is taken over by another instance's sweep, which asks AWS what live
 * serves: the rollback completes when live serves the version it went back to, resumes when live still
 * serves the version it left (guarded by the alias revision it planned with), and fails otherwise,
 * saying what live serves.
 */
export class RollbackExecutor {
  constructor(
    private readonly options: {
      store: PromotionStore;
      leases: RollbackLeases;
      runner: StepRunner;
      deployers: DeployerSource;
      activity: PromotionActivity;
      settlement: RollbackSettlement;
    },
  ) {}

  /** Starts executing a recorded rollback in the background; returns at once. */
  start(id: string): void {
    this.options.runner.start(key(id), () => this.execute(id));
  }

  /** Waits up to `timeoutMs` for a rollback this instance started; true when it finished. */
  settled(id: string, timeoutMs: number): Promise<boolean> {
    return this.options.runner.settled(key(id), timeoutMs);
  }

  /** Executes a running, unclaimed rollback; does nothing when another caller claimed it first. */
  async execute(id: string): Promise<void> {
    const { store, leases, runner } = this.options;
    const rollback = await store.getRollback(id);
    if (
      !rollback ||
      rollback.status !== 'running' ||
      !(await leases.claim(id, runner.instanceId, runner.leaseUntil()))
    ) {
      return;
    }
    await runner.run(this.execution(rollback, { switched: false }));
  }

  /** Takes over rollbacks whose instance stopped (their lease expired), and settles or resumes each. */
  recoverInterrupted(): Promise<void> {
    const { leases, runner } = this.options;
    return runner.recoverInterrupted<StoredRollback>({
      type: 'rollback',
      listExpired: now => leases.listExpired(now),
      takeOver: (id, owner, now, until) =>
        leases.takeOver(id, owner, now, until),
      recover: rollback => this.recover(rollback),
    });
  }

  private execution(
    rollback: StoredRollback,
    options: { switched: boolean; resumedAfter?: string },
  ): Execution<RollbackRun> {
    const { leases, runner, deployers, settlement } = this.options;
    const { id, fromVersion, toVersion } = rollback;
    return {
      subject: { type: 'rollback', id },
      entityRef: rollback.entityRef,
      actor: rollback.requestedBy,
      state: {
        rollback,
        functionName: rollback.target.functionName,
        resumedAfter: options.resumedAfter,
      },
      steps: rollbackSteps(options),
      renewLease: until => leases.renew(id, runner.instanceId, until),
      prepare: async run => {
        run.writer = await deployers.forWrite(
          rollback.target,
          rollback.requestedBy,
        );
      },
      succeeded: run =>
        settlement.finish(
          rollback,
          'succeeded',
          `${
            run.resumedAfter
              ? `Resumed after an interruption${run.resumedAfter}: live`
              : 'Live'
          } serves version ${toVersion} again (was ${fromVersion})`,
        ),
      failed: (_run, error) =>
        settlement.finish(rollback, 'failed', error.message, error),
    };
  }

  /** Settles a rollback taken over from a stopped instance, from what AWS shows live serves. */
  private async recover(rollback: StoredRollback): Promise<void> {
    const { store, deployers, activity, runner, settlement } = this.options;
    const subject = { type: 'rollback' as const, id: rollback.id };
    const fn = rollback.target.functionName;
    const reader = await deployers.forRead(rollback.target);
    const live = await reader.getLiveAlias(fn);
    const servedVersion = live && !isShifting(live) ? live.version : undefined;
    const steps = await store.listSteps(subject);
    const interrupted = await settleInterruptedSteps({
      store,
      activity,
      subject,
      entityRef: rollback.entityRef,
      steps,
      at: runner.now().toISOString(),
      outcomeOf: async name => switchOutcome(name, rollback, live),
    });
    const where = describeInterruption(steps, interrupted);
    await activity.record({
      subject,
      entityRef: rollback.entityRef,
      event: 'recovering',
      at: runner.now().toISOString(),
      detail: `The backend instance executing it stopped${where}; checking what the live alias serves`,
      severity: 'high',
    });
    if (
      servedVersion === rollback.toVersion ||
      servedVersion === rollback.fromVersion
    ) {
      const switched = servedVersion === rollback.toVersion;
      await runner.run(
        this.execution(rollback, { switched, resumedAfter: where }),
      );
      return;
    }
    await settlement.finish(
      rollback,
      'failed',
      `Interrupted${where} when the backend instance executing it stopped. Live serves ${describeLive(
        live,
      )}: ` +
        `neither ${versionInWords(
          rollback.fromVersion,
          rollback.fromDigest,
        )} it was rolling back from ` +
        `nor version ${rollback.toVersion}, so something else changed it. Check ${fn}:live and roll back again if needed.`,
    );
  }
}

function key(id: string): string {
  return `Rollback ${id}`;
}

function isShifting(alias: LiveAliasState): boolean {
  return Object.keys(alias.routing).length > 0;
}

/** What AWS shows an interrupted rollback step achieved: the switch went through when live serves its version. */
function switchOutcome(
  name: string,
  rollback: StoredRollback,
  live: LiveAliasState | undefined,
): InterruptedStep {
  if (name !== 'switch-alias') {
    return { name, achieved: false, finding: ONLY_READS };
  }
  return {
    name,
    achieved:
      !!live && live.version === rollback.toVersion && !isShifting(live),
    finding: live
      ? `live → ${describeLive(live)}`
      : 'the function has no live alias',
  };
}

function describeLive(live: LiveAliasState | undefined): string {
  if (!live) {
    return 'nothing (the function has no live alias)';
  }
  return `version ${live.version}${
    isShifting(live) ? ` with routing ${JSON.stringify(live.routing)}` : ''
  }`;
}
