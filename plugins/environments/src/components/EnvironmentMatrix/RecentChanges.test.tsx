import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  checkoutMatrix,
  digest,
  fakeApi,
  promotion,
  rollback,
} from '../../testing/fixtures';
import { EnvironmentsApi } from '../../api';
import { renderEnvironmentsTab } from './__testUtils__/renderEnvironmentsTab';

const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3600 * 1000).toISOString();

async function renderTab(api: EnvironmentsApi) {
  await renderEnvironmentsTab(api);
  await screen.findByRole('table', { name: /Environments of/ });
}

/** The text of each cell of each row of the history, newest first. */
async function historyRows(): Promise<string[][]> {
  const table = await screen.findByRole('table', {
    name: 'Recent changes of checkout-api',
  });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ) as string[][];
}

// An open request an hour ago, a rollback finished two hours ago, a promotion finished three hours ago.
const requested = promotion({ id: 'p-2', requestedAt: hoursAgo(1) });
const rolledBack = rollback({
  requestedBy: 'user:default/bob',
  requestedAt: hoursAgo(2.1),
  finishedAt: hoursAgo(2),
  comment: 'errors after the release',
});
const promoted = promotion({
  id: 'p-1',
  digest: digest('c'),
  status: 'succeeded',
  requestedAt: hoursAgo(30),
  finishedAt: hoursAgo(3),
  comment: 'release 1.4.0',
  approvals: [
    {
      approver: 'user:default/bob',
      decision: 'approved',
      decidedAt: hoursAgo(3),
      expired: false,
    },
  ],
});

describe('RecentChanges', () => {
  it("lists the service's promotions and rollbacks together, newest first, saying what happened, who, when and why", async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listPromotions: jest.fn().mockResolvedValue([requested, promoted]),
      listRollbacks: jest.fn().mockResolvedValue([rolledBack]),
    });
    await renderTab(api);

    expect(await historyRows()).toEqual([
      [
        'Promotion of bbbbbbbbbbbb staging → prod',
        'alice',
        '1 hour ago',
        'requested',
        '',
      ],
      [
        'Rolled prod back to version 2',
        'bob',
        '2 hours ago',
        'succeeded',
        '“errors after the release”',
      ],
      [
        'Promoted cccccccccccc staging → prod',
        'alice, approved by bob',
        '3 hours ago',
        'succeeded',
        '“release 1.4.0”',
      ],
    ]);
    expect(
      screen.getByRole('link', {
        name: 'Promoted cccccccccccc staging → prod',
      }),
    ).toHaveAttribute('href', '/environments/promotions/p-1');
    expect(
      screen.getByRole('link', {
        name: 'Promotion of bbbbbbbbbbbb staging → prod',
      }),
    ).toHaveAttribute('href', '/environments/promotions/p-2');
    expect(
      screen.getByRole('link', { name: 'Rolled prod back to version 2' }),
    ).toHaveAttribute('href', '/environments/rollbacks/r-1');
    // The exact time on hover.
    await userEvent.hover(screen.getByText('2 hours ago'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      new Date(rolledBack.finishedAt!).toUTCString(),
    );
    expect(api.listPromotions).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout-api',
      limit: 20,
    });
    expect(api.listRollbacks).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout-api',
      limit: 20,
    });
  });

  it('shows the newest 20 changes', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listPromotions: jest
        .fn()
        .mockResolvedValue(
          [...Array(15).keys()].map(i =>
            promotion({ id: `p-${i}`, requestedAt: hoursAgo(2 * i + 1) }),
          ),
        ),
      listRollbacks: jest
        .fn()
        .mockResolvedValue(
          [...Array(15).keys()].map(i =>
            rollback({ id: `r-${i}`, requestedAt: hoursAgo(2 * i + 2) }),
          ),
        ),
    });
    await renderTab(api);
    const rows = await historyRows();
    expect(rows).toHaveLength(20);
    expect(rows[0][0]).toMatch(/^Promotion of/);
    expect(rows[1][0]).toMatch(/^Rolled prod back/);
    expect(rows[19][2]).toBe('20 hours ago');
  });

  it('says plainly when nothing was promoted or rolled back yet', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderTab(api);
    expect(
      await screen.findByText(
        'No promotions or rollbacks of checkout-api yet.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: /Recent changes/ }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's message when the history cannot be loaded, under a working matrix", async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listRollbacks: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            503,
            'ServiceUnavailableError',
            'database is busy',
          ),
        ),
    });
    await renderTab(api);
    expect(
      await screen.findByText(
        /Could not load recent changes: database is busy/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Environments of checkout-api' }),
    ).toBeInTheDocument();
  });

  it('reads the history again after a refresh of the service', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      refresh: jest.fn().mockResolvedValue(checkoutMatrix),
      listRollbacks: jest
        .fn()
        .mockResolvedValueOnce([])
        .mockResolvedValue([rolledBack]),
    });
    await renderTab(api);
    await screen.findByText('No promotions or rollbacks of checkout-api yet.');
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect((await historyRows())[0][0]).toBe('Rolled prod back to version 2');
  });
});
