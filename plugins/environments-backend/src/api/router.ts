import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { registerComplianceRoutes } from '../compliance/router';
import { EnvironmentsServices } from '../createServices';
import { registerMatrixRoutes } from '../matrix/router';
import { registerProvisioningRoutes } from '../provisioning/router';
import { createOpenApiRouter } from '../schema/openapi';
import { registerSettingsRoutes } from '../settings/router';

/**
 * The plugin's HTTP API: every route of src/schema/openapi.yaml on one validated router, each feature
 * registering its handlers on it; then the promotion and rollback routes, which validate their input
 * themselves until they are in the spec.
 */
export async function createApiRouter(
  services: EnvironmentsServices,
  httpAuth: HttpAuthService,
): Promise<express.Router> {
  const { config, catalog, visibility } = services;
  const { environments } = config;
  const validated = await createOpenApiRouter();
  registerMatrixRoutes(validated, {
    httpAuth,
    environments,
    store: services.store,
    catalog,
    refresh: services.refresh,
    visibility,
    discovery: config.discovery,
  });
  registerComplianceRoutes(validated, {
    httpAuth,
    environments,
    catalog,
    compliance: services.compliance,
    visibility,
  });
  registerProvisioningRoutes(validated, {
    httpAuth,
    provisioning: services.provisioning,
  });
  registerSettingsRoutes(validated, {
    httpAuth,
    environments,
    catalog,
    facts: catalog,
    settings: services.settings,
    config: config.settings,
  });

  const router = Router();
  router.use(validated);
  router.use(services.promotions.router(httpAuth));
  return router;
}
