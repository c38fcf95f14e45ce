import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { EnvironmentsApi, environmentsApiRef } from '../../api';
import {
  checkoutMatrix,
  entity,
  fakeApi,
  finding,
  matrix,
  paymentsMatrix,
  running,
  serviceFindings,
} from '../../testing/fixtures';
import { EnvironmentsCard } from './EnvironmentsCard';

async function renderCard(api: EnvironmentsApi, subject: Entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <EntityProvider entity={subject}>
        <EnvironmentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

function line(environmentTitle: string): HTMLElement {
  return screen
    .getByRole('rowheader', { name: environmentTitle })
    .closest('tr')!;
}

describe('EnvironmentsCard', () => {
  it('shows one line per environment, in order, with the short digest', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderCard(api, entity('checkout-api'));
    await screen.findByRole('table', { name: 'Digest per environment' });
    expect(screen.getAllByRole('rowheader').map(h => h.textContent)).toEqual([
      'Development',
      'Staging',
      'Production',
    ]);
    expect(within(line('Development')).getByText('cccccccccccc')).toBeVisible();
    expect(within(line('Production')).getByText('aaaaaaaaaaaa')).toBeVisible();
  });

  it('shows the promotion cue on the environment that waits', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderCard(api, entity('checkout-api'));
    await screen.findByRole('table', { name: 'Digest per environment' });
    expect(line('Production')).toHaveTextContent('staging has a newer build');
    expect(line('Development')).not.toHaveTextContent('newer build');
  });

  it('shows the same-digest and unpromoted-artifact cues', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(paymentsMatrix),
    });
    await renderCard(api, entity('payments-api'));
    await screen.findByRole('table', { name: 'Digest per environment' });
    expect(line('Staging')).toHaveTextContent('= dev');
    expect(line('Production')).toHaveTextContent('never ran in staging');
  });

  it('flags stale data', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(
        matrix('checkout-api', [
          running('checkout-api', 'dev', 'a'),
          running('checkout-api', 'staging', 'a'),
          running('checkout-api', 'prod', 'a', {
            freshness: { stale: true, error: 'timeout' },
          }),
        ]),
      ),
    });
    await renderCard(api, entity('checkout-api'));
    await screen.findByRole('table', { name: 'Digest per environment' });
    expect(line('Production')).toHaveTextContent('stale data');
    expect(line('Staging')).not.toHaveTextContent('stale');
  });

  it('names the missing annotation when the entity is not configured', async () => {
    await renderCard(fakeApi(), entity('checkout-api', {}));
    expect(
      screen.getAllByText(/environments\.io\/project/).length,
    ).toBeGreaterThan(0);
  });

  it('shows progress while the digests load', async () => {
    const api = fakeApi({ getMatrix: jest.fn(() => new Promise(() => {})) });
    await renderCard(api, entity('checkout-api'));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed load', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockRejectedValue(new Error('backend is down')),
    });
    await renderCard(api, entity('checkout-api'));
    expect(
      await screen.findByText(/Could not load environments: backend is down/),
    ).toBeInTheDocument();
  });

  it("shows the counts of the service's errors and warnings", async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      getFindings: jest.fn().mockResolvedValue(
        serviceFindings([
          finding({
            kind: 'tags',
            severity: 'error',
            environment: 'staging',
            subject: 'Owner',
            message: 'no Owner tag',
          }),
          finding({
            kind: 'tags',
            severity: 'error',
            environment: 'staging',
            subject: 'CostCenter',
            message: 'no CostCenter tag',
          }),
          finding({
            kind: 'naming',
            severity: 'warning',
            environment: 'prod',
            message: 'long environment spelling',
          }),
        ]),
      ),
    });
    await renderCard(api, entity('checkout-api'));

    const counts = await screen.findByLabelText('Drift and compliance');
    expect(counts).toHaveTextContent(
      'Drift and compliance: 2 errors 1 warning',
    );
  });

  it('says when a service has neither errors nor warnings', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderCard(api, entity('checkout-api'));

    expect(
      await screen.findByLabelText('Drift and compliance'),
    ).toHaveTextContent('no errors or warnings');
  });
});
