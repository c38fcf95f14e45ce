export { environmentsApiRef } from './EnvironmentsApi';
export type {
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
} from './EnvironmentsApi';
export { EnvironmentsClient } from './EnvironmentsClient';
