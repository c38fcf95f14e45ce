import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi, environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { fakeApi, running, version } from '../../testing/fixtures';
import { ChangeButtons } from './ChangeButtons';

// usePermission keeps each decision (per permission and service) for the whole test file, so one
// policy answers every test here: the user owns payments-api, not checkout-api, and the decision on
// inventory-service never arrives.
const policy: PermissionApi = {
  authorize: ({ resourceRef }) => {
    if (resourceRef === 'component:default/inventory-service') {
      return new Promise(() => {});
    }
    return Promise.resolve({
      result:
        resourceRef === 'component:default/payments-api'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    });
  },
};

async function renderButtons(api: EnvironmentsApi, component: string) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, api],
        [permissionApiRef, policy],
      ]}
    >
      <ChangeButtons
        entityRef={`component:default/${component}`}
        previous={running(component, 'staging', 'b')}
        state={running(component, 'prod', 'a')}
        title="Production"
      />
    </TestApiProvider>,
    { mountedRoutes: { '/environments': rootRouteRef } },
  );
}

// A disabled button takes no pointer events: clicking it must do nothing rather than fail the test.
const user = () => userEvent.setup({ pointerEventsCheck: 0 });

async function tooltipOf(button: HTMLElement): Promise<string | null> {
  // The tooltip listens on the button's wrapper, since a disabled button receives no pointer events.
  await user().hover(button.parentElement!);
  return (await screen.findByRole('tooltip')).textContent;
}

describe('ChangeButtons', () => {
  it('disables "Promote to prod" for a user not allowed to request promotions of the service, says why, and opens no dialog', async () => {
    const api = fakeApi();
    await renderButtons(api, 'checkout-api');
    const promote = screen.getByRole('button', { name: 'Promote to prod' });
    await waitFor(() => expect(promote.parentElement).toHaveAttribute('title'));
    expect(promote).toBeDisabled();
    expect(await tooltipOf(promote)).toBe(
      'You are not allowed to request promotions of checkout-api (permission environments.promotion.request).',
    );
    await user().click(promote);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('disables "Roll back" for a user not allowed to roll the service back, says why, and asks for no versions', async () => {
    const api = fakeApi();
    await renderButtons(api, 'checkout-api');
    const rollBack = screen.getByRole('button', { name: 'Roll back' });
    await waitFor(() =>
      expect(rollBack.parentElement).toHaveAttribute('title'),
    );
    expect(rollBack).toBeDisabled();
    expect(await tooltipOf(rollBack)).toBe(
      'You are not allowed to roll back checkout-api (permission environments.rollback).',
    );
    await user().click(rollBack);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.listVersions).not.toHaveBeenCalled();
  });

  it('lets a user allowed on the service open the promote and rollback dialogs', async () => {
    const api = fakeApi({
      listVersions: jest
        .fn()
        .mockResolvedValue([version('3', 'a', { isLive: true })]),
    });
    await renderButtons(api, 'payments-api');
    const promote = screen.getByRole('button', { name: 'Promote to prod' });
    await waitFor(() => expect(promote).toBeEnabled());
    await user().click(promote);
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'Promote staging to Production',
    );
    await user().click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    const rollBack = screen.getByRole('button', { name: 'Roll back' });
    expect(rollBack).toBeEnabled();
    await user().click(rollBack);
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'Roll back Production',
    );
    expect(api.listVersions).toHaveBeenCalled();
  });

  it('keeps both buttons disabled, without a reason, while the decision loads', async () => {
    await renderButtons(fakeApi(), 'inventory-service');
    for (const name of ['Promote to prod', 'Roll back']) {
      const button = screen.getByRole('button', { name });
      expect(button).toBeDisabled();
      expect(button.parentElement).not.toHaveAttribute('title');
    }
  });
});
