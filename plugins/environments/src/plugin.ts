import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { EnvironmentsClient, environmentsApiRef } from './api';
import {
  NEW_SERVICE_NAME_FIELD,
  NewServiceNameField,
  validateNewServiceName,
} from './components/NewServiceName/NewServiceNameField';
import {
  approvalsRouteRef,
  promotionRouteRef,
  rollbackRouteRef,
  rootRouteRef,
} from './routes';

/** The Environments plugin for the legacy frontend system. */
export const environmentsPlugin = createPlugin({
  id: 'environments',
  apis: [
    createApiFactory({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    promotion: promotionRouteRef,
    rollback: rollbackRouteRef,
    approvals: approvalsRouteRef,
  },
});

/**
 * The fleet page: every service × environment, with filters; a promotion request at
 * `<mount path>/promotions/:id` and a rollback at `<mount path>/rollbacks/:id` below it.
 */
export const EnvironmentsFleetPage = environmentsPlugin.provide(
  createRoutableExtension({
    name: 'EnvironmentsFleetPage',
    component: () =>
      import('./components/Router').then(m => m.EnvironmentsRouter),
    mountPoint: rootRouteRef,
  }),
);

/** The promotion requests awaiting the signed-in user's approval; mount it at `/environments/approvals`. */
export const EnvironmentsApprovalsPage = environmentsPlugin.provide(
  createRoutableExtension({
    name: 'EnvironmentsApprovalsPage',
    component: () =>
      import('./components/Approvals').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);

/** The entity tab content: the environment matrix of the current entity. */
export const EntityEnvironmentsContent = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsContent',
    component: {
      lazy: () =>
        import('./components/EnvironmentMatrix').then(m => m.EnvironmentMatrix),
    },
  }),
);

/** The entity overview card: one line per environment. */
export const EntityEnvironmentsCard = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentsCard').then(m => m.EnvironmentsCard),
    },
  }),
);

/**
 * The `NewServiceName` field of "Create a new service" for a legacy app: put it inside
 * `<ScaffolderFieldExtensions>`. It asks the backend whether the service can be created.
 */
export const NewServiceNameFieldExtension = environmentsPlugin.provide(
  createScaffolderFieldExtension({
    name: NEW_SERVICE_NAME_FIELD,
    component: NewServiceNameField,
    validation: validateNewServiceName,
  }),
);
