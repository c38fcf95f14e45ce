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
import { AwsLocation } from './types';

/** Gives the AWS calls of a provision in an account-region: reading with the read role, or acting as a user. */
export interface ProvisionerSource {
  /** With the account's read role without `userRef`; with its write role, in a session named after the user, with it. */
  provisionerFor(
    location: AwsLocation,
    userRef?: string,
  ): Promise<ProvisioningAdapter>;
}

/** The AWS calls of a provision, in one account-region: ECR, CloudFormation and Lambda. SDK shapes stop here. */
export class ProvisioningAdapter {
  private readonly cloudFormation: CloudFormationClient;
  private readonly lambda: LambdaClient;
  private readonly ecr: ECRClient;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly location: AwsLocation,
    clients: {
      cloudFormation: CloudFormationClient;
      lambda: LambdaClient;
      ecr: ECRClient;
    },
    sleep?: (ms: number) => Promise<void>,
  ) {
    this.cloudFormation = clients.cloudFormation;
    this.lambda = clients.lambda;
    this.ecr = clients.ecr;
    this.sleep = sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
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
