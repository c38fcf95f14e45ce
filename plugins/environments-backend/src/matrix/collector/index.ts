export { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
export {
  DEFAULT_LAMBDA_CONVENTION,
  FunctionDiscovery,
  LAMBDA_CONVENTION_KEY,
} from './FunctionDiscovery';
export type { ServiceSearch } from './FunctionDiscovery';
export {
  DEFAULT_DISCOVERY_TAGS,
  matchesTags,
  nameHoldsProject,
} from './serviceMatching';
export type { DiscoveryTags } from './serviceMatching';
export type * from './types';
