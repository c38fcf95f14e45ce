/** What a finding is about. Documented in docs/compliance.md and docs/drift.md. */
export type FindingKind =
  | 'naming'
  | 'tags'
  | 'config-drift'
  | 'parity'
  | 'digest-drift'
  | 'cloudformation-drift'
  /** The configuration matrix: variables, parameters, secrets and flags per environment (docs/configuration-matrix.md). */
  | 'settings';

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

/** How bad a finding is. */
export type FindingSeverity = 'error' | 'warning' | 'info';

/** Every severity, worst first. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = [
  'error',
  'warning',
  'info',
];

/** One thing about a service that differs from what was declared or breaks a rule. */
export interface Finding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** The environment name, e.g. `prod`. */
  environment: string;
  /** The resource concerned: an ARN where there is one, otherwise a name. */
  resource: string;
  /** What is wrong and how to fix it, in a sentence. */
  message: string;
  /** The rule broken, e.g. `naming.environment-spelling`, `tags.required`, `parity.differs`. */
  rule: string;
  /**
   * What the rule is about within the resource: the tag key, configuration key or drifted property
   * (e.g. `Owner`, `memory`). Part of the finding's identity, so two missing tags are two findings.
   */
  subject?: string;
  /** The value the rule wants, rendered as text. */
  expected?: string;
  /** The value found, rendered as text. */
  actual?: string;
  /** When the finding was first seen, ISO 8601; set by the store, kept while the finding persists. */
  since?: string;
}

/** Counts of a service's findings, for the fleet view to sort and filter by. */
export interface ComplianceSummary {
  entityRef: string;
  total: number;
  bySeverity: Record<FindingSeverity, number>;
  byKind: Record<FindingKind, number>;
  /** The worst severity present; absent when the service has no findings. */
  worstSeverity?: FindingSeverity;
  /** When the findings were last evaluated, ISO 8601. */
  evaluatedAt?: string;
}

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
