import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import { registerComplianceRoutes } from '../compliance/router';
import { EnvironmentsServices } from '../createServices';
import { registerMatrixRoutes } from '../matrix/router';
import { registerPromotionRoutes } from '../promotion/router';
import { registerProvisioningRoutes } from '../provisioning/router';
import { registerRollbackRoutes } from '../rollback/router';
import { createOpenApiRouter } from '../schema/openapi';
import { registerSettingsRoutes } from '../settings/router';

/**
 * The plugin's HTTP API: every route of src/schema/openapi.yaml on one router generated from it, which
 * validates each request against the spec; each feature registers its handlers on it.
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

  const names = environments.map(e => e.name);
  registerPromotionRoutes(validated, {
    httpAuth,
    promotions: services.promotions.promotions,
    environments: names,
  });
  registerRollbackRoutes(validated, {
    httpAuth,
    rollbacks: services.promotions.rollbacks,
    environments: names,
  });
  return validated;
}
