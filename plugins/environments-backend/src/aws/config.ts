import { Config } from '@backstage/config';

/** Calls per second allowed per account-region, one budget per kind of call. */
export interface RateLimits {
  /** Lambda GetFunction (AWS quota: 100 per second per account-region). */
  getFunctionPerSecond: number;
  /** Every other Lambda control-plane call (AWS quota: 15 per second per account-region, shared). */
  lambdaControlPlanePerSecond: number;
  /** CloudFormation calls. */
  cloudFormationPerSecond: number;
  /** Resource Groups Tagging API calls (`tag:GetResources` pages). */
  taggingPerSecond: number;
  /** Parameter Store `GetParametersByPath` pages (AWS: 40 per second shared by the GetParameter* calls); default 10. */
  parameterStorePerSecond?: number;
  /** Secrets Manager `ListSecrets` pages (AWS: 100 per second); default 10. */
  secretsManagerPerSecond?: number;
}

/** Half the AWS quotas, so the product leaves room for deployments running at the same time. */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  getFunctionPerSecond: 50,
  lambdaControlPlanePerSecond: 10,
  cloudFormationPerSecond: 5,
  taggingPerSecond: 5,
  parameterStorePerSecond: 10,
  secretsManagerPerSecond: 10,
};

/** The write role assumed for promotions, rollbacks and provisioning, per account. */
export interface WriteRoleConfig {
  byAccount: Map<string, string>;
  /** For accounts without their own; undefined: writes use the `aws` section's credentials as they are. */
  defaultRoleName?: string;
}

/** What the AWS access layer reads from the `environments` config section. */
export interface AwsAccessConfig {
  /** Endpoint URL per account id, for an emulator; absent for real AWS. */
  endpoints: Map<string, string>;
  rateLimits: RateLimits;
  /** `environments.accounts[].writeRoleName`, else `environments.promotion.writeRoleName`. */
  writeRoles: WriteRoleConfig;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Reads `environments.accounts[]` (endpoints, write roles), `environments.promotion.writeRoleName` and
 * `environments.rateLimits`; throws naming the key that is wrong.
 */
export function readAwsAccessConfig(config: Config): AwsAccessConfig {
  const endpoints = new Map<string, string>();
  const writeRoles: WriteRoleConfig = {
    byAccount: new Map(),
    defaultRoleName: config.getOptionalString(
      'environments.promotion.writeRoleName',
    ),
  };
  const accounts = config.getOptionalConfigArray('environments.accounts') ?? [];
  accounts.forEach((account, index) => {
    const key = `environments.accounts[${index}]`;
    const accountId = account.getString('accountId');
    if (!ACCOUNT_ID.test(accountId)) {
      throw new Error(
        `${key}.accountId must be a 12-digit AWS account id, got '${accountId}'`,
      );
    }
    const endpoint = account.getOptionalString('endpoint');
    if (endpoint !== undefined) {
      if (!/^https?:\/\/[^/]+/.test(endpoint)) {
        throw new Error(
          `${key}.endpoint must be an http(s) URL, got '${endpoint}'`,
        );
      }
      endpoints.set(accountId, endpoint);
    }
    const writeRoleName = account.getOptionalString('writeRoleName');
    if (writeRoleName) {
      writeRoles.byAccount.set(accountId, writeRoleName);
    }
  });

  const rateLimits = { ...DEFAULT_RATE_LIMITS };
  for (const name of Object.keys(DEFAULT_RATE_LIMITS) as Array<
    keyof RateLimits
  >) {
    const value = config.getOptionalNumber(`environments.rateLimits.${name}`);
    if (value === undefined) {
      continue;
    }
    if (!(value > 0)) {
      throw new Error(
        `environments.rateLimits.${name} must be a positive number, got ${value}`,
      );
    }
    rateLimits[name] = value;
  }
  return { endpoints, rateLimits, writeRoles };
}
