import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import express from 'express';
import { MatrixStore } from '../database/MatrixStore';
import { createOpenApiRouter } from '../schema/openapi';
import { RefreshService } from './RefreshService';
import { ServiceCatalog } from './ServiceCatalog';

/**
 * The HTTP API (src/schema/openapi.yaml): checks credentials, turns requests into calls of the
 * store and services. Requests are validated against the spec before they get here.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  environments: EnvironmentDefinition[];
  store: MatrixStore;
  catalog: ServiceCatalog;
  refresh: RefreshService;
}): Promise<express.Router> {
  const { httpAuth, environments, store, catalog, refresh } = options;
  const router = await createOpenApiRouter();

  // Typed routes narrow params and query; credentials only need the headers.
  const credentials = (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/environments', async (req, res) => {
    await credentials(req);
    res.json({ environments });
  });

  router.get('/services/:namespace/:kind/:name/matrix', async (req, res) => {
    const service = await catalog.getService(
      req.params,
      await credentials(req),
    );
    res.json(await store.getMatrix(service.entityRef));
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/history',
    async (req, res) => {
      const service = await catalog.getService(
        req.params,
        await credentials(req),
      );
      const { environment } = req.params;
      if (!environments.some(e => e.name === environment)) {
        throw new NotFoundError(
          `No environment named '${environment}'; the environments are ${environments
            .map(e => e.name)
            .join(', ')}`,
        );
      }
      res.json({
        items: await store.getHistory(service.entityRef, environment),
      });
    },
  );

  router.post('/services/:namespace/:kind/:name/refresh', async (req, res) => {
    const service = await catalog.getService(
      req.params,
      await credentials(req),
    );
    res.json(await refresh.refreshService(service));
  });

  router.get('/fleet', async (req, res) => {
    await credentials(req);
    res.json(await store.listFleet(req.query));
  });

  return router;
}
