export { AwsClientFactory, DEFAULT_MAX_ATTEMPTS } from './AwsClientFactory';
export type {
  AwsClientFactoryOptions,
  AwsLocationAdapters,
} from './AwsClientFactory';
export { CallCounter } from './CallCounter';
export { AwsCallError } from './callAws';
export { CloudFormationAdapter } from './CloudFormationAdapter';
export { DEFAULT_RATE_LIMITS, readAwsAccessConfig } from './config';
export type { AwsAccessConfig, RateLimits } from './config';
export { LambdaAdapter, LIVE_ALIAS } from './LambdaAdapter';
export { LocationRateLimiter } from './RateLimiter';
export { ResourceTaggingAdapter } from './ResourceTaggingAdapter';
export type { CallBudget } from './RateLimiter';
export type * from './types';
