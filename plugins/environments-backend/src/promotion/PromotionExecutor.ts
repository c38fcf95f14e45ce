import { randomUUID } from 'crypto';
import { describePromotion, hasEnoughApprovals } from './lifecycle';
import {
  Deployment,
  publishPromotedImage,
  readLiveAlias,
  shiftTraffic,
  switchAndVerify,
} from './deploySteps';
import { ExecutionContext, PromotionExecutorOptions } from './executionContext';
import { holdLease, LeaseLostError } from './lease';
import { PromotionRecovery } from './PromotionRecovery';
import { PromotionSettlement } from './PromotionSettlement';
import { StoredPromotion } from './PromotionStore';
import { httpSmokeCheck } from './smokeCheck';
import { StepRecorder } from './StepRecorder';
import { evaluateWindows } from './windows';

export type { PromotionExecutorOptions } from './executionContext';

const DEFAULT_LEASE_MS = 120_000;

/**
 * Executes approved promotion requests on Lambda, exactly once across backend instances: a request is
 * claimed with a compare-and-set from `approved` to `running` and then held with a lease that the
 * executing instance renews (lease.ts). Its steps are in deploySteps.ts; how it ends, in
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
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(options: PromotionExecutorOptions) {
    this.options = options;
    this.context = {
      options,
      instanceId: options.instanceId ?? randomUUID(),
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      smokeCheck:
        options.smokeCheck ?? httpSmokeCheck(options.config.smokeCheck),
      now: () => (options.clock ?? (() => new Date()))(),
    };
    this.settlement = new PromotionSettlement(this.context);
    this.recovery = new PromotionRecovery(this.context, this.settlement);
  }

  /** Starts executing a request in the background if it is ready; returns at once. */
  start(id: string): void {
    if (this.stopped) {
      return;
    }
    const run: Promise<void> = this.execute(id)
      .catch(error =>
        this.options.logger.error(
          `Promotion ${id} could not be executed: ${error}`,
        ),
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every execution this instance started has finished. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
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
      leaseExpiresAt: new Date(
        now.getTime() + this.context.leaseMs,
      ).toISOString(),
    });
    if (!claimed) {
      return;
    }
    await this.run({ ...promotion, status: 'running' });
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

  /** Runs a claimed request's steps under its lease, and settles it however they end. */
  private async run(promotion: StoredPromotion): Promise<void> {
    const { store, deployers, logger } = this.options;
    const { id, target } = promotion;
    const actor = promotion.executedBy ?? promotion.requestedBy;
    const lease = holdLease({
      id,
      store,
      instanceId: this.context.instanceId,
      leaseMs: this.context.leaseMs,
      now: this.context.now,
      logger,
      timers: this.timers,
    });
    const recorder = this.settlement.recorder(promotion, () => {
      if (lease.lost() || this.stopped) {
        throw new LeaseLostError(id);
      }
    });
    await this.announce(promotion, actor);
    let deployment: Deployment | undefined;
    try {
      const deployer = await deployers.forWrite(
        { accountId: target.accountId, region: target.region },
        actor,
      );
      deployment = {
        promotion,
        deployer,
        recorder,
        actor,
        settlement: this.settlement,
        switched: false,
      };
      if (!(await readLiveAlias(deployment))) {
        return;
      }
      const published = await publishPromotedImage(deployment);
      await this.settlement.patch(promotion, { publishedVersion: published });
      await shiftTraffic(
        deployment,
        published,
        this.settlement.policyOf(promotion),
        this.options.sleep ?? defaultSleep,
      );
      await switchAndVerify(deployment, published);
      await this.settlement.finish(promotion, 'succeeded', {
        statusReason: `Live serves version ${published} with the promoted digest`,
      });
      await store.clearIntentionalDrift(
        target,
        this.context.now().toISOString(),
      );
    } catch (error) {
      await this.settleFailure(promotion, recorder, deployment, error);
    } finally {
      lease.release();
    }
  }

  /** Records and announces that a request started running on Lambda. */
  private async announce(
    promotion: StoredPromotion,
    actor: string,
  ): Promise<void> {
    const { target } = promotion;
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
    promotion: StoredPromotion,
    recorder: StepRecorder,
    deployment: Deployment | undefined,
    error: unknown,
  ): Promise<void> {
    if (error instanceof LeaseLostError) {
      this.options.logger.warn(error.message);
      return;
    }
    const message = ((error as Error)?.message ?? String(error)).replace(
      /\.$/,
      '',
    );
    const previous = deployment?.previous;
    if (!deployment?.switched || !previous) {
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
