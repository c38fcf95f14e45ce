import {
  PromotionStep,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { LiveAliasState } from '../aws/LambdaDeployer';
import { ExecutionContext } from './executionContext';
import {
  describeInterruption,
  settlePromotionSteps,
  settleNotServed,
} from './interruptedSteps';
import { switchAliasStep } from '../steps/aliasSteps';
import { FunctionChange } from '../steps/Step';
import { PromotionSettlement } from './PromotionSettlement';
import { StoredPromotion } from './PromotionStore';
import { StepRecorder } from '../steps/StepRecorder';

/**
 * Settles requests whose executing instance stopped mid-way (their lease expired): takes each over with
 * a compare-and-set, records what AWS shows each interrupted step achieved, then completes it when live
 * already serves the digest, reverts a half-done traffic shift, or fails it saying what AWS did.
 */
export class PromotionRecovery {
  constructor(
    private readonly context: ExecutionContext,
    private readonly settlement: PromotionSettlement,
  ) {}

  /**
   * Takes over running requests whose lease expired (their instance stopped mid-way) and settles each
   * from what AWS says the alias serves: succeeded when it serves the promoted digest; a half-done
   * traffic shift is reverted; otherwise failed, naming the step where it stopped.
   */
  recoverInterrupted(): Promise<void> {
    const { store } = this.context.options;
    return this.context.runner.recoverInterrupted<StoredPromotion>({
      type: 'promotion',
      listExpired: now => store.listExpiredLeases(now),
      takeOver: (id, owner, now, until) =>
        store.takeOverExpiredLease(id, owner, now, until),
      recover: promotion => this.recover(promotion),
    });
  }

  private async recover(promotion: StoredPromotion): Promise<void> {
    const { store, deployers, activity } = this.context.options;
    const subject = { type: 'promotion' as const, id: promotion.id };
    const steps = await store.listSteps(subject);
    const at = this.context.now().toISOString();
    const location = {
      accountId: promotion.target.accountId,
      region: promotion.target.region,
    };
    const reader = await deployers.forRead(location);
    // A step left `started` never recorded its result: ask AWS what it achieved, and record that on it.
    const findings = await settlePromotionSteps({
      store,
      activity,
      promotion,
      reader,
      steps,
      at,
    });
    const where = describeInterruption(steps, findings.interrupted);
    if (findings.publishedVersion && !promotion.publishedVersion) {
      await this.settlement.patch(promotion, {
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

    const recorder = this.settlement.recorder(promotion);
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
    await this.settlement.finish(promotion, status, { statusReason });
  }

  /** Ends a traffic shift an interrupted execution left half-done, and settles the request as rolled back. */
  private async revertInterruptedShift(
    promotion: StoredPromotion,
    recorder: StepRecorder,
    alias: LiveAliasState,
    where: string,
  ): Promise<void> {
    const change: FunctionChange = {
      functionName: promotion.target.functionName,
      writer: await this.context.options.deployers.forWrite(
        {
          accountId: promotion.target.accountId,
          region: promotion.target.region,
        },
        promotion.executedBy ?? promotion.requestedBy,
      ),
    };
    const endShift = switchAliasStep<FunctionChange>({
      name: 'rollback-alias',
      to: () => ({
        version: alias.version,
        expectedRevisionId: alias.revisionId,
      }),
      intent: c =>
        `Ending the interrupted traffic shift on ${c.functionName}:live`,
      detail: () => `live → version ${alias.version} with all the traffic`,
    });
    await recorder.step(endShift, change);
    await this.settlement.finish(promotion, 'rolled-back', {
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
        await this.settlement.checkSmoke(recorder, promotion, 'after resuming');
      } catch (error) {
        const message = (error as Error).message.replace(/\.$/, '');
        const reason = `Interrupted${where}; ${message[0].toLowerCase()}${message.slice(
          1,
        )}`;
        if (!promotion.previousVersion) {
          await this.settlement.finish(promotion, 'failed', {
            statusReason: `${reason}. The version live served before is unknown: check ${fn}:live now.`,
          });
        } else {
          await this.settlement.rollBackLive(
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
    await this.settlement.finish(promotion, 'succeeded', {
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
}
