import { Entity } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  FunctionVersionSummary,
  RollbackRecord,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { Actor } from '../authorization/permissions';
import { getCatalogEntity } from '../catalog/entityRefs';
import { PromotionServiceOptions } from '../promotion/promotionContext';
import { StoredRollback } from '../promotion/PromotionStore';
import { StepRunner } from '../steps/StepRunner';
import { CreateRollbackInput, RollbackPlanner } from './RollbackPlanner';
import { RollbackExecutor } from './RollbackExecutor';
import { RollbackLeases } from './RollbackLeases';
import { RollbackVersions } from './RollbackVersions';

export type { CreateRollbackInput } from './RollbackPlanner';

/** Options of {@link RollbackService}: what promotions use, but their executor. */
export interface RollbackServiceOptions
  extends Omit<
    PromotionServiceOptions,
    'executor' | 'promotionLink' | 'sourceCacheTtlMs'
  > {
  rollbackLink?: (id: string) => string;
  executor: RollbackExecutor;
  leases: RollbackLeases;
  runner: StepRunner;
  /** How long `rollback` waits for the rollback to finish before answering it `running`; default 30 s. */
  waitMs?: number;
}

const DEFAULT_WAIT_MS = 30_000;

/**
 * Rollbacks of an environment's `live` alias to an earlier published version, and the versions to
 * choose from. A rollback is decided first (RollbackPlanner), recorded (with what was live before)
 * before it acts, then runs on the step runner (RollbackExecutor: exactly once across instances,
 * resumed after a crash); its drift from a stack that owns the alias is marked intentional until the
 * next promotion.
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
    // Recorded before acting, with what was live; one running rollback per function, across replicas.
    const record: StoredRollback = {
      ...plan.record,
      liveRevisionId: plan.liveRevisionId,
      leaseExpiresAt: this.options.runner.leaseUntil(),
    };
    const running = await this.options.leases.insertRunning(record);
    if (running) {
      throw new ConflictError(
        `Rollback ${running.id} of ${running.target.functionName} to version ${running.toVersion} is running: wait for it to finish`,
      );
    }
    await this.recordRequested(record, record.fromDigest);
    this.options.executor.start(record.id);
    // Answered once it finished, or as `running` (the caller polls it) when it takes longer.
    await this.options.executor.settled(
      record.id,
      this.options.waitMs ?? DEFAULT_WAIT_MS,
    );
    return this.get(record.id);
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

  private async view(rollback: StoredRollback): Promise<RollbackRecord> {
    const subject = { type: 'rollback' as const, id: rollback.id };
    const [steps, history] = await Promise.all([
      this.options.store.listSteps(subject),
      this.options.store.listEvents(subject),
    ]);
    const {
      driftClearedAt: _cleared,
      liveRevisionId: _revision,
      leaseOwner: _owner,
      leaseExpiresAt: _lease,
      ...fields
    } = rollback;
    return { ...fields, steps, history };
  }

  private getEntity(entityRef: string): Promise<Entity> {
    return getCatalogEntity(this.options, entityRef);
  }

  private now(): Date {
    return this.options.runner.now();
  }
}
