import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { LoggerService } from '@backstage/backend-plugin-api';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { WriteRoleConfig } from './config';
import { AwsLocation } from './types';

/** What an SDK client takes as `credentials`. */
export type SdkCredentials = Awaited<
  ReturnType<AwsCredentialsManager['getCredentialProvider']>
>['sdkCredentialProvider'];

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

/**
 * The credentials a user acts with in an account: its write role (`environments.accounts[].writeRoleName`,
 * else `environments.promotion.writeRoleName`), assumed with the main account's credentials in a session
 * named after the user so that CloudTrail records who acted. `fromTemporaryCredentials`, because the
 * credentials manager cannot name the session. Without a write role, the `aws` section's credentials for
 * the account, and a warning: CloudTrail then shows the backend, not the user.
 */
export async function writeCredentials(options: {
  location: AwsLocation;
  userRef: string;
  credentialsManager: AwsCredentialsManager;
  writeRoles: WriteRoleConfig;
  /** The account's endpoint (an emulator), for STS too. */
  endpoint?: string;
  logger?: LoggerService;
}): Promise<SdkCredentials> {
  const { location, userRef, credentialsManager, writeRoles, endpoint } =
    options;
  const { accountId, region } = location;
  const roleName =
    writeRoles.byAccount.get(accountId) ?? writeRoles.defaultRoleName;
  if (!roleName) {
    options.logger?.warn(
      `No write role configured for account ${accountId} (environments.accounts[].writeRoleName or ` +
        `environments.promotion.writeRoleName): acting for ${userRef} with the aws section's credentials`,
    );
    return (await credentialsManager.getCredentialProvider({ accountId }))
      .sdkCredentialProvider;
  }
  const { sdkCredentialProvider: masterCredentials } =
    await credentialsManager.getCredentialProvider();
  return fromTemporaryCredentials({
    masterCredentials,
    params: {
      RoleArn: `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`,
      RoleSessionName: roleSessionName(userRef),
    },
    clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
  });
}
