export { ComplianceCell } from './ComplianceCell';
export { ComplianceCounts, SeverityStatuses } from './ComplianceCounts';
export { DriftCheckButton } from './DriftCheckButton';
export {
  DRIFT_KINDS,
  KIND_LABELS,
  RULE_KINDS,
  hasConfigurationFindings,
  hasDrift,
  isNonCompliant,
  severityCounts,
} from './kinds';
export { useServiceFindings } from './useServiceFindings';
export type { ServiceFindingsState } from './useServiceFindings';
