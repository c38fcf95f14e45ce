import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { EnvironmentsApi, environmentsApiRef } from '../../../api';
import { rootRouteRef } from '../../../routes';
import { entity } from '../../../testing/fixtures';
import { EnvironmentMatrix } from '../EnvironmentMatrix';

/**
 * Renders a service's Environments tab as alice, with the Environments pages mounted so that links to
 * promotion requests resolve. By default checkout-api, and every permission allowed.
 */
export async function renderEnvironmentsTab(
  api: EnvironmentsApi,
  options: { entity?: Entity; permissionApi?: PermissionApi } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, api],
        [permissionApiRef, options.permissionApi ?? mockApis.permission()],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/alice' }),
        ],
      ]}
    >
      <EntityProvider entity={options.entity ?? entity('checkout-api')}>
        <EnvironmentMatrix />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/environments': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}
