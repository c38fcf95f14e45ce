import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Emulator, loadDemoFleet, seedDemoFleet } from '@internal/demo-fleet';
import { Knex } from 'knex';
import request from 'supertest';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  ACCOUNTS,
  awsClientsIn,
  describeWithMoto,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { demoConfig, demoEntities } from '../__testUtils__/demoApp';
import { environmentsPlugin, REFRESH_TASK_ID } from '../plugin';

// The demo's secret values: they must never reach the API, the database or the log.
const fleet = loadDemoFleet();
const prod = fleet.environments.find(e => e.name === 'prod')!;
const SECRET_VALUES = fleet.services.flatMap(service =>
  [
    ...Object.values(prod.settings!.secureParameters),
    ...Object.values(prod.settings!.secrets),
  ].map(value => value.replace('{component}', service.component)),
);

/**
 * The configuration matrix of the demo fleet through the whole plugin: seeded in the emulator with
 * variables, parameters (a SecureString among them) and secrets, collected by the scheduled refresh,
 * judged by the demo's rules, shown by the API, and gating promotions into prod.
 */
describeWithMoto('the configuration matrix of the demo fleet (moto)', () => {
  jest.setTimeout(300_000);
  let emulator: Emulator;
  let server: Parameters<typeof request>[0];
  let stopBackend: () => Promise<void>;
  let knex: Knex;
  const logged: string[] = [];
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  const settingsOf = async (name: string) => {
    const res = await request(server).get(
      `/api/environments/services/default/component/${name}/settings`,
    );
    expect(res.status).toBe(200);
    return res.body;
  };
  const cellOf = (matrix: any, name: string, environment: string) =>
    matrix.rows
      .find((r: any) => r.name === name)
      ?.cells.find((c: any) => c.environment === environment);
  const findingsOf = (matrix: any) =>
    matrix.findings.map((f: any) => [f.environment, f.rule, f.subject]);

  beforeAll(async () => {
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(a => JSON.stringify(a) ?? String(a)).join(' '));
      });
    }
    emulator = await startAwsEmulator({
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    });
    await seedDemoFleet({ endpoint: emulator.endpoint });
    knex = await databases.init('SQLITE_3');
    const scheduler = mockServices.scheduler() as any;
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.rootConfig.factory({
          data: demoConfig(emulator.endpoint),
        }),
        mockServices.rootLogger.factory({ level: 'debug' }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: demoEntities() }),
        scheduler.factory({ skipTaskRunOnStartup: true }),
      ],
    });
    await scheduler.triggerTask(REFRESH_TASK_ID);
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await emulator?.stop();
    jest.restoreAllMocks();
  });

  it("shows payments-api's prod lacking ANALYTICS_ID and with DEBUG on, each naming the rule's config key", async () => {
    const matrix = await settingsOf('payments-api');

    expect(cellOf(matrix, 'ANALYTICS_ID', 'prod')).toMatchObject({
      present: false,
      expected: 'required',
    });
    expect(cellOf(matrix, 'DEBUG', 'prod')).toMatchObject({
      present: true,
      expected: 'forbidden',
      locations: [
        {
          source: 'lambda-variable',
          location: 'shop-payments-api-prod',
          value: 'true',
          secret: false,
        },
      ],
    });
    expect(findingsOf(matrix)).toEqual([
      ['prod', 'settings.required', 'ANALYTICS_ID'],
      ['prod', 'settings.forbidden', 'DEBUG'],
    ]);
    expect(matrix.findings[0].message).toContain(
      'environments.settings.rules.variables.ANALYTICS_ID',
    );
    // The same findings are stored with the others, for the fleet's filter.
    const stored = await request(server).get(
      '/api/environments/findings?kind=settings',
    );
    expect(
      stored.body.items
        .filter((f: any) => f.entityRef === 'component:default/payments-api')
        .map((f: any) => f.subject)
        .sort(),
    ).toEqual(['ANALYTICS_ID', 'DEBUG']);
  });

  it('says where each setting of prod comes from, with values only where they are not secret', async () => {
    const matrix = await settingsOf('checkout-api');

    expect(cellOf(matrix, 'STORAGE_BUCKET', 'prod').locations).toEqual([
      {
        source: 'lambda-variable',
        location: 'shop-checkout-api-prod',
        value: 'shop-assets-prod',
        secret: false,
      },
    ]);
    expect(cellOf(matrix, 'EMAIL_API_KEY', 'prod').locations).toEqual([
      {
        source: 'parameter',
        location: '/shop/prod/checkout-api/EMAIL_API_KEY',
        type: 'SecureString',
        version: 1,
        secret: true,
      },
    ]);
    expect(cellOf(matrix, 'STRIPE_SECRET_KEY', 'prod').locations).toEqual([
      {
        source: 'secret',
        location: 'shop/prod/checkout-api/STRIPE_SECRET_KEY',
        secret: true,
      },
    ]);
    expect(cellOf(matrix, 'guestCheckout', 'staging')).toMatchObject({
      expected: 'on',
      locations: [{ source: 'parameter', value: 'true' }],
    });
    expect(matrix.findings).toEqual([]);
  });

  it("finds reporting-api's staging flag off its plan and notifications-worker's prod reading a dev path", async () => {
    expect(findingsOf(await settingsOf('reporting-api'))).toEqual([
      ['staging', 'settings.flag-plan', 'guestCheckout'],
    ]);
    const worker = await settingsOf('notifications-worker');
    expect(findingsOf(worker)).toEqual([
      ['prod', 'settings.cross-environment', 'CONFIG_PATH'],
    ]);
    expect(worker.findings[0]).toMatchObject({
      severity: 'error',
      actual: '/shop/dev/notifications-worker/',
    });
  });

  it('refuses a promotion of payments-api into prod, where config says block, and shows why', async () => {
    const gate = await request(server).get(
      '/api/environments/services/default/component/payments-api/settings/gate/prod',
    );
    expect(gate.body).toMatchObject({ mode: 'block', blocks: true });
    const unknown = await request(server).get(
      '/api/environments/services/default/component/payments-api/settings/gate/qa',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      "No environment named 'qa'; the environments are dev, staging, prod",
    );

    const res = await request(server)
      .post('/api/environments/promotions')
      .send({
        entityRef: 'component:default/payments-api',
        targetEnvironment: 'prod',
      });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'ANALYTICS_ID is required in prod',
    );
    expect(res.body.error.message).toContain('DEBUG must not be set in prod');
    const list = await request(server).get(
      '/api/environments/promotions?entityRef=component:default/payments-api',
    );
    expect(list.body.items ?? list.body).toEqual([]);
  });

  it('records the findings of a warning environment on the request, for its approvers', async () => {
    // DEBUG left on in staging, as a parameter: staging only warns.
    const { ssm } = await awsClientsIn(emulator.endpoint, ACCOUNTS.staging);
    await ssm.send(
      new PutParameterCommand({
        Name: '/shop/staging/checkout-api/DEBUG',
        Value: 'true',
        Type: 'String',
      }),
    );
    const refreshed = await request(server).post(
      '/api/environments/services/default/component/checkout-api/refresh',
    );
    expect(refreshed.status).toBe(200);

    const res = await request(server)
      .post('/api/environments/promotions')
      .send({
        entityRef: 'component:default/checkout-api',
        targetEnvironment: 'staging',
      });

    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      expect.stringMatching(
        /^Configuration of staging: DEBUG must not be set in staging \(environments\.settings\.rules\.variables\.DEBUG\); it is set as the String parameter \/shop\/staging\/checkout-api\/DEBUG$/,
      ),
    ]);
  });

  it('never lets a SecureString or secret value reach the API, the database or the log', async () => {
    expect(SECRET_VALUES.length).toBeGreaterThan(0);
    const responses: string[] = [];
    for (const service of fleet.services) {
      for (const route of ['settings', 'matrix', 'findings']) {
        const res = await request(server).get(
          `/api/environments/services/default/component/${service.component}/${route}`,
        );
        responses.push(res.text);
      }
    }
    const tables = (
      await knex('sqlite_master').where({ type: 'table' }).select('name')
    ).map((t: { name: string }) => t.name);
    const rows: string[] = [];
    for (const table of tables) {
      rows.push(JSON.stringify(await knex(table).select()));
    }
    // The test sees the values: moto returns the plaintext of a SecureString without decryption.
    expect(rows.join('\n')).toContain('EMAIL_API_KEY');
    for (const secret of SECRET_VALUES) {
      expect(responses.join('\n')).not.toContain(secret);
      expect(rows.join('\n')).not.toContain(secret);
      expect(logged.join('\n')).not.toContain(secret);
    }
  });
});
