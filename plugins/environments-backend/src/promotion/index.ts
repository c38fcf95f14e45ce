import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { CatalogApproverDirectory } from '../catalog/Approvers';
import { PromotionConfig } from './config';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { DeployerSource } from '../aws/types';
import { FunctionLocator } from '../matrix/FunctionLocator';
import { PromotionActivity } from './PromotionActivity';
import { PromotionExecutor } from './PromotionExecutor';
import { PromotionService } from './PromotionService';
import { PromotionStore } from './PromotionStore';
import { RollbackService } from '../rollback/RollbackService';
import { AuthorizedPromotionService } from '../authorization/AuthorizedPromotionService';
import { AuthorizedRollbackService } from '../authorization/AuthorizedRollbackService';
import { ActionAuthorizer } from '../authorization/permissions';
import { SmokeCheck } from './smokeCheck';
import { ServiceVisibility } from '../authorization/ServiceVisibility';
import { PromotionRequestGate } from './requestGate';
import { StepRunner } from '../steps/StepRunner';
import { RollbackExecutor } from '../rollback/RollbackExecutor';
import { RollbackLeases } from '../rollback/RollbackLeases';
import { RollbackSettlement } from '../rollback/RollbackSettlement';

/** What {@link createPromotions} needs: its config, core services, and the shared services it uses. */
export interface PromotionsOptions {
  /** The promotion policies and settings, read once with the rest of the plugin's config. */
  config: PromotionConfig;
  /** The configured environments, in order. */
  environments: EnvironmentDefinition[];
  /** The plugin's database, migrated (migrations.ts). */
  knex: Knex;
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  auditor?: AuditorService;
  notifications?: NotificationService;
  /** Who may see which service: requests and rollbacks of the others are not shown. */
  visibility: ServiceVisibility;
  /** Asks the permission framework, once per action. */
  authorizer: ActionAuthorizer;
  /** Lambda access per account-region: reads with the read role, writes as the user. */
  deployers: DeployerSource;
  /** Where a service's function is in each environment, as AWS says now. */
  locator: FunctionLocator;
  smokeCheck?: SmokeCheck;
  clock?: () => Date;
  instanceId?: string;
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when a promotion or rollback has finished changing AWS (the plugin re-reads the service). */
  onSettled?: (entityRef: string) => Promise<unknown>;
  /** How long what a source environment runs is remembered for `sourceMovedOn`; default 60 s. */
  sourceCacheTtlMs?: number;
  /** Checked where a request is made (the configuration matrix's gate). */
  gate?: PromotionRequestGate;
  /** How long `POST /rollbacks` waits for the rollback to finish before answering it `running`; default 30 s. */
  rollbackWaitMs?: number;
}

/** Promotions and rollbacks, built and wired. */
export interface Promotions {
  store: PromotionStore;
  /** Promotion requests as callers act on them: every action checks its permission there. */
  promotions: AuthorizedPromotionService;
  /** Rollbacks as callers make them: every action checks its permission there. */
  rollbacks: AuthorizedRollbackService;
  executor: PromotionExecutor;
  rollbackExecutor: RollbackExecutor;
  /** Runs the steps of promotions and rollbacks on this instance. */
  runner: StepRunner;
  /**
   * Expires due requests, settles promotions and rollbacks interrupted by a stopped instance and starts
   * approved requests whose window opened. Run it at start-up and on a schedule (every minute is plenty).
   */
  sweep(): Promise<void>;
  /** Stops renewing leases and starting executions (a shutdown hook). */
  stop(): void;
}

/** Builds promotions and rollbacks, each service once, from their config and the shared services. */
export function createPromotions(options: PromotionsOptions): Promotions {
  const { config, deployers, locator } = options;
  const store = new DatabasePromotionStore(options.knex);
  const activity = new PromotionActivity({
    store,
    auditor: options.auditor,
    notifications: options.notifications,
    logger: options.logger,
    onSettled: options.onSettled,
  });
  const approvers = new CatalogApproverDirectory({
    catalog: options.catalog,
    auth: options.auth,
  });
  const runner = new StepRunner({ ...options, store, activity });
  const executor = new PromotionExecutor({
    ...options,
    store,
    activity,
    runner,
  });
  const shared = {
    store,
    activity,
    catalog: options.catalog,
    auth: options.auth,
    approvers,
    locator,
    deployers,
    config,
    logger: options.logger,
    clock: options.clock,
  };
  const domain = new PromotionService({
    ...shared,
    executor,
    sourceCacheTtlMs: options.sourceCacheTtlMs,
    gate: options.gate,
  });
  const authorization = {
    visibility: options.visibility,
    authorizer: options.authorizer,
  };
  const promotions = new AuthorizedPromotionService({
    ...authorization,
    promotions: domain,
  });
  const rollbackExecutor = createRollbackExecutor(shared, runner, options);
  const rollbacks = new AuthorizedRollbackService({
    ...authorization,
    rollbacks: new RollbackService({
      ...shared,
      executor: rollbackExecutor,
      leases: new RollbackLeases(options.knex),
      runner,
      waitMs: options.rollbackWaitMs,
    }),
  });
  return {
    store,
    promotions,
    rollbacks,
    executor,
    rollbackExecutor,
    runner,
    sweep: async () => {
      await domain.sweep();
      await rollbackExecutor.recoverInterrupted();
    },
    stop: () => runner.stop(),
  };
}

/** Rollbacks on the step runner shared with promotions. */
function createRollbackExecutor(
  shared: { store: PromotionStore; activity: PromotionActivity },
  runner: StepRunner,
  options: PromotionsOptions,
): RollbackExecutor {
  const leases = new RollbackLeases(options.knex);
  return new RollbackExecutor({
    ...shared,
    leases,
    runner,
    deployers: options.deployers,
    settlement: new RollbackSettlement({
      leases,
      activity: shared.activity,
      runner,
      catalog: options.catalog,
      auth: options.auth,
    }),
  });
}
