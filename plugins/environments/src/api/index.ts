export { environmentsApiRef } from './EnvironmentsApi';
export type {
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
  ServiceFinding,
  ServiceFindings,
  StackDriftCheck,
} from './EnvironmentsApi';
export { EnvironmentsClient } from './EnvironmentsClient';
