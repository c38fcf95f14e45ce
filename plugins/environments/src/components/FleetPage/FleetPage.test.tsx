import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { FleetServiceSummary } from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { EnvironmentsApi, FleetQuery, environmentsApiRef } from '../../api';
import {
  complianceSummary,
  fakeApi,
  fleetService,
} from '../../testing/fixtures';
import { FleetContent } from './FleetPage';

/** The page URL's query, where the fleet keeps its filters. */
function CurrentQuery() {
  return <output data-testid="query">{useLocation().search}</output>;
}

async function renderFleet(api: EnvironmentsApi, url = '/environments') {
  return renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <FleetContent />
      <CurrentQuery />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: [url],
    },
  );
}

function pageQuery(): URLSearchParams {
  return new URLSearchParams(screen.getByTestId('query').textContent ?? '');
}

/** A summary tile: a toggle button named by its count and label ("1 Need promotion"). */
function tile(label: string): HTMLElement {
  return screen.getByRole('button', {
    name: new RegExp(`^(\\d+|–) ${label}$`),
  });
}

/** A backend that pages through `items` as /fleet does. */
function pagedFleet(items: FleetServiceSummary[]) {
  return jest.fn(async (query: FleetQuery = {}) => {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    return {
      items: items.slice(offset, offset + limit),
      totalItems: items.length,
      offset,
      limit,
    };
  });
}

const demoFleet = [
  fleetService('checkout-api', {
    owner: 'group:default/team-checkout',
    needsPromotion: true,
  }),
  fleetService('payments-api', {
    owner: 'group:default/team-checkout',
    unpromoted: true,
  }),
  fleetService('inventory-service'),
  fleetService('notifications-worker', { stale: true }),
  fleetService('billing-api', {
    owner: 'group:default/team-billing',
    system: 'system:default/billing',
  }),
];

function serviceNames(): string[] {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent ?? '');
}

function rowOf(service: string): HTMLElement {
  return screen
    .getAllByRole('row')
    .find(row => within(row).queryByText(service))!;
}

// Rendering the whole fleet per click is slow under jsdom on a busy two-core machine.
jest.setTimeout(20_000);

describe('FleetContent', () => {
  it('shows progress until the first page arrives', async () => {
    const api = fakeApi({ getFleet: jest.fn(() => new Promise(() => {})) });
    await renderFleet(api);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's message when the fleet cannot be loaded", async () => {
    const api = fakeApi({
      getFleet: jest.fn().mockRejectedValue(new Error('database unavailable')),
    });
    await renderFleet(api);
    expect(
      await screen.findByText(/Could not load the fleet: database unavailable/),
    ).toBeInTheDocument();
  });

  it('says so when no service takes part yet', async () => {
    const api = fakeApi({ getFleet: pagedFleet([]) });
    await renderFleet(api);
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Fleet' })).toBeInTheDocument();
  });

  it('shows every service with its digest state per environment', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    expect(await screen.findByText('5 services')).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      [
        'Service',
        'Owner',
        'System',
        'Development',
        'Staging',
        'Production',
        'Findings',
      ],
    );
    const checkout = rowOf('checkout-api');
    expect(checkout).toHaveTextContent('team-checkout');
    expect(checkout).toHaveTextContent('staging has a newer build');
    expect(rowOf('payments-api')).toHaveTextContent('never ran in staging');
    expect(rowOf('inventory-service')).toHaveTextContent('= staging');
    expect(rowOf('notifications-worker')).toHaveTextContent('stale');
    expect(rowOf('inventory-service')).not.toHaveTextContent('stale');
  });

  it('has a title, and summary tiles that count the services in each state', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');
    expect(screen.getByRole('heading', { name: 'Fleet' })).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Fleet summary' }))
        .getAllByRole('button')
        .map(button => button.textContent),
    ).toEqual([
      '5 Services',
      '1 Need promotion',
      '1 Unpromoted artifacts',
      '0 Non-compliant',
      '1 Stale',
    ]);
    // Every service shows: the Services tile is the one pressed.
    expect(tile('Services')).toHaveAttribute('aria-pressed', 'true');
    expect(tile('Stale')).toHaveAttribute('aria-pressed', 'false');
  });

  it('narrows the rows to a state when its tile is clicked, and shows all again with the Services tile', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');

    await userEvent.click(tile('Need promotion'));
    expect(serviceNames()).toEqual(['checkout-api']);
    expect(screen.getByText('1 of 5 services match')).toBeInTheDocument();
    expect(tile('Need promotion')).toHaveAttribute('aria-pressed', 'true');
    expect(tile('Services')).toHaveAttribute('aria-pressed', 'false');

    // A second click turns the state off again.
    await userEvent.click(tile('Need promotion'));
    expect(serviceNames()).toHaveLength(5);

    await userEvent.click(tile('Unpromoted artifacts'));
    expect(serviceNames()).toEqual(['payments-api']);
    // Two states together: the services in both (none here).
    await userEvent.click(tile('Stale'));
    expect(
      screen.getByText('No service matches these filters'),
    ).toBeInTheDocument();

    await userEvent.click(tile('Services'));
    expect(serviceNames()).toHaveLength(5);
    expect(tile('Stale')).toHaveAttribute('aria-pressed', 'false');
  });

  it('works the tiles from the keyboard: Tab reaches them, Enter and Space toggle', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');

    tile('Services').focus();
    await userEvent.tab();
    expect(tile('Need promotion')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(serviceNames()).toEqual(['checkout-api']);
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.tab();
    expect(tile('Stale')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(
      screen.getByText('No service matches these filters'),
    ).toBeInTheDocument();
    await userEvent.keyboard(' ');
    expect(serviceNames()).toEqual(['checkout-api']);
  });

  it('keeps the filters in the page URL, and opens a shared URL filtered', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');

    await userEvent.click(tile('Stale'));
    await userEvent.type(screen.getByLabelText('Search'), 'worker');
    expect(pageQuery().getAll('status')).toEqual(['stale']);
    expect(pageQuery().get('search')).toBe('worker');
    expect(serviceNames()).toEqual(['notifications-worker']);
  });

  it('opens a shared URL with its filters applied', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(
      api,
      '/environments?owner=group:default/team-checkout&status=needs-promotion',
    );
    await screen.findByText('1 of 5 services match');
    expect(serviceNames()).toEqual(['checkout-api']);
    expect(tile('Need promotion')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('Owner')).toHaveTextContent('team-checkout');
    // The tiles count the chosen owner's services.
    expect(tile('Services')).toHaveTextContent('2 Services');
    expect(tile('Unpromoted artifacts')).toHaveTextContent(
      '1 Unpromoted artifacts',
    );
    expect(tile('Stale')).toHaveTextContent('0 Stale');
  });

  it('shows long owner names whole, wrapped, with the full reference on hover', async () => {
    const owner =
      'group:default/team-checkout-and-payments-platform-engineering';
    const api = fakeApi({
      getFleet: pagedFleet([fleetService('checkout-api', { owner })]),
    });
    await renderFleet(api);
    await screen.findByText('1 services');
    const cell = within(rowOf('checkout-api')).getByTitle(owner);
    expect(cell).toHaveTextContent(
      /^team-checkout-and-payments-platform-engineering$/,
    );
  });

  it('narrows the rows by owner, system and search', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');

    await userEvent.click(screen.getByLabelText('Owner'));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByText('team-checkout'),
    );
    expect(serviceNames()).toEqual(['checkout-api', 'payments-api']);

    await userEvent.click(screen.getByLabelText('Owner'));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('All'));
    await userEvent.click(screen.getByLabelText('System'));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByText('billing'),
    );
    expect(serviceNames()).toEqual(['billing-api']);

    await userEvent.click(screen.getByLabelText('System'));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('All'));
    await userEvent.type(screen.getByLabelText('Search'), 'inventory');
    expect(serviceNames()).toEqual(['inventory-service']);
  });

  it('says so when no service matches the filters', async () => {
    const api = fakeApi({ getFleet: pagedFleet(demoFleet) });
    await renderFleet(api);
    await screen.findByText('5 services');
    await userEvent.type(screen.getByLabelText('Search'), 'nothing-like-this');
    expect(
      screen.getByText('No service matches these filters'),
    ).toBeInTheDocument();
  });

  it('loads 1,500 services in pages of 1,000 and renders only a window of rows', async () => {
    const many = Array.from({ length: 1500 }, (_, i) =>
      fleetService(`service-${String(i).padStart(4, '0')}`, {
        needsPromotion: i % 3 === 0,
      }),
    );
    const getFleet = pagedFleet(many);
    await renderFleet(fakeApi({ getFleet }));

    expect(await screen.findByText('1500 services')).toBeInTheDocument();
    expect(getFleet).toHaveBeenCalledTimes(2);
    expect(getFleet).toHaveBeenNthCalledWith(1, { offset: 0, limit: 1000 });
    expect(getFleet).toHaveBeenNthCalledWith(2, { offset: 1000, limit: 1000 });

    const table = screen.getByRole('table', { name: 'Fleet' });
    expect(table).toHaveAttribute('aria-rowcount', '1501');
    const rendered = within(table).getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(30);
    expect(screen.getByText('service-0000')).toBeInTheDocument();
    expect(screen.queryByText('service-1499')).not.toBeInTheDocument();

    // Filtering runs over every loaded service, not only the rendered window.
    await userEvent.type(screen.getByLabelText('Search'), 'service-1499');
    await waitFor(() => expect(serviceNames()).toEqual(['service-1499']));
  });

  it('keeps what loaded and says so when a later page fails', async () => {
    const many = Array.from({ length: 1200 }, (_, i) =>
      fleetService(`service-${i}`),
    );
    const firstPage = pagedFleet(many);
    const getFleet = jest.fn(async (query: FleetQuery = {}) => {
      if ((query.offset ?? 0) > 0) {
        throw new Error('connection reset');
      }
      return firstPage(query);
    });
    await renderFleet(fakeApi({ getFleet }));
    expect(
      await screen.findByText(
        /Only 1000 of 1200 services could be loaded: connection reset/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1000 services')).toBeInTheDocument();
  });

  describe('drift and compliance', () => {
    // notifications-worker breaks the tag and naming rules; reporting-api runs other settings than
    // declared; payments-api runs a hotfix (digest drift); the others are clean or never evaluated.
    const summaries = [
      complianceSummary('checkout-api', []),
      complianceSummary('notifications-worker', [
        { kind: 'tags', severity: 'error' },
        { kind: 'naming', severity: 'warning' },
      ]),
      complianceSummary('payments-api', [
        { kind: 'digest-drift', severity: 'error' },
      ]),
      complianceSummary('inventory-service', [
        { kind: 'config-drift', severity: 'warning' },
        { kind: 'cloudformation-drift', severity: 'warning' },
      ]),
    ];

    it("shows each service's error and warning counts", async () => {
      const api = fakeApi({
        getFleet: pagedFleet(demoFleet),
        getComplianceSummaries: jest.fn().mockResolvedValue(summaries),
      });
      await renderFleet(api);
      await screen.findByText('5 services');

      // One line each, so that a narrow column does not cut them off.
      await waitFor(() =>
        expect(
          within(rowOf('notifications-worker')).getAllByRole('cell').at(-1)!
            .children,
        ).toHaveLength(2),
      );
      expect(rowOf('notifications-worker')).toHaveTextContent(
        '1 error 1 warning',
      );
      expect(rowOf('inventory-service')).toHaveTextContent('2 warnings');
      expect(rowOf('checkout-api')).toHaveTextContent('none');
    });

    it('narrows the rows to non-compliant services and to services with drift', async () => {
      const api = fakeApi({
        getFleet: pagedFleet(demoFleet),
        getComplianceSummaries: jest.fn().mockResolvedValue(summaries),
      });
      await renderFleet(api);
      await screen.findByText('5 services');
      await waitFor(() => expect(tile('Non-compliant')).toBeEnabled());
      expect(tile('Non-compliant')).toHaveTextContent('1 Non-compliant');

      await userEvent.click(tile('Non-compliant'));
      expect(serviceNames()).toEqual(['notifications-worker']);
      expect(screen.getByText('1 of 5 services match')).toBeInTheDocument();

      await userEvent.click(tile('Non-compliant'));
      await userEvent.click(screen.getByLabelText('Has drift'));
      expect(serviceNames()).toEqual(['payments-api', 'inventory-service']);
    });

    it('narrows the rows to services whose configuration matrix has findings', async () => {
      const api = fakeApi({
        getFleet: pagedFleet(demoFleet),
        getComplianceSummaries: jest
          .fn()
          .mockResolvedValue([
            ...summaries,
            complianceSummary('billing-api', [
              { kind: 'settings', severity: 'error' },
            ]),
          ]),
      });
      await renderFleet(api);
      await screen.findByText('5 services');
      await waitFor(() =>
        expect(screen.getByLabelText('Configuration findings')).toBeEnabled(),
      );

      await userEvent.click(screen.getByLabelText('Configuration findings'));
      expect(serviceNames()).toEqual(['billing-api']);
    });

    it('sorts by the most compliance problems: errors, then warnings; never evaluated last', async () => {
      const api = fakeApi({
        getFleet: pagedFleet(demoFleet),
        getComplianceSummaries: jest.fn().mockResolvedValue(summaries),
      });
      await renderFleet(api);
      await screen.findByText('5 services');
      await waitFor(() =>
        expect(screen.getByLabelText('Has drift')).toBeEnabled(),
      );

      await userEvent.click(screen.getByLabelText('Sort by'));
      await userEvent.click(
        within(screen.getByRole('listbox')).getByText(
          'Most compliance problems',
        ),
      );
      expect(serviceNames()).toEqual([
        'notifications-worker',
        'payments-api',
        'inventory-service',
        'checkout-api',
        'billing-api',
      ]);

      await userEvent.click(screen.getByLabelText('Sort by'));
      await userEvent.click(
        within(screen.getByRole('listbox')).getByText('Name'),
      );
      expect(serviceNames()).toEqual(
        demoFleet.map(s => s.entityRef.split('/')[1]),
      );
    });

    it('keeps the fleet and turns the compliance filters off when the summaries cannot be loaded', async () => {
      const api = fakeApi({
        getFleet: pagedFleet(demoFleet),
        getComplianceSummaries: jest
          .fn()
          .mockRejectedValue(new Error('findings table missing')),
      });
      await renderFleet(api);
      await screen.findByText('5 services');

      expect(
        await screen.findByText(
          /Drift and compliance could not be loaded: findings table missing/,
        ),
      ).toBeInTheDocument();
      expect(tile('Non-compliant')).toBeDisabled();
      expect(tile('Non-compliant')).toHaveTextContent('– Non-compliant');
      // Why, on hover of the tile (a disabled button shows no title of its own).
      expect(tile('Non-compliant').parentElement).toHaveAttribute(
        'title',
        'Drift and compliance could not be loaded: findings table missing',
      );
      expect(screen.getByLabelText('Has drift')).toBeDisabled();
    });
  });
});
