import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isEnvironmentsAvailable } from '@internal/backstage-plugin-environments-common';
import LayersIcon from '@material-ui/icons/Layers';
import { ReactNode } from 'react';
import HowToVoteIcon from '@material-ui/icons/HowToVote';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { EnvironmentsClient, environmentsApiRef } from './api';
import {
  approvalsRouteRef,
  promotionRouteRef,
  rollbackRouteRef,
  rootRouteRef,
} from './routes';

const environmentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * A page's content in the page layout of the new frontend system, which has no main landmark of its
 * own: each page brings its `main`, as the catalog's entity page does.
 */
function PageContent(props: { children: ReactNode }) {
  return (
    <main>
      <Content>{props.children}</Content>
    </main>
  );
}

const fleetPage = PageBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    icon: <LayersIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/FleetPage').then(m => (
        <PageContent>
          <m.FleetContent />
        </PageContent>
      )),
  },
});

// No route ref: a request page is reached by its link, not from the nav.
const promotionPage = PageBlueprint.make({
  name: 'promotion',
  params: {
    path: '/environments/promotions/:id',
    title: 'Promotion request',
    loader: () =>
      import('./components/Promotion').then(m => (
        <PageContent>
          <m.PromotionContent />
        </PageContent>
      )),
  },
});

// No route ref either: reached from a service's recent changes.
const rollbackPage = PageBlueprint.make({
  name: 'rollback',
  params: {
    path: '/environments/rollbacks/:id',
    title: 'Rollback',
    loader: () =>
      import('./components/Rollback').then(m => (
        <PageContent>
          <m.RollbackContent />
        </PageContent>
      )),
  },
});

const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/environments/approvals',
    title: 'Approvals',
    icon: <HowToVoteIcon fontSize="inherit" />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/Approvals').then(m => (
        <PageContent>
          <m.ApprovalsContent />
        </PageContent>
      )),
  },
});

const entityContent = EntityContentBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EnvironmentMatrix').then(m => (
        <m.EnvironmentMatrix />
      )),
  },
});

const entityCard = EntityCardBlueprint.make({
  params: {
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EnvironmentsCard').then(m => <m.EnvironmentsCard />),
  },
});

// "Create a new service": the name field that asks the backend whether the service can be created.
const newServiceNameField = FormFieldBlueprint.make({
  name: 'new-service-name',
  params: {
    field: () =>
      import('./components/NewServiceName').then(
        m => m.newServiceNameFormField,
      ),
  },
});

/**
 * The Environments plugin for the new frontend system. Extension ids: `api:environments`,
 * `page:environments`, `page:environments/promotion`, `page:environments/approvals`,
 * `entity-content:environments`, `entity-card:environments`, `scaffolder-form-field:environments/new-service-name`.
 */
export default createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  icon: <LayersIcon fontSize="inherit" />,
  routes: {
    root: rootRouteRef,
    promotion: promotionRouteRef,
    rollback: rollbackRouteRef,
    approvals: approvalsRouteRef,
  },
  extensions: [
    environmentsApi,
    fleetPage,
    promotionPage,
    rollbackPage,
    approvalsPage,
    entityContent,
    entityCard,
    newServiceNameField,
  ],
});
