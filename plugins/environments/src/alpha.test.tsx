import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { environmentsApiRef } from './api';
import plugin from './alpha';
import { fakeApi, fleetService } from './testing/fixtures';

describe('environments plugin (new frontend system)', () => {
  it('provides the API, the fleet page, the entity tab and the entity card', () => {
    for (const id of [
      'api:environments',
      'page:environments',
      'entity-content:environments',
      'entity-card:environments',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('serves the fleet at /environments, linked from the nav', async () => {
    const api = fakeApi({
      getFleet: jest.fn().mockResolvedValue({
        items: [fleetService('checkout-api', { needsPromotion: true })],
        totalItems: 1,
        offset: 0,
        limit: 1000,
      }),
    });
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/environments'],
      apis: [[environmentsApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(await screen.findByText('1 services')).toBeInTheDocument();
    expect(screen.getByText('staging has a newer build')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getAllByRole('link', { name: 'Environments' })[0],
    ).toHaveAttribute('href', '/environments');
  });
});
