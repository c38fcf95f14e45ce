import { createHash } from 'crypto';
import {
  CloudFormationClient,
  CreateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  LambdaClient,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { Moto, motoServerBinary, startMoto } from '../aws/__testUtils__/moto';
import { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
import { RefreshResult } from './types';

const REGION = 'eu-west-1';
const ACCOUNTS = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};
const ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
    locations: [{ accountId: ACCOUNTS.dev, region: REGION }],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
    locations: [{ accountId: ACCOUNTS.staging, region: REGION }],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [{ accountId: ACCOUNTS.prod, region: REGION }],
  },
];
const service = (component: string) => ({
  entityRef: `component:default/${component}`,
  project: 'shop',
  component,
  explicitFunctionNames: {},
});
const SERVICES = [
  service('checkout-api'),
  service('notifications-worker'),
  service('search'),
];

/** Lambda's CodeSha256 of a zip package: base64 SHA-256 of its bytes. */
const zipDigest = (code: string) =>
  createHash('sha256').update(code).digest('base64');

/** The stack moto creates for a service in an environment: an IAM role and the function. */
function serviceStack(functionName: string) {
  return JSON.stringify({
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'lambda.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: functionName,
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: 'exports.handler = async () => "placeholder"' },
          MemorySize: 512,
          Timeout: 120,
          Environment: {
            Variables: { SIGNING_SECRET: 'do-not-leak-this-value' },
          },
        },
      },
    },
  });
}

const binary = motoServerBinary();
if (!binary && process.env.MOTO_SERVER_BIN) {
  throw new Error(
    `MOTO_SERVER_BIN is set to ${process.env.MOTO_SERVER_BIN}, which does not exist`,
  );
}
// scripts/test.sh (and so CI) always provides moto; a bare `package test` without .venv skips this suite.
const describeWithMoto = binary ? describe : describe.skip;

describeWithMoto('collecting from the AWS emulator (moto)', () => {
  jest.setTimeout(120_000);
  let moto: Moto;
  let aws: AwsClientFactory;
  let result: RefreshResult;
  const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

  beforeAll(async () => {
    moto = await startMoto(binary!);
    // The credentials manager's own STS calls (AssumeRole per account) go to the emulator too.
    process.env.AWS_ENDPOINT_URL_STS = moto.endpoint;
    const config = new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
        accountDefaults: { roleName: 'environments-reader' },
      },
      environments: {
        accounts: Object.values(ACCOUNTS).map(accountId => ({
          accountId,
          endpoint: moto.endpoint,
        })),
      },
    });
    const credentials = DefaultAwsCredentialsManager.fromConfig(config);

    // The fleet, seeded in each account through the same assumed roles.
    const clients = async (accountId: string) => {
      const { sdkCredentialProvider } = await credentials.getCredentialProvider(
        { accountId },
      );
      const clientConfig = {
        region: REGION,
        endpoint: moto.endpoint,
        credentials: sdkCredentialProvider,
      };
      return {
        lambda: new LambdaClient(clientConfig),
        cloudFormation: new CloudFormationClient(clientConfig),
      };
    };
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
      const { lambda, cloudFormation } = await clients(accountId);
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: options.stackName ?? functionName,
          TemplateBody: serviceStack(functionName),
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
        const arn = `arn:aws:lambda:${REGION}:${accountId}:function:${functionName}`;
        await lambda.send(
          new TagResourceCommand({ Resource: arn, Tags: options.tags }),
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

    aws = AwsClientFactory.fromConfig(config);
    const collector = AwsEnvironmentCollector.fromConfig(config, {
      readers: aws,
    });
    result = await collector.collect({
      environments: ENVIRONMENTS,
      services: SERVICES,
    });
  });

  afterAll(async () => {
    if (previousStsEndpoint === undefined) {
      delete process.env.AWS_ENDPOINT_URL_STS;
    } else {
      process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
    }
    await moto?.stop();
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

  it('stays within one GetFunction per service function and one call per stack', () => {
    expect(aws.callCounter.callsByOperation()).toEqual({
      'lambda:ListFunctions': 3,
      // The six shop functions; crm-sync-prod is not read.
      'lambda:GetFunction': 6,
      'cloudformation:DescribeStacks': 3,
      // moto does not tag functions with their stack: one call per shop stack.
      'cloudformation:ListStackResources': 6,
    });
  });
});
