import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { PromotionQuery } from '../../api';
import { screen, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendError, fakeApi, promotion } from '../../testing/fixtures';
import { ApprovalsContent } from './ApprovalsPage';

const awaiting = promotion({
  id: 'p-7',
  entityRef: 'component:default/payments-api',
});
const notMine = promotion({
  id: 'p-8',
  entityRef: 'component:default/inventory-service',
});

async function renderApprovals(api: ReturnType<typeof fakeApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <ApprovalsContent />
    </TestApiProvider>,
    { mountedRoutes: { '/environments': rootRouteRef } },
  );
}

describe('ApprovalsContent', () => {
  it('shows progress until the requests arrive', async () => {
    const api = fakeApi({
      listPromotions: jest.fn(() => new Promise(() => {})),
    });
    await renderApprovals(api);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('lists only the requests awaiting my approval, each linked to its page', async () => {
    const api = fakeApi({
      listPromotions: jest.fn(async (query?: PromotionQuery) =>
        query?.awaitingMyApproval ? [awaiting] : [awaiting, notMine],
      ),
    });
    await renderApprovals(api);
    const link = await screen.findByRole('link', { name: 'payments-api' });
    expect(link).toHaveAttribute('href', '/environments/promotions/p-7');
    expect(screen.queryByText('inventory-service')).not.toBeInTheDocument();
    const row = link.closest('tr')!;
    expect(within(row).getByText('staging → prod')).toBeInTheDocument();
    expect(within(row).getByText('alice')).toBeInTheDocument();
    expect(within(row).getByText('0 of 1')).toBeInTheDocument();
  });

  it('says when nothing awaits me', async () => {
    const api = fakeApi({ listPromotions: jest.fn().mockResolvedValue([]) });
    await renderApprovals(api);
    expect(
      await screen.findByText('Nothing awaits your approval'),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the list cannot be loaded", async () => {
    const api = fakeApi({
      listPromotions: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            401,
            'AuthenticationError',
            "This endpoint does not allow 'service' credentials",
          ),
        ),
    });
    await renderApprovals(api);
    expect(
      await screen.findByText(
        /Could not load the requests awaiting your approval: This endpoint does not allow 'service' credentials/,
      ),
    ).toBeInTheDocument();
  });
});
