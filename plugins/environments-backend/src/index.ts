/**
 * The Environments backend plugin: what every service runs in dev, staging and prod on AWS Lambda.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
export {
  environmentCollectorServiceRef,
  stackDriftDetectorsServiceRef,
} from './serviceRefs';
