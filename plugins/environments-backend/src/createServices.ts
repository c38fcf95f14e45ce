import {
  AuditorService,
  AuthService,
  DatabaseService,
  LoggerService,
  PermissionsService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AwsClientFactory } from './aws/AwsClientFactory';
import { AuthorizedProvisioningService } from './authorization/AuthorizedProvisioningService';
import { ActionAuthorizer } from './authorization/permissions';
import { ServiceVisibility } from './authorization/ServiceVisibility';
import { ServiceCatalog } from './catalog/ServiceCatalog';
import { ComplianceService } from './compliance/ComplianceService';
import { DatabaseFindingsStore } from './compliance/DatabaseFindingsStore';
import { DeclaredConfigurationReader } from './compliance/declared';
import {
  StackDriftChecker,
  StackDriftDetectorSource,
} from './compliance/StackDriftChecker';
import { PluginConfig } from './config';
import { EnvironmentCollector } from './matrix/collector/types';
import { DatabaseMatrixStore } from './matrix/DatabaseMatrixStore';
import { CollectorFunctionLocator } from './matrix/FunctionLocator';
import { MatrixStore } from './matrix/MatrixStore';
import { RefreshService } from './matrix/RefreshService';
import { migrateDatabase } from './migrations';
import { createPromotions, Promotions } from './promotion';
import { DatabasePromotionStore } from './promotion/DatabasePromotionStore';
import { ProvisioningService } from './provisioning/ProvisioningService';
import { ProvisionStore } from './provisioning/ProvisionStore';
import { createSettings } from './settings';
import { SettingsPromotionGate } from './settings/SettingsPromotionGate';
import { listenersInOrder, SettingsService } from './settings/SettingsService';

/** What the composition root builds the plugin's services from. */
export interface ServicesOptions {
  /** The `environments` section, read and checked once (config/readPluginConfig.ts). */
  config: PluginConfig;
  /** Every AWS client, for reads and writes (serviceRefs.ts). */
  aws: AwsClientFactory;
  logger: LoggerService;
  database: DatabaseService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  collector: EnvironmentCollector;
  driftDetectors: StackDriftDetectorSource;
  urlReader: UrlReaderService;
  auditor?: AuditorService;
  notifications?: NotificationService;
}

/** The plugin's services, each built once. */
export interface EnvironmentsServices {
  config: PluginConfig;
  store: MatrixStore;
  catalog: ServiceCatalog;
  visibility: ServiceVisibility;
  refresh: RefreshService;
  compliance: ComplianceService;
  promotions: Promotions;
  provisioning: AuthorizedProvisioningService;
  /** The configuration matrix: variables, parameters, secrets and flags per environment. */
  settings: SettingsService;
}

/**
 * The composition root: runs the migrations, in order, before anything uses the database, then builds
 * each service once from the config read once. plugin.ts registers what this returns.
 */
export async function createServices(
  options: ServicesOptions,
): Promise<EnvironmentsServices> {
  const { config, logger, auth, permissions } = options;
  const { environments } = config;
  const knex = await migrateDatabase(options.database);

  const store = new DatabaseMatrixStore(knex, environments);
  const catalog = new ServiceCatalog({
    catalog: options.catalog,
    auth,
    environments,
  });
  const visibility = new ServiceVisibility({
    permissions,
    catalog: options.catalog,
  });
  const authorizer = new ActionAuthorizer({ permissions, auth });
  const settings = createSettings(options, { knex, matrices: store });
  const compliance = createCompliance(options, {
    knex,
    store,
    catalog,
    settings,
  });
  const refresh = new RefreshService({
    services: catalog,
    collector: options.collector,
    store,
    environments,
    logger,
    // The configuration is read before compliance evaluates it.
    listener: listenersInOrder(settings, compliance),
  });

  const promotions = createPromotions({
    config: config.promotion,
    environments,
    knex,
    logger,
    auth,
    catalog: options.catalog,
    auditor: options.auditor,
    notifications: options.notifications,
    visibility,
    authorizer,
    deployers: options.aws,
    locator: new CollectorFunctionLocator({
      collector: options.collector,
      environments,
    }),
    gate: new SettingsPromotionGate({ settings, facts: catalog }),
    // After a promotion or rollback, show what AWS now serves without waiting for the schedule.
    onSettled: async entityRef =>
      refresh.refreshService(
        await catalog.getService(
          parseEntityRef(entityRef),
          await auth.getOwnServiceCredentials(),
        ),
      ),
  });

  const provisioning = createProvisioning(options, { knex, authorizer });

  return {
    config,
    store,
    catalog,
    visibility,
    refresh,
    compliance,
    promotions,
    provisioning,
    settings,
  };
}

/** The findings of every service: evaluated after each refresh, stored, and CloudFormation drift checks. */
function createCompliance(
  options: ServicesOptions,
  built: {
    knex: Knex;
    store: MatrixStore;
    catalog: ServiceCatalog;
    settings: SettingsService;
  },
): ComplianceService {
  const { config, logger } = options;
  const findings = new DatabaseFindingsStore(built.knex);
  return new ComplianceService({
    environments: config.environments,
    config: config.compliance,
    matrices: built.store,
    findings,
    services: built.catalog,
    declared: config.compliance.readRepositoryFiles
      ? new DeclaredConfigurationReader(options.urlReader)
      : undefined,
    additionalFindings: [built.settings],
    driftChecker: new StackDriftChecker({
      detectors: options.driftDetectors,
      store: findings,
      logger,
      stacksPerRun: config.compliance.cloudFormationDrift.stacksPerRun,
    }),
    // Read only: which rollbacks made a stack-owned alias drift on purpose, from the promotions' tables.
    intendedDrift: new DatabasePromotionStore(built.knex),
    logger,
  });
}

/** New services' environments, deployed through CloudFormation as the user asks. */
function createProvisioning(
  options: ServicesOptions,
  built: { knex: Knex; authorizer: ActionAuthorizer },
): AuthorizedProvisioningService {
  const { config } = options;
  return new AuthorizedProvisioningService({
    authorizer: built.authorizer,
    provisioning: new ProvisioningService({
      environments: config.environments,
      compliance: config.compliance,
      config: config.provisioning,
      store: new ProvisionStore(built.knex),
      aws: options.aws,
      catalog: options.catalog,
      auth: options.auth,
      logger: options.logger,
      auditor: options.auditor,
    }),
  });
}
