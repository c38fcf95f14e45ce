export { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
export {
  conventionFunctionName,
  DEFAULT_DISCOVERY_TAGS,
  isTagDiscoveryCandidate,
  matchesTags,
} from './serviceMatching';
export type { DiscoveryTags } from './serviceMatching';
export type * from './types';
