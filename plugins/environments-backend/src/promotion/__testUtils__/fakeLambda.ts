import { createHash, randomUUID } from 'crypto';
import {
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { Entity } from '@backstage/catalog-model';
import {
  FunctionResource,
  PROJECT_ANNOTATION,
} from '@internal/backstage-plugin-environments-common';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaDeployer } from '../../aws/LambdaDeployer';
import { AwsLocation } from '../../aws/types';
import { DeployerSource } from '../../aws/types';
import { FunctionLocator } from '../../matrix/FunctionLocator';

/** The digest of a release, as ECR computes it from the manifest. */
export function digestOf(release: string): string {
  return `sha256:${createHash('sha256').update(release).digest('hex')}`;
}

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name });

interface FakeVersion {
  codeSha256: string;
  imageUri: string;
  lastModified: string;
}

/**
 * One Lambda image function kept in memory and served through a mocked LambdaClient, so the real
 * LambdaDeployer runs against it: versions, `$LATEST`, the `live` alias with a RevisionId that changes
 * on every update, and AWS's guards (CodeSha256 and RevisionId preconditions). Hooks let a test change
 * the function behind the promotion's back.
 */
export class FakeFunction {
  readonly versions = new Map<string, FakeVersion>();
  latest: FakeVersion;
  alias: {
    version: string;
    revisionId: string;
    routing: Record<string, number>;
  };
  /** Every UpdateAlias the function accepted, in order. */
  readonly aliasUpdates: Array<{
    version: string;
    routing: Record<string, number>;
  }> = [];
  readonly calls: string[] = [];
  /** Called before AWS answers an operation; may throw or change the function. */
  hooks: Partial<Record<string, (input: any) => void>> = {};
  /** Stacks holding an AWS::Lambda::Alias for this function's live alias. */
  aliasStacks: string[] = [];

  constructor(
    readonly location: AwsLocation & { functionName: string },
    releases: string[],
    /** Image digests that exist in the account's ECR repository. */
    readonly images: Set<string> = new Set(releases.map(digestOf)),
  ) {
    releases.forEach((release, i) => {
      this.versions.set(String(i + 1), this.image(digestOf(release)));
    });
    this.latest = this.versions.get(String(releases.length))!;
    this.alias = {
      version: String(releases.length),
      revisionId: randomUUID(),
      routing: {},
    };
  }

  get repositoryUri(): string {
    return `${this.location.accountId}.dkr.ecr.${this.location.region}.amazonaws.com/app`;
  }

  /** The digest the live alias serves (its main version). */
  get liveDigest(): string {
    return `sha256:${this.versions.get(this.alias.version)!.codeSha256}`;
  }

  private image(digest: string): FakeVersion {
    return {
      codeSha256: digest.replace('sha256:', ''),
      imageUri: `${this.repositoryUri}@${digest}`,
      lastModified: new Date().toISOString(),
    };
  }

  private configuration(version: string, v: FakeVersion) {
    return {
      FunctionName: this.location.functionName,
      FunctionArn: `arn:aws:lambda:${this.location.region}:${this.location.accountId}:function:${this.location.functionName}`,
      Version: version,
      PackageType: 'Image' as const,
      CodeSha256: v.codeSha256,
      LastModified: v.lastModified,
      State: 'Active' as const,
      LastUpdateStatus: 'Successful' as const,
      RevisionId: randomUUID(),
    };
  }

  /** A LambdaClient whose calls this function answers. */
  client(): LambdaClient {
    const client = new LambdaClient({
      region: this.location.region,
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    });
    const mock = mockClient(client);
    const hook = (operation: string, input: any) => {
      this.calls.push(operation);
      this.hooks[operation]?.(input);
    };
    mock.on(GetAliasCommand).callsFake(input => {
      hook('GetAlias', input);
      return {
        Name: 'live',
        FunctionVersion: this.alias.version,
        RevisionId: this.alias.revisionId,
        RoutingConfig: { AdditionalVersionWeights: { ...this.alias.routing } },
        AliasArn: `arn:aws:lambda:${this.location.region}:${this.location.accountId}:function:${this.location.functionName}:live`,
      };
    });
    mock.on(GetFunctionCommand).callsFake(input => {
      hook('GetFunction', input);
      const qualifier = input.Qualifier ?? '$LATEST';
      const version = qualifier === 'live' ? this.alias.version : qualifier;
      const v =
        version === '$LATEST' ? this.latest : this.versions.get(version);
      if (!v) {
        throw awsError(
          'ResourceNotFoundException',
          `Function not found: ${qualifier}`,
        );
      }
      return {
        Configuration: this.configuration(version, v),
        Code: { ImageUri: v.imageUri },
        Tags: {},
      };
    });
    mock.on(ListVersionsByFunctionCommand).callsFake(input => {
      hook('ListVersionsByFunction', input);
      return {
        Versions: [
          this.configuration('$LATEST', this.latest),
          ...[...this.versions].map(([version, v]) =>
            this.configuration(version, v),
          ),
        ],
      };
    });
    mock.on(UpdateFunctionCodeCommand).callsFake(input => {
      hook('UpdateFunctionCode', input);
      const digest = /@(sha256:[a-f0-9]{64})$/.exec(input.ImageUri)?.[1];
      if (!digest || !this.images.has(digest)) {
        throw awsError(
          'InvalidParameterValueException',
          `Image ${input.ImageUri} does not exist`,
        );
      }
      this.latest = this.image(digest);
      return this.configuration('$LATEST', this.latest);
    });
    mock.on(PublishVersionCommand).callsFake(input => {
      hook('PublishVersion', input);
      if (input.CodeSha256 && input.CodeSha256 !== this.latest.codeSha256) {
        throw awsError(
          'InvalidParameterValueException',
          `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${this.latest.codeSha256})`,
        );
      }
      const version = String(this.versions.size + 1);
      this.versions.set(version, { ...this.latest });
      return this.configuration(version, this.latest);
    });
    mock.on(UpdateAliasCommand).callsFake(input => {
      hook('UpdateAlias', input);
      if (input.RevisionId && input.RevisionId !== this.alias.revisionId) {
        throw awsError(
          'PreconditionFailedException',
          'The RevisionId provided does not match the latest RevisionId',
        );
      }
      if (!this.versions.has(input.FunctionVersion)) {
        throw awsError(
          'ResourceNotFoundException',
          `Version ${input.FunctionVersion} not found`,
        );
      }
      const routing = { ...input.RoutingConfig?.AdditionalVersionWeights };
      this.alias = {
        version: input.FunctionVersion,
        revisionId: randomUUID(),
        routing,
      };
      this.aliasUpdates.push({ version: input.FunctionVersion, routing });
      return {
        Name: 'live',
        FunctionVersion: this.alias.version,
        RevisionId: this.alias.revisionId,
        RoutingConfig: { AdditionalVersionWeights: routing },
      };
    });
    return client;
  }

  resource(stackName?: string): FunctionResource {
    const live = this.versions.get(this.alias.version)!;
    return {
      ...this.location,
      functionArn: `arn:aws:lambda:${this.location.region}:${this.location.accountId}:function:${this.location.functionName}`,
      discoveredBy: 'convention',
      primary: true,
      liveAlias: {
        version: this.alias.version,
        revisionId: this.alias.revisionId,
      },
      digest: `sha256:${live.codeSha256}`,
      digestKind: 'image',
      imageUri: live.imageUri,
      configuration: {
        packageType: 'Image',
        architectures: ['x86_64'],
        environmentVariableNames: [],
        layers: [],
      },
      tags: {},
      ...(stackName
        ? {
            stack: {
              stackName,
              stackId: `id-${stackName}`,
              status: 'CREATE_COMPLETE',
              ownsLiveAlias: this.aliasStacks.includes(stackName),
            },
          }
        : {}),
    };
  }
}

/** A fleet of fake functions per environment of one service. */
export class FakeFleet implements FunctionLocator, DeployerSource {
  /** The user each write deployer was created for, in order. */
  readonly writers: string[] = [];
  stackNames: Record<string, string> = {};

  constructor(readonly functions: Record<string, FakeFunction>) {}

  async locate(_entity: Entity, environments: string[]) {
    return Object.fromEntries(
      environments.map(env => [
        env,
        this.functions[env]?.resource(this.stackNames[env]),
      ]),
    );
  }

  private find(location: AwsLocation): FakeFunction {
    const fn = Object.values(this.functions).find(
      f =>
        f.location.accountId === location.accountId &&
        f.location.region === location.region,
    );
    if (!fn) {
      throw new Error(
        `No fake function in ${location.accountId}/${location.region}`,
      );
    }
    return fn;
  }

  async forRead(location: AwsLocation): Promise<LambdaDeployer> {
    const fn = this.find(location);
    return new LambdaDeployer({ lambda: fn.client() });
  }

  async forWrite(
    location: AwsLocation,
    userRef: string,
  ): Promise<LambdaDeployer> {
    this.writers.push(userRef);
    return this.forRead(location);
  }
}

/** checkout-api in dev/staging/prod: staging runs v1.4.0, prod v1.3.2 (history v1.3.1, v1.3.2). */
export function checkoutFleet(): FakeFleet {
  const location = (accountId: string, env: string) => ({
    accountId,
    region: 'eu-west-1',
    functionName: `shop-checkout-api-${env}`,
  });
  const all = ['v1.3.1', 'v1.3.2', 'v1.4.0', 'v1.5.0'];
  const images = new Set(all.map(digestOf));
  return new FakeFleet({
    dev: new FakeFunction(location('111111111111', 'dev'), all, images),
    staging: new FakeFunction(
      location('222222222222', 'staging'),
      ['v1.3.1', 'v1.3.2', 'v1.4.0'],
      images,
    ),
    prod: new FakeFunction(
      location('333333333333', 'prod'),
      ['v1.3.1', 'v1.3.2'],
      images,
    ),
  });
}

/** The name of the `i`th extra member of team-checkout (see {@link demoEntities}). */
export function teammate(i: number): string {
  return `teammate-${String(i).padStart(2, '0')}`;
}

/**
 * The catalog entities of the demo: checkout-api owned by team-checkout, and its people; `teammates`
 * adds that many more members of team-checkout ({@link teammate}), e.g. to approve at once.
 */
export function demoEntities(options?: {
  annotations?: Record<string, string>;
  teammates?: number;
}): Entity[] {
  const user = (name: string, memberOf: string[]): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf },
  });
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout-api',
        namespace: 'default',
        annotations: { [PROJECT_ANNOTATION]: 'shop', ...options?.annotations },
      },
      spec: {
        type: 'service',
        owner: 'team-checkout',
        lifecycle: 'production',
        system: 'shop',
      },
    },
    user('alice', ['team-checkout']),
    user('bob', ['team-checkout']),
    user('erin', ['team-checkout']),
    user('carol', ['team-platform']),
    user('dave', ['team-platform', 'release-managers']),
    ...Array.from({ length: options?.teammates ?? 0 }, (_, i) =>
      user(teammate(i + 1), ['team-checkout']),
    ),
  ];
}
