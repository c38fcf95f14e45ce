import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { EnvironmentsServices } from '../../createServices';
import { registerChangeActions } from './changeActions';
import { registerReadActions } from './readActions';

export { registerChangeActions } from './changeActions';
export { registerReadActions } from './readActions';

/**
 * The product's operations in Backstage's actions registry (for MCP clients and the scaffolder): the
 * reads the matrix, fleet and findings routes make, and request / approve / roll back through the
 * authorized services the routes call, so the same permissions and four-eyes rule apply (docs/actions.md).
 */
export function registerEnvironmentsActions(
  registry: ActionsRegistryService,
  services: EnvironmentsServices,
): void {
  const { config } = services;
  registerReadActions(registry, {
    environments: config.environments,
    store: services.store,
    catalog: services.catalog,
    visibility: services.visibility,
    discovery: config.discovery,
    compliance: services.compliance,
  });
  registerChangeActions(registry, {
    promotions: services.promotions.promotions,
    rollbacks: services.promotions.rollbacks,
    environments: config.environments.map(e => e.name),
  });
}
