import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { environmentsApiRef } from '../api';
import { fakeApi, promotion, rollback } from '../testing/fixtures';
import { EnvironmentsRouter } from './Router';

describe('EnvironmentsRouter (legacy frontend system)', () => {
  it('shows a promotion request below the fleet page at promotions/:id', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion({ id: 'p-42' })),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [environmentsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EnvironmentsRouter />
      </TestApiProvider>,
      // The app mounts the page at its path; the test app mounts it at the root.
      {
        routeEntries: ['/promotions/p-42'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('checkout-api: staging → prod'),
    ).toBeInTheDocument();
    expect(api.getPromotion).toHaveBeenCalledWith('p-42');
  });

  it('shows a rollback below the fleet page at rollbacks/:id', async () => {
    const api = fakeApi({
      getRollback: jest.fn().mockResolvedValue(rollback({ id: 'r-7' })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[environmentsApiRef, api]]}>
        <EnvironmentsRouter />
      </TestApiProvider>,
      { routeEntries: ['/rollbacks/r-7'] },
    );
    expect(
      await screen.findByText('checkout-api: prod back to version 2'),
    ).toBeInTheDocument();
    expect(api.getRollback).toHaveBeenCalledWith('r-7');
  });
});
