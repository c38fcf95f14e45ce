import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  FunctionVersionSummary,
  RollbackRecord,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { Actor } from '../authorization/permissions';
import { ownerRefs } from '../catalog/Approvers';
import { getCatalogEntity } from '../catalog/entityRefs';
import { defaultRollbackLink } from '../promotion/lifecycle';
import { PromotionServiceOptions } from '../promotion/promotionContext';
import { StoredRollback } from '../promotion/PromotionStore';
import { StepFailedError, StepRecorder } from '../promotion/StepRecorder';
import {
  CreateRollbackInput,
  RollbackPlan,
  RollbackPlanner,
} from './RollbackPlanner';
import { RollbackVersions } from './RollbackVersions';

export type { CreateRollbackInput } from './RollbackPlanner';

/** Options of {@link RollbackService}: what promotions use, but their executor. */
export interface RollbackServiceOptions
  extends Omit<
    PromotionServiceOptions,
    'executor' | 'promotionLink' | 'sourceCacheTtlMs'
  > {
  rollbackLink?: (id: string) => string;
}

/**
 * Rollbacks of an environment's `live` alias to an earlier published version, and the versions to
 * choose from. A rollback is decided first (RollbackPlanner), recorded (with what was live before)
 * before it acts, then switches and verifies; its drift from a stack that owns the alias is marked
 * intentional until the next promotion.
 */
export class RollbackService {
  private readonly versions: RollbackVersions;
  private readonly planner: RollbackPlanner;

  constructor(private readonly options: RollbackServiceOptions) {
    this.versions = new RollbackVersions(options);
    this.planner = new RollbackPlanner({
      ...options,
      versions: this.versions,
    });
  }

  /** Rolls back, or with `dryRun` answers what would happen (status `planned`) without changing anything. */
  async rollback(
    input: CreateRollbackInput,
    actor: Actor,
  ): Promise<RollbackRecord> {
    const entity = await this.getEntity(input.entityRef);
    const plan = await this.planner.plan(input, actor, entity, this.now());
    if (input.dryRun) {
      return { ...plan.record, steps: [], history: [] };
    }
    // Recorded before acting, with what was live.
    await this.options.store.insertRollback(plan.record);
    await this.recordRequested(plan.record, plan.record.fromDigest);
    await this.switchBack(plan);
    return this.get(plan.record.id);
  }

  async get(id: string): Promise<RollbackRecord> {
    const rollback = await this.options.store.getRollback(id);
    if (!rollback) {
      throw new NotFoundError(`No rollback with id '${id}'`);
    }
    return this.view(rollback);
  }

  async list(filter: {
    entityRef?: string;
    environment?: string;
    limit?: number;
  }): Promise<RollbackRecord[]> {
    const rollbacks = await this.options.store.listRollbacks({
      ...filter,
      limit: filter.limit ?? 100,
    });
    return Promise.all(rollbacks.map(r => this.view(r)));
  }

  /**
   * The published versions of a service's function in an environment, newest first, with when each
   * was live as far as this product switched it.
   */
  listVersions(
    entityRef: string,
    environment: string,
  ): Promise<FunctionVersionSummary[]> {
    return this.versions.listVersions(entityRef, environment);
  }

  private async recordRequested(
    record: StoredRollback,
    fromDigest: string | undefined,
  ): Promise<void> {
    await this.options.activity.record({
      subject: { type: 'rollback', id: record.id },
      entityRef: record.entityRef,
      event: 'requested',
      actor: record.requestedBy,
      at: record.requestedAt,
      detail:
        `Roll back ${record.target.functionName} in ${record.environment} from version ${record.fromVersion} ` +
        `(${fromDigest ? shortDigest(fromDigest) : 'unknown'}) to ${
          record.toVersion
        } ` +
        `(${shortDigest(record.toDigest!)})${
          record.comment ? `: ${record.comment}` : ''
        }`,
      severity: 'high',
    });
  }

  /** Steps `switch-alias` (guarded by the revision read when planning) and `verify`, then the outcome. */
  private async switchBack({
    record,
    liveRevisionId,
  }: RollbackPlan): Promise<void> {
    const { target, toVersion, toDigest } = record;
    const fn = target.functionName;
    const recorder = new StepRecorder({
      store: this.options.store,
      activity: this.options.activity,
      subject: { type: 'rollback', id: record.id },
      entityRef: record.entityRef,
      actor: record.requestedBy,
      clock: () => this.now(),
    });
    try {
      const writer = await this.options.deployers.forWrite(
        target,
        record.requestedBy,
      );
      await recorder.run(
        'switch-alias',
        `UpdateAlias ${fn}:live → version ${toVersion} guarded by revision ${liveRevisionId}`,
        async () => {
          const alias = await writer.switchAlias(fn, {
            version: toVersion,
            routing: {},
            expectedVersion: record.fromVersion,
            expectedRevisionId: liveRevisionId,
          });
          return {
            value: alias,
            detail: `live → version ${toVersion} (revision ${alias.revisionId})`,
          };
        },
      );
      await recorder.run(
        'verify',
        `GetFunction ${fn}:live must serve ${shortDigest(toDigest)}`,
        async () => {
          const served = await writer.getVersion(fn, 'live');
          if (served?.version !== toVersion || served.digest !== toDigest) {
            throw new StepFailedError(
              `live serves version ${served?.version} (${
                served?.digest ?? 'unknown digest'
              }), expected ${toVersion}`,
            );
          }
          return {
            value: undefined,
            detail: `live serves version ${toVersion} with ${toDigest}`,
          };
        },
      );
      await this.finish(
        record,
        'succeeded',
        `Live serves version ${toVersion} again (was ${record.fromVersion})`,
      );
    } catch (error) {
      await this.finish(
        record,
        'failed',
        (error as Error).message,
        error as Error,
      );
    }
  }

  private async finish(
    record: StoredRollback,
    status: 'succeeded' | 'failed',
    reason: string,
    error?: Error,
  ): Promise<void> {
    const at = this.now().toISOString();
    const intentionalDrift = status === 'succeeded' && !!record.aliasStackName;
    await this.options.store.updateRollback(record.id, {
      status,
      statusReason: reason,
      finishedAt: at,
      intentionalDrift,
    });
    await this.options.activity.record({
      subject: { type: 'rollback', id: record.id },
      entityRef: record.entityRef,
      event: status,
      actor: record.requestedBy,
      at,
      detail: reason,
      severity: status === 'succeeded' ? 'high' : 'critical',
      error,
    });
    const entity = await this.getEntity(record.entityRef).catch(
      () => undefined,
    );
    await this.options.activity.notify({
      recipients: [record.requestedBy, ...(entity ? ownerRefs(entity) : [])],
      exclude: record.requestedBy,
      title: `Rollback ${status}: ${record.entityRef.split('/').pop()} in ${
        record.environment
      }`,
      description: `${record.requestedBy}: version ${record.fromVersion} → ${record.toVersion}. ${reason}`,
      link: (this.options.rollbackLink ?? defaultRollbackLink)(record.id),
      scope: `rollback:${record.id}`,
      topic: 'environments-rollback',
      severity: status === 'succeeded' ? 'normal' : 'high',
    });
  }

  private async view(rollback: StoredRollback): Promise<RollbackRecord> {
    const subject = { type: 'rollback' as const, id: rollback.id };
    const [steps, history] = await Promise.all([
      this.options.store.listSteps(subject),
      this.options.store.listEvents(subject),
    ]);
    const { driftClearedAt: _cleared, ...fields } = rollback;
    return { ...fields, steps, history };
  }

  private getEntity(entityRef: string): Promise<Entity> {
    return getCatalogEntity(this.options, entityRef);
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}
