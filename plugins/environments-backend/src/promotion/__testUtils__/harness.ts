import path from 'path';
import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  EnvironmentDefinition,
  PromotionRequest,
} from '@internal/backstage-plugin-environments-common';
import knexFactory, { Knex } from 'knex';
import { Promotions } from '..';
import { buildPromotions } from './buildPromotions';
import { SmokeCheck } from '../smokeCheck';
import { checkoutFleet, demoEntities, FakeFleet } from './fakeLambda';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../migrations');

/** A fresh in-memory SQLite database with the plugin's migrations applied. */
export async function migratedSqlite(): Promise<Knex> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  return knex;
}

export const ENVIRONMENTS: EnvironmentDefinition[] = [
  ['dev', '111111111111'],
  ['staging', '222222222222'],
  ['prod', '333333333333'],
].map(([name, accountId]) => ({
  name,
  title: name,
  shortName: name,
  longName: name,
  locations: [{ accountId, region: 'eu-west-1' }],
}));

/** Config of the three environments; `prod` overrides the prod policy, `staging` the staging one. */
export function environmentsConfig(options?: {
  prod?: JsonObject;
  staging?: JsonObject;
  prodRollback?: JsonObject;
  promotion?: JsonObject;
}): JsonObject {
  return {
    environments: {
      definitions: ENVIRONMENTS.map(env => ({
        name: env.name,
        locations: env.locations.map(location => ({ ...location })),
        ...(env.name === 'staging'
          ? { promotion: { requiresApproval: false, ...options?.staging } }
          : {}),
        ...(env.name === 'prod'
          ? {
              promotion: {
                requiresApproval: true,
                approvals: 1,
                ...options?.prod,
              },
              ...(options?.prodRollback
                ? { rollback: options.prodRollback }
                : {}),
            }
          : {}),
      })),
      ...(options?.promotion ? { promotion: options.promotion } : {}),
    },
  };
}

/** An auditor that keeps its events, to assert what the audit log receives. */
export function recordingAuditor(): AuditorService & {
  events: Array<{
    eventId: string;
    result?: 'succeeded' | 'failed';
    meta?: JsonObject;
  }>;
} {
  const events: Array<{
    eventId: string;
    result?: 'succeeded' | 'failed';
    meta?: JsonObject;
  }> = [];
  return {
    events,
    async createEvent(options) {
      const event: {
        eventId: string;
        result?: 'succeeded' | 'failed';
        meta?: JsonObject;
      } = {
        eventId: options.eventId,
        meta: options.meta,
      };
      events.push(event);
      return {
        async success() {
          event.result = 'succeeded';
        },
        async fail() {
          event.result = 'failed';
        },
      };
    },
  };
}

/** Permissions that allow everything except what `deny` names (permission name → denied user refs). */
export function permissionsExcept(
  deny: Record<string, string[]> = {},
): PermissionsService & {
  asked: Array<{ permission: string; resourceRef?: string; user?: string }>;
} {
  const asked: Array<{
    permission: string;
    resourceRef?: string;
    user?: string;
  }> = [];
  const userOf = (credentials: BackstageCredentials) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  return {
    asked,
    async authorize(requests, { credentials }) {
      return requests.map(request => {
        const user = userOf(credentials);
        asked.push({
          permission: request.permission.name,
          resourceRef:
            'resourceRef' in request
              ? (request.resourceRef as string)
              : undefined,
          user,
        });
        const denied =
          user !== undefined && deny[request.permission.name]?.includes(user);
        return {
          result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        };
      });
    },
    async authorizeConditional(requests, { credentials }) {
      const user = userOf(credentials);
      return requests.map(request => ({
        result:
          user !== undefined && deny[request.permission.name]?.includes(user)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
  } as PermissionsService & { asked: typeof asked };
}

/** A signed-in user of the demo, as the (authorized) promotion and rollback services take callers. */
export function actor(name: string): BackstageCredentials {
  return mockCredentials.user(`user:default/${name}`);
}

/** A caller that reads as a service principal: every service is visible to it under allow-all permissions. */
export const READER = mockCredentials.service();

export interface Harness extends Promotions {
  knex: Knex;
  fleet: FakeFleet;
  auditor: ReturnType<typeof recordingAuditor>;
  notifications: { send: jest.Mock };
  permissions: ReturnType<typeof permissionsExcept>;
  clock: { now: Date; advance(ms: number): void };
  /** Requests checkout-api staging → prod as alice. */
  requestProd(options?: {
    comment?: string;
    overrideWindow?: boolean;
    digest?: string;
  }): Promise<PromotionRequest>;
}

/** Promotions over the fake checkout-api fleet, SQLite, allow-all permissions and a controllable clock. */
export async function createHarness(options?: {
  config?: JsonObject;
  knex?: Knex;
  fleet?: FakeFleet;
  permissions?: ReturnType<typeof permissionsExcept>;
  smokeCheck?: SmokeCheck;
  annotations?: Record<string, string>;
  /** Extra members of team-checkout, named by `teammate(i)`. */
  teammates?: number;
  /** More catalog entities (the fake fleet runs checkout-api's functions for any service). */
  entities?: Entity[];
  instanceId?: string;
  leaseMs?: number;
  start?: Date;
}): Promise<Harness> {
  const knex = options?.knex ?? (await migratedSqlite());
  const fleet = options?.fleet ?? checkoutFleet();
  const auditor = recordingAuditor();
  const notifications = { send: jest.fn(async () => {}) };
  const permissions = options?.permissions ?? permissionsExcept();
  const clock = {
    now: options?.start ?? new Date('2026-11-24T10:00:00Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const promotions = buildPromotions({
    config: new ConfigReader(options?.config ?? environmentsConfig()),
    logger: mockServices.logger.mock(),
    knex,
    auth: mockServices.auth(),
    permissions,
    catalog: catalogServiceMock({
      entities: [
        ...demoEntities({
          annotations: options?.annotations,
          teammates: options?.teammates,
        }),
        ...(options?.entities ?? []),
      ],
    }),
    auditor,
    notifications,
    locator: fleet,
    deployers: fleet,
    smokeCheck: options?.smokeCheck,
    clock: () => clock.now,
    instanceId: options?.instanceId,
    leaseMs: options?.leaseMs,
    sleep: async () => {},
    sourceCacheTtlMs: 0,
  });
  return {
    ...promotions,
    knex,
    fleet,
    auditor,
    notifications,
    permissions,
    clock,
    requestProd: async requestOptions =>
      promotions.promotions.request(
        {
          entityRef: 'component:default/checkout-api',
          targetEnvironment: 'prod',
          ...requestOptions,
        },
        actor('alice'),
      ),
  };
}
