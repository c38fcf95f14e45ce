import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  ProvisionedEnvironment,
  ServiceProvision,
} from '../schema/openapi/generated/models';

const TABLE = 'service_provisions';

/** The request a provision was made for, as recorded. */
export interface ProvisionRequestRecord {
  project: string;
  component: string;
  owner: string;
  system?: string;
  costCenter: string;
}

/** A recorded provision. */
export interface StoredProvision {
  id: string;
  entityRef: string;
  status: 'running' | 'succeeded' | 'failed';
  requestedBy: string;
  request: ProvisionRequestRecord;
  environments: ProvisionedEnvironment[];
  image: string;
  error?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

type Row = {
  id: string;
  entity_ref: string;
  status: StoredProvision['status'];
  requested_by: string;
  request: string;
  environments: string;
  image: string;
  error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
};

const iso = (value: Date | string) => new Date(value).toISOString();

function fromRow(row: Row): StoredProvision {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    status: row.status,
    requestedBy: row.requested_by,
    request: JSON.parse(row.request),
    environments: JSON.parse(row.environments),
    image: row.image,
    ...(row.error ? { error: row.error } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

/** The API's view of a recorded provision. */
export function toServiceProvision(
  stored: StoredProvision,
  template: object,
): ServiceProvision {
  return {
    id: stored.id,
    entityRef: stored.entityRef,
    status: stored.status,
    requestedBy: stored.requestedBy,
    createdAt: stored.createdAt,
    ...(stored.finishedAt ? { finishedAt: stored.finishedAt } : {}),
    ...(stored.error ? { error: stored.error } : {}),
    image: stored.image,
    environments: stored.environments,
    template,
    problems: [],
  };
}

/** Provisions of new services in the plugin's database (migrations/20261202_01_provisions.js). */
export class ProvisionStore {
  constructor(
    private readonly knex: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(entityRef: string): Promise<StoredProvision | undefined> {
    const row = await this.knex<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Records a provision as running before it acts. A service has one provision (a unique entity ref):
   * only a failed one, or one left running longer than `staleAfterMs` by a stopped instance, is replaced,
   * with a compare-and-set on its last update so that two replicas never both take it over. Otherwise
   * returns the provision that holds the service.
   */
  async claim(
    input: Omit<StoredProvision, 'id' | 'status' | 'createdAt' | 'updatedAt'>,
    staleAfterMs: number,
  ): Promise<{ claimed: StoredProvision } | { held: StoredProvision }> {
    const now = this.clock();
    const row: Row = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      status: 'running',
      requested_by: input.requestedBy,
      request: JSON.stringify(input.request),
      environments: JSON.stringify(input.environments),
      image: input.image,
      error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    const existing = await this.knex<Row>(TABLE)
      .where({ entity_ref: input.entityRef })
      .first();
    if (existing) {
      const stale =
        existing.status === 'running' &&
        now.getTime() - new Date(existing.updated_at).getTime() > staleAfterMs;
      if (existing.status !== 'failed' && !stale) {
        return { held: fromRow(existing) };
      }
      await this.knex(TABLE)
        .where({
          id: existing.id,
          status: existing.status,
          updated_at: existing.updated_at,
        })
        .delete();
    }
    try {
      await this.knex(TABLE).insert(row);
    } catch (error) {
      // Another replica recorded the service first (unique entity_ref): that one holds it.
      const holder = await this.knex<Row>(TABLE)
        .where({ entity_ref: input.entityRef })
        .first();
      if (!holder) throw error;
      return { held: fromRow(holder) };
    }
    return { claimed: fromRow(row) };
  }

  /** Records the environments' progress, and the end when `status` is given. */
  async update(
    id: string,
    environments: ProvisionedEnvironment[],
    end?: { status: 'succeeded' | 'failed'; error?: string },
  ): Promise<StoredProvision> {
    const now = this.clock();
    await this.knex(TABLE)
      .where({ id })
      .update({
        environments: JSON.stringify(environments),
        updated_at: now,
        ...(end
          ? { status: end.status, error: end.error ?? null, finished_at: now }
          : {}),
      });
    const row = await this.knex<Row>(TABLE).where({ id }).first();
    return fromRow(row!);
  }
}
