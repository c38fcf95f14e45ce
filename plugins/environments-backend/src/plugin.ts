import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { environmentsPermissions } from '@internal/backstage-plugin-environments-common';
import { FunctionDiscovery } from './matrix/collector';
import { assertKnownEnvironmentsKeys, readEnvironmentsConfig } from './config';
import { DatabaseMatrixStore } from './matrix';
import {
  DatabaseFindingsStore,
  DeclaredConfigurationReader,
  readComplianceConfig,
  StackDriftChecker,
} from './compliance';
import { createPromotions } from './promotion';
import { createProvisioningRouterFromConfig } from './provisioning';
import { createRequestEdge } from './api/requestEdge';
import { ServiceVisibility } from './authorization/ServiceVisibility';
import { ServiceCatalog } from './catalog/ServiceCatalog';
import { ComplianceService } from './compliance/ComplianceService';
import { RefreshService } from './matrix/RefreshService';
import { createRouter } from './matrix/router';
import {
  environmentCollectorServiceRef,
  stackDriftDetectorsServiceRef,
} from './serviceRefs';

/** The id of the scheduled task that refreshes the whole fleet. */
export const REFRESH_TASK_ID = 'environments-refresh';
/** The id of the scheduled task that collects services the catalog gained since the last refresh. */
export const NEW_SERVICES_TASK_ID = 'environments-new-services';
/** The id of the scheduled task that checks CloudFormation stacks for drift, a few per run. */
export const DRIFT_CHECK_TASK_ID = 'environments-drift-check';
/** The id of the task that expires requests and settles interrupted executions. */
export const PROMOTIONS_SWEEP_TASK_ID = 'environments-promotions-sweep';

/**
 * The Environments backend plugin: the environment matrix of every service, refreshed from AWS
 * in the background, and its HTTP API at /api/environments.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        catalogService: catalogServiceRef,
        collector: environmentCollectorServiceRef,
        driftDetectors: stackDriftDetectorsServiceRef,
        urlReader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, database, scheduler, httpRouter, httpAuth } =
          deps;
        await assertKnownEnvironmentsKeys(config);
        const { environments, refresh: schedule } =
          readEnvironmentsConfig(config);
        const complianceConfig = readComplianceConfig(config, environments);

        // Runs every migration of the plugin, the findings tables' included.
        const store = await DatabaseMatrixStore.create({
          database,
          environments,
        });
        const findings = new DatabaseFindingsStore(await database.getClient());
        const catalog = new ServiceCatalog({
          catalog: deps.catalogService,
          auth: deps.auth,
          environments,
        });
        const visibility = new ServiceVisibility({
          permissions: deps.permissions,
          catalog: deps.catalogService,
        });
        const drift = complianceConfig.cloudFormationDrift;
        const compliance = new ComplianceService({
          environments,
          config: complianceConfig,
          matrices: store,
          findings,
          services: catalog,
          declared: complianceConfig.readRepositoryFiles
            ? new DeclaredConfigurationReader(deps.urlReader)
            : undefined,
          driftChecker: new StackDriftChecker({
            detectors: deps.driftDetectors,
            store: findings,
            logger,
            stacksPerRun: drift.stacksPerRun,
          }),
          logger,
        });
        const refresh = new RefreshService({
          services: catalog,
          collector: deps.collector,
          store,
          environments,
          logger,
          listener: compliance,
        });

        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          scope: 'global',
          frequency: schedule.frequency,
          timeout: schedule.timeout,
          fn: signal => refresh.refreshFleet(signal),
        });
        await scheduler.scheduleTask({
          id: NEW_SERVICES_TASK_ID,
          scope: 'global',
          frequency: schedule.newServicesFrequency,
          // Not at start-up, when the full refresh is collecting every service anyway.
          initialDelay: schedule.newServicesFrequency,
          timeout: schedule.timeout,
          fn: async signal => {
            await refresh.refreshNewServices(signal);
          },
        });
        if (drift.stacksPerRun > 0) {
          await scheduler.scheduleTask({
            id: DRIFT_CHECK_TASK_ID,
            scope: 'global',
            frequency: drift.frequency,
            // A detection may be polled for up to 5 minutes per stack.
            timeout: { minutes: 5 * drift.stacksPerRun + 5 },
            fn: signal => compliance.runScheduledDriftCheck(signal),
          });
        }

        httpRouter.use(createRequestEdge());
        httpRouter.use(
          await createRouter({
            httpAuth,
            environments,
            store,
            catalog,
            refresh,
            compliance,
            visibility,
            discovery: FunctionDiscovery.fromConfig(config),
          }),
        );

        const promotions = createPromotions({
          config,
          logger,
          knex: await database.getClient(),
          auth: deps.auth,
          permissions: deps.permissions,
          catalog: deps.catalogService,
          auditor: deps.auditor,
          notifications: deps.notifications,
          environments,
          collector: deps.collector,
          // After a promotion or rollback, show what AWS now serves without waiting for the schedule.
          onSettled: async entityRef =>
            refresh.refreshService(
              await catalog.getService(
                parseEntityRef(entityRef),
                await deps.auth.getOwnServiceCredentials(),
              ),
            ),
        });
        deps.permissionsRegistry.addPermissions(environmentsPermissions);
        httpRouter.use(promotions.router(httpAuth));
        httpRouter.use(
          await createProvisioningRouterFromConfig({
            ...deps,
            environments,
            compliance: complianceConfig,
            knex: await database.getClient(),
            catalog: deps.catalogService,
          }),
        );
        // Every replica sweeps: state changes are compare-and-set in the database.
        await scheduler.scheduleTask({
          id: PROMOTIONS_SWEEP_TASK_ID,
          scope: 'local',
          frequency: { minutes: 1 },
          timeout: { minutes: 10 },
          fn: () => promotions.sweep(),
        });
        deps.lifecycle.addShutdownHook(() => promotions.stop());
      },
    });
  },
});
