import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
  textContentMatcher,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi, environmentsApiRef } from '../../api';
import {
  backendError,
  digest,
  fakeApi,
  promotion,
} from '../../testing/fixtures';
import { formatTimestamp } from '../DigestCues';
import { PromotionRequestView } from './PromotionRequestView';

const alice = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/team-checkout'],
});
const bob = mockApis.identity({
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', 'group:default/team-checkout'],
});
const carol = mockApis.identity({
  userEntityRef: 'user:default/carol',
  ownershipEntityRefs: ['user:default/carol', 'group:default/team-platform'],
});

// usePermission keeps each decision (per permission and service) for the whole test file, so one
// policy answers every test here: everything is allowed on checkout-api, and on payments-api neither
// approving nor requesting (which cancelling needs) is.
const policy = mockApis.permission({
  authorize: ({ resourceRef }) =>
    resourceRef === 'component:default/payments-api'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
});
const paymentsRequest = () =>
  promotion({ entityRef: 'component:default/payments-api' });

async function renderView(api: EnvironmentsApi, identity = bob) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, api],
        [identityApiRef, identity],
        [permissionApiRef, policy],
      ]}
    >
      <PromotionRequestView id="p-1" />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const started = (sequence: number, name: string) => ({
  sequence,
  name,
  status: 'started' as const,
  startedAt: new Date().toISOString(),
});
const done = (sequence: number, name: string, detail: string) => ({
  ...started(sequence, name),
  status: 'succeeded' as const,
  finishedAt: new Date().toISOString(),
  detail,
});

describe('PromotionRequestView', () => {
  it('shows progress until the request arrives', async () => {
    const api = fakeApi({ getPromotion: jest.fn(() => new Promise(() => {})) });
    await renderView(api);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows what the request promotes, who may approve and what is missing', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
    });
    await renderView(api);
    expect(
      await screen.findByText('checkout-api: staging → prod'),
    ).toBeInTheDocument();
    expect(screen.getByTitle(digest('b'))).toBeInTheDocument();
    expect(
      screen.getByText(
        textContentMatcher('0 of 1 approvals from members of team-checkout'),
      ),
    ).toBeInTheDocument();
    // Entities are links with their display names, as everywhere in Backstage: no raw refs.
    const missing = screen.getByRole('list', { name: 'Still missing' });
    expect(missing).toHaveTextContent(
      'Missing: 1 more approval from members of team-checkout (not alice)',
    );
    expect(
      within(missing).getByRole('link', { name: 'alice' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    expect(
      within(missing).getByRole('link', { name: 'team-checkout' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-checkout');
    expect(document.body).not.toHaveTextContent('user:default/alice');
    expect(api.getPromotion).toHaveBeenCalledWith('p-1');
  });

  it('disables approve and reject for the requester and says why', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
    });
    await renderView(api, alice);
    const approve = await screen.findByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    expect(
      screen.getByText(
        'You requested this promotion; someone else must approve it.',
      ),
    ).toBeInTheDocument();
    // The requester may still cancel.
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Cancel request' }),
      ).toBeEnabled(),
    );
  });

  it('shows no decision section once the request is over', async () => {
    const api = fakeApi({
      getPromotion: jest
        .fn()
        .mockResolvedValue(promotion({ status: 'cancelled' })),
    });
    await renderView(api, alice);
    expect(await screen.findByText('cancelled')).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Your decision' }),
    ).not.toBeInTheDocument();
  });

  it('lets the requester cancel the request', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
      cancelPromotion: jest
        .fn()
        .mockResolvedValue(promotion({ status: 'cancelled' })),
    });
    await renderView(api, alice);
    const cancel = await screen.findByRole('button', {
      name: 'Cancel request',
    });
    await waitFor(() => expect(cancel).toBeEnabled());
    await userEvent.click(cancel);
    expect(api.cancelPromotion).toHaveBeenCalledWith('p-1');
  });

  it('disables approve and reject for an approver the permission policy refuses, naming the permission and the service', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(paymentsRequest()),
    });
    await renderView(api, bob);
    const reason =
      'You are not allowed to approve or reject promotions of payments-api (permission environments.promotion.approve).';
    expect(await screen.findByRole('note')).toHaveTextContent(reason);
    const approve = screen.getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    await user.hover(approve.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
    await user.click(approve);
    expect(api.approvePromotion).not.toHaveBeenCalled();
  });

  it('disables cancel for a requester the permission policy no longer lets request promotions of the service', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(paymentsRequest()),
    });
    await renderView(api, alice);
    const cancel = await screen.findByRole('button', {
      name: 'Cancel request',
    });
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    await waitFor(() => expect(cancel.parentElement).toHaveAttribute('title'));
    expect(cancel).toBeDisabled();
    await user.hover(cancel.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to cancel promotions of payments-api (permission environments.promotion.request).',
    );
    await user.click(cancel);
    expect(api.cancelPromotion).not.toHaveBeenCalled();
  });

  it('disables approve for someone outside the approvers and names them', async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
    });
    await renderView(api, carol);
    expect(
      await screen.findByText(
        'Only members of team-checkout may approve promotions into prod.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(
      screen.queryByRole('button', { name: 'Cancel request' }),
    ).not.toBeInTheDocument();
  });

  it('lets an approver approve with a comment and shows the decision', async () => {
    const decidedAt = new Date().toISOString();
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
      approvePromotion: jest.fn().mockResolvedValue(
        promotion({
          status: 'succeeded',
          approvals: [
            {
              approver: 'user:default/bob',
              decision: 'approved',
              comment: 'LGTM',
              decidedAt,
              expired: false,
            },
          ],
          policy: {
            ...promotion().policy,
            approvalsGiven: 1,
            missing: [],
          },
        }),
      ),
    });
    await renderView(api, bob);
    const approve = await screen.findByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.type(screen.getByLabelText('Comment (optional)'), 'LGTM');
    await userEvent.click(approve);

    expect(api.approvePromotion).toHaveBeenCalledWith('p-1', 'LGTM');
    const decisions = await screen.findByRole('list', { name: 'Decisions' });
    expect(decisions).toHaveTextContent('bob approved: “LGTM”');
    expect(
      within(decisions).getByRole('link', { name: 'bob' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        textContentMatcher('1 of 1 approvals from members of team-checkout'),
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when approving is refused", async () => {
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(promotion()),
      approvePromotion: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            403,
            'NotAllowedError',
            'Promotions into prod are closed until Monday: release freeze',
          ),
        ),
    });
    await renderView(api, bob);
    const approve = await screen.findByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    expect(
      await screen.findByText(
        /Promotions into prod are closed until Monday: release freeze/,
      ),
    ).toBeInTheDocument();
  });

  it('reads a running request again every 2 seconds and shows its steps progress', async () => {
    const getPromotion = jest
      .fn()
      .mockResolvedValueOnce(
        promotion({
          status: 'running',
          steps: [started(1, 'update-function-code')],
        }),
      )
      .mockResolvedValue(
        promotion({
          status: 'succeeded',
          steps: [
            done(1, 'update-function-code', 'image updated'),
            done(2, 'publish-version', 'published version 4'),
          ],
        }),
      );
    const api = fakeApi({ getPromotion });
    await renderView(api, bob);

    const steps = await screen.findByRole('table', { name: 'Execution steps' });
    expect(within(steps).getByText('update-function-code')).toBeInTheDocument();
    expect(within(steps).getByText('started')).toBeInTheDocument();
    expect(
      await screen.findByText('publish-version', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('published version 4')).toBeInTheDocument();
    expect(getPromotion).toHaveBeenCalledTimes(2);
  });

  it('says when the source has moved on', async () => {
    const api = fakeApi({
      getPromotion: jest
        .fn()
        .mockResolvedValue(
          promotion({ sourceMovedOn: true, sourceCurrentDigest: digest('d') }),
        ),
    });
    await renderView(api);
    expect(
      await screen.findByText(
        new RegExp(`The source has moved on: staging now runs ${digest('d')}`),
      ),
    ).toBeInTheDocument();
  });

  it('says who overrode a closed window, when, and why the window was closed', async () => {
    const at = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
    const api = fakeApi({
      getPromotion: jest.fn().mockResolvedValue(
        promotion({
          windowOverride: {
            by: 'user:default/alice',
            at,
            reason: 'Weekend freeze',
          },
        }),
      ),
    });
    await renderView(api);
    expect(
      await screen.findByText(
        `Info: Requested while promotions into prod were closed: alice overrode the window 2 hours ago (${formatTimestamp(
          at,
        )})`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The window was closed for: Weekend freeze.'),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the request cannot be loaded", async () => {
    const api = fakeApi({
      getPromotion: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            404,
            'NotFoundError',
            "No promotion request with id 'p-1'",
          ),
        ),
    });
    await renderView(api);
    expect(
      await screen.findByText(
        /Could not load the promotion request: No promotion request with id 'p-1'/,
      ),
    ).toBeInTheDocument();
  });
});
