export { RollbackDialog, defaultRollbackVersion } from './RollbackDialog';
