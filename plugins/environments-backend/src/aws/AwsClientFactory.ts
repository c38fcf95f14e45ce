import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { AdaptiveRetryStrategy } from '@smithy/util-retry';
import { CallCounter } from './CallCounter';
import { CloudFormationAdapter } from './CloudFormationAdapter';
import { CloudFormationDriftAdapter } from './CloudFormationDriftAdapter';
import { DEFAULT_RATE_LIMITS, RateLimits, readAwsAccessConfig } from './config';
import { LambdaAdapter } from './LambdaAdapter';
import { LocationRateLimiter } from './RateLimiter';
import { ResourceTaggingAdapter } from './ResourceTaggingAdapter';
import { AwsLocation, LocationReaderSource } from './types';

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
}

/** Options of {@link AwsClientFactory}. */
export interface AwsClientFactoryOptions {
  /** Where credentials per account come from (the `aws` config section). */
  credentialsManager: AwsCredentialsManager;
  /** Endpoint URL per account id (an emulator); absent for real AWS. */
  endpoints?: Map<string, string>;
  rateLimits?: RateLimits;
  /** Counts every call made through the adapters; the factory makes its own when absent. */
  callCounter?: CallCounter;
  /** SDK retry: attempts per call and, for tests, a faster backoff than AWS's. */
  retry?: { maxAttempts?: number; backoff?: RetryBackoff };
  /** For tests: the HTTP handler of every client. */
  requestHandler?: LambdaClientConfig['requestHandler'];
}

/**
 * Builds the AWS clients and adapters of each account-region once and keeps them: credentials from
 * integration-aws-node, the account's endpoint from `environments.accounts[]`, the SDK's adaptive
 * retry for throttling, and one rate limiter per account-region.
 */
export class AwsClientFactory implements LocationReaderSource {
  /** Every call made through this factory's adapters, by operation. */
  readonly callCounter: CallCounter;
  private readonly options: AwsClientFactoryOptions;
  private readonly locations = new Map<string, Promise<AwsLocationAdapters>>();

  /** Reads `aws` (credentials) and `environments.accounts` / `environments.rateLimits`. */
  static fromConfig(
    config: Config,
    options?: Partial<
      Omit<AwsClientFactoryOptions, 'endpoints' | 'rateLimits'>
    >,
  ): AwsClientFactory {
    const { endpoints, rateLimits } = readAwsAccessConfig(config);
    return new AwsClientFactory({
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
      ...options,
      endpoints,
      rateLimits,
    });
  }

  constructor(options: AwsClientFactoryOptions) {
    this.options = options;
    this.callCounter = options.callCounter ?? new CallCounter();
  }

  /** The adapters of an account-region, built on first use. */
  forLocation(location: AwsLocation): Promise<AwsLocationAdapters> {
    const key = `${location.accountId}/${location.region}`;
    let adapters = this.locations.get(key);
    if (!adapters) {
      adapters = this.create(location);
      this.locations.set(key, adapters);
      // Credentials that could not be had now may work on the next refresh.
      adapters.catch(() => this.locations.delete(key));
    }
    return adapters;
  }

  private async create({
    accountId,
    region,
  }: AwsLocation): Promise<AwsLocationAdapters> {
    const { sdkCredentialProvider } =
      await this.options.credentialsManager.getCredentialProvider({
        accountId,
      });
    const { retry, requestHandler } = this.options;
    const endpoint = this.options.endpoints?.get(accountId);
    const clientConfig = () => ({
      region,
      credentials: sdkCredentialProvider,
      ...(endpoint ? { endpoint } : {}),
      // Adaptive: backs off on throttling and slows the client down while AWS keeps throttling it.
      retryStrategy: new AdaptiveRetryStrategy(
        retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        {
          backoff: retry?.backoff,
        },
      ),
      ...(requestHandler ? { requestHandler } : {}),
    });
    const limiter = new LocationRateLimiter(
      this.options.rateLimits ?? DEFAULT_RATE_LIMITS,
    );
    const cloudFormationClient = new CloudFormationClient(clientConfig());
    return {
      lambda: new LambdaAdapter({
        client: new LambdaClient(clientConfig()),
        limiter,
        callCounter: this.callCounter,
      }),
      cloudFormation: new CloudFormationAdapter({
        client: cloudFormationClient,
        limiter,
        callCounter: this.callCounter,
      }),
      cloudFormationDrift: new CloudFormationDriftAdapter({
        client: cloudFormationClient,
        limiter,
        callCounter: this.callCounter,
      }),
      tagging: new ResourceTaggingAdapter({
        client: new ResourceGroupsTaggingAPIClient(clientConfig()),
        limiter,
        callCounter: this.callCounter,
      }),
    };
  }
}
