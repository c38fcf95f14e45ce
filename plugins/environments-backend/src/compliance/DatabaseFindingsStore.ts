import {
  ComplianceSummary,
  FINDING_SEVERITIES,
  Finding,
  FindingKind,
  FindingSeverity,
  findingKey,
  summariseFindings,
} from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import {
  FindingsFilter,
  FindingsStore,
  StackDriftStore,
  StoredFinding,
} from './FindingsStore';
import { removeServicesExcept } from '../matrix/batches';
import { ResourceDrift, StackDriftCheck } from './types';

interface FindingRow {
  id: number | string;
  entity_ref: string;
  environment: string;
  kind: string;
  severity: string;
  resource: string;
  rule: string;
  subject: string;
  message: string;
  expected: string | null;
  actual: string | null;
  first_seen_at: Date | string | number;
  last_seen_at: Date | string | number;
}

interface StackDriftRow {
  account_id: string;
  region: string;
  stack_name: string;
  entity_ref: string;
  environment: string;
  stack_id: string | null;
  status: string;
  attempted_at: Date | string | number;
  reason: string | null;
  checked_at: Date | string | number | null;
  stack_drift_status: string | null;
  resources: string | null;
}

/** Timestamps come back as Date (PostgreSQL), number or string (SQLite); the API speaks ISO 8601. */
function toIso(value: Date | string | number): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function rowToFinding(row: FindingRow): StoredFinding {
  return {
    entityRef: row.entity_ref,
    environment: row.environment,
    kind: row.kind as FindingKind,
    severity: row.severity as FindingSeverity,
    resource: row.resource,
    rule: row.rule,
    ...(row.subject ? { subject: row.subject } : {}),
    message: row.message,
    ...(row.expected !== null ? { expected: row.expected } : {}),
    ...(row.actual !== null ? { actual: row.actual } : {}),
    since: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
  };
}

const SEVERITY_ORDER = new Map(
  FINDING_SEVERITIES.map((severity, index) => [severity, index]),
);

function compareFindings(a: StoredFinding, b: StoredFinding): number {
  return (
    a.entityRef.localeCompare(b.entityRef) ||
    SEVERITY_ORDER.get(a.severity)! - SEVERITY_ORDER.get(b.severity)! ||
    a.environment.localeCompare(b.environment) ||
    a.kind.localeCompare(b.kind) ||
    a.resource.localeCompare(b.resource) ||
    a.rule.localeCompare(b.rule) ||
    (a.subject ?? '').localeCompare(b.subject ?? '')
  );
}

/** {@link FindingsStore} and {@link StackDriftStore} on the plugin's database (migration 20261123_02_findings). */
export class DatabaseFindingsStore implements FindingsStore, StackDriftStore {
  constructor(private readonly db: Knex) {}

  async replaceFindings(
    entityRef: string,
    findings: Finding[],
    now: Date,
  ): Promise<StoredFinding[]> {
    await this.db.transaction(async tx => {
      const existing = await tx<FindingRow>('compliance_findings').where({
        entity_ref: entityRef,
      });
      const existingByKey = new Map(
        existing.map(row => [findingKey(row), row]),
      );
      const seen = new Set<string>();
      for (const finding of findings) {
        const key = findingKey(finding);
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
        const values = {
          severity: finding.severity,
          message: finding.message,
          expected: finding.expected ?? null,
          actual: finding.actual ?? null,
          last_seen_at: now,
        };
        const row = existingByKey.get(key);
        if (row) {
          await tx('compliance_findings').where({ id: row.id }).update(values);
        } else {
          await tx('compliance_findings').insert({
            ...values,
            entity_ref: entityRef,
            environment: finding.environment,
            kind: finding.kind,
            resource: finding.resource,
            rule: finding.rule,
            subject: finding.subject ?? '',
            first_seen_at: now,
          });
        }
      }
      const cleared = existing
        .filter(row => !seen.has(findingKey(row)))
        .map(row => row.id);
      if (cleared.length > 0) {
        await tx('compliance_findings').whereIn('id', cleared).delete();
      }
      await tx('compliance_evaluations')
        .insert({ entity_ref: entityRef, evaluated_at: now })
        .onConflict('entity_ref')
        .merge(['evaluated_at']);
    });
    return this.listFindings({ entityRef });
  }

  async listFindings(filter: FindingsFilter = {}): Promise<StoredFinding[]> {
    const query = this.db<FindingRow>('compliance_findings');
    if (filter.entityRef) {
      query.where('entity_ref', filter.entityRef);
    }
    if (filter.environment) {
      query.where('environment', filter.environment);
    }
    if (filter.kind?.length) {
      query.whereIn('kind', filter.kind);
    }
    if (filter.severity?.length) {
      query.whereIn('severity', filter.severity);
    }
    const rows = await query;
    return rows.map(rowToFinding).sort(compareFindings);
  }

  async summary(entityRef: string): Promise<ComplianceSummary> {
    const [rows, evaluation] = await Promise.all([
      this.db<FindingRow>('compliance_findings')
        .where('entity_ref', entityRef)
        .select('kind', 'severity'),
      this.db('compliance_evaluations').where('entity_ref', entityRef).first(),
    ]);
    return summariseFindings(
      entityRef,
      rows as Array<Pick<Finding, 'kind' | 'severity'>>,
      evaluation ? toIso(evaluation.evaluated_at) : undefined,
    );
  }

  async fleetSummary(
    filter: { kind?: FindingKind; severity?: FindingSeverity } = {},
  ): Promise<ComplianceSummary[]> {
    const [evaluations, counts] = await Promise.all([
      this.db('compliance_evaluations').select('entity_ref', 'evaluated_at'),
      this.db('compliance_findings')
        .select('entity_ref', 'kind', 'severity')
        .count({ count: '*' })
        .groupBy('entity_ref', 'kind', 'severity'),
    ]);
    const byService = new Map<
      string,
      Array<Pick<Finding, 'kind' | 'severity'>>
    >();
    for (const row of counts as Array<{
      entity_ref: string;
      kind: FindingKind;
      severity: FindingSeverity;
      count: string | number;
    }>) {
      const list = byService.get(row.entity_ref) ?? [];
      for (let i = 0; i < Number(row.count); i++) {
        list.push({ kind: row.kind, severity: row.severity });
      }
      byService.set(row.entity_ref, list);
    }
    return evaluations
      .map(row =>
        summariseFindings(
          row.entity_ref,
          byService.get(row.entity_ref) ?? [],
          toIso(row.evaluated_at),
        ),
      )
      .filter(
        summary =>
          (!filter.kind || summary.byKind[filter.kind] > 0) &&
          (!filter.severity || summary.bySeverity[filter.severity] > 0),
      )
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }

  async removeServicesExcept(keep: string[]): Promise<void> {
    await removeServicesExcept(
      this.db,
      ['compliance_findings', 'compliance_evaluations', 'stack_drift_checks'],
      keep,
    );
  }

  async listStackDriftChecks(
    filter: { entityRef?: string } = {},
  ): Promise<StackDriftCheck[]> {
    const query = this.db<StackDriftRow>('stack_drift_checks');
    if (filter.entityRef) {
      query.where('entity_ref', filter.entityRef);
    }
    const rows = await query;
    return rows.map(row => ({
      entityRef: row.entity_ref,
      environment: row.environment,
      accountId: row.account_id,
      region: row.region,
      stackName: row.stack_name,
      ...(row.stack_id ? { stackId: row.stack_id } : {}),
      status: row.status as StackDriftCheck['status'],
      attemptedAt: toIso(row.attempted_at),
      ...(row.reason ? { reason: row.reason } : {}),
      ...(row.checked_at !== null ? { checkedAt: toIso(row.checked_at) } : {}),
      ...(row.stack_drift_status
        ? { stackDriftStatus: row.stack_drift_status }
        : {}),
      ...(row.resources
        ? { resources: JSON.parse(row.resources) as ResourceDrift[] }
        : {}),
    }));
  }

  async saveStackDriftCheck(check: StackDriftCheck): Promise<void> {
    const attempt = {
      entity_ref: check.entityRef,
      environment: check.environment,
      stack_id: check.stackId ?? null,
      status: check.status,
      attempted_at: new Date(check.attemptedAt),
      reason: check.reason ?? null,
    };
    const result =
      check.status === 'checked'
        ? {
            checked_at: check.checkedAt
              ? new Date(check.checkedAt)
              : new Date(check.attemptedAt),
            stack_drift_status: check.stackDriftStatus ?? null,
            resources: JSON.stringify(check.resources ?? []),
          }
        : {};
    await this.db('stack_drift_checks')
      .insert({
        account_id: check.accountId,
        region: check.region,
        stack_name: check.stackName,
        checked_at: null,
        stack_drift_status: null,
        resources: null,
        ...attempt,
        ...result,
      })
      .onConflict(['account_id', 'region', 'stack_name'])
      // A failed attempt must not wipe the last good result.
      .merge([...Object.keys(attempt), ...Object.keys(result)]);
  }
}
