/**
 * The Environments frontend plugin: what every service runs in dev, staging and prod.
 *
 * @packageDocumentation
 */
export {
  environmentsPlugin,
  EnvironmentsFleetPage,
  EnvironmentsApprovalsPage,
  EntityEnvironmentsContent,
  EntityEnvironmentsCard,
  NewServiceNameFieldExtension,
} from './plugin';
export {
  rootRouteRef as environmentsRootRouteRef,
  promotionRouteRef as environmentsPromotionRouteRef,
  approvalsRouteRef as environmentsApprovalsRouteRef,
} from './routes';
export { environmentsApiRef, EnvironmentsClient } from './api';
export type {
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
  PromotionInput,
  PromotionQuery,
  RollbackInput,
} from './api';
export { isEnvironmentsAvailable } from '@internal/backstage-plugin-environments-common';
