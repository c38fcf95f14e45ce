import { Knex } from 'knex';
import { ApprovalOutcome, StoredApproval } from './PromotionStore';
import { validApprovals } from './lifecycle';

type Row = Record<string, any>;

const COLUMNS = ['decision', 'comment', 'decided_at', 'expires_at'];

/** An approval as a row of `promotion_approvals`. */
export function toApprovalRow(promotionId: string, a: StoredApproval): Row {
  return {
    promotion_id: promotionId,
    approver: a.approver,
    decision: a.decision,
    comment: a.comment ?? null,
    decided_at: new Date(a.decidedAt),
    expires_at: a.expiresAt ? new Date(a.expiresAt) : null,
    may_execute: a.mayExecute ?? null,
  };
}

/** The approvals of a request, in the order they were made. */
export async function readApprovals(
  db: Knex | Knex.Transaction,
  promotionId: string,
): Promise<StoredApproval[]> {
  const rows = await db('promotion_approvals')
    .where({ promotion_id: promotionId })
    .orderBy('decided_at', 'asc')
    .orderBy('id', 'asc');
  return rows.map(row => ({
    approver: row.approver,
    decision: row.decision,
    comment: row.comment ?? undefined,
    // PostgreSQL returns Date objects, SQLite the epoch milliseconds it was given.
    decidedAt: new Date(row.decided_at).toISOString(),
    expiresAt: row.expires_at
      ? new Date(row.expires_at).toISOString()
      : undefined,
    // SQLite returns 0/1.
    mayExecute:
      row.may_execute === null || row.may_execute === undefined
        ? undefined
        : Boolean(row.may_execute),
  }));
}

/** Stops the transaction of an approval that would complete a request its approver may not execute. */
class MayNotExecute extends Error {}

/**
 * {@link PromotionStore.recordApproval} on knex. The request's row is locked first (PostgreSQL; SQLite
 * runs one write transaction at a time), so concurrent approvals of one request are decided one after
 * the other, each seeing the ones before. The insert is itself conditional: an approver's row is only
 * written when they have none, or only an expired approval.
 */
export async function recordApprovalInTransaction(
  db: Knex,
  promotionId: string,
  approval: StoredApproval & { mayExecute: boolean },
  options: { now: string; statusReason: (approvers: string[]) => string },
): Promise<ApprovalOutcome> {
  const now = new Date(options.now);
  try {
    return await db.transaction(async tx => {
      const request = await tx('promotions')
        .where({ id: promotionId })
        .forUpdate()
        .first('status', 'policy');
      if (request?.status !== 'requested') {
        return { outcome: 'not-requested', status: request?.status };
      }
      const written = await tx('promotion_approvals')
        .insert(toApprovalRow(promotionId, approval))
        .onConflict(['promotion_id', 'approver'])
        .merge([...COLUMNS, 'may_execute'])
        .where('promotion_approvals.decision', 'approved')
        .where('promotion_approvals.expires_at', '<=', now)
        .returning('id');
      if (written.length === 0) {
        return { outcome: 'already-approved' };
      }
      const approvers = validApprovals(
        await readApprovals(tx, promotionId),
        now,
      ).map(a => a.approver);
      const needed = JSON.parse(request.policy).approvals as number;
      if (approvers.length < needed) {
        return { outcome: 'recorded', approvers, completed: false };
      }
      if (!approval.mayExecute) {
        throw new MayNotExecute();
      }
      await tx('promotions')
        .where({ id: promotionId, status: 'requested' })
        .update({
          status: 'approved',
          status_reason: options.statusReason(approvers),
          executed_by: approval.approver,
          updated_at: now,
        });
      return { outcome: 'recorded', approvers, completed: true };
    });
  } catch (error) {
    if (error instanceof MayNotExecute) {
      return { outcome: 'may-not-execute' };
    }
    throw error;
  }
}

/** Records an approval or rejection, replacing the approver's earlier decision. */
export async function upsertApprovalRow(
  db: Knex,
  promotionId: string,
  approval: StoredApproval,
): Promise<void> {
  await db('promotion_approvals')
    .insert(toApprovalRow(promotionId, approval))
    .onConflict(['promotion_id', 'approver'])
    .merge([...COLUMNS, 'may_execute']);
}
