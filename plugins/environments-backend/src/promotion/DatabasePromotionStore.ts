import { Knex } from 'knex';
import {
  FunctionLocation,
  PromotionEvent,
  PromotionState,
  PromotionStep,
  PromotionStepStatus,
} from '@internal/backstage-plugin-environments-common';
import { LeaseRows } from '../steps/leaseRows';
import {
  readApprovals,
  recordApprovalInTransaction,
  upsertApprovalRow,
} from './approvalRows';
import {
  ApprovalOutcome,
  PromotionFilter,
  PromotionPatch,
  PromotionStore,
  StartedStep,
  StepSubject,
  StoredApproval,
  StoredPromotion,
  StoredRollback,
} from './PromotionStore';
import {
  iso,
  optional,
  defined,
  toPromotionRow,
  toPatchRow,
  fromPromotionRow,
  rollbackPatchRow,
  toRollbackRow,
  fromRollbackRow,
  targetColumns,
} from './promotionRows';

/** The knex implementation of {@link PromotionStore}, on SQLite and PostgreSQL. */
export class DatabasePromotionStore implements PromotionStore {
  private readonly leases: LeaseRows;

  constructor(private readonly db: Knex) {
    this.leases = new LeaseRows(db, 'promotions');
  }

  async insertPromotion(promotion: StoredPromotion): Promise<void> {
    await this.db('promotions').insert(toPromotionRow(promotion));
  }

  async getPromotion(id: string): Promise<StoredPromotion | undefined> {
    const row = await this.db('promotions').where({ id }).first();
    return row ? fromPromotionRow(row) : undefined;
  }

  async listPromotions(filter: PromotionFilter): Promise<StoredPromotion[]> {
    const query = this.db('promotions')
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc');
    if (filter.entityRef) {
      query.where('entity_ref', filter.entityRef);
    }
    if (filter.statuses) {
      query.whereIn('status', filter.statuses);
    }
    if (filter.targetEnvironment) {
      query.where('target_environment', filter.targetEnvironment);
    }
    if (filter.target) {
      query.where(targetColumns(filter.target));
    }
    if (filter.limit) {
      query.limit(filter.limit);
    }
    return (await query).map(fromPromotionRow);
  }

  async transition(
    id: string,
    from: PromotionState[],
    patch: PromotionPatch,
    options?: { leaseOwner?: string },
  ): Promise<boolean> {
    // A conditional UPDATE: the database decides which of several concurrent callers moves the request.
    const query = this.db('promotions').where({ id }).whereIn('status', from);
    if (options?.leaseOwner) {
      query.where('lease_owner', options.leaseOwner);
    }
    const changed = await query.update(toPatchRow(patch));
    return changed === 1;
  }

  renewLease(
    id: string,
    owner: string,
    leaseExpiresAt: string,
  ): Promise<boolean> {
    return this.leases.renew(id, owner, leaseExpiresAt);
  }

  takeOverExpiredLease(
    id: string,
    owner: string,
    now: string,
    leaseExpiresAt: string,
  ): Promise<boolean> {
    return this.leases.takeOver(id, owner, now, leaseExpiresAt);
  }

  async listExpiredLeases(now: string): Promise<StoredPromotion[]> {
    return (await this.leases.expired(now)).map(fromPromotionRow);
  }

  async listExpiredOpen(now: string): Promise<StoredPromotion[]> {
    const rows = await this.db('promotions')
      .whereIn('status', ['requested', 'approved'])
      .where('expires_at', '<=', new Date(now));
    return rows.map(fromPromotionRow);
  }

  async upsertApproval(
    promotionId: string,
    approval: StoredApproval,
  ): Promise<void> {
    await upsertApprovalRow(this.db, promotionId, approval);
  }

  recordApproval(
    promotionId: string,
    approval: StoredApproval & { decision: 'approved'; mayExecute: boolean },
    options: { now: string; statusReason: (approvers: string[]) => string },
  ): Promise<ApprovalOutcome> {
    return recordApprovalInTransaction(this.db, promotionId, approval, options);
  }

  listApprovals(promotionId: string): Promise<StoredApproval[]> {
    return readApprovals(this.db, promotionId);
  }

  async startStep(
    subject: StepSubject,
    name: string,
    at: string,
    detail?: string,
  ): Promise<StartedStep> {
    // Only the lease holder writes steps of a subject, so reading the last sequence cannot race.
    const last = await this.db('promotion_steps')
      .where({ subject_type: subject.type, subject_id: subject.id })
      .max({ sequence: 'sequence' })
      .first();
    const sequence = Number(last?.sequence ?? 0) + 1;
    const [inserted] = await this.db('promotion_steps')
      .insert({
        subject_type: subject.type,
        subject_id: subject.id,
        sequence,
        name,
        status: 'started',
        started_at: new Date(at),
        detail: detail ?? null,
      })
      .returning('id');
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    return { id: Number(id), sequence };
  }

  async finishStep(
    stepId: number,
    status: Exclude<PromotionStepStatus, 'started'>,
    at: string,
    result?: { detail?: string; error?: string },
  ): Promise<void> {
    await this.db('promotion_steps')
      .where({ id: stepId })
      .update(
        defined({
          status,
          finished_at: new Date(at),
          detail: result?.detail,
          error: result?.error,
        }),
      );
  }

  async listSteps(subject: StepSubject): Promise<PromotionStep[]> {
    const rows = await this.db('promotion_steps')
      .where({ subject_type: subject.type, subject_id: subject.id })
      .orderBy('sequence', 'asc');
    return rows.map(row => ({
      sequence: Number(row.sequence),
      name: row.name,
      status: row.status,
      startedAt: iso(row.started_at)!,
      finishedAt: iso(row.finished_at),
      detail: optional(row.detail),
      error: optional(row.error),
    }));
  }

  async finishInterruptedStep(
    subject: StepSubject,
    sequence: number,
    status: Exclude<PromotionStepStatus, 'started'>,
    at: string,
    result: { detail?: string; error?: string },
  ): Promise<boolean> {
    const changed = await this.db('promotion_steps')
      .where({
        subject_type: subject.type,
        subject_id: subject.id,
        sequence,
        status: 'started',
      })
      .update(
        defined({
          status,
          finished_at: new Date(at),
          detail: result.detail,
          error: result.error,
        }),
      );
    return changed === 1;
  }

  async addEvent(
    subject: StepSubject,
    entityRef: string,
    event: PromotionEvent,
  ): Promise<void> {
    await this.db('promotion_events').insert({
      subject_type: subject.type,
      subject_id: subject.id,
      entity_ref: entityRef,
      event: event.event,
      actor: event.actor ?? null,
      at: new Date(event.at),
      detail: event.detail ?? null,
    });
  }

  async listEvents(subject: StepSubject): Promise<PromotionEvent[]> {
    const rows = await this.db('promotion_events')
      .where({ subject_type: subject.type, subject_id: subject.id })
      .orderBy('at', 'asc')
      .orderBy('id', 'asc');
    return rows.map(row => ({
      at: iso(row.at)!,
      event: row.event,
      actor: optional(row.actor),
      detail: optional(row.detail),
    }));
  }

  async insertRollback(rollback: StoredRollback): Promise<void> {
    await this.db('rollbacks').insert(toRollbackRow(rollback));
  }

  async updateRollback(
    id: string,
    patch: Partial<
      Pick<
        StoredRollback,
        'status' | 'statusReason' | 'finishedAt' | 'intentionalDrift'
      >
    >,
  ): Promise<void> {
    await this.db('rollbacks').where({ id }).update(rollbackPatchRow(patch));
  }

  async getRollback(id: string): Promise<StoredRollback | undefined> {
    const row = await this.db('rollbacks').where({ id }).first();
    return row ? fromRollbackRow(row) : undefined;
  }

  async listRollbacks(filter: {
    entityRef?: string;
    environment?: string;
    target?: FunctionLocation;
    limit?: number;
  }): Promise<StoredRollback[]> {
    const query = this.db('rollbacks')
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc');
    if (filter.entityRef) {
      query.where('entity_ref', filter.entityRef);
    }
    if (filter.environment) {
      query.where('environment', filter.environment);
    }
    if (filter.target) {
      query.where(targetColumns(filter.target));
    }
    if (filter.limit) {
      query.limit(filter.limit);
    }
    return (await query).map(fromRollbackRow);
  }

  async findIntentionalDrift(
    target: FunctionLocation,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db('rollbacks')
      .where(targetColumns(target))
      .where('intentional_drift', true)
      .whereNull('drift_cleared_at')
      .orderBy('requested_at', 'desc')
      .first();
    return row ? fromRollbackRow(row) : undefined;
  }

  async clearIntentionalDrift(
    target: FunctionLocation,
    at: string,
  ): Promise<void> {
    await this.db('rollbacks')
      .where(targetColumns(target))
      .where('intentional_drift', true)
      .whereNull('drift_cleared_at')
      .update({ intentional_drift: false, drift_cleared_at: new Date(at) });
  }
}
