export {
  DEFAULT_ALLOWED_TO_DIFFER,
  DEFAULT_DRIFT_CHECK_FREQUENCY,
  DEFAULT_STACKS_PER_RUN,
  PARITY_KEYS,
  readComplianceConfig,
} from './config';
export {
  DECLARED_KEYS,
  DeclaredConfigurationReader,
  TFVARS_KEYS,
  declaredFilePaths,
  parseEnvironmentYaml,
  parseTfvars,
  repositoryBaseUrl,
} from './declared';
export { DatabaseFindingsStore } from './DatabaseFindingsStore';
export { effectiveDeclared, evaluateService } from './evaluateService';
export type { EvaluateServiceInput } from './evaluateService';
export type {
  FindingsFilter,
  FindingsStore,
  StackDriftStore,
  StoredFinding,
} from './FindingsStore';
export { StackDriftChecker, stackDriftTargets } from './StackDriftChecker';
export type {
  StackDriftDetectorSource,
  StackDriftRunResult,
} from './StackDriftChecker';
export { DriftDetectionUnsupportedError } from './types';
export type * from './types';
