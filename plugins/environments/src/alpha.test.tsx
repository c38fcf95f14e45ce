import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { environmentsApiRef } from './api';
import plugin from './alpha';
import { fakeApi, fleetService, promotion } from './testing/fixtures';

// The whole app renders before the page: on a busy machine that takes longer than findBy's 1 s default.
const APP_RENDERED = { timeout: 10_000 };

describe('environments plugin (new frontend system)', () => {
  it('provides the API, the fleet page, the entity tab and the entity card', () => {
    for (const id of [
      'api:environments',
      'page:environments',
      'page:environments/promotion',
      'page:environments/approvals',
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
    expect(
      await screen.findByText('1 services', {}, APP_RENDERED),
    ).toBeInTheDocument();
    expect(screen.getByText('staging has a newer build')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getAllByRole('link', { name: 'Environments' })[0],
    ).toHaveAttribute('href', '/environments');
  });

  it('serves a promotion request at /environments/promotions/:id, not in the nav', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion({ id: 'p-42' })),
    });
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/environments/promotions/p-42'],
      apis: [[environmentsApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(
      await screen.findByText('checkout-api: staging → prod', {}, APP_RENDERED),
    ).toBeInTheDocument();
    expect(api.getPromotion).toHaveBeenCalledWith('p-42');
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).queryByRole('link', { name: 'Promotion request' }),
    ).not.toBeInTheDocument();
  });

  it('serves the approvals at /environments/approvals, linked from the nav as Approvals', async () => {
    const api = fakeApi({
      listPromotions: jest.fn().mockResolvedValue([promotion({ id: 'p-7' })]),
    });
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/environments/approvals'],
      apis: [[environmentsApiRef, api]],
    });
    expect(
      await screen.findByRole('link', { name: 'checkout-api' }, APP_RENDERED),
    ).toHaveAttribute('href', '/environments/promotions/p-7');
    expect(api.listPromotions).toHaveBeenCalledWith({
      awaitingMyApproval: true,
    });
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getAllByRole('link', { name: 'Approvals' })[0],
    ).toHaveAttribute('href', '/environments/approvals');
  });
});
