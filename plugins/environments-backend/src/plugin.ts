import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { environmentsPermissions } from '@internal/backstage-plugin-environments-common';
import { registerEnvironmentsActions } from './api/actions';
import { createRequestEdge } from './api/requestEdge';
import { createApiRouter } from './api/router';
import { createServices } from './createServices';
import {
  awsClientFactoryServiceRef,
  environmentCollectorServiceRef,
  environmentsConfigServiceRef,
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
        config: environmentsConfigServiceRef,
        aws: awsClientFactoryServiceRef,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        collector: environmentCollectorServiceRef,
        driftDetectors: stackDriftDetectorsServiceRef,
        urlReader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { scheduler, httpRouter, httpAuth } = deps;
        const services = await createServices(deps);
        const { refresh, compliance, promotions } = services;
        const { refresh: schedule, compliance: complianceConfig } =
          services.config;

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
        const drift = complianceConfig.cloudFormationDrift;
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
        // Every replica sweeps: state changes are compare-and-set in the database.
        await scheduler.scheduleTask({
          id: PROMOTIONS_SWEEP_TASK_ID,
          scope: 'local',
          frequency: { minutes: 1 },
          timeout: { minutes: 10 },
          fn: () => promotions.sweep(),
        });

        deps.permissionsRegistry.addPermissions(environmentsPermissions);
        httpRouter.use(createRequestEdge());
        httpRouter.use(await createApiRouter(services, httpAuth));
        // The same operations for MCP clients and the scaffolder (docs/actions.md).
        registerEnvironmentsActions(deps.actionsRegistry, services);
        deps.lifecycle.addShutdownHook(() => promotions.stop());
      },
    });
  },
});
