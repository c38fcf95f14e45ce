import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { createHash } from 'crypto';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import {
  BenchFunction,
  ENVIRONMENTS,
  REGION,
  RELEASES,
  REPOSITORY,
} from './fleet';
import { forEachConcurrently } from './concurrency';

/** Requests the seeder keeps in flight against the emulator. */
const SEED_CONCURRENCY = 16;
const MANIFEST_MEDIA_TYPE =
  'application/vnd.docker.distribution.manifest.v2+json';

/** The manifest of release `index`: the same bytes, so the same digest, in every account (as ECR replication gives). */
export function releaseManifest(index: number): {
  manifest: string;
  digest: string;
} {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 2,
      digest: `sha256:${createHash('sha256')
        .update(`bench release ${index}`)
        .digest('hex')}`,
    },
    layers: [],
  });
  // What ECR computes; moto needs it given, or it computes another one.
  const digest = `sha256:${createHash('sha256')
    .update(manifest)
    .digest('hex')}`;
  return { manifest, digest };
}

interface AccountClients {
  lambda: LambdaClient;
  cloudFormation: CloudFormationClient;
  ecr: ECRClient;
}

/**
 * The `aws` config the benchmark runs with: static keys for the main account and a role assumed in
 * every account, which on the emulator makes calls act in that account (as on AWS). Needs
 * AWS_ENDPOINT_URL_STS pointing at the emulator, so the manager's own STS calls go there.
 */
export function benchAwsConfig(endpoint: string) {
  return new ConfigReader({
    aws: {
      mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
      accountDefaults: { roleName: 'environments-reader' },
    },
    environments: {
      accounts: ENVIRONMENTS.map(e => ({
        accountId: e.locations[0].accountId,
        endpoint,
      })),
    },
  });
}

async function accountClients(
  endpoint: string,
  accountId: string,
): Promise<AccountClients> {
  const credentials = DefaultAwsCredentialsManager.fromConfig(
    benchAwsConfig(endpoint),
  );
  const { sdkCredentialProvider } = await credentials.getCredentialProvider({
    accountId,
  });
  const config = {
    endpoint,
    region: REGION,
    credentials: sdkCredentialProvider,
  };
  return {
    lambda: new LambdaClient(config),
    cloudFormation: new CloudFormationClient(config),
    // The plugin never reads ECR: the emulator only needs the images its functions refer to.
    ecr: new ECRClient(config),
  };
}

/** The functions' execution role, made by a stack: Lambda on the emulator checks that it exists. */
async function createExecutionRole(
  cloudFormation: CloudFormationClient,
): Promise<string> {
  const StackName = 'bench-execution-role';
  await cloudFormation.send(
    new CreateStackCommand({
      StackName,
      TemplateBody: JSON.stringify({
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'bench-function-execution',
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
        },
        Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      }),
    }),
  );
  const { Stacks } = await cloudFormation.send(
    new DescribeStacksCommand({ StackName }),
  );
  const arn = Stacks?.[0]?.Outputs?.find(
    o => o.OutputKey === 'RoleArn',
  )?.OutputValue;
  if (!arn) {
    throw new Error(
      `Stack ${StackName} has no RoleArn output (${Stacks?.[0]?.StackStatus})`,
    );
  }
  return arn;
}

/** A stack holding the function (moto makes it a Zip function; it is recreated as an image function). */
function stackTemplate(fn: BenchFunction, roleArn: string): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: fn.functionName,
          Role: roleArn,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: 'exports.handler = async () => "placeholder"' },
        },
      },
    },
  });
}

/**
 * Creates the fleet in the emulator: per account an ECR repository with the release images and an
 * execution role (made by a stack); per function a stack when it has one, the image function (tagged),
 * its published versions and its `live` alias on the last one. Returns how many AWS requests seeding took.
 */
export async function seedFleet(
  endpoint: string,
  functions: BenchFunction[],
): Promise<{ requests: number }> {
  let requests = 0;
  const clients = new Map<string, AccountClients>();
  const roles = new Map<string, string>();
  for (const environment of ENVIRONMENTS) {
    const { accountId } = environment.locations[0];
    const account = await accountClients(endpoint, accountId);
    clients.set(accountId, account);
    await account.ecr.send(
      new CreateRepositoryCommand({ repositoryName: REPOSITORY }),
    );
    for (let release = 0; release < RELEASES; release++) {
      const { manifest, digest } = releaseManifest(release);
      await account.ecr.send(
        new PutImageCommand({
          repositoryName: REPOSITORY,
          imageTag: `r${release}`,
          imageManifest: manifest,
          imageManifestMediaType: MANIFEST_MEDIA_TYPE,
          imageDigest: digest,
        }),
      );
    }
    roles.set(accountId, await createExecutionRole(account.cloudFormation));
    requests += 3 + RELEASES;
  }

  await forEachConcurrently(functions, SEED_CONCURRENCY, async fn => {
    const { lambda, cloudFormation } = clients.get(fn.accountId)!;
    const roleArn = roles.get(fn.accountId)!;
    if (fn.stackName) {
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: fn.stackName,
          TemplateBody: stackTemplate(fn, roleArn),
        }),
      );
      // The stack still lists the function under its name after it is recreated.
      await lambda.send(
        new DeleteFunctionCommand({ FunctionName: fn.functionName }),
      );
      requests += 2;
    }
    const imageUri = (release: number) =>
      `${fn.accountId}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}@${
        releaseManifest(release).digest
      }`;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn.functionName,
        PackageType: 'Image',
        Code: { ImageUri: imageUri(fn.releases[0]) },
        Role: roleArn,
        MemorySize: 1024,
        Timeout: 300,
        Publish: true,
        Tags: fn.tags,
      }),
    );
    // Each later release is a deployment: new code, then a published version.
    for (const release of fn.releases.slice(1)) {
      await lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: fn.functionName,
          ImageUri: imageUri(release),
        }),
      );
      await lambda.send(
        new PublishVersionCommand({ FunctionName: fn.functionName }),
      );
      requests += 2;
    }
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: fn.functionName,
        Name: 'live',
        FunctionVersion: String(fn.releases.length),
      }),
    );
    requests += 2;
  });
  return { requests };
}
