export { RollbackDialog, defaultRollbackVersion } from './RollbackDialog';
export { RollbackContent, RollbackPage } from './RollbackPage';
export { RollbackView } from './RollbackView';
