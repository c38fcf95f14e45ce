import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { LoggerService } from '@backstage/backend-plugin-api';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsLocation } from '../aws/types';
import { LambdaDeployer } from '../aws/LambdaDeployer';
import { WriteRoleConfig } from './config';

/** Gives a {@link LambdaDeployer} per account-region, reading with the read role or writing as a user. */
export interface DeployerSource {
  /** With the read role of the account (the `aws` section). */
  forRead(location: AwsLocation): Promise<LambdaDeployer>;
  /** With the account's write role, assumed in a session named after `userRef` so CloudTrail records who acted. */
  forWrite(location: AwsLocation, userRef: string): Promise<LambdaDeployer>;
}

/**
 * The AssumeRole session name for a user: `env-` and the ref without its kind (`user:default/alice` →
 * `env-alice@default`), reduced to the characters STS accepts ([\w+=,.@-]) and 64 characters.
 */
export function roleSessionName(userRef: string): string {
  const match = /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(userRef);
  const name = match ? `${match[2]}@${match[1] ?? 'default'}` : userRef;
  return `env-${name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** The partition of a region, for role ARNs. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** Options of {@link AwsDeployerSource}. */
export interface AwsDeployerSourceOptions {
  credentialsManager: AwsCredentialsManager;
  /** Endpoint URL per account id (an emulator), from `environments.accounts[].endpoint`. */
  endpoints: Map<string, string>;
  writeRoles: WriteRoleConfig;
  updateTimeoutSeconds?: number;
  logger?: LoggerService;
}

/**
 * Builds deployers from the `aws` section (reading) and the write roles (writing). A write role is
 * assumed with the main account's credentials through `fromTemporaryCredentials`, because the credentials
 * manager cannot name the session. Without a write role for an account, writes fall back to the `aws`
 * section's credentials for it, and CloudTrail then shows the backend, not the user.
 */
export class AwsDeployerSource implements DeployerSource {
  private readonly readers = new Map<string, Promise<LambdaDeployer>>();

  constructor(private readonly options: AwsDeployerSourceOptions) {}

  forRead(location: AwsLocation): Promise<LambdaDeployer> {
    const key = `${location.accountId}/${location.region}`;
    let deployer = this.readers.get(key);
    if (!deployer) {
      deployer = this.options.credentialsManager
        .getCredentialProvider({ accountId: location.accountId })
        .then(({ sdkCredentialProvider }) =>
          this.create(location, sdkCredentialProvider),
        );
      this.readers.set(key, deployer);
      deployer.catch(() => this.readers.delete(key));
    }
    return deployer;
  }

  async forWrite(
    location: AwsLocation,
    userRef: string,
  ): Promise<LambdaDeployer> {
    const { accountId, region } = location;
    const roleName =
      this.options.writeRoles.byAccount.get(accountId) ??
      this.options.writeRoles.defaultRoleName;
    if (!roleName) {
      this.options.logger?.warn(
        `No write role configured for account ${accountId} (environments.accounts[].writeRoleName or ` +
          `environments.promotion.writeRoleName): acting for ${userRef} with the aws section's credentials`,
      );
      const { sdkCredentialProvider } =
        await this.options.credentialsManager.getCredentialProvider({
          accountId,
        });
      return this.create(location, sdkCredentialProvider);
    }
    const { sdkCredentialProvider: masterCredentials } =
      await this.options.credentialsManager.getCredentialProvider();
    const endpoint = this.options.endpoints.get(accountId);
    const credentials = fromTemporaryCredentials({
      masterCredentials,
      params: {
        RoleArn: `arn:${partitionOf(
          region,
        )}:iam::${accountId}:role/${roleName}`,
        RoleSessionName: roleSessionName(userRef),
      },
      clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
    });
    return this.create(location, credentials);
  }

  private create(
    { accountId, region }: AwsLocation,
    credentials: LambdaClientConfig['credentials'],
  ): LambdaDeployer {
    const endpoint = this.options.endpoints.get(accountId);
    const clientConfig = {
      region,
      credentials,
      ...(endpoint ? { endpoint } : {}),
    };
    return new LambdaDeployer({
      lambda: new LambdaClient(clientConfig),
      cloudFormation: new CloudFormationClient(clientConfig),
      updateTimeoutSeconds: this.options.updateTimeoutSeconds,
    });
  }
}
