import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  paginateListVersionsByFunction,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsLocation } from '../aws/types';
import { WriteRoleConfig } from '../promotion/config';
import { roleSessionName } from '../promotion/DeployerSource';

type Credentials = ConstructorParameters<typeof LambdaClient>[0] extends infer C
  ? C extends { credentials?: infer K }
    ? K
    : never
  : never;

/** The AWS calls of a provision, in one account-region. */
export class ProvisioningLocation {
  private readonly cloudFormation: CloudFormationClient;
  private readonly lambda: LambdaClient;
  private readonly ecr: ECRClient;

  constructor(
    readonly location: AwsLocation,
    credentials: Credentials,
    endpoint: string | undefined,
    private readonly sleep = (ms: number) =>
      new Promise(r => setTimeout(r, ms)),
  ) {
    const config = {
      region: location.region,
      credentials,
      ...(endpoint ? { endpoint } : {}),
    };
    this.cloudFormation = new CloudFormationClient(config);
    this.lambda = new LambdaClient(config);
    this.ecr = new ECRClient(config);
  }

  /** The digest of `repository:tag` in this account's ECR; undefined when there is no such image. */
  async imageDigest(
    repository: string,
    tag: string,
  ): Promise<string | undefined> {
    try {
      const { imageDetails } = await this.ecr.send(
        new DescribeImagesCommand({
          repositoryName: repository,
          imageIds: [{ imageTag: tag }],
        }),
      );
      return imageDetails?.[0]?.imageDigest;
    } catch (error) {
      if (/NotFound/.test((error as Error).name)) return undefined;
      throw error;
    }
  }

  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@<digest>` */
  imageUri(repository: string, digest: string): string {
    const { accountId, region } = this.location;
    const suffix = region.startsWith('cn-') ? '.cn' : '';
    return `${accountId}.dkr.ecr.${region}.amazonaws.com${suffix}/${repository}@${digest}`;
  }

  async stack(stackName: string): Promise<Stack | undefined> {
    try {
      const { Stacks } = await this.cloudFormation.send(
        new DescribeStacksCommand({ StackName: stackName }),
      );
      return Stacks?.[0];
    } catch (error) {
      if (/does not exist/.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async functionExists(functionName: string): Promise<boolean> {
    try {
      await this.lambda.send(
        new GetFunctionCommand({ FunctionName: functionName }),
      );
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return false;
      throw error;
    }
  }

  /** Creates the stack and waits until it is complete; throws with CloudFormation's reason otherwise. */
  async createStack(
    stackName: string,
    template: object,
    parameters: Record<string, string>,
    timeoutSeconds: number,
  ): Promise<void> {
    await this.cloudFormation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(template),
        Parameters: Object.entries(parameters).map(
          ([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          }),
        ),
        Capabilities: ['CAPABILITY_IAM'],
        // What a failed creation leaves is deleted: a retry creates the stack anew.
        OnFailure: 'DELETE',
      }),
    );
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const status =
        (await this.stack(stackName))?.StackStatus ?? 'DELETE_COMPLETE';
      if (status === 'CREATE_COMPLETE') return;
      if (!status.endsWith('_IN_PROGRESS')) {
        const reason = (await this.stack(stackName))?.StackStatusReason;
        throw new Error(
          `stack ${stackName} ended ${status}${reason ? `: ${reason}` : ''}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `stack ${stackName} was still ${status} after ${timeoutSeconds} s`,
        );
      }
      await this.sleep(2000);
    }
  }

  /** The newest published version of the function and the digest it runs (hex, as Lambda reports it). */
  async latestVersion(
    functionName: string,
  ): Promise<{ version: string; codeSha256?: string }> {
    let latest: { version: string; codeSha256?: string } | undefined;
    for await (const page of paginateListVersionsByFunction(
      { client: this.lambda },
      { FunctionName: functionName },
    )) {
      for (const v of page.Versions ?? []) {
        if (
          v.Version &&
          v.Version !== '$LATEST' &&
          (!latest || Number(v.Version) > Number(latest.version))
        ) {
          latest = { version: v.Version, codeSha256: v.CodeSha256 };
        }
      }
    }
    if (!latest) throw new Error(`${functionName} has no published version`);
    return latest;
  }

  async createLiveAlias(functionName: string, version: string): Promise<void> {
    await this.lambda.send(
      new CreateAliasCommand({
        FunctionName: functionName,
        Name: 'live',
        FunctionVersion: version,
        Description: 'Moved by promotions and rollbacks',
      }),
    );
  }
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** Options of {@link ProvisioningAccess}. */
export interface ProvisioningAccessOptions {
  credentialsManager: AwsCredentialsManager;
  /** Endpoint URL per account id (an emulator), from `environments.accounts[].endpoint`. */
  endpoints: Map<string, string>;
  writeRoles: WriteRoleConfig;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Clients of a provision: the account's read role for the plan, and for deploying the write role of
 * promotions (`environments.promotion.writeRoleName`), assumed in a session named after the user as
 * promotions do, so CloudTrail shows who created the stacks.
 */
export class ProvisioningAccess {
  constructor(private readonly options: ProvisioningAccessOptions) {}

  async forRead(location: AwsLocation): Promise<ProvisioningLocation> {
    const { sdkCredentialProvider } =
      await this.options.credentialsManager.getCredentialProvider({
        accountId: location.accountId,
      });
    return this.create(location, sdkCredentialProvider);
  }

  async forWrite(
    location: AwsLocation,
    userRef: string,
  ): Promise<ProvisioningLocation> {
    const { accountId, region } = location;
    const roleName =
      this.options.writeRoles.byAccount.get(accountId) ??
      this.options.writeRoles.defaultRoleName;
    if (!roleName) {
      return this.forRead(location);
    }
    const { sdkCredentialProvider: masterCredentials } =
      await this.options.credentialsManager.getCredentialProvider();
    const endpoint = this.options.endpoints.get(accountId);
    const partition = partitionOf(region);
    return this.create(
      location,
      fromTemporaryCredentials({
        masterCredentials,
        params: {
          RoleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
          RoleSessionName: roleSessionName(userRef),
        },
        clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
      }),
    );
  }

  private create(location: AwsLocation, credentials: Credentials) {
    return new ProvisioningLocation(
      location,
      credentials,
      this.options.endpoints.get(location.accountId),
      this.options.sleep,
    );
  }
}
