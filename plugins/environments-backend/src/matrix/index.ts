export { DatabaseMatrixStore } from './DatabaseMatrixStore';
export { DEFAULT_FLEET_LIMIT, MAX_FLEET_LIMIT } from './FleetView';
export { FLEET_STATUSES } from './MatrixStore';
export type {
  FleetPage,
  FleetQuery,
  FleetStatus,
  MatrixStore,
} from './MatrixStore';
