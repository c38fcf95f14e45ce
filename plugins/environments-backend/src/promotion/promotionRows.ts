import { FunctionLocation } from '@internal/backstage-plugin-environments-common';
import {
  PromotionPatch,
  StoredPromotion,
  StoredRollback,
} from './PromotionStore';

// Rows of the promotion tables (migrations/20261123_03_promotions.js) and the records they hold.

/** A row of the promotions, rollbacks, steps or events tables. */
export type Row = Record<string, any>;

/** PostgreSQL returns Date objects, SQLite the epoch milliseconds it was given: both become ISO 8601. */
export function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value as string | number | Date).toISOString();
}

export function date(value: string | undefined): Date | null | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value === null ? null : new Date(value);
}

export function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function json<T>(value: string | null, fallback: T): T {
  return value ? (JSON.parse(value) as T) : fallback;
}

/** Drops undefined keys so that an update only touches what the patch sets. */
export function defined(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).filter(([, value]) => value !== undefined),
  );
}

export function toPromotionRow(p: StoredPromotion): Row {
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

export function toPatchRow(patch: PromotionPatch): Row {
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

export function fromPromotionRow(row: Row): StoredPromotion {
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

/** The columns of how a rollback ends; fields left undefined stay as they are. */
export function rollbackPatchRow(
  patch: Partial<
    Pick<
      StoredRollback,
      'status' | 'statusReason' | 'finishedAt' | 'intentionalDrift'
    >
  >,
): Row {
  return defined({
    status: patch.status,
    status_reason: patch.statusReason,
    finished_at: date(patch.finishedAt),
    intentional_drift: patch.intentionalDrift,
  });
}

export function toRollbackRow(r: StoredRollback): Row {
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
    live_revision_id: r.liveRevisionId ?? null,
    lease_owner: r.leaseOwner ?? null,
    lease_expires_at: date(r.leaseExpiresAt) ?? null,
  };
}

export function fromRollbackRow(row: Row): StoredRollback {
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
    liveRevisionId: optional(row.live_revision_id),
    leaseOwner: optional(row.lease_owner),
    leaseExpiresAt: iso(row.lease_expires_at),
  };
}

export function targetColumns(target: FunctionLocation): Row {
  return {
    target_account_id: target.accountId,
    target_region: target.region,
    target_function_name: target.functionName,
  };
}
