import { ConfigReader } from '@backstage/config';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import {
  Emulator,
  findMotoServer,
  loadDemoFleet,
  releaseImage,
  seedDemoFleet,
  SeedSummary,
  startEmulator,
} from '@internal/demo-fleet';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
import { RefreshResult } from './types';

function motoAvailable(): boolean {
  try {
    findMotoServer();
    return true;
  } catch (error) {
    if (process.env.MOTO_SERVER_BIN) {
      throw error;
    }
    return false;
  }
}
// scripts/test.sh (and so CI) always provides moto; a bare `package test` without .venv skips this suite.
const describeWithMoto = motoAvailable() ? describe : describe.skip;

const fleet = loadDemoFleet();
const ENVIRONMENTS: EnvironmentDefinition[] = fleet.environments.map(env => ({
  name: env.name,
  title: env.name,
  shortName: env.shortName,
  longName: env.longName,
  locations: [{ accountId: env.accountId, region: fleet.region }],
}));
const SERVICES = fleet.services.map(s => ({
  entityRef: `component:default/${s.component}`,
  project: fleet.project,
  component: s.component,
  explicitFunctionNames: {},
}));

describeWithMoto('collecting the demo fleet from the emulator', () => {
  jest.setTimeout(180_000);
  let emulator: Emulator;
  let seeded: SeedSummary;
  let aws: AwsClientFactory;
  let result: RefreshResult;
  const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

  beforeAll(async () => {
    emulator = await startEmulator();
    seeded = await seedDemoFleet({ endpoint: emulator.endpoint });
    // The credentials manager assumes environments-reader in each account through the emulator's STS.
    process.env.AWS_ENDPOINT_URL_STS = emulator.endpoint;
    const config = new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
        accountDefaults: { roleName: 'environments-reader' },
      },
      environments: {
        accounts: fleet.environments.map(env => ({
          accountId: env.accountId,
          endpoint: emulator.endpoint,
        })),
      },
    });
    aws = AwsClientFactory.fromConfig(config);
    result = await AwsEnvironmentCollector.fromConfig(config, {
      readers: aws,
    }).collect({ environments: ENVIRONMENTS, services: SERVICES });
  });

  afterAll(async () => {
    if (previousStsEndpoint === undefined) {
      delete process.env.AWS_ENDPOINT_URL_STS;
    } else {
      process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
    }
    await emulator?.stop();
  });

  const primary = (component: string, env: string) => {
    const found = result.services
      .find(s => s.entityRef === `component:default/${component}`)!
      .environments.find(e => e.environment === env)!;
    expect(found.complete).toBe(true);
    return found.functions.find(fn => fn.primary)!;
  };
  const digestOf = (component: string, release: string) =>
    releaseImage(component, release).digest;
  const seededVersion = (functionName: string) =>
    seeded.accounts
      .flatMap(a => a.functions)
      .find(fn => fn.functionName === functionName)!.liveVersion;

  it('reads every account of the fleet', () => {
    expect(result.failedLocations).toEqual([]);
  });

  it('shows checkout-api prod behind staging: each runs its release image digest', () => {
    expect(primary('checkout-api', 'dev').digest).toBe(
      digestOf('checkout-api', 'v1.5.0'),
    );
    expect(primary('checkout-api', 'staging').digest).toBe(
      digestOf('checkout-api', 'v1.4.0'),
    );
    const prod = primary('checkout-api', 'prod');
    expect(prod).toMatchObject({
      accountId: '333333333333',
      functionName: 'shop-checkout-api-prod',
      discoveredBy: 'convention',
      digest: digestOf('checkout-api', 'v1.3.2'),
      digestKind: 'image',
      liveAlias: { version: seededVersion('shop-checkout-api-prod') },
      stack: expect.objectContaining({ stackName: 'shop-checkout-api-prod' }),
    });
    expect(prod.liveAlias?.version).toBe('2');
  });

  it('shows the payments-api hotfix that runs only in prod', () => {
    expect(primary('payments-api', 'staging').digest).toBe(
      digestOf('payments-api', 'v3.0.0'),
    );
    expect(primary('payments-api', 'prod').digest).toBe(
      digestOf('payments-api', 'v3.0.1-hotfix'),
    );
  });

  it('finds notifications-worker prod by its tags and says which name it should have', () => {
    expect(primary('notifications-worker', 'prod')).toMatchObject({
      functionName: 'shop-notifications-worker-production',
      discoveredBy: 'tags',
      expectedName: 'shop-notifications-worker-prod',
      stack: expect.objectContaining({
        stackName: 'shop-notifications-worker-prod',
      }),
    });
    const stagingTags = primary('notifications-worker', 'staging').tags;
    expect(stagingTags).toMatchObject({
      Project: 'shop',
      Environment: 'staging',
    });
    expect(stagingTags).not.toHaveProperty('Owner');
    expect(stagingTags).not.toHaveProperty('CostCenter');
  });

  it('reports the live configuration where reporting-api departs from the declaration', () => {
    expect(primary('reporting-api', 'staging').configuration.memorySize).toBe(
      512,
    );
    expect(primary('reporting-api', 'prod').configuration.timeout).toBe(60);
    expect(primary('inventory-service', 'prod').configuration).toMatchObject({
      packageType: 'Image',
      memorySize: 1024,
      timeout: 300,
    });
  });

  it('makes one GetFunction per function and at most one call per stack', () => {
    const functions = result.services.flatMap(s =>
      s.environments.flatMap(e => e.functions),
    );
    expect(functions).toHaveLength(15);
    const calls = aws.callCounter.callsByOperation();
    expect(calls['lambda:ListFunctions']).toBe(3);
    expect(calls['lambda:GetFunction']).toBe(15);
    expect(calls['cloudformation:ListStackResources']).toBeLessThanOrEqual(15);
    expect(functions.every(fn => fn.stack)).toBe(true);
  });
});
