export { environmentsApiRef } from './EnvironmentsApi';
export type {
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  FleetStatus,
  PromotionInput,
  PromotionQuery,
  RollbackInput,
  ServiceFinding,
  ServiceFindings,
  StackDriftCheck,
} from './EnvironmentsApi';
export { EnvironmentsClient } from './EnvironmentsClient';
