import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EnvironmentsApi, environmentsApiRef } from '../../api';
import {
  backendError,
  digest,
  fakeApi,
  rollback,
} from '../../testing/fixtures';
import { RollbackView } from './RollbackView';

async function renderView(api: EnvironmentsApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <RollbackView id="r-1" />
    </TestApiProvider>,
  );
}

describe('RollbackView', () => {
  it('says what the rollback changed, who asked and why, and how each step went', async () => {
    const api = fakeApi({
      getRollback: jest.fn().mockResolvedValue(
        rollback({
          requestedBy: 'user:default/bob',
          comment: 'errors after the release',
          fromDigest: digest('c'),
          toDigest: digest('a'),
          statusReason: 'Live serves version 2 again',
          aliasStackName: 'shop-checkout-api-prod',
          intentionalDrift: true,
          steps: [
            {
              sequence: 1,
              name: 'switch-alias',
              status: 'succeeded',
              startedAt: new Date().toISOString(),
              finishedAt: new Date().toISOString(),
              detail: 'live → version 2',
            },
          ],
        }),
      ),
    });
    await renderView(api);

    expect(
      await screen.findByRole('heading', {
        name: 'checkout-api: prod back to version 2',
      }),
    ).toBeInTheDocument();
    expect(api.getRollback).toHaveBeenCalledWith('r-1');
    expect(
      screen.getByText(/Requested by bob .*: “errors after the release”/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /shop-checkout-api-prod \(333333333333, eu-west-1\): live from version 3/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The stack shop-checkout-api-prod owns the live alias: it differs from the stack on purpose until the next promotion.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Live serves version 2 again')).toBeInTheDocument();
    expect(screen.getByText(/live → version 2/)).toBeInTheDocument();
  });

  it('shows progress until the rollback arrives', async () => {
    const api = fakeApi({ getRollback: jest.fn(() => new Promise(() => {})) });
    await renderView(api);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's message when the rollback cannot be loaded", async () => {
    const api = fakeApi({
      getRollback: jest
        .fn()
        .mockRejectedValue(
          await backendError(404, 'NotFoundError', 'No rollback r-1'),
        ),
    });
    await renderView(api);

    expect(
      await screen.findByText(/Could not load the rollback: No rollback r-1/),
    ).toBeInTheDocument();
  });
});
