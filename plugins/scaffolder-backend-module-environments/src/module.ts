import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMatrixAction } from './actions/matrix';
import { createPromoteAction } from './actions/promote';
import { createProvisionAction } from './actions/provision';
import { createPublishGitAction } from './actions/publishGit';
import { createRollbackAction } from './actions/rollback';

/** Registers the Environments actions with the scaffolder. */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environments',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, auth, discovery, config }) {
        scaffolderActions.addActions(
          createMatrixAction({ auth, discovery }),
          createPromoteAction({ auth, discovery, config }),
          createRollbackAction({ auth, discovery, config }),
          createPublishGitAction(),
          createProvisionAction({ auth, discovery }),
        );
      },
    });
  },
});
