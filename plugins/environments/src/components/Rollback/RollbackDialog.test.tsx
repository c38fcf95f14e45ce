import { RollbackRecord } from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi, RollbackInput } from '../../api';
import {
  backendError,
  checkoutMatrix,
  digest,
  fakeApi,
  rollback,
  version,
} from '../../testing/fixtures';
import { renderEnvironmentsTab } from '../EnvironmentMatrix/__testUtils__/renderEnvironmentsTab';

const STACK_WARNING =
  'CloudFormation stack shop-checkout-api-prod owns the live alias of shop-checkout-api-prod: this rollback creates drift';

const versions = [
  version('3', 'a', { isLive: true, liveFrom: new Date().toISOString() }),
  version('2', 'b'),
  version('1', 'c'),
];

function rollbackRecord(input: RollbackInput): RollbackRecord {
  return rollback({
    id: input.dryRun ? '' : 'r-1',
    entityRef: input.entityRef,
    environment: input.environment,
    toVersion: input.targetVersion ?? '2',
    status: input.dryRun ? 'planned' : 'succeeded',
    statusReason: input.dryRun
      ? undefined
      : `Live serves version ${input.targetVersion} again (was 3)`,
    requestedAt: new Date().toISOString(),
    intentionalDrift: !input.dryRun,
    warnings: [STACK_WARNING],
    steps: input.dryRun
      ? []
      : [
          {
            sequence: 1,
            name: 'switch-alias',
            status: 'succeeded',
            startedAt: new Date().toISOString(),
            detail: `live → version ${input.targetVersion}`,
          },
        ],
  });
}

const PROD_ROLLBACK: RollbackInput = {
  entityRef: 'component:default/checkout-api',
  environment: 'prod',
};

async function openRollback(api: EnvironmentsApi) {
  await renderEnvironmentsTab(api);
  const table = await screen.findByRole('table', { name: /Environments of/ });
  const buttons = within(table).getAllByRole('button', { name: 'Roll back' });
  // dev, staging, prod: the last one is prod's.
  await userEvent.click(buttons[2]);
  return screen.findByRole('dialog');
}

describe('RollbackDialog', () => {
  it('lists the published versions with the previous one chosen, and the warnings of the plan', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listVersions: jest.fn().mockResolvedValue(versions),
      requestRollback: jest.fn(async input => rollbackRecord(input)),
    });
    const dialog = await openRollback(api);
    expect(
      within(dialog).getByText('Roll back Production'),
    ).toBeInTheDocument();

    const options = await within(dialog).findAllByRole('radio');
    expect(options).toHaveLength(3);
    expect(options[0]).toBeDisabled(); // the live one
    expect(options[1]).toBeChecked();
    expect(within(dialog).getByText('live now')).toBeInTheDocument();
    expect(within(dialog).getByTitle(digest('b'))).toBeInTheDocument();
    expect(api.listVersions).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout-api' },
      'prod',
    );
    expect(
      await within(dialog).findByText(new RegExp(STACK_WARNING)),
    ).toBeInTheDocument();
    expect(api.requestRollback).toHaveBeenCalledWith(
      expect.objectContaining({ targetVersion: '2', dryRun: true }),
    );
  });

  it('rolls back to the chosen version and shows the result', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listVersions: jest.fn().mockResolvedValue(versions),
      requestRollback: jest.fn(async input => rollbackRecord(input)),
      refresh: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    const dialog = await openRollback(api);
    const options = await within(dialog).findAllByRole('radio');
    await userEvent.click(options[2]);
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'bad release',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back to version 1' }),
    );

    await waitFor(() =>
      expect(api.requestRollback).toHaveBeenLastCalledWith({
        entityRef: 'component:default/checkout-api',
        environment: 'prod',
        targetVersion: '1',
        comment: 'bad release',
      }),
    );
    expect(
      await within(dialog).findByText('Live serves version 1 again (was 3)'),
    ).toBeInTheDocument();
    // The rollback's status and its switch-alias step's.
    expect(within(dialog).getAllByText('succeeded')).toHaveLength(2);
    expect(within(dialog).getByText('live → version 1')).toBeInTheDocument();
    expect(within(dialog).getByText('Version 3 → 1')).toBeInTheDocument();

    // Closing reads the service from AWS again, so the matrix shows what is live now.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(api.refresh).toHaveBeenCalled());
  });

  it('follows a rollback answered as still running until it ends', async () => {
    const running = (input: RollbackInput) => ({
      ...rollbackRecord(input),
      status: 'running' as const,
      statusReason: undefined,
      steps: [],
    });
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listVersions: jest.fn().mockResolvedValue(versions),
      requestRollback: jest.fn(async input =>
        input.dryRun ? rollbackRecord(input) : running(input),
      ),
      getRollback: jest
        .fn()
        .mockResolvedValue(
          rollbackRecord({ ...PROD_ROLLBACK, targetVersion: '2' }),
        ),
    });
    const dialog = await openRollback(api);
    await within(dialog).findAllByRole('radio');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back to version 2' }),
    );

    expect(
      await within(dialog).findByText(
        'Still running on Lambda: this updates by itself until it ends.',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('running')).toBeInTheDocument();
    // Read again until it ends.
    expect(
      await within(dialog).findByText(
        'Live serves version 2 again (was 3)',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(api.getRollback).toHaveBeenCalledWith('r-1');
    expect(
      within(dialog).queryByText(/Still running on Lambda/),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's message when the rollback is refused", async () => {
    const error = await backendError(
      409,
      'ConflictError',
      'Promotion p-9 is running on shop-checkout-api-prod: wait for it to finish',
    );
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      listVersions: jest.fn().mockResolvedValue(versions),
      requestRollback: jest.fn(async (input: RollbackInput) => {
        if (input.dryRun) {
          return rollbackRecord(input);
        }
        throw error;
      }),
    });
    const dialog = await openRollback(api);
    await within(dialog).findAllByRole('radio');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back to version 2' }),
    );
    expect(
      await within(dialog).findByText(
        /The rollback failed: Promotion p-9 is running on shop-checkout-api-prod: wait for it to finish/,
      ),
    ).toBeInTheDocument();
  });
});
