import { Knex } from 'knex';
import { FunctionLocation } from '@internal/backstage-plugin-environments-common';
import { StoredRollback } from '../promotion/PromotionStore';
import { LeaseRows } from '../steps/leaseRows';
import {
  fromRollbackRow,
  rollbackPatchRow,
  targetColumns,
  toRollbackRow,
} from '../promotion/promotionRows';

/** How a rollback ends, as recorded by the instance holding its lease. */
export type RollbackSettlementPatch = Partial<
  Pick<
    StoredRollback,
    'status' | 'statusReason' | 'finishedAt' | 'intentionalDrift'
  >
>;

/**
 * Who executes which rollback, decided by the database so that replicas agree: one running rollback per
 * function (a unique index), a claim and a take-over by compare-and-set, and a lease renewed while it
 * runs. Every update is one conditional UPDATE.
 */
export class RollbackLeases {
  private readonly leases: LeaseRows;

  constructor(private readonly db: Knex) {
    this.leases = new LeaseRows(db, 'rollbacks');
  }

  /**
   * Records a rollback as running, unclaimed; answers the rollback already running on the function
   * instead when there is one (nothing is recorded then).
   */
  async insertRunning(
    rollback: StoredRollback,
  ): Promise<StoredRollback | undefined> {
    try {
      await this.db('rollbacks').insert(toRollbackRow(rollback));
      return undefined;
    } catch (error) {
      const running = await this.runningOn(rollback.target);
      if (running && running.id !== rollback.id) {
        return running;
      }
      throw error;
    }
  }

  async runningOn(
    target: FunctionLocation,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db('rollbacks')
      .where(targetColumns(target))
      .where({ status: 'running' })
      .first();
    return row ? fromRollbackRow(row) : undefined;
  }

  /** Claims an unclaimed running rollback for `owner`; false when another instance claimed it first. */
  async claim(id: string, owner: string, until: string): Promise<boolean> {
    const changed = await this.db('rollbacks')
      .where({ id, status: 'running' })
      .whereNull('lease_owner')
      .update({ lease_owner: owner, lease_expires_at: new Date(until) });
    return changed === 1;
  }

  renew(id: string, owner: string, until: string): Promise<boolean> {
    return this.leases.renew(id, owner, until);
  }

  /** Running rollbacks whose lease expired before `now` (or that nobody claimed by then). */
  async listExpired(now: string): Promise<StoredRollback[]> {
    return (await this.leases.expired(now)).map(fromRollbackRow);
  }

  takeOver(
    id: string,
    owner: string,
    now: string,
    until: string,
  ): Promise<boolean> {
    return this.leases.takeOver(id, owner, now, until);
  }

  /** Records how a running rollback ended, only while `owner` holds it; false when it does not. */
  async settle(
    id: string,
    owner: string,
    patch: RollbackSettlementPatch,
  ): Promise<boolean> {
    const changed = await this.db('rollbacks')
      .where({ id, status: 'running', lease_owner: owner })
      .update(rollbackPatchRow(patch));
    return changed === 1;
  }
}
