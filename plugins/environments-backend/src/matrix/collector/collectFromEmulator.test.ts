import { createHash } from 'crypto';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { Emulator } from '@internal/demo-fleet';
import {
  ACCOUNTS,
  awsClientsIn,
  collectOnce,
  describeWithMoto,
  REGION,
  serviceStack,
  startAwsEmulator,
  tagFunction,
} from '../../__testUtils__/emulator';
import { AwsClientFactory } from '../../aws/AwsClientFactory';
import { service } from '../__testUtils__/demoFleet';
import { RefreshResult } from './types';

const SERVICES = [
  service('checkout-api'),
  service('notifications-worker'),
  service('search'),
];

/** Lambda's CodeSha256 of a zip package: base64 SHA-256 of its bytes. */
const zipDigest = (code: string) =>
  createHash('sha256').update(code).digest('base64');

describeWithMoto('collecting from the AWS emulator (moto)', () => {
  jest.setTimeout(120_000);
  let emulator: Emulator;
  let aws: AwsClientFactory;
  let result: RefreshResult;

  beforeAll(async () => {
    emulator = await startAwsEmulator();

    // The fleet, seeded in each account through the same assumed roles.
    const deploy = async (
      accountId: string,
      functionName: string,
      options: {
        stackName?: string;
        releases: string[];
        live?: number;
        tags?: Record<string, string>;
      },
    ) => {
      const { lambda, cloudFormation } = await awsClientsIn(
        emulator.endpoint,
        accountId,
      );
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: options.stackName ?? functionName,
          TemplateBody: serviceStack(functionName, {
            memorySize: 512,
            timeout: 120,
            variables: { SIGNING_SECRET: 'do-not-leak-this-value' },
          }),
        }),
      );
      for (const release of options.releases) {
        await lambda.send(
          new UpdateFunctionCodeCommand({
            FunctionName: functionName,
            ZipFile: Buffer.from(release),
          }),
        );
        await lambda.send(
          new PublishVersionCommand({
            FunctionName: functionName,
            Description: release,
          }),
        );
      }
      if (options.live) {
        await lambda.send(
          new CreateAliasCommand({
            FunctionName: functionName,
            Name: 'live',
            FunctionVersion: String(options.live),
          }),
        );
      }
      if (options.tags) {
        await tagFunction(
          emulator.endpoint,
          accountId,
          functionName,
          options.tags,
        );
      }
    };

    await deploy(ACCOUNTS.dev, 'shop-checkout-api-dev', {
      releases: ['checkout v1.5.0'],
      live: 1,
    });
    await deploy(ACCOUNTS.staging, 'shop-checkout-api-staging', {
      releases: ['checkout v1.4.0'],
      live: 1,
    });
    await deploy(ACCOUNTS.prod, 'shop-checkout-api-prod', {
      releases: ['checkout v1.3.1', 'checkout v1.3.2'],
      live: 2,
    });
    await deploy(ACCOUNTS.staging, 'shop-notifications-worker-staging', {
      releases: ['notify v2'],
      live: 1,
    });
    await deploy(ACCOUNTS.prod, 'shop-notifications-worker-production', {
      stackName: 'shop-notifications-worker-prod',
      releases: ['notify v2'],
      live: 1,
      tags: {
        Project: 'shop',
        Component: 'notifications-worker',
        Environment: 'production',
      },
    });
    // Published but never given a live alias.
    await deploy(ACCOUNTS.prod, 'shop-search-prod', {
      releases: ['search v0.1.0'],
    });
    // Of another team: never read.
    await deploy(ACCOUNTS.prod, 'crm-sync-prod', {
      releases: ['crm'],
      live: 1,
    });

    ({ result, aws } = await collectOnce(emulator.endpoint, SERVICES));
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  const environment = (component: string, env: string) =>
    result.services
      .find(s => s.entityRef === `component:default/${component}`)!
      .environments.find(e => e.environment === env)!;

  it('reads all three accounts through their assumed roles', () => {
    expect(result.failedLocations).toEqual([]);
    expect(
      result.services.every(s => s.environments.every(e => e.complete)),
    ).toBe(true);
  });

  it('shows the code each environment runs through its live alias', () => {
    const [dev, staging, prod] = ['dev', 'staging', 'prod'].map(
      env => environment('checkout-api', env).functions,
    );
    expect(dev).toEqual([
      expect.objectContaining({
        accountId: ACCOUNTS.dev,
        digest: zipDigest('checkout v1.5.0'),
        digestKind: 'zip',
      }),
    ]);
    expect(staging[0].digest).toBe(zipDigest('checkout v1.4.0'));
    expect(prod).toEqual([
      expect.objectContaining({
        accountId: ACCOUNTS.prod,
        region: REGION,
        functionName: 'shop-checkout-api-prod',
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNTS.prod}:function:shop-checkout-api-prod`,
        discoveredBy: 'convention',
        primary: true,
        liveAlias: { version: '2' },
        digest: zipDigest('checkout v1.3.2'),
        stack: expect.objectContaining({
          stackName: 'shop-checkout-api-prod',
          status: 'CREATE_COMPLETE',
        }),
      }),
    ]);
    expect(prod[0].configuration).toMatchObject({
      packageType: 'Zip',
      memorySize: 512,
      timeout: 120,
      runtime: 'nodejs20.x',
    });
  });

  it('finds the function that breaks the convention by its tags', () => {
    expect(environment('notifications-worker', 'prod').functions).toEqual([
      expect.objectContaining({
        functionName: 'shop-notifications-worker-production',
        discoveredBy: 'tags',
        expectedName: 'shop-notifications-worker-prod',
        stack: expect.objectContaining({
          stackName: 'shop-notifications-worker-prod',
        }),
      }),
    ]);
  });

  it('reports a function without a live alias from its latest code', () => {
    expect(environment('search', 'prod').functions).toEqual([
      expect.objectContaining({
        functionName: 'shop-search-prod',
        liveAlias: null,
        digest: zipDigest('search v0.1.0'),
      }),
    ]);
  });

  it('keeps environment variable names and never their values', () => {
    expect(
      environment('checkout-api', 'dev').functions[0].configuration
        .environmentVariableNames,
    ).toEqual(['SIGNING_SECRET']);
    expect(JSON.stringify(result)).not.toContain('do-not-leak-this-value');
  });

  it('stays within one GetFunction per service function and two calls per stack', () => {
    expect(aws.callCounter.callsByOperation()).toEqual({
      'lambda:ListFunctions': 3,
      // The six shop functions; crm-sync-prod is not read.
      'lambda:GetFunction': 6,
      // One tag walk per account, for all services.
      'tag:GetResources': 3,
      'cloudformation:DescribeStacks': 3,
      // moto does not tag functions with their stack: one call per shop stack.
      'cloudformation:ListStackResources': 6,
      // And one template per shop stack, for the stacks that define the live alias.
      'cloudformation:GetTemplate': 6,
    });
  });
});
