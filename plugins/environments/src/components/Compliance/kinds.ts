import {
  ComplianceSummary,
  FindingKind,
} from '@internal/backstage-plugin-environments-common';

/** Kinds of findings that break a rule of the organisation: a service with one is non-compliant. */
export const RULE_KINDS: readonly FindingKind[] = ['naming', 'tags'];

/** Kinds of findings where what runs differs from what was declared or promoted: drift. */
export const DRIFT_KINDS: readonly FindingKind[] = [
  'config-drift',
  'parity',
  'digest-drift',
  'cloudformation-drift',
];

/** How the UI names each kind of finding. */
export const KIND_LABELS: Record<FindingKind, string> = {
  naming: 'naming',
  tags: 'tags',
  'config-drift': 'configuration drift',
  parity: 'parity',
  'digest-drift': 'digest drift',
  'cloudformation-drift': 'CloudFormation drift',
  settings: 'configuration matrix',
};

function countOf(
  summary: ComplianceSummary | undefined,
  kinds: readonly FindingKind[],
): number {
  return kinds.reduce((sum, kind) => sum + (summary?.byKind[kind] ?? 0), 0);
}

/** The service breaks a naming or tag rule. */
export function isNonCompliant(summary?: ComplianceSummary): boolean {
  return countOf(summary, RULE_KINDS) > 0;
}

/** Something the service runs differs from what was declared, from the environment before, or from its template. */
export function hasDrift(summary?: ComplianceSummary): boolean {
  return countOf(summary, DRIFT_KINDS) > 0;
}

/** The service's configuration matrix has findings (a variable missing, a flag off-plan, a leak). */
export function hasConfigurationFindings(summary?: ComplianceSummary): boolean {
  return countOf(summary, ['settings']) > 0;
}

/** "2 errors, 1 warning"; empty when there are neither. */
export function severityCounts(summary: ComplianceSummary): string {
  const { error, warning } = summary.bySeverity;
  return [
    error ? `${error} ${error === 1 ? 'error' : 'errors'}` : '',
    warning ? `${warning} ${warning === 1 ? 'warning' : 'warnings'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
