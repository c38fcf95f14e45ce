import type {
  ComplianceSummary,
  FindingKind,
  FindingSeverity,
  ServiceFinding,
} from '../models';

/** A finding as an evaluation produces it, before it is kept for its service (the API's ServiceFinding). */
export type Finding = Omit<
  ServiceFinding,
  'entityRef' | 'since' | 'lastSeenAt'
> & { since?: string };
/** Every finding kind, in the order the UI lists them. */
export const FINDING_KINDS: readonly FindingKind[] = [
  'naming',
  'tags',
  'config-drift',
  'parity',
  'digest-drift',
  'cloudformation-drift',
  'settings',
];

/** Every severity, worst first. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = [
  'error',
  'warning',
  'info',
];

/** Identity of a finding: the same key in two evaluations means the same finding persists. */
export function findingKey(finding: {
  environment: string;
  kind: string;
  resource: string;
  rule: string;
  subject?: string;
}): string {
  return [
    finding.environment,
    finding.kind,
    finding.resource,
    finding.rule,
    finding.subject ?? '',
  ]
    .map(part => encodeURIComponent(part))
    .join('|');
}

/** Counts findings by severity and kind. */
export function summariseFindings(
  entityRef: string,
  findings: Array<Pick<Finding, 'kind' | 'severity'>>,
  evaluatedAt?: string,
): ComplianceSummary {
  const bySeverity = Object.fromEntries(
    FINDING_SEVERITIES.map(s => [s, 0]),
  ) as Record<FindingSeverity, number>;
  const byKind = Object.fromEntries(FINDING_KINDS.map(k => [k, 0])) as Record<
    FindingKind,
    number
  >;
  for (const finding of findings) {
    bySeverity[finding.severity] += 1;
    byKind[finding.kind] += 1;
  }
  const worstSeverity = FINDING_SEVERITIES.find(
    severity => bySeverity[severity] > 0,
  );
  return {
    entityRef,
    total: findings.length,
    bySeverity,
    byKind,
    ...(worstSeverity ? { worstSeverity } : {}),
    ...(evaluatedAt ? { evaluatedAt } : {}),
  };
}
