import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECRClient } from '@aws-sdk/client-ecr';
import { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { AdaptiveRetryStrategy } from '@smithy/util-retry';
import { CallCounter } from './CallCounter';
import { CloudFormationAdapter } from './CloudFormationAdapter';
import { CloudFormationDriftAdapter } from './CloudFormationDriftAdapter';
import {
  DEFAULT_RATE_LIMITS,
  RateLimits,
  readAwsAccessConfig,
  WriteRoleConfig,
} from './config';
import { LambdaAdapter } from './LambdaAdapter';
import { LambdaDeployer } from './LambdaDeployer';
import { ProvisioningAdapter, ProvisionerSource } from './ProvisioningAdapter';
import { LocationRateLimiter, rateLimited } from './RateLimiter';
import { ParameterStoreAdapter } from './ParameterStoreAdapter';
import { ResourceTaggingAdapter } from './ResourceTaggingAdapter';
import { SecretsManagerAdapter } from './SecretsManagerAdapter';
import { AwsLocation, DeployerSource, LocationReaderSource } from './types';
import { SdkCredentials, writeCredentials } from './writeRoles';

/** Attempts per call, first one included: throttling backs off for up to ~20 s in total before giving up. */
export const DEFAULT_MAX_ATTEMPTS = 6;

type RetryBackoff = NonNullable<
  ConstructorParameters<typeof AdaptiveRetryStrategy>[1]
>['backoff'];

/** The adapters of one account-region. */
export interface AwsLocationAdapters {
  lambda: LambdaAdapter;
  cloudFormation: CloudFormationAdapter;
  /** Drift detection of the location's stacks: same client and CloudFormation budget as `cloudFormation`. */
  cloudFormationDrift: CloudFormationDriftAdapter;
  /** Tagged resources of any type (Resource Groups Tagging API), one walk per call. */
  tagging: ResourceTaggingAdapter;
  /** Parameter Store parameters under a path: names, types, versions; values of String/StringList only. */
  parameterStore: ParameterStoreAdapter;
  /** Secrets Manager secret names; never a value. */
  secrets: SecretsManagerAdapter;
}

/** Options of {@link AwsClientFactory}. */
export interface AwsClientFactoryOptions {
  /** Where credentials per account come from (the `aws` config section). */
  credentialsManager: AwsCredentialsManager;
  /** Endpoint URL per account id (an emulator); absent for real AWS. */
  endpoints?: Map<string, string>;
  rateLimits?: RateLimits;
  /** The role writes assume per account; without one, writes use the read credentials (and warn). */
  writeRoles?: WriteRoleConfig;
  /** How long a deployment waits for UpdateFunctionCode to finish; default 300 s. */
  updateTimeoutSeconds?: number;
  /** Counts every call made through the read adapters; the factory makes its own when absent. */
  callCounter?: CallCounter;
  /** SDK retry: attempts per call and, for tests, a faster backoff than AWS's. */
  retry?: { maxAttempts?: number; backoff?: RetryBackoff };
  /** For tests: the HTTP handler of every client. */
  requestHandler?: LambdaClientConfig['requestHandler'];
  /** For tests: how a provision waits between two reads of a stack being created. */
  sleep?: (ms: number) => Promise<void>;
  logger?: LoggerService;
}

/**
 * The one place AWS clients are built, for reads and writes: credentials from integration-aws-node (the
 * account's read role) or the account's write role assumed as the user, the account's endpoint from
 * `environments.accounts[]`, the SDK's adaptive retry for throttling, and one rate limiter per
 * account-region that every call in it goes through, whoever makes it (collector, drift checks,
 * deployments, provisions), since AWS's quotas are per account-region.
 */
export class AwsClientFactory
  implements LocationReaderSource, DeployerSource, ProvisionerSource
{
  /** Every call made through this factory's read adapters, by operation. */
  readonly callCounter: CallCounter;
  private readonly options: AwsClientFactoryOptions;
  private readonly locations = new Map<string, Promise<AwsLocationAdapters>>();
  private readonly readers = new Map<string, Promise<LambdaDeployer>>();
  private readonly limiters = new Map<string, LocationRateLimiter>();

  /** For scripts and tests: reads `aws` (credentials) and AWS access from `environments` itself. */
  static fromConfig(
    config: Config,
    options?: Partial<
      Omit<AwsClientFactoryOptions, 'endpoints' | 'rateLimits' | 'writeRoles'>
    >,
  ): AwsClientFactory {
    return new AwsClientFactory({
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
      ...options,
      ...readAwsAccessConfig(config),
    });
  }

  constructor(options: AwsClientFactoryOptions) {
    this.options = options;
    this.callCounter = options.callCounter ?? new CallCounter();
  }

  /** The read adapters of an account-region, built on first use. */
  forLocation(location: AwsLocation): Promise<AwsLocationAdapters> {
    return this.cached(this.locations, location, () =>
      this.createAdapters(location),
    );
  }

  /** Lambda's write side of an account-region, with its read role: for reads a deployment needs. */
  forRead(location: AwsLocation): Promise<LambdaDeployer> {
    return this.cached(this.readers, location, async () =>
      this.createDeployer(location, await this.readCredentials(location)),
    );
  }

  /** Lambda's write side of an account-region, acting as `userRef` with the account's write role. */
  async forWrite(
    location: AwsLocation,
    userRef: string,
  ): Promise<LambdaDeployer> {
    return this.createDeployer(
      location,
      await this.writeCredentials(location, userRef),
    );
  }

  /** The AWS calls of a provision: with the read role, or as `userRef` with the write role. */
  async provisionerFor(
    location: AwsLocation,
    userRef?: string,
  ): Promise<ProvisioningAdapter> {
    const credentials = userRef
      ? await this.writeCredentials(location, userRef)
      : await this.readCredentials(location);
    const client = this.writeClient(location, credentials);
    return new ProvisioningAdapter(
      location,
      {
        cloudFormation: client(CloudFormationClient),
        lambda: client(LambdaClient),
        ecr: client(ECRClient),
      },
      this.options.sleep,
    );
  }

  private cached<T>(
    cache: Map<string, Promise<T>>,
    location: AwsLocation,
    create: () => Promise<T>,
  ): Promise<T> {
    const key = `${location.accountId}/${location.region}`;
    let value = cache.get(key);
    if (!value) {
      value = create();
      cache.set(key, value);
      // Credentials that could not be had now may work on the next call.
      value.catch(() => cache.delete(key));
    }
    return value;
  }

  /** The one limiter of an account-region: reads and writes there share AWS's quotas. */
  private limiterOf({ accountId, region }: AwsLocation): LocationRateLimiter {
    const key = `${accountId}/${region}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new LocationRateLimiter(
        this.options.rateLimits ?? DEFAULT_RATE_LIMITS,
      );
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private async readCredentials({
    accountId,
  }: AwsLocation): Promise<SdkCredentials> {
    const { sdkCredentialProvider } =
      await this.options.credentialsManager.getCredentialProvider({
        accountId,
      });
    return sdkCredentialProvider;
  }

  private writeCredentials(
    location: AwsLocation,
    userRef: string,
  ): Promise<SdkCredentials> {
    return writeCredentials({
      location,
      userRef,
      credentialsManager: this.options.credentialsManager,
      writeRoles: this.options.writeRoles ?? { byAccount: new Map() },
      endpoint: this.options.endpoints?.get(location.accountId),
      logger: this.options.logger,
    });
  }

  /** Region, credentials, endpoint and retry of every client the factory builds. */
  private clientConfig(location: AwsLocation, credentials: SdkCredentials) {
    const { retry, requestHandler } = this.options;
    const endpoint = this.options.endpoints?.get(location.accountId);
    return {
      region: location.region,
      credentials,
      ...(endpoint ? { endpoint } : {}),
      // Adaptive: backs off on throttling and slows the client down while AWS keeps throttling it.
      retryStrategy: new AdaptiveRetryStrategy(
        retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        { backoff: retry?.backoff },
      ),
      ...(requestHandler ? { requestHandler } : {}),
    };
  }

  /**
   * Builds clients of a deployment or provision: every call, waiters and paginators included, goes
   * through the account-region's limiter (the read adapters schedule theirs in callAws).
   */
  private writeClient(location: AwsLocation, credentials: SdkCredentials) {
    const limiter = this.limiterOf(location);
    return <C extends Parameters<typeof rateLimited>[0]>(
      Client: new (config: ReturnType<AwsClientFactory['clientConfig']>) => C,
    ): C =>
      rateLimited(
        new Client(this.clientConfig(location, credentials)),
        limiter,
      );
  }

  private createDeployer(
    location: AwsLocation,
    credentials: SdkCredentials,
  ): LambdaDeployer {
    const client = this.writeClient(location, credentials);
    return new LambdaDeployer({
      lambda: client(LambdaClient),
      updateTimeoutSeconds: this.options.updateTimeoutSeconds,
    });
  }

  private async createAdapters(
    location: AwsLocation,
  ): Promise<AwsLocationAdapters> {
    const credentials = await this.readCredentials(location);
    const config = () => this.clientConfig(location, credentials);
    const limiter = this.limiterOf(location);
    const callCounter = this.callCounter;
    const cloudFormationClient = new CloudFormationClient(config());
    return {
      lambda: new LambdaAdapter({
        client: new LambdaClient(config()),
        limiter,
        callCounter,
      }),
      cloudFormation: new CloudFormationAdapter({
        client: cloudFormationClient,
        limiter,
        callCounter,
      }),
      cloudFormationDrift: new CloudFormationDriftAdapter({
        client: cloudFormationClient,
        limiter,
        callCounter,
      }),
      tagging: new ResourceTaggingAdapter({
        client: new ResourceGroupsTaggingAPIClient(config()),
        limiter,
        callCounter,
      }),
      parameterStore: new ParameterStoreAdapter({
        client: new SSMClient(config()),
        limiter,
        callCounter,
      }),
      secrets: new SecretsManagerAdapter({
        client: new SecretsManagerClient(config()),
        limiter,
        callCounter,
      }),
    };
  }
}
