import { Knex } from 'knex';

/**
 * The lease columns of a table of executions (`status`, `lease_owner`, `lease_expires_at`): renewing,
 * finding expired and taking over, each one conditional UPDATE or SELECT, the same for every kind.
 */
export class LeaseRows {
  constructor(
    private readonly db: Knex,
    private readonly table: 'promotions' | 'rollbacks',
  ) {}

  /** Running rows whose lease expired before `now`, or that have none. */
  expired(now: string): Knex.QueryBuilder {
    return this.db(this.table)
      .where({ status: 'running' })
      .where(builder =>
        builder
          .whereNull('lease_expires_at')
          .orWhere('lease_expires_at', '<', new Date(now)),
      );
  }

  async renew(id: string, owner: string, until: string): Promise<boolean> {
    const changed = await this.db(this.table)
      .where({ id, status: 'running', lease_owner: owner })
      .update({ lease_expires_at: new Date(until) });
    return changed === 1;
  }

  async takeOver(
    id: string,
    owner: string,
    now: string,
    until: string,
  ): Promise<boolean> {
    const changed = await this.expired(now)
      .where({ id })
      .update({ lease_owner: owner, lease_expires_at: new Date(until) });
    return changed === 1;
  }
}
