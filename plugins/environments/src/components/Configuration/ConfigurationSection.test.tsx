import { Finding } from '@internal/backstage-plugin-environments-common';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { fakeApi } from '../../testing/fixtures';
import { ConfigurationSection } from './ConfigurationSection';
import { PromotionGateNotice } from './PromotionGateNotice';

const missingAnalytics: Finding = {
  kind: 'settings',
  severity: 'error',
  environment: 'prod',
  resource:
    'arn:aws:lambda:eu-west-1:333333333333:function:shop-payments-api-prod',
  rule: 'settings.required',
  subject: 'ANALYTICS_ID',
  message:
    "ANALYTICS_ID is required in prod (environments.settings.rules.variables.ANALYTICS_ID) and is neither a variable of the function nor a parameter or secret under the environment's path",
  expected: 'present',
  actual: 'absent',
};

const api = fakeApi({
  getSettingsMatrix: jest.fn(async () => ({
    entityRef: 'component:default/payments-api',
    environments: ['staging', 'prod'].map(environment => ({
      environment,
      runs: true,
      paths: [`/shop/${environment}/payments-api/`],
      gate: environment === 'prod' ? ('block' as const) : ('warn' as const),
    })),
    rows: [
      {
        name: 'ANALYTICS_ID',
        kind: 'variable' as const,
        declaredAt: ['environments.settings.rules.variables.ANALYTICS_ID'],
        cells: [
          { environment: 'staging', present: false, locations: [] },
          {
            environment: 'prod',
            present: false,
            locations: [],
            expected: 'required',
          },
        ],
      },
      {
        name: 'STRIPE_SECRET_KEY',
        kind: 'variable' as const,
        declaredAt: [],
        cells: [
          { environment: 'staging', present: false, locations: [] },
          {
            environment: 'prod',
            present: true,
            expected: 'required',
            locations: [
              {
                source: 'secret' as const,
                location: 'shop/prod/payments-api/STRIPE_SECRET_KEY',
                secret: true,
              },
            ],
          },
        ],
      },
      {
        name: 'guestCheckout',
        kind: 'flag' as const,
        declaredAt: ['environments.settings.rules.flags.guestCheckout'],
        cells: [
          {
            environment: 'staging',
            present: true,
            expected: 'on',
            locations: [
              {
                source: 'parameter' as const,
                location: '/shop/staging/payments-api/guestCheckout',
                type: 'String',
                value: 'false',
                secret: false,
              },
            ],
          },
          {
            environment: 'prod',
            present: false,
            locations: [],
            expected: 'off',
          },
        ],
      },
    ],
    findings: [missingAnalytics],
  })),
  getPromotionGate: jest.fn(async (_entity, environment) => ({
    environment,
    mode: 'block' as const,
    blocks: true,
    findings: [missingAnalytics],
  })),
});

async function render(children: JSX.Element) {
  await renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      {children}
    </TestApiProvider>,
  );
}

describe('the Configuration section', () => {
  it('shows each setting per environment, where it comes from, its value unless secret, and what breaks the rules', async () => {
    await render(
      <ConfigurationSection entityRef="component:default/payments-api" />,
    );

    const table = await screen.findByRole('table', {
      name: 'Configuration of payments-api',
    });
    expect(
      within(table).getByText('prod (blocks promotions)'),
    ).toBeInTheDocument();
    const missing = within(table).getByLabelText('ANALYTICS_ID in prod');
    expect(missing).toHaveTextContent('absentrequired');
    const secret = within(table).getByLabelText('STRIPE_SECRET_KEY in prod');
    expect(secret).toHaveTextContent('secret(secret, not read)required');
    expect(
      within(table).getByLabelText('guestCheckout in staging'),
    ).toHaveTextContent('parameterfalseplan: on');
    const findings = screen.getByRole('list', {
      name: 'Configuration findings of payments-api',
    });
    expect(findings).toHaveTextContent(
      'prod (error): ANALYTICS_ID is required in prod',
    );
  });

  it('tells the requester that the target refuses the promotion, and why', async () => {
    await render(
      <PromotionGateNotice
        entityRef="component:default/payments-api"
        environment="prod"
        environmentTitle="Production"
      />,
    );

    expect(
      await screen.findByText(
        /Production refuses promotions while its configuration has these findings/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Configuration findings of prod' }),
    ).toHaveTextContent('ANALYTICS_ID is required in prod');
  });
});
