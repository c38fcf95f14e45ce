import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { Config, ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { JsonObject } from '@backstage/types';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import {
  Emulator,
  findMotoServer,
  loadDemoFleet,
  releaseImage,
  startEmulator,
} from '@internal/demo-fleet';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { AwsEnvironmentCollector } from '../matrix/collector/AwsEnvironmentCollector';
import { RefreshResult, ServiceDescriptor } from '../matrix/collector/types';
import { service } from '../matrix/__testUtils__/demoFleet';

function motoAvailable(): boolean {
  try {
    findMotoServer();
    return true;
  } catch (error) {
    // scripts/test.sh (and so CI) always provides moto: there, a missing one fails instead of skipping.
    if (process.env.MOTO_SERVER_BIN || process.env.CI) {
      throw error;
    }
    return false;
  }
}

/**
 * `describe` for suites that need the AWS emulator; a bare `package test` without .venv skips them.
 * Undefined outside Jest (a backend instance a test runs in a process of its own loads this module too).
 */
function describeIfMoto(): jest.Describe {
  if (typeof describe === 'undefined') {
    return undefined as unknown as jest.Describe;
  }
  return motoAvailable() ? describe : describe.skip;
}
export const describeWithMoto = describeIfMoto();

/**
 * Starts a fresh emulator and points STS at it, as scripts/start.sh does for the backend, so that the
 * credentials manager assumes its role in each account there. `env` sets more variables meanwhile;
 * `stop()` restores them all and stops the emulator.
 */
export async function startAwsEmulator(
  options: { env?: Record<string, string> } = {},
): Promise<Emulator> {
  const emulator = await startEmulator();
  const variables: Record<string, string> = {
    AWS_ENDPOINT_URL_STS: emulator.endpoint,
    ...options.env,
  };
  const saved = Object.keys(variables).map(name => ({
    name,
    value: process.env[name],
  }));
  Object.assign(process.env, variables);
  return {
    endpoint: emulator.endpoint,
    async stop() {
      for (const { name, value } of saved) {
        if (value === undefined) {
          delete process.env[name];
        } else {
          process.env[name] = value;
        }
      }
      await emulator.stop();
    },
  };
}

/** The demo fleet (examples/fleet/demo-fleet.yaml): what `seedDemoFleet` creates in the emulator. */
export const DEMO_FLEET = loadDemoFleet();
export const REGION = DEMO_FLEET.region;
/** The account of each environment, by environment name. */
export const ACCOUNTS: Record<string, string> = Object.fromEntries(
  DEMO_FLEET.environments.map(env => [env.name, env.accountId]),
);
export const DEMO_ENVIRONMENTS: EnvironmentDefinition[] =
  DEMO_FLEET.environments.map(env => ({
    name: env.name,
    title: env.name,
    shortName: env.shortName,
    longName: env.longName,
    locations: [{ accountId: env.accountId, region: REGION }],
  }));

/** The demo fleet's services, with their owners and system as the catalog has them. */
export const DEMO_SERVICES: ServiceDescriptor[] = DEMO_FLEET.services.map(s =>
  service(s.component, s.owner),
);

/** The image digest of a release of the demo fleet: the same in every account. */
export function digestOf(component: string, release: string): string {
  return releaseImage(component, release).digest;
}

/**
 * The plugin's config on the emulator: the main account's keys and the role it assumes to read each
 * account (as on AWS), every account's endpoint the emulator's. `environments` adds to the
 * `environments` section (definitions, compliance, promotion); `account` to each of its accounts.
 */
export function emulatorConfig(
  endpoint: string,
  options: { environments?: JsonObject; account?: JsonObject } = {},
): ConfigReader {
  return new ConfigReader({
    aws: {
      mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
      accountDefaults: { roleName: 'environments-reader' },
    },
    environments: {
      ...options.environments,
      accounts: Object.values(ACCOUNTS).map(accountId => ({
        accountId,
        endpoint,
        ...options.account,
      })),
    },
  });
}

/** The collector as the plugin builds it from config, and its client factory, which counts the calls. */
export function collectorFor(config: Config): {
  collector: AwsEnvironmentCollector;
  aws: AwsClientFactory;
} {
  const aws = AwsClientFactory.fromConfig(config);
  return {
    collector: AwsEnvironmentCollector.fromConfig(config, { readers: aws }),
    aws,
  };
}

/** The demo's naming convention of Lambda functions, as app-config.yaml configures it. */
export const DEMO_NAMING = {
  compliance: {
    naming: { conventions: { lambdaFunction: '{project}-{component}-{env}' } },
  },
};

/** Collects the demo's environments once from the emulator, as the plugin configured for it does. */
export async function collectOnce(
  endpoint: string,
  services: ServiceDescriptor[],
): Promise<{ result: RefreshResult; aws: AwsClientFactory }> {
  const { collector, aws } = collectorFor(
    emulatorConfig(endpoint, { environments: DEMO_NAMING }),
  );
  const result = await collector.collect({
    environments: DEMO_ENVIRONMENTS,
    services,
  });
  return { result, aws };
}

/** Clients acting in an account (and region) of the emulator through the role the plugin reads with. */
export async function awsClientsIn(
  endpoint: string,
  accountId: string,
  region: string = REGION,
) {
  const { sdkCredentialProvider } =
    await DefaultAwsCredentialsManager.fromConfig(
      emulatorConfig(endpoint),
    ).getCredentialProvider({ accountId });
  const clientConfig = {
    region,
    endpoint,
    credentials: sdkCredentialProvider,
  };
  return {
    lambda: new LambdaClient(clientConfig),
    cloudFormation: new CloudFormationClient(clientConfig),
    ssm: new SSMClient(clientConfig),
    secretsManager: new SecretsManagerClient(clientConfig),
  };
}

/** A function's ARN in the demo's region. */
export function functionArn(accountId: string, functionName: string): string {
  return `arn:aws:lambda:${REGION}:${accountId}:function:${functionName}`;
}

/** Tags a function in an account of the emulator. */
export async function tagFunction(
  endpoint: string,
  accountId: string,
  functionName: string,
  tags: Record<string, string>,
): Promise<void> {
  const { lambda } = await awsClientsIn(endpoint, accountId);
  await lambda.send(
    new TagResourceCommand({
      Resource: functionArn(accountId, functionName),
      Tags: tags,
    }),
  );
}

/** The template of a service's stack in one environment: an IAM role and one zip Lambda function. */
export function serviceStack(
  functionName: string,
  settings: {
    memorySize: number;
    timeout: number;
    variables: Record<string, string>;
  },
): string {
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
          MemorySize: settings.memorySize,
          Timeout: settings.timeout,
          Environment: { Variables: settings.variables },
        },
      },
    },
  });
}
