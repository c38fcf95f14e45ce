import { EntityProvider } from '@backstage/plugin-catalog-react';
import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi, environmentsApiRef } from '../../api';
import {
  backendError,
  comparison,
  digest,
  entity,
  fakeApi,
  matrix,
  promotion,
  running,
} from '../../testing/fixtures';
import { rootRouteRef } from '../../routes';
import { EnvironmentMatrix } from '../EnvironmentMatrix';

// staging runs digest b (version 7, 512 MB), prod runs digest a (version 3, 1024 MB).
const checkout = matrix('checkout-api', [
  running('checkout-api', 'dev', 'c'),
  running(
    'checkout-api',
    'staging',
    'b',
    {
      comparison: comparison('dev', { promotionPending: true }),
      liveVersion: '7',
    },
    {
      configuration: {
        packageType: 'Image',
        memorySize: 512,
        timeout: 300,
        reservedConcurrency: 10,
        architectures: ['x86_64'],
        environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME'],
        layers: [],
      },
    },
  ),
  running('checkout-api', 'prod', 'a', {
    comparison: comparison('staging', { promotionPending: true }),
  }),
]);

async function renderMatrix(api: EnvironmentsApi) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/alice' }),
        ],
      ]}
    >
      <EntityProvider entity={entity('checkout-api')}>
        <EnvironmentMatrix />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/environments': rootRouteRef } },
  );
  await screen.findByRole('table', { name: /Environments of/ });
}

async function openPromoteDialog() {
  await userEvent.click(
    screen.getByRole('button', { name: 'Promote to prod' }),
  );
  return screen.findByRole('dialog');
}

// Role queries over the whole matrix and a dialog are slow in jsdom, more so when suites run in parallel.
jest.setTimeout(20_000);

describe('PromoteDialog', () => {
  it('shows the digest from → to, the live versions and the configuration differences before the request', async () => {
    const api = fakeApi({ getMatrix: jest.fn().mockResolvedValue(checkout) });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();

    expect(
      within(dialog).getByText('Promote staging to Production'),
    ).toBeInTheDocument();
    const from = within(dialog).getByText('aaaaaaaaaaaa');
    const to = within(dialog).getByText('bbbbbbbbbbbb');
    // From the target's digest to the source's, in that order.
    expect(
      from.compareDocumentPosition(to) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(within(dialog).getByTitle(digest('b'))).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        /Live version in prod: 3; promoting version 7 of staging/,
      ),
    ).toBeInTheDocument();

    const differences = within(dialog).getByRole('table', {
      name: 'Configuration differences',
    });
    const rows = within(differences).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(
      within(rows[1])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['Memory (MB)', '512', '1024']);
    expect(
      within(dialog).getByText(
        /Approval required by the owners \(team-checkout\)/,
      ),
    ).toBeInTheDocument();
    expect(api.requestPromotion).not.toHaveBeenCalled();
  });

  it('submits the request with the comment and then shows the request with who must approve', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkout),
      requestPromotion: jest
        .fn()
        .mockResolvedValue(promotion({ comment: 'release 1.4.0' })),
    });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'release 1.4.0',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request promotion' }),
    );

    expect(api.requestPromotion).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout-api',
      targetEnvironment: 'prod',
      comment: 'release 1.4.0',
    });
    expect(
      await within(dialog).findByText(
        '0 of 1 approvals from members of team-checkout',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        /Missing: 1 more approval from members of group:default\/team-checkout/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('link', { name: 'Open the request page' }),
    ).toHaveAttribute('href', '/environments/promotions/p-1');
  });

  it("shows the backend's message when the request is refused", async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkout),
      requestPromotion: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            409,
            'ConflictError',
            'Promotion p-0 into prod is already open',
          ),
        ),
    });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request promotion' }),
    );
    expect(
      await within(dialog).findByText(
        /The promotion could not be requested: Promotion p-0 into prod is already open/,
      ),
    ).toBeInTheDocument();
  });

  it('offers no promotion into the first environment', async () => {
    const api = fakeApi({ getMatrix: jest.fn().mockResolvedValue(checkout) });
    await renderMatrix(api);
    expect(
      screen.queryByRole('button', { name: 'Promote to dev' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeEnabled();
  });
});
