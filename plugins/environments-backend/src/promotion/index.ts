import express from 'express';
import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { readAwsAccessConfig } from '../aws/config';
import { EnvironmentCollector } from '../matrix/collector/types';
import { CatalogApproverDirectory } from '../catalog/Approvers';
import { readPromotionConfig } from './config';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { AwsDeployerSource, DeployerSource } from './DeployerSource';
import { CollectorFunctionLocator, FunctionLocator } from '../matrix/FunctionLocator';
import { PromotionActivity } from './PromotionActivity';
import { PromotionExecutor } from './PromotionExecutor';
import { PromotionService } from './PromotionService';
import { PromotionStore } from './PromotionStore';
import { RollbackService } from '../rollback/RollbackService';
import { createPromotionRoutes } from './router';
import { SmokeCheck } from './smokeCheck';
import { ServiceVisibility } from '../authorization/ServiceVisibility';

export { CatalogApproverDirectory } from '../catalog/Approvers';
export type { ApproverDirectory } from '../catalog/Approvers';
export { readPromotionConfig } from './config';
export type {
  PromotionConfig,
  PromotionPolicy,
  RollbackPolicy,
} from './config';
export { DatabasePromotionStore } from './DatabasePromotionStore';
export { AwsDeployerSource, roleSessionName } from './DeployerSource';
export type { DeployerSource } from './DeployerSource';
export { CollectorFunctionLocator, describeService } from '../matrix/FunctionLocator';
export type { FunctionLocator } from '../matrix/FunctionLocator';
export { PromotionActivity } from './PromotionActivity';
export { PromotionExecutor } from './PromotionExecutor';
export { PromotionService } from './PromotionService';
export type { PromotionStore, StoredRollback } from './PromotionStore';
export { RollbackService } from '../rollback/RollbackService';
export { createPromotionRoutes } from './router';

/** What {@link createPromotions} needs: core services, the catalog, and the collector to find functions. */
export interface PromotionsOptions {
  config: Config;
  logger: LoggerService;
  /** The plugin's database, migrated (migrations/20261123_03_promotions.js). */
  knex: Knex;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor?: AuditorService;
  notifications?: NotificationService;
  /** The configured environments, in order (readEnvironmentsConfig). */
  environments: EnvironmentDefinition[];
  collector: EnvironmentCollector;
  /** Default: DefaultAwsCredentialsManager.fromConfig(config). */
  credentialsManager?: AwsCredentialsManager;
  /** For tests and special set-ups. */
  locator?: FunctionLocator;
  deployers?: DeployerSource;
  smokeCheck?: SmokeCheck;
  clock?: () => Date;
  instanceId?: string;
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when a promotion or rollback has finished changing AWS (the plugin re-reads the service). */
  onSettled?: (entityRef: string) => Promise<unknown>;
  /** How long what a source environment runs is remembered for `sourceMovedOn`; default 60 s. */
  sourceCacheTtlMs?: number;
}

/** Promotions and rollbacks, built and wired. */
export interface Promotions {
  store: PromotionStore;
  promotions: PromotionService;
  rollbacks: RollbackService;
  executor: PromotionExecutor;
  /** The HTTP routes (mount on the plugin's router). */
  router(httpAuth: HttpAuthService): express.Router;
  /**
   * Expires due requests, settles executions interrupted by a stopped instance and starts approved
   * requests whose window opened. Run it at start-up and on a schedule (every minute is plenty).
   */
  sweep(): Promise<void>;
  /** Stops renewing leases and starting executions (a shutdown hook). */
  stop(): void;
}

/** Builds promotions and rollbacks from config and services; reads and validates their config once. */
export function createPromotions(options: PromotionsOptions): Promotions {
  const config = readPromotionConfig(options.config);
  const store = new DatabasePromotionStore(options.knex);
  const activity = new PromotionActivity({
    store,
    auditor: options.auditor,
    notifications: options.notifications,
    logger: options.logger,
    onSettled: options.onSettled,
  });
  const deployers =
    options.deployers ??
    new AwsDeployerSource({
      credentialsManager:
        options.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(options.config),
      endpoints: readAwsAccessConfig(options.config).endpoints,
      writeRoles: config.writeRoles,
      updateTimeoutSeconds: config.updateTimeoutSeconds,
      logger: options.logger,
    });
  const locator =
    options.locator ??
    new CollectorFunctionLocator({
      collector: options.collector,
      environments: options.environments,
    });
  const approvers = new CatalogApproverDirectory({
    catalog: options.catalog,
    auth: options.auth,
  });
  const executor = new PromotionExecutor({
    store,
    deployers,
    activity,
    config,
    logger: options.logger,
    smokeCheck: options.smokeCheck,
    clock: options.clock,
    instanceId: options.instanceId,
    leaseMs: options.leaseMs,
    sleep: options.sleep,
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
  const promotions = new PromotionService({
    ...shared,
    executor,
    permissions: options.permissions,
    sourceCacheTtlMs: options.sourceCacheTtlMs,
  });
  const rollbacks = new RollbackService(shared);
  return {
    store,
    promotions,
    rollbacks,
    executor,
    router: httpAuth =>
      createPromotionRoutes({
        httpAuth,
        permissions: options.permissions,
        visibility: new ServiceVisibility({
          permissions: options.permissions,
          catalog: options.catalog,
        }),
        promotions,
        rollbacks,
        environments: config.environments,
      }),
    sweep: () => promotions.sweep(),
    stop: () => executor.stop(),
  };
}
