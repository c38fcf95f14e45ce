import { describePromotion, hasEnoughApprovals } from './lifecycle';
import { Deployment, promotionSteps } from './deploySteps';
import { ExecutionContext, PromotionExecutorOptions } from './executionContext';
import { PromotionRecovery } from './PromotionRecovery';
import { PromotionSettlement } from './PromotionSettlement';
import { StoredPromotion } from './PromotionStore';
import { httpSmokeCheck } from './smokeCheck';
import { Execution, StepRunner } from '../steps/StepRunner';
import { StepRecorder } from '../steps/StepRecorder';
import { evaluateWindows } from './windows';

export type { PromotionExecutorOptions } from './executionContext';

/**
 * Executes approved promotion requests on Lambda, exactly once across backend instances: a request is
 * claimed with a compare-and-set from `approved` to `running`, then its steps (deploySteps.ts) run on
 * the {@link StepRunner} under a lease the executing instance renews; how it ends is in
 * PromotionSettlement; a request whose lease expired (its instance stopped) is taken over by
 * {@link PromotionExecutor.recoverInterrupted} (PromotionRecovery), which records what AWS shows each
 * interrupted step achieved, then completes it when the alias already serves the digest and otherwise
 * fails it, saying what AWS did.
 */
export class PromotionExecutor {
  private readonly options: PromotionExecutorOptions;
  private readonly context: ExecutionContext;
  private readonly settlement: PromotionSettlement;
  private readonly recovery: PromotionRecovery;
  readonly runner: StepRunner;

  constructor(options: PromotionExecutorOptions) {
    this.options = options;
    this.runner = options.runner ?? new StepRunner(options);
    this.context = {
      options,
      runner: this.runner,
      instanceId: this.runner.instanceId,
      smokeCheck:
        options.smokeCheck ?? httpSmokeCheck(options.config.smokeCheck),
      now: () => this.runner.now(),
    };
    this.settlement = new PromotionSettlement(this.context);
    this.recovery = new PromotionRecovery(this.context, this.settlement);
  }

  /** Starts executing a request in the background if it is ready; returns at once. */
  start(id: string): void {
    this.runner.start(`Promotion ${id}`, () => this.execute(id));
  }

  /** Resolves once every execution this instance started has finished. */
  whenIdle(): Promise<void> {
    return this.runner.whenIdle();
  }

  /**
   * Stops renewing leases and starting executions, as a stopping backend does. Executions in flight
   * are left to recovery by another instance once their lease expires.
   */
  stop(): void {
    this.runner.stop();
  }

  /**
   * Executes an approved request when its window is open and its approvals still count; otherwise
   * says what it waits for (or expires it). Does nothing when another caller claimed it first.
   */
  async execute(id: string): Promise<void> {
    const { store } = this.options;
    const now = this.context.now();
    const promotion = await store.getPromotion(id);
    if (
      !promotion ||
      promotion.status !== 'approved' ||
      new Date(promotion.expiresAt) <= now
    ) {
      // Expiry is the sweep's job (PromotionService.expireDue), so the event is recorded once.
      return;
    }
    const policy = this.settlement.policyOf(promotion);
    const window = evaluateWindows(policy.windows, now);
    if (window.closed && !promotion.windowOverride) {
      const reason =
        `Waiting for promotions to ${promotion.targetEnvironment} to open` +
        `${window.until ? ` at ${window.until}` : ''}: ${window.reason}`;
      if (promotion.statusReason !== reason) {
        await store.transition(id, ['approved'], {
          statusReason: reason,
          updatedAt: now.toISOString(),
        });
        await this.options.activity.record({
          subject: { type: 'promotion', id },
          entityRef: promotion.entityRef,
          event: 'waiting-for-window',
          at: now.toISOString(),
          detail: reason,
          severity: 'low',
        });
      }
      return;
    }
    if (!hasEnoughApprovals(promotion, await store.listApprovals(id), now)) {
      await this.settlement.finishWithoutRunning(
        promotion,
        'expired',
        'Its approvals expired before it could run; request the promotion again',
      );
      return;
    }
    const claimed = await store.transition(id, ['approved'], {
      status: 'running',
      statusReason: `Running on Lambda as ${
        promotion.executedBy ?? promotion.requestedBy
      }`,
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      leaseOwner: this.context.instanceId,
      leaseExpiresAt: this.runner.leaseUntil(),
    });
    if (!claimed) {
      return;
    }
    const running: StoredPromotion = { ...promotion, status: 'running' };
    await this.announce(running);
    await this.runner.run(this.execution(running));
  }

  /** Starts every approved request that is not running (e.g. waiting for its window to open). */
  async startWaiting(): Promise<void> {
    const waiting = await this.options.store.listPromotions({
      statuses: ['approved'],
    });
    for (const promotion of waiting) {
      await this.execute(promotion.id).catch(error =>
        this.options.logger.error(
          `Promotion ${promotion.id} could not be executed: ${error}`,
        ),
      );
    }
  }

  /**
   * Takes over running requests whose lease expired (their instance stopped mid-way) and settles each
   * from what AWS says the alias serves: succeeded when it serves the promoted digest; a half-done
   * traffic shift is reverted; otherwise failed, naming the step where it stopped.
   */
  recoverInterrupted(): Promise<void> {
    return this.recovery.recoverInterrupted();
  }

  /** A claimed request as the runner runs it: its steps, and how it settles. */
  private execution(promotion: StoredPromotion): Execution<Deployment> {
    const { store, deployers } = this.options;
    const { id, target } = promotion;
    const actor = promotion.executedBy ?? promotion.requestedBy;
    return {
      subject: { type: 'promotion', id },
      entityRef: promotion.entityRef,
      actor,
      state: {
        promotion,
        functionName: target.functionName,
        settlement: this.settlement,
        actor,
        switched: false,
        alreadyLive: false,
      },
      steps: promotionSteps(promotion, {
        policy: this.settlement.policyOf(promotion),
        smokeCheck: this.context.smokeCheck,
        sleep: this.options.sleep ?? defaultSleep,
      }),
      renewLease: until => store.renewLease(id, this.context.instanceId, until),
      prepare: async d => {
        d.writer = await deployers.forWrite(target, actor);
      },
      succeeded: d => this.succeeded(d),
      failed: (d, error, recorder) => this.settleFailure(d, recorder, error),
    };
  }

  /** Every step succeeded, or live already served the digest. */
  private async succeeded(d: Deployment): Promise<void> {
    const { promotion, previous } = d;
    if (d.alreadyLive) {
      await this.settlement.finish(promotion, 'succeeded', {
        statusReason: `Live already served the digest (version ${previous?.version}); nothing was changed`,
        publishedVersion: previous?.version,
      });
      return;
    }
    await this.settlement.finish(promotion, 'succeeded', {
      statusReason: `Live serves version ${d.published} with the promoted digest`,
    });
    await this.options.store.clearIntentionalDrift(
      promotion.target,
      this.context.now().toISOString(),
    );
  }

  /** Records and announces that a request started running on Lambda. */
  private async announce(promotion: StoredPromotion): Promise<void> {
    const { target } = promotion;
    const actor = promotion.executedBy ?? promotion.requestedBy;
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: 'running',
      actor,
      at: this.context.now().toISOString(),
      detail: `Deploying ${promotion.imageUri} to ${target.functionName} in ${target.accountId}/${target.region}`,
      severity: 'high',
    });
    await this.settlement.notifyParticipants(promotion, {
      title: `Promotion started: ${describePromotion(promotion)}`,
      description: `Running on Lambda as ${actor}.`,
    });
  }

  /**
   * A step failed: before live was switched, the request fails and says live was not changed; after,
   * live is pointed back at the version it served before. A lost lease leaves it to the new holder.
   */
  private async settleFailure(
    deployment: Deployment,
    recorder: StepRecorder,
    error: Error,
  ): Promise<void> {
    const { promotion, previous } = deployment;
    const message = error.message.replace(/\.$/, '');
    if (!deployment.switched || !previous) {
      await this.settlement.finish(promotion, 'failed', {
        statusReason: `${message}. Live was not changed: it still serves version ${
          previous?.version ?? 'unknown'
        }.`,
      });
      return;
    }
    await this.settlement.rollBackLive(
      promotion,
      recorder,
      {
        version: previous.version,
        expectedRevisionId: deployment.lastRevision,
      },
      message,
    );
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
