import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { environmentsApiRef } from '../api';
import { fakeApi, promotion } from '../testing/fixtures';
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
      { routeEntries: ['/promotions/p-42'] },
    );
    expect(
      await screen.findByText('checkout-api: staging → prod'),
    ).toBeInTheDocument();
    expect(api.getPromotion).toHaveBeenCalledWith('p-42');
  });
});
