import { Knex } from 'knex';
import {
  FunctionLocation,
  PromotionEvent,
  PromotionState,
  PromotionStep,
  PromotionStepStatus,
} from '@internal/backstage-plugin-environments-common';
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

type Row = Record<string, any>;

/** PostgreSQL returns Date objects, SQLite the epoch milliseconds it was given: both become ISO 8601. */
function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value as string | number | Date).toISOString();
}

function date(value: string | undefined): Date | null | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value === null ? null : new Date(value);
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function json<T>(value: string | null, fallback: T): T {
  return value ? (JSON.parse(value) as T) : fallback;
}

/** Drops undefined keys so that an update only touches what the patch sets. */
function defined(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).filter(([, value]) => value !== undefined),
  );
}

function toPromotionRow(p: StoredPromotion): Row {
  return {
    id: p.id,
    entity_ref: p.entityRef,
    source_environment: p.sourceEnvironment,
    target_environment: p.targetEnvironment,
    skipped_environments: JSON.stringify(p.skippedEnvironments),
    digest: p.digest,
    source_version: p.sourceVersion,
    source_image_uri: p.sourceImageUri ?? null,
    image_uri: p.imageUri,
    target_account_id: p.target.accountId,
    target_region: p.target.region,
    target_function_name: p.target.functionName,
    status: p.status,
    status_reason: p.statusReason ?? null,
    requested_by: p.requestedBy,
    requested_at: new Date(p.requestedAt),
    comment: p.comment ?? null,
    expires_at: new Date(p.expiresAt),
    updated_at: new Date(p.updatedAt),
    started_at: date(p.startedAt) ?? null,
    finished_at: date(p.finishedAt) ?? null,
    executed_by: p.executedBy ?? null,
    previous_version: p.previousVersion ?? null,
    previous_digest: p.previousDigest ?? null,
    published_version: p.publishedVersion ?? null,
    smoke_check_url: p.smokeCheckUrl ?? null,
    policy: JSON.stringify(p.policy),
    window_override: p.windowOverride ? JSON.stringify(p.windowOverride) : null,
    warnings: JSON.stringify(p.warnings),
    lease_owner: p.leaseOwner ?? null,
    lease_expires_at: date(p.leaseExpiresAt) ?? null,
  };
}

function toPatchRow(patch: PromotionPatch): Row {
  return defined({
    status: patch.status,
    status_reason: patch.statusReason,
    updated_at: date(patch.updatedAt),
    started_at: date(patch.startedAt),
    finished_at: date(patch.finishedAt),
    executed_by: patch.executedBy,
    previous_version: patch.previousVersion,
    previous_digest: patch.previousDigest,
    published_version: patch.publishedVersion,
    lease_owner: patch.leaseOwner,
    lease_expires_at: date(patch.leaseExpiresAt),
  });
}

function fromPromotionRow(row: Row): StoredPromotion {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    sourceEnvironment: row.source_environment,
    targetEnvironment: row.target_environment,
    skippedEnvironments: json(row.skipped_environments, []),
    digest: row.digest,
    sourceVersion: row.source_version,
    sourceImageUri: optional(row.source_image_uri),
    imageUri: row.image_uri,
    target: {
      accountId: row.target_account_id,
      region: row.target_region,
      functionName: row.target_function_name,
    },
    status: row.status,
    statusReason: optional(row.status_reason),
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at)!,
    comment: optional(row.comment),
    expiresAt: iso(row.expires_at)!,
    updatedAt: iso(row.updated_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    executedBy: optional(row.executed_by),
    previousVersion: optional(row.previous_version),
    previousDigest: optional(row.previous_digest),
    publishedVersion: optional(row.published_version),
    smokeCheckUrl: optional(row.smoke_check_url),
    policy: json(row.policy, {
      requiresApproval: true,
      approvals: 1,
      approvers: [],
      approvalTtlMs: 0,
    }),
    windowOverride: json(row.window_override, undefined),
    warnings: json(row.warnings, []),
    leaseOwner: optional(row.lease_owner),
    leaseExpiresAt: iso(row.lease_expires_at),
  };
}

function toRollbackRow(r: StoredRollback): Row {
  return {
    id: r.id,
    entity_ref: r.entityRef,
    environment: r.environment,
    target_account_id: r.target.accountId,
    target_region: r.target.region,
    target_function_name: r.target.functionName,
    from_version: r.fromVersion,
    from_digest: r.fromDigest ?? null,
    to_version: r.toVersion,
    to_digest: r.toDigest ?? null,
    to_image_uri: r.toImageUri ?? null,
    status: r.status,
    status_reason: r.statusReason ?? null,
    requested_by: r.requestedBy,
    requested_at: new Date(r.requestedAt),
    finished_at: date(r.finishedAt) ?? null,
    comment: r.comment ?? null,
    alias_stack_name: r.aliasStackName ?? null,
    intentional_drift: r.intentionalDrift,
    drift_cleared_at: date(r.driftClearedAt) ?? null,
    warnings: JSON.stringify(r.warnings),
  };
}

function fromRollbackRow(row: Row): StoredRollback {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    target: {
      accountId: row.target_account_id,
      region: row.target_region,
      functionName: row.target_function_name,
    },
    fromVersion: row.from_version,
    fromDigest: optional(row.from_digest),
    toVersion: row.to_version,
    toDigest: optional(row.to_digest),
    toImageUri: optional(row.to_image_uri),
    status: row.status,
    statusReason: optional(row.status_reason),
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at)!,
    finishedAt: iso(row.finished_at),
    comment: optional(row.comment),
    aliasStackName: optional(row.alias_stack_name),
    // SQLite returns 0/1.
    intentionalDrift: Boolean(row.intentional_drift),
    driftClearedAt: iso(row.drift_cleared_at),
    warnings: json(row.warnings, []),
  };
}

/** The knex implementation of {@link PromotionStore}, on SQLite and PostgreSQL. */
export class DatabasePromotionStore implements PromotionStore {
  constructor(private readonly db: Knex) {}

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

  async renewLease(
    id: string,
    owner: string,
    leaseExpiresAt: string,
  ): Promise<boolean> {
    const changed = await this.db('promotions')
      .where({ id, status: 'running', lease_owner: owner })
      .update({ lease_expires_at: new Date(leaseExpiresAt) });
    return changed === 1;
  }

  async takeOverExpiredLease(
    id: string,
    owner: string,
    now: string,
    leaseExpiresAt: string,
  ): Promise<boolean> {
    const changed = await this.db('promotions')
      .where({ id, status: 'running' })
      .where(builder =>
        builder
          .whereNull('lease_expires_at')
          .orWhere('lease_expires_at', '<', new Date(now)),
      )
      .update({
        lease_owner: owner,
        lease_expires_at: new Date(leaseExpiresAt),
      });
    return changed === 1;
  }

  async listExpiredLeases(now: string): Promise<StoredPromotion[]> {
    const rows = await this.db('promotions')
      .where({ status: 'running' })
      .where(builder =>
        builder
          .whereNull('lease_expires_at')
          .orWhere('lease_expires_at', '<', new Date(now)),
      );
    return rows.map(fromPromotionRow);
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
    await this.db('rollbacks')
      .where({ id })
      .update(
        defined({
          status: patch.status,
          status_reason: patch.statusReason,
          finished_at: date(patch.finishedAt),
          intentional_drift: patch.intentionalDrift,
        }),
      );
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

function targetColumns(target: FunctionLocation): Row {
  return {
    target_account_id: target.accountId,
    target_region: target.region,
    target_function_name: target.functionName,
  };
}
