import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  Stack,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  paginateListImages,
  PutImageCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  ListTagsCommand,
  paginateListVersionsByFunction,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DemoEnvironment, DemoFleet, loadDemoFleet } from './fleet';
import { PLATFORM_HELLO_IMAGE, ReleaseImage } from './images';
import { PlannedFunction, planEnvironment, serviceImages } from './plan';
import { ensureSettings } from './settings';

/** Options of {@link seedDemoFleet}. */
export interface SeedOptions {
  /** The AWS endpoint of every service, e.g. the emulator's `http://127.0.0.1:4566`. */
  endpoint: string;
  /** Defaults to the fleet's region. */
  region?: string;
  /** Defaults to examples/fleet/demo-fleet.yaml. */
  fleet?: DemoFleet;
  /** Receives one line per thing created or changed. */
  logger?: (message: string) => void;
}

/** A function of the fleet after seeding. */
export interface SeededFunction {
  component: string;
  functionName: string;
  stackName: string;
  /** Number of published versions. */
  versions: number;
  /** The version the `live` alias points at, and the release and digest it runs. */
  liveVersion: string;
  liveRelease: string;
  digest: string;
}

/** What one account holds after seeding, and what this run changed there. */
export interface AccountSeedSummary {
  accountId: string;
  environments: string[];
  repositories: number;
  images: number;
  functions: SeededFunction[];
  /** One line per thing created or changed by this run; empty when the account was already seeded. */
  changes: string[];
}

/** The result of {@link seedDemoFleet}. */
export interface SeedSummary {
  endpoint: string;
  region: string;
  accounts: AccountSeedSummary[];
  /** Total number of changes; 0 when the fleet was already in place. */
  changes: number;
  durationMs: number;
}

/** The role assumed in every account, as an operator's deployment role would be on AWS. */
export const SEEDER_ROLE_NAME = 'demo-fleet-seeder';
const LIVE_ALIAS = 'live';
// Any keys do against the emulator; on AWS they would be the caller's own credentials.
const STATIC_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

async function assertReachable(endpoint: string): Promise<void> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause =
      (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(
      `Cannot reach the AWS endpoint ${endpoint} (${cause}). Is the emulator running? ` +
        'scripts/start.sh starts it on port 4566.',
    );
  }
}

async function assumeSeederRole(
  endpoint: string,
  region: string,
  accountId: string,
) {
  const sts = new STSClient({
    endpoint,
    region,
    credentials: STATIC_CREDENTIALS,
  });
  const roleArn = `arn:aws:iam::${accountId}:role/${SEEDER_ROLE_NAME}`;
  const { Credentials: assumed } = await sts
    .send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: SEEDER_ROLE_NAME,
      }),
    )
    .catch(error => {
      throw new Error(`Could not assume ${roleArn}: ${error.message}`);
    });
  if (!assumed?.AccessKeyId || !assumed.SecretAccessKey) {
    throw new Error(`Assuming ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: assumed.AccessKeyId,
    secretAccessKey: assumed.SecretAccessKey,
    sessionToken: assumed.SessionToken,
  };
}

const hex = (digest: string) => digest.replace(/^sha256:/, '');

type ClientConfig = {
  endpoint: string;
  region: string;
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  };
};

/** Seeds one account; every `ensure…` reads first and changes only what differs from the plan. */
class AccountSeeder {
  private readonly iam: IAMClient;
  private readonly ecr: ECRClient;
  private readonly cloudFormation: CloudFormationClient;
  private readonly lambda: LambdaClient;
  readonly ssm: SSMClient;
  readonly secretsManager: SecretsManagerClient;
  private readonly changes: string[] = [];

  constructor(
    config: ClientConfig,
    private readonly accountId: string,
    private readonly region: string,
    private readonly log: (message: string) => void,
  ) {
    this.iam = new IAMClient(config);
    this.ecr = new ECRClient(config);
    this.cloudFormation = new CloudFormationClient(config);
    this.lambda = new LambdaClient(config);
    this.ssm = new SSMClient(config);
    this.secretsManager = new SecretsManagerClient(config);
  }

  async seed(
    fleet: DemoFleet,
    environments: DemoEnvironment[],
  ): Promise<AccountSeedSummary> {
    await this.ensureRepository(PLATFORM_HELLO_IMAGE.repository);
    let images = await this.ensureImages(PLATFORM_HELLO_IMAGE.repository, [
      PLATFORM_HELLO_IMAGE,
    ]);
    for (const service of fleet.services) {
      await this.ensureRepository(service.component);
      images += await this.ensureImages(
        service.component,
        serviceImages(service),
      );
    }
    const roleArn = await this.ensureExecutionRole(fleet.project);
    const functions: SeededFunction[] = [];
    for (const environment of environments) {
      for (const planned of planEnvironment(fleet, environment)) {
        functions.push(await this.ensureFunction(fleet, planned, roleArn));
      }
    }
    return {
      accountId: this.accountId,
      environments: environments.map(e => e.name),
      repositories: fleet.services.length + 1,
      images,
      functions,
      changes: this.changes,
    };
  }

  private changed(message: string) {
    this.changes.push(message);
    this.log(message);
  }

  private async ensureRepository(repositoryName: string) {
    try {
      await this.ecr.send(
        new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }),
      );
    } catch (error) {
      if (!(error instanceof RepositoryNotFoundException)) throw error;
      // Release tags never move, as in a real release process.
      await this.ecr.send(
        new CreateRepositoryCommand({
          repositoryName,
          imageTagMutability: 'IMMUTABLE',
        }),
      );
      this.changed(`created ECR repository ${repositoryName}`);
    }
  }

  /** Pushes the release images the repository lacks; returns how many images it holds. */
  private async ensureImages(
    repositoryName: string,
    images: ReleaseImage[],
  ): Promise<number> {
    const existing = new Map<string, string>();
    for await (const page of paginateListImages(
      { client: this.ecr },
      { repositoryName },
    )) {
      for (const id of page.imageIds ?? []) {
        if (id.imageTag && id.imageDigest)
          existing.set(id.imageTag, id.imageDigest);
      }
    }
    for (const image of images) {
      const found = existing.get(image.release);
      if (found === image.digest) continue;
      if (found) {
        throw new Error(
          `ECR repository ${repositoryName} in account ${this.accountId} has ${image.release} as ${found}, ` +
            `but the fleet's ${image.release} is ${image.digest}: the emulator holds another fleet; restart it.`,
        );
      }
      // Without imageDigest the emulator computes a digest of its own; ECR's is sha256(manifest).
      await this.ecr.send(
        new PutImageCommand({
          repositoryName,
          imageTag: image.release,
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType,
          imageDigest: image.digest,
        }),
      );
      this.changed(
        `pushed ${repositoryName}:${image.release} (${image.digest})`,
      );
    }
    return images.length;
  }

  private async ensureExecutionRole(project: string): Promise<string> {
    const roleName = `${project}-function-execution`;
    try {
      const { Role } = await this.iam.send(
        new GetRoleCommand({ RoleName: roleName }),
      );
      return Role!.Arn!;
    } catch (error) {
      if (!(error instanceof NoSuchEntityException)) throw error;
    }
    const { Role } = await this.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        Description: 'Execution role of the demo fleet functions',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    this.changed(`created IAM role ${roleName}`);
    return Role!.Arn!;
  }

  private imageUri(planned: PlannedFunction, image: ReleaseImage) {
    return `${this.accountId}.dkr.ecr.${this.region}.amazonaws.com/${planned.repositoryName}@${image.digest}`;
  }

  private async ensureFunction(
    fleet: DemoFleet,
    planned: PlannedFunction,
    roleArn: string,
  ): Promise<SeededFunction> {
    const { functionName } = planned;
    await this.ensureStack(fleet, planned, roleArn);
    for (const change of await ensureSettings(this, planned)) {
      this.changed(change);
    }
    const functionArn = await this.ensureImageFunction(planned, roleArn);
    await this.ensureConcurrency(planned);
    const versions = await this.ensureVersions(planned);
    await this.ensureTags(planned, functionArn);

    const live = versions[versions.length - 1].Version!;
    await this.ensureLiveAlias(functionName, live);

    const liveImage = planned.releases[planned.releases.length - 1];
    return {
      component: planned.service.component,
      functionName,
      stackName: planned.stackName,
      versions: versions.length,
      liveVersion: live,
      liveRelease: liveImage.release,
      digest: liveImage.digest,
    };
  }

  private async describeStack(stackName: string): Promise<Stack | undefined> {
    try {
      const { Stacks } = await this.cloudFormation.send(
        new DescribeStacksCommand({ StackName: stackName }),
      );
      return Stacks?.[0];
    } catch (error) {
      if (
        (error as Error).name === 'ValidationError' &&
        /does not exist/.test((error as Error).message)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** The stack that holds the function and its first version, as a team's deployment would create it. */
  private async ensureStack(
    fleet: DemoFleet,
    planned: PlannedFunction,
    roleArn: string,
  ) {
    const { stackName } = planned;
    const existing = await this.describeStack(stackName);
    if (existing) {
      if (
        !/_COMPLETE$/.test(existing.StackStatus ?? '') ||
        /ROLLBACK|DELETE/.test(existing.StackStatus ?? '')
      ) {
        throw new Error(
          `Stack ${stackName} in account ${this.accountId} is ${existing.StackStatus}; delete it or restart the emulator.`,
        );
      }
      return;
    }
    const first = planned.releases[0];
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `${fleet.title}: ${planned.service.component} in ${planned.environment.name}`,
      Resources: {
        Function: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: planned.functionName,
            PackageType: 'Image',
            Code: { ImageUri: this.imageUri(planned, first) },
            Role: roleArn,
            MemorySize: planned.memorySize,
            Timeout: planned.timeout,
            Environment: { Variables: planned.settings.variables },
            ReservedConcurrentExecutions: planned.reservedConcurrency,
            Tags: Object.entries(planned.tags).map(([Key, Value]) => ({
              Key,
              Value,
            })),
          },
        },
        FirstVersion: {
          Type: 'AWS::Lambda::Version',
          Properties: {
            FunctionName: { Ref: 'Function' },
            Description: first.release,
          },
        },
        ...(planned.stackOwnsLiveAlias && {
          LiveAlias: {
            Type: 'AWS::Lambda::Alias',
            Properties: {
              FunctionName: { Ref: 'Function' },
              Name: 'live',
              FunctionVersion: { 'Fn::GetAtt': ['FirstVersion', 'Version'] },
            },
          },
        }),
      },
    };
    await this.cloudFormation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(template),
      }),
    );
    await waitUntilStackCreateComplete(
      {
        client: this.cloudFormation,
        maxWaitTime: 300,
        minDelay: 1,
        maxDelay: 5,
      },
      { StackName: stackName },
    ).catch(async error => {
      const stack = await this.describeStack(stackName);
      throw new Error(
        `Stack ${stackName} in account ${this.accountId} was not created: ` +
          `${stack?.StackStatus ?? 'unknown status'} ${
            stack?.StackStatusReason ?? error.message
          }`,
      );
    });
    this.changed(
      `created stack ${stackName} (function ${planned.functionName}, ${first.release})`,
    );
  }

  /**
   * Makes sure the stack's function is an image function. moto 5.2.5 drops `PackageType` from
   * templates and creates a Zip function; then the function is recreated under the same name with
   * the Lambda API, so the stack still lists it and Lambda reports it as on AWS. On AWS this never runs.
   */
  private async ensureImageFunction(
    planned: PlannedFunction,
    roleArn: string,
  ): Promise<string> {
    const { functionName } = planned;
    let current: FunctionConfiguration | undefined;
    try {
      current = (
        await this.lambda.send(
          new GetFunctionCommand({ FunctionName: functionName }),
        )
      ).Configuration;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (current?.PackageType === 'Image') return current.FunctionArn!;
    if (current) {
      await this.lambda.send(
        new DeleteFunctionCommand({ FunctionName: functionName }),
      );
    }
    const first = planned.releases[0];
    const created = await this.lambda.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        PackageType: 'Image',
        Code: { ImageUri: this.imageUri(planned, first) },
        Role: roleArn,
        MemorySize: planned.memorySize,
        Timeout: planned.timeout,
        Environment: { Variables: planned.settings.variables },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: this.lambda, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
      { FunctionName: functionName },
    );
    await this.ensureConcurrency(planned);
    await this.publish(functionName, first);
    this.changed(
      `recreated ${functionName} as an image function (the emulator made the stack's function a Zip function)`,
    );
    return created.FunctionArn!;
  }

  /**
   * Sets the reserved concurrency before versions are published: the emulator copies it into each version
   * when it is published and answers GetFunction(live) with the copy (AWS answers the function's value).
   */
  private async ensureConcurrency(planned: PlannedFunction) {
    const { functionName, reservedConcurrency } = planned;
    const { ReservedConcurrentExecutions: concurrency } =
      await this.lambda.send(
        new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
      );
    if (concurrency !== reservedConcurrency) {
      await this.lambda.send(
        new PutFunctionConcurrencyCommand({
          FunctionName: functionName,
          ReservedConcurrentExecutions: reservedConcurrency,
        }),
      );
      this.changed(
        `set ${functionName} reserved concurrency to ${reservedConcurrency}`,
      );
    }
  }

  private async publish(functionName: string, image: ReleaseImage) {
    const published = await this.lambda.send(
      new PublishVersionCommand({
        FunctionName: functionName,
        Description: image.release,
      }),
    );
    if (published.CodeSha256 !== hex(image.digest)) {
      throw new Error(
        `${functionName} version ${published.Version} runs ${published.CodeSha256}, expected ${image.digest} (${image.release})`,
      );
    }
    return published;
  }

  /** Publishes the releases that have no version yet, in order; returns every published version. */
  private async ensureVersions(
    planned: PlannedFunction,
  ): Promise<FunctionConfiguration[]> {
    const { functionName, releases } = planned;
    const versions: FunctionConfiguration[] = [];
    for await (const page of paginateListVersionsByFunction(
      { client: this.lambda },
      { FunctionName: functionName },
    )) {
      versions.push(
        ...(page.Versions ?? []).filter(v => v.Version !== '$LATEST'),
      );
    }
    versions.sort((a, b) => Number(a.Version) - Number(b.Version));

    const mismatch = versions.findIndex(
      (version, i) =>
        i >= releases.length || version.CodeSha256 !== hex(releases[i].digest),
    );
    if (mismatch >= 0) {
      throw new Error(
        `${functionName} in account ${this.accountId} has version ${versions[mismatch].Version} running ` +
          `${versions[mismatch].CodeSha256}, which is not release ${
            mismatch + 1
          } of the fleet's history ` +
          `(${releases
            .map(r => r.release)
            .join(', ')}): the emulator holds another fleet; restart it.`,
      );
    }

    for (const image of releases.slice(versions.length)) {
      await this.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: functionName,
          ImageUri: this.imageUri(planned, image),
        }),
      );
      await waitUntilFunctionUpdatedV2(
        { client: this.lambda, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
        { FunctionName: functionName },
      ).catch(error => {
        throw new Error(
          `${functionName} did not finish updating to ${image.release}: ${error.message}`,
        );
      });
      const published = await this.publish(functionName, image);
      versions.push(published);
      this.changed(
        `published ${functionName} version ${published.Version} (${image.release})`,
      );
    }
    return versions;
  }

  /** CloudFormation on the emulator does not apply a function's Tags, so they are set here. */
  private async ensureTags(planned: PlannedFunction, functionArn: string) {
    const { Tags: current = {} } = await this.lambda.send(
      new ListTagsCommand({ Resource: functionArn }),
    );
    const missing = Object.fromEntries(
      Object.entries(planned.tags).filter(
        ([key, value]) => current[key] !== value,
      ),
    );
    if (Object.keys(missing).length > 0) {
      await this.lambda.send(
        new TagResourceCommand({ Resource: functionArn, Tags: missing }),
      );
      this.changed(
        `tagged ${planned.functionName} with ${Object.keys(missing).join(
          ', ',
        )}`,
      );
    }
    // Required tags the story leaves out must stay out.
    const unwanted = (
      planned.service.environments[planned.environment.name].omitTags ?? []
    ).filter(key => key in current);
    if (unwanted.length > 0) {
      await this.lambda.send(
        new UntagResourceCommand({ Resource: functionArn, TagKeys: unwanted }),
      );
      this.changed(
        `removed tags ${unwanted.join(', ')} from ${planned.functionName}`,
      );
    }
  }

  private async ensureLiveAlias(functionName: string, version: string) {
    const current = await this.lambda
      .send(
        new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS }),
      )
      .catch(error => {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      });
    if (!current) {
      await this.lambda.send(
        new CreateAliasCommand({
          FunctionName: functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: version,
        }),
      );
      this.changed(
        `created ${functionName}:${LIVE_ALIAS} on version ${version}`,
      );
    } else if (current.FunctionVersion !== version) {
      await this.lambda.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: version,
        }),
      );
      this.changed(
        `moved ${functionName}:${LIVE_ALIAS} from version ${current.FunctionVersion} to ${version}`,
      );
    }
  }
}

/**
 * Creates the demo fleet (ECR images, execution role, one CloudFormation stack per function,
 * published versions, tags and `live` aliases) in every account of the fleet. Idempotent: it reads
 * what exists and creates only what is missing, so a second run changes nothing.
 */
export async function seedDemoFleet(
  options: SeedOptions,
): Promise<SeedSummary> {
  const started = Date.now();
  const fleet = options.fleet ?? loadDemoFleet();
  const region = options.region ?? fleet.region;
  const log = options.logger ?? (() => {});
  await assertReachable(options.endpoint);

  // Environments that share an account are seeded one after the other, accounts side by side.
  const byAccount = new Map<string, DemoEnvironment[]>();
  for (const environment of fleet.environments) {
    byAccount.set(environment.accountId, [
      ...(byAccount.get(environment.accountId) ?? []),
      environment,
    ]);
  }
  const accounts = await Promise.all(
    [...byAccount].map(async ([accountId, environments]) => {
      const credentials = await assumeSeederRole(
        options.endpoint,
        region,
        accountId,
      );
      const seeder = new AccountSeeder(
        { endpoint: options.endpoint, region, credentials },
        accountId,
        region,
        message =>
          log(
            `[${environments
              .map(e => e.name)
              .join(', ')} ${accountId}] ${message}`,
          ),
      );
      return seeder.seed(fleet, environments);
    }),
  );
  return {
    endpoint: options.endpoint,
    region,
    accounts,
    changes: accounts.reduce((sum, account) => sum + account.changes.length, 0),
    durationMs: Date.now() - started,
  };
}
