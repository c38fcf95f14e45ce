export {
  DatabaseMatrixStore,
  DEFAULT_FLEET_LIMIT,
  MAX_FLEET_LIMIT,
} from './DatabaseMatrixStore';
export { FLEET_STATUSES } from './MatrixStore';
export type {
  FleetPage,
  FleetQuery,
  FleetStatus,
  MatrixStore,
} from './MatrixStore';
