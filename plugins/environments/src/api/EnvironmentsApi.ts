import { createApiRef } from '@backstage/frontend-plugin-api';
import { EnvironmentsApi } from '@internal/backstage-plugin-environments-common';

export type {
  EnvironmentWindowState,
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
  PromotionInput,
  PromotionQuery,
  RollbackInput,
  RollbackQuery,
  ServiceFinding,
  ServiceFindings,
  StackDriftCheck,
} from '@internal/backstage-plugin-environments-common';

/**
 * The API ref of the Environments backend's API: {@link EnvironmentsApi}, the client generated from the
 * backend's OpenAPI spec (EnvironmentsClient in environments-common), with the signed-in user's fetchApi.
 */
export const environmentsApiRef = createApiRef<EnvironmentsApi>().with({
  id: 'plugin.environments.client',
  pluginId: 'environments',
});
