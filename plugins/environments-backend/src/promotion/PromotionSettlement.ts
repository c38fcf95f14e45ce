import { PromotionState } from '@internal/backstage-plugin-environments-common';
import { PromotionPolicy } from './config';
import { describePromotion, defaultPromotionLink } from './lifecycle';
import { ExecutionContext } from './executionContext';
import { StoredPromotion } from './PromotionStore';
import { StepRecorder } from '../steps/StepRecorder';
import { switchAliasStep } from '../steps/aliasSteps';
import { FunctionChange } from '../steps/Step';
import { smokeCheckStep } from './deploySteps';

/**
 * How an execution records its steps and ends: the request's fields patched while it runs, its final
 * status recorded, audited and notified (only by the instance holding its lease), live pointed back
 * when a step failed after the switch, and the smoke check.
 */
export class PromotionSettlement {
  constructor(private readonly context: ExecutionContext) {}

  recorder(promotion: StoredPromotion): StepRecorder {
    return this.context.runner.recorder(
      { type: 'promotion', id: promotion.id },
      promotion.entityRef,
      promotion.executedBy ?? promotion.requestedBy,
    );
  }

  async patch(
    promotion: StoredPromotion,
    patch: {
      previousVersion?: string;
      previousDigest?: string;
      publishedVersion?: string;
    },
  ): Promise<void> {
    Object.assign(promotion, patch);
    await this.context.options.store.transition(
      promotion.id,
      ['running'],
      { ...patch, updatedAt: this.context.now().toISOString() },
      { leaseOwner: this.context.instanceId },
    );
  }

  async finish(
    promotion: StoredPromotion,
    status: Extract<PromotionState, 'succeeded' | 'failed' | 'rolled-back'>,
    patch: { statusReason: string; publishedVersion?: string },
  ): Promise<void> {
    const at = this.context.now().toISOString();
    const finished = await this.context.options.store.transition(
      promotion.id,
      ['running'],
      { ...patch, status, finishedAt: at, updatedAt: at },
      { leaseOwner: this.context.instanceId },
    );
    if (!finished) {
      this.context.options.logger.warn(
        `Promotion ${promotion.id} was taken over before it could be marked ${status}`,
      );
      return;
    }
    await this.context.options.activity.record({
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

  async finishWithoutRunning(
    promotion: StoredPromotion,
    status: 'expired',
    reason: string,
  ): Promise<void> {
    const at = this.context.now().toISOString();
    if (
      !(await this.context.options.store.transition(
        promotion.id,
        ['approved'],
        {
          status,
          statusReason: reason,
          finishedAt: at,
          updatedAt: at,
        },
      ))
    ) {
      return;
    }
    await this.context.options.activity.record({
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

  /**
   * Points live back at `version`, the version it served before the promotion, after a step failed
   * once live was switched, and settles the request as rolled back, or as failed when the rollback
   * fails too. `reason` says what failed.
   */
  async rollBackLive(
    promotion: StoredPromotion,
    recorder: StepRecorder,
    rollback: { version: string; expectedRevisionId?: string },
    reason: string,
  ): Promise<void> {
    const { version, expectedRevisionId } = rollback;
    const writer = await this.context.options.deployers
      .forWrite(
        {
          accountId: promotion.target.accountId,
          region: promotion.target.region,
        },
        promotion.executedBy ?? promotion.requestedBy,
      )
      .catch(() => undefined);
    const change: FunctionChange = {
      functionName: promotion.target.functionName,
      writer,
    };
    try {
      await recorder.step(rollBackAlias(version, expectedRevisionId), change);
      await this.finish(promotion, 'rolled-back', {
        statusReason: `${reason}. Rolled back: live serves version ${version} again.`,
      });
    } catch (rollbackError) {
      await this.finish(promotion, 'failed', {
        statusReason:
          `${reason}. The automatic rollback to version ${version} failed too ` +
          `(${(rollbackError as Error).message}): check ${
            change.functionName
          }:live now.`,
      });
    }
  }

  /** Runs the smoke check when the request has a URL; a failure stops the execution (and rolls back). */
  async checkSmoke(
    recorder: StepRecorder,
    promotion: StoredPromotion,
    when: string,
  ): Promise<void> {
    if (promotion.smokeCheckUrl) {
      await recorder.step(smokeCheckStep(this.context.smokeCheck, when), {
        promotion,
      });
    }
  }

  /** The requester, whoever started the execution, and the approvers who approved. */
  async notifyParticipants(
    promotion: StoredPromotion,
    message: {
      title: string;
      description: string;
      severity?: 'normal' | 'high';
    },
  ): Promise<void> {
    const approvals = await this.context.options.store.listApprovals(
      promotion.id,
    );
    await this.context.options.activity.notify({
      recipients: [
        promotion.requestedBy,
        ...(promotion.executedBy ? [promotion.executedBy] : []),
        ...approvals
          .filter(a => a.decision === 'approved')
          .map(a => a.approver),
      ],
      title: message.title,
      description: message.description,
      link: (this.context.options.promotionLink ?? defaultPromotionLink)(
        promotion.id,
      ),
      scope: `promotion:${promotion.id}`,
      topic: 'environments-promotion',
      severity: message.severity,
    });
  }

  policyOf(promotion: StoredPromotion): PromotionPolicy {
    const policy = this.context.options.config.policies.get(
      promotion.targetEnvironment,
    );
    if (!policy) {
      throw new Error(
        `Environment ${promotion.targetEnvironment} of promotion ${promotion.id} is no longer configured`,
      );
    }
    return policy;
  }
}

/** Step `rollback-alias`: live pointed back at the version it served before a failed promotion. */
function rollBackAlias(version: string, expectedRevisionId?: string) {
  return switchAliasStep<FunctionChange>({
    name: 'rollback-alias',
    to: () => ({ version, expectedRevisionId }),
    intent: change =>
      `Pointing ${change.functionName}:live back at version ${version}`,
    detail: () => `live → version ${version} again`,
  });
}
