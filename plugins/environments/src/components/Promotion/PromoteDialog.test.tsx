import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { promotionWindowOverridePermission } from '@internal/backstage-plugin-environments-common';
import { mockApis } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi } from '../../api';
import {
  backendError,
  comparison,
  digest,
  entity,
  fakeApi,
  matrix,
  paymentsMatrix,
  promotion,
  running,
} from '../../testing/fixtures';
import { renderEnvironmentsTab } from '../EnvironmentMatrix/__testUtils__/renderEnvironmentsTab';

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

// Everything is allowed, but overriding a closed window of payments-api (decisions are kept per
// permission and service for the whole file, so one policy answers every test).
const policy = mockApis.permission({
  authorize: ({ permission, resourceRef }) =>
    permission.name === promotionWindowOverridePermission.name &&
    resourceRef === 'component:default/payments-api'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
});

async function renderMatrix(api: EnvironmentsApi, service = 'checkout-api') {
  await renderEnvironmentsTab(api, {
    entity: entity(service),
    permissionApi: policy,
  });
  await screen.findByRole('table', { name: /Environments of/ });
}

async function openPromoteDialog() {
  await userEvent.click(
    screen.getByRole('button', { name: 'Promote to prod' }),
  );
  return screen.findByRole('dialog');
}

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
      digest: digest('b'),
      comment: 'release 1.4.0',
    });
    expect(
      await within(dialog).findByRole('list', { name: 'Still missing' }),
    ).toHaveTextContent(
      'Missing: 1 more approval from members of team-checkout (not alice)',
    );
    expect(dialog).toHaveTextContent(
      '0 of 1 approvals from members of team-checkout',
    );
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
    // Refused, but not for a closed window: nothing to override.
    expect(within(dialog).queryByText(/are closed/)).not.toBeInTheDocument();
    expect(
      within(dialog).queryByLabelText('Override the closed window'),
    ).not.toBeInTheDocument();
  });

  it('sends the digest it shows, and reads the service again from AWS after the backend says staging moved on', async () => {
    const refusal = `staging no longer runs the digest you saw: seen ${digest(
      'b',
    )}, now ${digest(
      'd',
    )} (version 8). Nothing was requested; look at what staging runs now and request again.`;
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkout),
      refresh: jest.fn().mockResolvedValue(checkout),
      requestPromotion: jest
        .fn()
        .mockRejectedValue(await backendError(409, 'ConflictError', refusal)),
    });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();
    expect(within(dialog).getByTitle(digest('b'))).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request promotion' }),
    );

    expect(api.requestPromotion).toHaveBeenCalledWith(
      expect.objectContaining({ digest: digest('b') }),
    );
    expect(
      await within(dialog).findByText(
        `Error: The promotion could not be requested: ${refusal}`,
      ),
    ).toBeInTheDocument();
    expect(api.refresh).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(api.refresh).toHaveBeenCalledWith({
        kind: 'Component',
        namespace: 'default',
        name: 'checkout-api',
      }),
    );
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

describe('PromoteDialog with the target window closed', () => {
  const inTwoDays = new Date(Date.now() + 48 * 3600 * 1000).toISOString();
  const windows = (prodClosed: boolean) => [
    { environment: 'dev', closed: false },
    { environment: 'staging', closed: false },
    prodClosed
      ? {
          environment: 'prod',
          closed: true,
          reason: 'Weekend freeze',
          until: inTwoDays,
        }
      : { environment: 'prod', closed: false },
  ];
  const closedRefusal = () =>
    backendError(
      409,
      'ConflictError',
      `Promotions into prod are closed until ${inTwoDays}: Weekend freeze. Holders of environments.promotion.window-override may request with overrideWindow: true.`,
    );

  it('says until when and why, and sends the override with the comment it then requires', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkout),
      getPromotionWindows: jest.fn().mockResolvedValue(windows(true)),
      requestPromotion: jest.fn().mockResolvedValue(promotion()),
    });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();

    expect(
      await within(dialog).findByText(
        `Warning: Promotions into Production are closed until ${new Date(
          inTwoDays,
        ).toUTCString()} (in 2 days): Weekend freeze`,
      ),
    ).toBeInTheDocument();
    const request = within(dialog).getByRole('button', {
      name: 'Request promotion',
    });
    await userEvent.click(
      within(dialog).getByLabelText('Override the closed window'),
    );
    // Overriding needs a reason: the comment becomes required.
    expect(request).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(
        'Comment (required to override the window)',
      ),
      'INC-42 hotfix',
    );
    expect(
      within(dialog).getByText(
        'The override is recorded with your name and this comment, and audited.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(request);

    expect(api.requestPromotion).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout-api',
      targetEnvironment: 'prod',
      digest: digest('b'),
      comment: 'INC-42 hotfix',
      overrideWindow: true,
    });
  });

  it('reads the windows again after a refusal: the window may have closed while the dialog was open', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkout),
      getPromotionWindows: jest
        .fn()
        .mockResolvedValueOnce(windows(false))
        .mockResolvedValue(windows(true)),
      requestPromotion: jest.fn().mockRejectedValueOnce(await closedRefusal()),
    });
    await renderMatrix(api);
    const dialog = await openPromoteDialog();
    expect(
      within(dialog).queryByLabelText('Override the closed window'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request promotion' }),
    );
    expect(
      await within(dialog).findByText(
        /The promotion could not be requested: Promotions into prod are closed until/,
      ),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(
        /^Warning: Promotions into Production are closed until .* \(in 2 days\): Weekend freeze$/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByLabelText('Override the closed window'),
    );
    await userEvent.type(
      within(dialog).getByLabelText(
        'Comment (required to override the window)',
      ),
      'INC-42 hotfix',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request promotion' }),
    );
    expect(api.requestPromotion).toHaveBeenLastCalledWith(
      expect.objectContaining({ overrideWindow: true }),
    );
  });

  it('offers no override to a user without the permission, and says which one', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(paymentsMatrix),
      getPromotionWindows: jest.fn().mockResolvedValue(windows(true)),
    });
    await renderMatrix(api, 'payments-api');
    const dialog = await openPromoteDialog();

    expect(
      await within(dialog).findByText(
        'You are not allowed to override the closed promotion window of payments-api (permission environments.promotion.window-override).',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Promotions into Production are closed until/),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByLabelText('Override the closed window'),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByLabelText('Comment (optional)'),
    ).toBeInTheDocument();
  });
});
