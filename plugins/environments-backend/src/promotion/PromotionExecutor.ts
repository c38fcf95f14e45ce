import { randomUUID } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  PromotionState,
  PromotionStep,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { LiveAliasState } from '../aws/LambdaDeployer';
import { PromotionConfig, PromotionPolicy } from './config';
import { DeployerSource } from '../aws/types';
import {
  defaultPromotionLink,
  describePromotion,
  hasEnoughApprovals,
} from './lifecycle';
import { PromotionActivity } from './PromotionActivity';
import { PromotionStore, StoredPromotion } from './PromotionStore';
import { httpSmokeCheck, SmokeCheck } from './smokeCheck';
import { StepFailedError, StepRecorder } from './StepRecorder';
import {
  describeInterruption,
  publishedFor,
  settleInterruptedSteps,
  settleNotServed,
} from './interruptedSteps';
import { evaluateWindows } from './windows';

/** Options of {@link PromotionExecutor}. */
export interface PromotionExecutorOptions {
  store: PromotionStore;
  deployers: DeployerSource;
  activity: PromotionActivity;
  config: PromotionConfig;
  logger: LoggerService;
  /** Default: an HTTP GET with `environments.promotion.smokeCheck`. */
  smokeCheck?: SmokeCheck;
  clock?: () => Date;
  /** Identifies this backend instance in the lease; default a random UUID. */
  instanceId?: string;
  /** How long a running request stays claimed without renewal; renewed every third of it. Default 2 minutes. */
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  promotionLink?: (id: string) => string;
}

const DEFAULT_LEASE_MS = 120_000;

/** Stops an execution whose lease another instance took over. */
class LeaseLostError extends Error {
  constructor(id: string) {
    super(
      `Another backend instance took over promotion ${id}; this one stopped acting on it`,
    );
    this.name = 'LeaseLostError';
  }
}

/**
 * Executes approved promotion requests on Lambda, exactly once across backend instances: a request is
 * claimed with a compare-and-set from `approved` to `running` and then held with a lease that the
 * executing instance renews. A request whose lease expired (its instance stopped) is taken over by
 * {@link PromotionExecutor.recoverInterrupted}, which records what AWS shows each interrupted step achieved,
 * then completes it when the alias already serves the digest and otherwise fails it, saying what AWS did.
 */
export class PromotionExecutor {
  private readonly options: PromotionExecutorOptions;
  private readonly instanceId: string;
  private readonly leaseMs: number;
  private readonly smokeCheck: SmokeCheck;
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(options: PromotionExecutorOptions) {
    this.options = options;
    this.instanceId = options.instanceId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.smokeCheck =
      options.smokeCheck ?? httpSmokeCheck(options.config.smokeCheck);
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
    const now = this.now();
    const promotion = await store.getPromotion(id);
    if (
      !promotion ||
      promotion.status !== 'approved' ||
      new Date(promotion.expiresAt) <= now
    ) {
      // Expiry is the sweep's job (PromotionService.expireDue), so the event is recorded once.
      return;
    }
    const policy = this.policyOf(promotion);
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
      await this.finishWithoutRunning(
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
      leaseOwner: this.instanceId,
      leaseExpiresAt: new Date(now.getTime() + this.leaseMs).toISOString(),
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
  async recoverInterrupted(): Promise<void> {
    const { store, logger } = this.options;
    const now = this.now();
    for (const promotion of await store.listExpiredLeases(now.toISOString())) {
      const leaseUntil = new Date(now.getTime() + this.leaseMs).toISOString();
      if (
        !(await store.takeOverExpiredLease(
          promotion.id,
          this.instanceId,
          now.toISOString(),
          leaseUntil,
        ))
      ) {
        continue;
      }
      try {
        await this.recover(promotion);
      } catch (error) {
        // The lease lapses again and the next sweep retries: AWS may be unreachable for a while.
        logger.error(
          `Could not recover interrupted promotion ${promotion.id}: ${error}`,
        );
        await this.options.activity.record({
          subject: { type: 'promotion', id: promotion.id },
          entityRef: promotion.entityRef,
          event: 'recovery-failed',
          at: this.now().toISOString(),
          detail: `Could not settle the interrupted execution yet, will retry: ${
            (error as Error).message
          }`,
          severity: 'high',
        });
      }
    }
  }

  private async recover(promotion: StoredPromotion): Promise<void> {
    const { store, deployers, activity } = this.options;
    const subject = { type: 'promotion' as const, id: promotion.id };
    const steps = await store.listSteps(subject);
    const at = this.now().toISOString();
    const location = {
      accountId: promotion.target.accountId,
      region: promotion.target.region,
    };
    const reader = await deployers.forRead(location);
    // A step left `started` never recorded its result: ask AWS what it achieved, and record that on it.
    const findings = await settleInterruptedSteps({
      store,
      activity,
      promotion,
      reader,
      steps,
      at,
    });
    const where = describeInterruption(steps, findings);
    if (findings.publishedVersion && !promotion.publishedVersion) {
      await this.patch(promotion, {
        publishedVersion: findings.publishedVersion,
      });
    }
    await activity.record({
      subject,
      entityRef: promotion.entityRef,
      event: 'recovering',
      at,
      detail:
        `The backend instance executing it stopped${where}; ` +
        'checking what the live alias serves',
      severity: 'high',
    });

    const recorder = this.recorder(promotion);
    const fn = promotion.target.functionName;
    const { alias, digest } = await recorder.run(
      'recover',
      `Reading what ${fn}:live serves after the interruption`,
      async () => {
        const live = await reader.getLiveAlias(fn);
        if (!live) {
          throw new Error(`${fn} has no live alias`);
        }
        const served = await reader.getVersion(fn, live.version);
        return {
          value: { alias: live, digest: served?.digest },
          detail: `live → version ${live.version} (${
            served?.digest ? shortDigest(served.digest) : 'unknown digest'
          })${
            Object.keys(live.routing).length
              ? `, routing ${JSON.stringify(live.routing)}`
              : ''
          }`,
        };
      },
    );

    if (Object.keys(alias.routing).length > 0) {
      await this.revertInterruptedShift(promotion, recorder, alias, where);
      return;
    }
    if (digest === promotion.digest) {
      await this.completeAlreadyLive(promotion, recorder, steps, alias, where);
      return;
    }
    const { status, statusReason } = settleNotServed(promotion, findings, {
      where,
      version: alias.version,
      digest,
    });
    await this.finish(promotion, status, { statusReason });
  }

  /** Ends a traffic shift an interrupted execution left half-done, and settles the request as rolled back. */
  private async revertInterruptedShift(
    promotion: StoredPromotion,
    recorder: StepRecorder,
    alias: LiveAliasState,
    where: string,
  ): Promise<void> {
    const fn = promotion.target.functionName;
    const writer = await this.options.deployers.forWrite(
      {
        accountId: promotion.target.accountId,
        region: promotion.target.region,
      },
      promotion.executedBy ?? promotion.requestedBy,
    );
    await recorder.run(
      'rollback-alias',
      `Ending the interrupted traffic shift on ${fn}:live`,
      async () => {
        await writer.switchAlias(fn, {
          version: alias.version,
          routing: {},
          expectedRevisionId: alias.revisionId,
        });
        return {
          value: undefined,
          detail: `live → version ${alias.version} with all the traffic`,
        };
      },
    );
    await this.finish(promotion, 'rolled-back', {
      statusReason:
        `Interrupted${where} while shifting traffic; the shift was reverted and live serves version ` +
        `${alias.version} again. Request the promotion again.`,
    });
  }

  /**
   * Settles an interrupted request whose digest live already serves: succeeded, once the smoke check
   * passed after the switch (run now when it never did; a failure points live back).
   */
  private async completeAlreadyLive(
    promotion: StoredPromotion,
    recorder: StepRecorder,
    steps: PromotionStep[],
    alias: LiveAliasState,
    where: string,
  ): Promise<void> {
    const fn = promotion.target.functionName;
    const switchedAt = Math.max(
      0,
      ...steps.filter(s => s.name === 'switch-alias').map(s => s.sequence),
    );
    const smokePassed = steps.some(
      step =>
        step.name === 'smoke-check' &&
        step.status === 'succeeded' &&
        step.sequence > switchedAt,
    );
    if (promotion.smokeCheckUrl && !smokePassed) {
      try {
        await this.checkSmoke(recorder, promotion, 'after resuming');
      } catch (error) {
        const message = (error as Error).message.replace(/\.$/, '');
        const reason = `Interrupted${where}; ${message[0].toLowerCase()}${message.slice(
          1,
        )}`;
        if (!promotion.previousVersion) {
          await this.finish(promotion, 'failed', {
            statusReason: `${reason}. The version live served before is unknown: check ${fn}:live now.`,
          });
        } else {
          await this.rollBackLive(
            promotion,
            recorder,
            {
              version: promotion.previousVersion,
              expectedRevisionId: alias.revisionId,
            },
            reason,
          );
        }
        return;
      }
    }
    await this.finish(promotion, 'succeeded', {
      statusReason: `Resumed after an interruption${where}: live already serves the promoted digest (version ${
        alias.version
      })${
        promotion.smokeCheckUrl && !smokePassed
          ? ' and the smoke check passed'
          : ''
      }`,
      publishedVersion: promotion.publishedVersion ?? alias.version,
    });
  }

  /**
   * Points live back at `version`, the version it served before the promotion, after a step failed
   * once live was switched, and settles the request as rolled back, or as failed when the rollback
   * fails too. `reason` says what failed.
   */
  private async rollBackLive(
    promotion: StoredPromotion,
    recorder: StepRecorder,
    rollback: { version: string; expectedRevisionId?: string },
    reason: string,
  ): Promise<void> {
    const fn = promotion.target.functionName;
    const { version, expectedRevisionId } = rollback;
    const deployer = await this.options.deployers
      .forWrite(
        {
          accountId: promotion.target.accountId,
          region: promotion.target.region,
        },
        promotion.executedBy ?? promotion.requestedBy,
      )
      .catch(() => undefined);
    try {
      if (!deployer) {
        throw new Error('no AWS credentials to roll back with');
      }
      await recorder.run(
        'rollback-alias',
        `Pointing ${fn}:live back at version ${version}`,
        async () => {
          await deployer.switchAlias(fn, {
            version,
            routing: {},
            expectedRevisionId,
          });
          return {
            value: undefined,
            detail: `live → version ${version} again`,
          };
        },
      );
      await this.finish(promotion, 'rolled-back', {
        statusReason: `${reason}. Rolled back: live serves version ${version} again.`,
      });
    } catch (rollbackError) {
      await this.finish(promotion, 'failed', {
        statusReason:
          `${reason}. The automatic rollback to version ${version} failed too ` +
          `(${(rollbackError as Error).message}): check ${fn}:live now.`,
      });
    }
  }

  private async run(promotion: StoredPromotion): Promise<void> {
    const { deployers, activity } = this.options;
    const id = promotion.id;
    const actor = promotion.executedBy ?? promotion.requestedBy;
    const fn = promotion.target.functionName;
    let leaseLost = false;
    const timer = setInterval(() => {
      const until = new Date(this.now().getTime() + this.leaseMs).toISOString();
      this.options.store
        .renewLease(id, this.instanceId, until)
        .then(renewed => {
          leaseLost = leaseLost || !renewed;
        })
        .catch(error =>
          this.options.logger.warn(
            `Could not renew the lease of promotion ${id}: ${error}`,
          ),
        );
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    timer.unref?.();
    this.timers.add(timer);
    const recorder = this.recorder(promotion, () => {
      if (leaseLost || this.stopped) {
        throw new LeaseLostError(id);
      }
    });

    await activity.record({
      subject: { type: 'promotion', id },
      entityRef: promotion.entityRef,
      event: 'running',
      actor,
      at: this.now().toISOString(),
      detail: `Deploying ${promotion.imageUri} to ${fn} in ${promotion.target.accountId}/${promotion.target.region}`,
      severity: 'high',
    });
    await this.notifyParticipants(promotion, {
      title: `Promotion started: ${describePromotion(promotion)}`,
      description: `Running on Lambda as ${actor}.`,
    });

    let previous: LiveAliasState | undefined;
    let lastRevision: string | undefined;
    let switched = false;
    try {
      const deployer = await deployers.forWrite(
        {
          accountId: promotion.target.accountId,
          region: promotion.target.region,
        },
        actor,
      );
      const before = await recorder.run(
        'read-live-alias',
        `Reading what ${fn}:live serves`,
        async () => {
          const alias = await deployer.getLiveAlias(fn);
          if (!alias) {
            throw new ConflictError(
              `${fn} has no live alias: create it with the service's stack first`,
            );
          }
          if (Object.keys(alias.routing).length > 0) {
            throw new ConflictError(
              `${fn}:live is already shifting traffic (${JSON.stringify(
                alias.routing,
              )}): another deployment is in progress`,
            );
          }
          const served = await deployer.getVersion(fn, alias.version);
          return {
            value: { alias, digest: served?.digest },
            detail: `live → version ${alias.version} (${
              served?.digest ? shortDigest(served.digest) : 'unknown digest'
            }), revision ${alias.revisionId}`,
          };
        },
      );
      previous = before.alias;
      lastRevision = before.alias.revisionId;
      await this.patch(promotion, {
        previousVersion: previous.version,
        previousDigest: before.digest,
      });

      if (before.digest === promotion.digest) {
        await this.finish(promotion, 'succeeded', {
          statusReason: `Live already served the digest (version ${previous.version}); nothing was changed`,
          publishedVersion: previous.version,
        });
        return;
      }

      await recorder.run(
        'update-function-code',
        `UpdateFunctionCode ${fn} → ${promotion.imageUri}`,
        async () => {
          const { revisionId } = await deployer.updateCode(
            fn,
            promotion.imageUri,
          );
          return {
            value: undefined,
            detail: `$LATEST → ${promotion.imageUri} (revision ${revisionId})`,
          };
        },
      );
      const latest = await recorder.run(
        'wait-for-update',
        `Waiting until the update of ${fn} succeeded`,
        async () => {
          const state = await deployer.waitForUpdate(fn);
          if (state.digest !== promotion.digest) {
            throw new ConflictError(
              `$LATEST of ${fn} runs ${
                state.digest ?? 'an unknown digest'
              }, not ${promotion.digest}: it was changed meanwhile`,
            );
          }
          return {
            value: state,
            detail: `LastUpdateStatus ${state.lastUpdateStatus}, CodeSha256 ${state.codeSha256}`,
          };
        },
      );
      const published = await recorder.run(
        'publish-version',
        `PublishVersion ${fn} guarded by CodeSha256 ${shortDigest(
          promotion.digest,
        )}`,
        async () => {
          const version = await deployer.publishVersion(fn, {
            digest: promotion.digest,
            revisionId: latest.revisionId,
            // Names the request, so that recovery finds this version after an interruption.
            description: `Promoted from ${
              promotion.sourceEnvironment
            } (version ${promotion.sourceVersion}) by ${actor}, ${publishedFor(
              id,
            )}`,
          });
          return {
            value: version.version,
            detail: `published version ${version.version} (CodeSha256 ${version.codeSha256})`,
          };
        },
      );
      await this.patch(promotion, { publishedVersion: published });

      const policy = this.policyOf(promotion);
      for (const percent of policy.trafficShift?.steps.filter(p => p < 100) ??
        []) {
        const expectedRevisionId = lastRevision;
        const shifted = await recorder.run(
          'shift-traffic',
          `Routing ${percent}% of ${fn}:live to version ${published}`,
          async () => {
            const alias = await deployer.switchAlias(fn, {
              version: previous!.version,
              routing: { [published]: percent / 100 },
              expectedVersion: previous!.version,
              expectedRevisionId,
            });
            return {
              value: alias,
              detail: `${percent}% → version ${published}, ${
                100 - percent
              }% → version ${previous!.version}`,
            };
          },
        );
        switched = true;
        lastRevision = shifted.revisionId;
        await (this.options.sleep ?? defaultSleep)(policy.trafficShift!.waitMs);
        await this.checkSmoke(recorder, promotion, `at ${percent}%`);
      }

      const alias = await recorder.run(
        'switch-alias',
        `UpdateAlias ${fn}:live → version ${published} guarded by revision ${lastRevision}`,
        async () => {
          const switchedAlias = await deployer.switchAlias(fn, {
            version: published,
            routing: {},
            expectedVersion: previous!.version,
            expectedRevisionId: lastRevision,
          });
          return {
            value: switchedAlias,
            detail: `live → version ${published} (revision ${switchedAlias.revisionId})`,
          };
        },
      );
      switched = true;
      lastRevision = alias.revisionId;

      await recorder.run(
        'verify',
        `GetFunction ${fn}:live must serve ${shortDigest(promotion.digest)}`,
        async () => {
          const live = await deployer.getVersion(fn, 'live');
          if (live?.digest !== promotion.digest || live.version !== published) {
            throw new StepFailedError(
              `live serves version ${live?.version} (${
                live?.digest ?? 'unknown digest'
              }), expected version ${published} (${promotion.digest})`,
            );
          }
          return {
            value: undefined,
            detail: `live serves version ${published} with ${promotion.digest}`,
          };
        },
      );
      await this.checkSmoke(recorder, promotion, 'after the switch');

      await this.finish(promotion, 'succeeded', {
        statusReason: `Live serves version ${published} with the promoted digest`,
      });
      await this.options.store.clearIntentionalDrift(
        promotion.target,
        this.now().toISOString(),
      );
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.options.logger.warn(error.message);
        return;
      }
      const message = ((error as Error)?.message ?? String(error)).replace(
        /\.$/,
        '',
      );
      if (!switched || !previous) {
        await this.finish(promotion, 'failed', {
          statusReason: `${message}. Live was not changed: it still serves version ${
            previous?.version ?? 'unknown'
          }.`,
        });
        return;
      }
      await this.rollBackLive(
        promotion,
        recorder,
        { version: previous.version, expectedRevisionId: lastRevision },
        message,
      );
    } finally {
      clearInterval(timer);
      this.timers.delete(timer);
    }
  }

  /** Runs the smoke check when the request has a URL; a failure stops the execution (and rolls back). */
  private async checkSmoke(
    recorder: StepRecorder,
    promotion: StoredPromotion,
    when: string,
  ): Promise<void> {
    const url = promotion.smokeCheckUrl;
    if (!url) {
      return;
    }
    await recorder.run('smoke-check', `GET ${url} ${when}`, async () => {
      const result = await this.smokeCheck(url);
      if (!result.ok) {
        throw new StepFailedError(
          `Smoke check ${when} failed: ${result.detail}`,
        );
      }
      return { value: undefined, detail: result.detail };
    });
  }

  private recorder(
    promotion: StoredPromotion,
    beforeStep?: () => void,
  ): StepRecorder {
    return new StepRecorder({
      store: this.options.store,
      activity: this.options.activity,
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      actor: promotion.executedBy ?? promotion.requestedBy,
      clock: () => this.now(),
      beforeStep,
    });
  }

  private async patch(
    promotion: StoredPromotion,
    patch: {
      previousVersion?: string;
      previousDigest?: string;
      publishedVersion?: string;
    },
  ): Promise<void> {
    Object.assign(promotion, patch);
    await this.options.store.transition(
      promotion.id,
      ['running'],
      { ...patch, updatedAt: this.now().toISOString() },
      { leaseOwner: this.instanceId },
    );
  }

  private async finish(
    promotion: StoredPromotion,
    status: Extract<PromotionState, 'succeeded' | 'failed' | 'rolled-back'>,
    patch: { statusReason: string; publishedVersion?: string },
  ): Promise<void> {
    const at = this.now().toISOString();
    const finished = await this.options.store.transition(
      promotion.id,
      ['running'],
      { ...patch, status, finishedAt: at, updatedAt: at },
      { leaseOwner: this.instanceId },
    );
    if (!finished) {
      this.options.logger.warn(
        `Promotion ${promotion.id} was taken over before it could be marked ${status}`,
      );
      return;
    }
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: status,
      actor: promotion.executedBy ?? promotion.requestedBy,
      at,
      detail: patch.statusReason,
      severity: status === 'succeeded' ? 'high' : 'critical',
      ...(status === 'succeeded'
        ? {}
        : { error: new Error(patch.statusReason) }),
    });
    const titles = {
      succeeded: 'Promotion succeeded',
      failed: 'Promotion failed',
      'rolled-back': 'Promotion rolled back',
    };
    await this.notifyParticipants(promotion, {
      title: `${titles[status]}: ${describePromotion(promotion)}`,
      description: patch.statusReason,
      severity: status === 'succeeded' ? 'normal' : 'high',
    });
  }

  private async finishWithoutRunning(
    promotion: StoredPromotion,
    status: 'expired',
    reason: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    if (
      !(await this.options.store.transition(promotion.id, ['approved'], {
        status,
        statusReason: reason,
        finishedAt: at,
        updatedAt: at,
      }))
    ) {
      return;
    }
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: status,
      at,
      detail: reason,
    });
    await this.notifyParticipants(promotion, {
      title: `Promotion expired: ${describePromotion(promotion)}`,
      description: reason,
    });
  }

  /** The requester, whoever started the execution, and the approvers who approved. */
  private async notifyParticipants(
    promotion: StoredPromotion,
    message: {
      title: string;
      description: string;
      severity?: 'normal' | 'high';
    },
  ): Promise<void> {
    const approvals = await this.options.store.listApprovals(promotion.id);
    await this.options.activity.notify({
      recipients: [
        promotion.requestedBy,
        ...(promotion.executedBy ? [promotion.executedBy] : []),
        ...approvals
          .filter(a => a.decision === 'approved')
          .map(a => a.approver),
      ],
      title: message.title,
      description: message.description,
      link: (this.options.promotionLink ?? defaultPromotionLink)(promotion.id),
      scope: `promotion:${promotion.id}`,
      topic: 'environments-promotion',
      severity: message.severity,
    });
  }

  private policyOf(promotion: StoredPromotion): PromotionPolicy {
    const policy = this.options.config.policies.get(
      promotion.targetEnvironment,
    );
    if (!policy) {
      throw new Error(
        `Environment ${promotion.targetEnvironment} of promotion ${promotion.id} is no longer configured`,
      );
    }
    return policy;
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
