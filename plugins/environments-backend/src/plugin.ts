import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readEnvironmentsConfig } from './config';
import { DatabaseMatrixStore } from './database';
import {
  createRouter,
  environmentCollectorServiceRef,
  RefreshService,
  ServiceCatalog,
} from './service';

/** The id of the scheduled task that refreshes the whole fleet. */
export const REFRESH_TASK_ID = 'environments-refresh';

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
      },
      async init(deps) {
        const { config, logger, database, scheduler, httpRouter, httpAuth } =
          deps;
        const { environments, refresh: schedule } =
          readEnvironmentsConfig(config);

        const store = await DatabaseMatrixStore.create({
          database,
          environments,
        });
        const catalog = new ServiceCatalog({
          catalog: deps.catalogService,
          auth: deps.auth,
        });
        const refresh = new RefreshService({
          services: catalog,
          collector: deps.collector,
          store,
          environments,
          logger,
        });

        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          scope: 'global',
          frequency: schedule.frequency,
          timeout: schedule.timeout,
          fn: signal => refresh.refreshFleet(signal),
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            environments,
            store,
            catalog,
            refresh,
          }),
        );
      },
    });
  },
});
