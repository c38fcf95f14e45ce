import {
  EnvironmentDefinition,
  EnvironmentState,
  Finding,
  FunctionResource,
  primaryFunction,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import {
  actualValue,
  describeParityDifference,
  formatValue,
  sameValue,
} from './configValues';
import { PARITY_KEYS } from './config';
import {
  ComplianceConfig,
  DeclaredKey,
  DeclaredValue,
  IntendedAliasDrift,
  StackDriftCheck,
} from './types';

// Findings of drift: from what is declared, between consecutive environments, from the promotion
// path, and from a CloudFormation stack's template.

/** A function's configuration that differs from what is declared for its environment. */
export function declaredDriftFindings(
  fn: FunctionResource,
  declared: Partial<Record<DeclaredKey, DeclaredValue>>,
  environment: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const [key, declaredValue] of Object.entries(declared) as Array<
    [DeclaredKey, DeclaredValue]
  >) {
    const actual = actualValue(fn.configuration, key);
    if (actual === undefined) {
      // AWS did not say (moto never returns reserved concurrency): unknown is not a difference.
      continue;
    }
    if (!sameValue(actual, declaredValue.value)) {
      findings.push({
        kind: 'config-drift',
        severity: 'warning',
        environment,
        resource: fn.functionArn,
        rule: 'config.declared',
        subject: key,
        message: `${fn.functionName}: ${key} is ${formatValue(
          key,
          actual,
        )} in ${environment} but ${formatValue(
          key,
          declaredValue.value,
        )} is declared (${declaredValue.source})`,
        expected: formatValue(key, declaredValue.value),
        actual: formatValue(key, actual),
      });
    }
  }
  return findings;
}

/** A digest that runs in an environment but never ran in the one before: it skipped the promotion path. */
export function unpromotedDigestFindings(state: EnvironmentState): Finding[] {
  const primary = primaryFunction(state);
  if (!state.comparison?.unpromotedArtifact || !state.digest || !primary) {
    return [];
  }
  const { environment } = state;
  const previousName = state.comparison.previousEnvironment;
  return [
    {
      kind: 'digest-drift',
      severity: 'error',
      environment,
      resource: primary.functionArn,
      rule: 'digest.unpromoted',
      message: `${environment} runs ${shortDigest(state.digest)}${
        primary.imageUri ? ` (${primary.imageUri.split('/').pop()})` : ''
      }, which never ran in ${previousName}: it reached ${environment} outside the promotion path`,
      actual: state.digest,
    },
  ];
}

/** Keys of the primary functions of two consecutive environments that differ but may not. */
export function parityFindings(
  previous: { definition: EnvironmentDefinition; state: EnvironmentState },
  state: EnvironmentState,
  config: ComplianceConfig,
): Finding[] {
  const primary = primaryFunction(state);
  const previousPrimary = primaryFunction(previous.state);
  if (!primary || !previousPrimary) {
    return [];
  }
  const { environment } = state;
  const before = previous.definition.name;
  const allowed = config.parity.allowedToDiffer;
  const findings: Finding[] = [];
  for (const key of PARITY_KEYS) {
    if (allowed.includes(key)) {
      continue;
    }
    const expected = actualValue(previousPrimary.configuration, key);
    const actual = actualValue(primary.configuration, key);
    if (
      expected === undefined ||
      actual === undefined ||
      sameValue(expected, actual)
    ) {
      continue;
    }
    findings.push({
      kind: 'parity',
      severity: 'warning',
      environment,
      resource: primary.functionArn,
      rule: 'parity.differs',
      subject: key,
      message: `${key} differs between ${before} and ${environment}: ${describeParityDifference(
        key,
        expected,
        actual,
        before,
        environment,
      )}; only ${
        allowed.join(', ') || 'nothing'
      } may differ between environments`,
      expected: formatValue(key, expected),
      actual: formatValue(key, actual),
    });
  }
  return findings;
}

/**
 * Findings of the last successful drift check of one stack. A `live` alias that a rollback pointed away
 * from the stack on purpose (`intended`) is information, not a warning, until the next promotion.
 */
export function stackDriftFindings(
  check: StackDriftCheck,
  intended: IntendedAliasDrift[] = [],
): Finding[] {
  if (!check.checkedAt || check.stackDriftStatus !== 'DRIFTED') {
    return [];
  }
  const findings: Finding[] = [];
  const checked = `drift checked ${check.checkedAt}`;
  for (const resource of check.resources ?? []) {
    const what = `${resource.resourceType} ${resource.logicalResourceId}${
      resource.physicalResourceId ? ` (${resource.physicalResourceId})` : ''
    } of stack ${check.stackName}`;
    const base = {
      kind: 'cloudformation-drift' as const,
      environment: check.environment,
      resource:
        resource.physicalResourceId ??
        `${check.stackName}/${resource.logicalResourceId}`,
    };
    const rollback = intendedAliasDrift(check, resource, intended);
    if (rollback) {
      findings.push({
        ...base,
        severity: 'info',
        rule: 'cloudformation.alias-rolled-back',
        subject: resource.logicalResourceId,
        message: `${what} differs from the template on purpose: rollback ${rollback.rollbackId} by ${rollback.requestedBy} pointed live elsewhere, until the next promotion (${checked})`,
      });
      continue;
    }
    if (resource.status === 'DELETED') {
      findings.push({
        ...base,
        severity: 'error',
        rule: 'cloudformation.resource-deleted',
        subject: resource.logicalResourceId,
        message: `${what} was deleted outside CloudFormation (${checked})`,
      });
      continue;
    }
    if (resource.differences.length === 0) {
      findings.push({
        ...base,
        severity: 'warning',
        rule: 'cloudformation.resource-modified',
        subject: resource.logicalResourceId,
        message: `${what} was modified outside CloudFormation (${checked})`,
      });
      continue;
    }
    for (const difference of resource.differences) {
      findings.push({
        ...base,
        severity: 'warning',
        rule: 'cloudformation.resource-modified',
        subject: `${resource.logicalResourceId}.${difference.propertyPath}`,
        message: `${what}: ${difference.propertyPath} is ${
          difference.actualValue ?? '(absent)'
        } but the template says ${
          difference.expectedValue ?? '(absent)'
        } (${checked})`,
        expected: difference.expectedValue,
        actual: difference.actualValue,
      });
    }
  }
  return findings;
}

/** The intended drift a modified `live` alias resource of the stack stands for, if any. */
function intendedAliasDrift(
  check: StackDriftCheck,
  resource: NonNullable<StackDriftCheck['resources']>[number],
  intended: IntendedAliasDrift[],
): IntendedAliasDrift | undefined {
  if (
    resource.status !== 'MODIFIED' ||
    resource.resourceType !== 'AWS::Lambda::Alias'
  ) {
    return undefined;
  }
  // The physical id of an AWS::Lambda::Alias is the alias's ARN.
  return intended.find(
    drift =>
      drift.accountId === check.accountId &&
      drift.region === check.region &&
      resource.physicalResourceId?.endsWith(
        `:function:${drift.functionName}:live`,
      ),
  );
}
