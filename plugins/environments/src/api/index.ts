export { environmentsApiRef } from './EnvironmentsApi';
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
} from './EnvironmentsApi';
export { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
