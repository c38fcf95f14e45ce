import { Emulator, seedDemoFleet, SeedSummary } from '@internal/demo-fleet';
import {
  collectOnce,
  DEMO_SERVICES,
  describeWithMoto,
  digestOf,
  startAwsEmulator,
} from '../../__testUtils__/emulator';
import { AwsClientFactory } from '../../aws/AwsClientFactory';
import { RefreshResult } from './types';

describeWithMoto('collecting the demo fleet from the emulator', () => {
  jest.setTimeout(180_000);
  let emulator: Emulator;
  let seeded: SeedSummary;
  let aws: AwsClientFactory;
  let result: RefreshResult;

  beforeAll(async () => {
    emulator = await startAwsEmulator();
    seeded = await seedDemoFleet({ endpoint: emulator.endpoint });
    ({ result, aws } = await collectOnce(emulator.endpoint, DEMO_SERVICES));
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  const primary = (component: string, env: string) => {
    const found = result.services
      .find(s => s.entityRef === `component:default/${component}`)!
      .environments.find(e => e.environment === env)!;
    expect(found.complete).toBe(true);
    return found.functions.find(fn => fn.primary)!;
  };
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
