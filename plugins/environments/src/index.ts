/**
 * The Environments frontend plugin: what every service runs in dev, staging and prod.
 *
 * @packageDocumentation
 */
export {
  environmentsPlugin,
  EnvironmentsFleetPage,
  EntityEnvironmentsContent,
  EntityEnvironmentsCard,
} from './plugin';
export { rootRouteRef as environmentsRootRouteRef } from './routes';
export { environmentsApiRef, EnvironmentsClient } from './api';
export type {
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
} from './api';
export { isEnvironmentsAvailable } from '@internal/backstage-plugin-environments-common';
