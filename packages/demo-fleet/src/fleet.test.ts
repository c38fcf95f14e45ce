import { stringify } from 'yaml';
import { loadDemoFleet, parseDemoFleet } from './fleet';
import { planEnvironment } from './plan';

const minimal = () => ({
  project: 'shop',
  title: 'ACME Shop',
  region: 'eu-west-1',
  environments: [
    {
      name: 'dev',
      shortName: 'dev',
      longName: 'development',
      accountId: '111111111111',
      declared: { memorySize: 512, timeout: 120, reservedConcurrency: 5 },
    },
  ],
  requiredTags: ['Project', 'Owner'],
  services: [
    {
      component: 'checkout-api',
      owner: 'team-checkout',
      costCenter: 'CC-1001',
      environments: { dev: { releases: ['v1.0.0', 'v1.1.0'] } },
    },
  ],
});

describe('parseDemoFleet', () => {
  it('reads the repository’s fleet: three environments in order and five services', () => {
    const fleet = loadDemoFleet();
    expect(fleet.environments.map(e => `${e.name}:${e.accountId}`)).toEqual([
      'dev:111111111111',
      'staging:222222222222',
      'prod:333333333333',
    ]);
    expect(fleet.services.map(s => s.component)).toEqual([
      'checkout-api',
      'inventory-service',
      'payments-api',
      'notifications-worker',
      'reporting-api',
    ]);
  });

  it('accepts a minimal fleet', () => {
    expect(
      parseDemoFleet(stringify(minimal())).services[0].environments.dev,
    ).toEqual({
      releases: ['v1.0.0', 'v1.1.0'],
    });
  });

  it.each([
    [
      'a misspelt key',
      (f: any) => {
        f.services[0].environments.dev.relases =
          f.services[0].environments.dev.releases;
        delete f.services[0].environments.dev.releases;
      },
      'demo.yaml: services[0].environments.dev has unknown keys relases (allowed: releases, functionName, omitTags, memorySize, timeout, reservedConcurrency, stackOwnsLiveAlias, settings)',
    ],
    [
      'an environment that is not defined',
      (f: any) => {
        f.services[0].environments.qa = { releases: ['v1'] };
      },
      'demo.yaml: services[0].environments has unknown keys qa (allowed: dev)',
    ],
    [
      'an omitted tag that is not required',
      (f: any) => {
        f.services[0].environments.dev.omitTags = ['Team'];
      },
      'demo.yaml: services[0].environments.dev.omitTags[0] must be one of requiredTags (got "Team")',
    ],
    [
      'an empty history',
      (f: any) => {
        f.services[0].environments.dev.releases = [];
      },
      'demo.yaml: services[0].environments.dev.releases must be a non-empty list',
    ],
    [
      'a bad account id',
      (f: any) => {
        f.environments[0].accountId = '1111';
      },
      'demo.yaml: environments[0].accountId must be a name matching /^\\d{12}$/ (got "1111")',
    ],
    [
      'a memory size that is not a number',
      (f: any) => {
        f.services[0].environments.dev.memorySize = 'big';
      },
      'demo.yaml: services[0].environments.dev.memorySize must be a positive whole number (got "big")',
    ],
  ])('reports %s with its place', (_, change, message) => {
    const fleet = minimal();
    change(fleet);
    expect(() => parseDemoFleet(stringify(fleet), 'demo.yaml')).toThrow(
      message,
    );
  });
});

describe('the demo fleet configuration matrix', () => {
  it("gives each deployment its environment's settings with its own changes, {component} filled in", () => {
    const fleet = loadDemoFleet();
    const prod = fleet.environments.find(e => e.name === 'prod')!;
    const [payments] = planEnvironment(fleet, prod).filter(
      p => p.service.component === 'payments-api',
    );

    expect(payments.settingsPath).toBe('/shop/prod/payments-api/');
    expect(payments.settings.variables).toMatchObject({
      DATABASE_URL: 'postgres://shop-prod-db.internal:5432/payments-api',
      DEBUG: 'true',
    });
    expect(payments.settings.variables).not.toHaveProperty('ANALYTICS_ID');
    expect(payments.settings.secureParameters).toEqual({
      EMAIL_API_KEY: 'demo-secure-email-key-payments-api',
    });
  });
});
