import { PromotionState } from '@internal/backstage-plugin-environments-common';
import { PromotionPolicy } from './config';
import { describePromotion, defaultPromotionLink } from './lifecycle';
import { ExecutionContext } from './executionContext';
import { StoredPromotion } from './PromotionStore';
import { StepFailedError, StepRecorder } from './StepRecorder';

/**
 * How an execution records its steps and ends: the request's fields patched while it runs, its final
 * status recorded, audited and notified (only by the instance holding its lease), live pointed back
 * when a step failed after the switch, and the smoke check.
 */
export class PromotionSettlement {
  constructor(private readonly context: ExecutionContext) {}

  recorder(promotion: StoredPromotion, beforeStep?: () => void): StepRecorder {
    return new StepRecorder({
      store: this.context.options.store,
      activity: this.context.options.activity,
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      actor: promotion.executedBy ?? promotion.requestedBy,
      clock: () => this.context.now(),
      beforeStep,
    });
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
    const fn = promotion.target.functionName;
    const { version, expectedRevisionId } = rollback;
    const deployer = await this.context.options.deployers
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

  /** Runs the smoke check when the request has a URL; a failure stops the execution (and rolls back). */
  async checkSmoke(
    recorder: StepRecorder,
    promotion: StoredPromotion,
    when: string,
  ): Promise<void> {
    const url = promotion.smokeCheckUrl;
    if (!url) {
      return;
    }
    await recorder.run('smoke-check', `GET ${url} ${when}`, async () => {
      const result = await this.context.smokeCheck(url);
      if (!result.ok) {
        throw new StepFailedError(
          `Smoke check ${when} failed: ${result.detail}`,
        );
      }
      return { value: undefined, detail: result.detail };
    });
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
