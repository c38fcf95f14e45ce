import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  Finding,
  FunctionConfiguration,
  NamingConvention,
  NamingResourceType,
  checkName,
  checkTags,
  conventionsInForce,
  functionNameAnnotation,
  serviceNamingContext,
  primaryFunction,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { PARITY_KEYS } from './config';
import {
  ComplianceConfig,
  DeclaredKey,
  DeclaredOverrides,
  DeclaredValue,
  ParityKey,
  ServiceFacts,
  StackDriftCheck,
} from './types';

/** Everything {@link evaluateService} needs; all of it already read, so the evaluation is pure. */
export interface EvaluateServiceInput {
  /** The service's current matrix (last known state where collection failed). */
  matrix: EnvironmentMatrix;
  /** The environments in promotion order. */
  environments: EnvironmentDefinition[];
  service: ServiceFacts;
  config: ComplianceConfig;
  /** What the service's repository declares (envs/<env>/terraform.tfvars, environment.yaml). */
  declaredOverrides?: DeclaredOverrides;
  /** The service's stored CloudFormation drift checks. */
  stackDrift?: StackDriftCheck[];
}

type Value = string | number | null | undefined | string[];

const UNITS: Partial<Record<ParityKey, string>> = {
  memory: ' MB',
  timeout: ' s',
};

/** Renders a value for a finding: units for memory and timeout, `none` for no reservation. */
function formatValue(key: ParityKey, value: Value): string {
  if (value === null) {
    return 'none';
  }
  if (value === undefined) {
    return 'unknown';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.join(', ');
  }
  return `${value}${UNITS[key] ?? ''}`;
}

/** A layer's name without account, region and version, which differ between accounts by nature. */
function layerName(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 7 && parts[5] === 'layer' ? parts[6] : arn;
}

/** What a function actually runs, for one key. Undefined when AWS did not say (e.g. reserved concurrency on moto). */
function actualValue(
  configuration: FunctionConfiguration,
  key: ParityKey,
): Value {
  switch (key) {
    case 'memory':
      return configuration.memorySize;
    case 'timeout':
      return configuration.timeout;
    case 'reservedConcurrency':
      return configuration.reservedConcurrency;
    case 'runtime':
      return configuration.runtime;
    case 'handler':
      return configuration.handler;
    case 'architecture':
      // Lambda's default when none is given.
      return configuration.architectures[0] ?? 'x86_64';
    case 'packageType':
      return configuration.packageType;
    case 'environmentVariableNames':
      return [...configuration.environmentVariableNames].sort();
    case 'layers':
      return configuration.layers.map(layerName).sort();
    default:
      return undefined;
  }
}

function sameValue(a: Value, b: Value): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The declared values in force for one environment: config first, then the repository's files in order. */
export function effectiveDeclared(
  config: ComplianceConfig,
  overrides: DeclaredOverrides | undefined,
  environment: string,
): Partial<Record<DeclaredKey, DeclaredValue>> {
  const values: Partial<Record<DeclaredKey, DeclaredValue>> = {
    ...config.declared[environment],
  };
  for (const override of overrides?.overrides ?? []) {
    if (override.environment !== environment) {
      continue;
    }
    for (const [key, value] of Object.entries(override.values)) {
      values[key as DeclaredKey] = {
        value: value ?? null,
        source: override.source,
      };
    }
  }
  return values;
}

/** The conventions in force for a service; a broken annotation becomes a finding and the configured one stays. */
function serviceConventions(
  input: EvaluateServiceInput,
  findings: Finding[],
): Partial<Record<NamingResourceType, NamingConvention>> {
  const { conventions, invalid } = conventionsInForce(
    input.config.naming,
    input.service.namingOverrides,
  );
  for (const override of invalid) {
    findings.push({
      kind: 'naming',
      severity: 'error',
      environment: input.environments[0]?.name ?? '',
      resource: input.service.entityRef,
      rule: 'naming.invalid-convention',
      subject: override.annotation,
      message: `The annotation ${override.annotation} is not a valid naming convention: ${override.error}`,
      actual: override.pattern,
    });
  }
  return conventions;
}

/**
 * Evaluates one service against the rules: naming conventions, tags, declared configuration, parity
 * between consecutive environments, digests that skipped the promotion path, and CloudFormation drift.
 * Pure: the caller reads the matrix, catalog, repository files and drift checks beforehand.
 */
export function evaluateService(input: EvaluateServiceInput): Finding[] {
  const { matrix, environments, service, config } = input;
  const findings: Finding[] = [];
  const conventions = serviceConventions(input, findings);
  const presentStacks = new Set<string>();

  let previous:
    | { definition: EnvironmentDefinition; state: EnvironmentState }
    | undefined;
  for (const definition of environments) {
    const state = matrix.environments.find(
      e => e.environment === definition.name,
    );
    if (!state || state.status !== 'ok') {
      // Nothing runs there (or it was never collected): nothing to check, and no parity to compare.
      previous = undefined;
      continue;
    }
    const environment = definition.name;
    const namingContext = serviceNamingContext(service, definition);
    const declared = effectiveDeclared(
      config,
      input.declaredOverrides,
      environment,
    );
    const checkedStacks = new Set<string>();

    for (const fn of state.functions) {
      const lambdaConvention = conventions['lambda-function'];
      // A function named by environments.io/function.<env> is judged too: the annotation finds it, it
      // does not exempt it.
      if (lambdaConvention) {
        const result = checkName(
          fn.functionName,
          lambdaConvention,
          namingContext,
        );
        if (!result.ok) {
          findings.push({
            kind: 'naming',
            severity: 'warning',
            environment,
            resource: fn.functionArn,
            rule: result.violation.rule,
            message: `Lambda function ${result.violation.message}${
              fn.discoveredBy === 'explicit'
                ? ` The annotation ${functionNameAnnotation(
                    environment,
                  )} names it, which finds it but does not exempt it.`
                : ''
            }`,
            expected: result.violation.expected,
            actual: result.violation.actual,
          });
        }
      }

      for (const violation of checkTags(fn.tags, config.tags, {
        environment: definition,
        project: service.project,
        component: service.component,
        owner: service.owner,
      })) {
        findings.push({
          kind: 'tags',
          severity:
            violation.rule === 'tags.allowed-values' ? 'warning' : 'error',
          environment,
          resource: fn.functionArn,
          rule: violation.rule,
          subject: violation.key,
          message: `${fn.functionName}: ${violation.message}`,
          expected: violation.expected,
          actual: violation.actual,
        });
      }

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

      const stack = fn.stack;
      if (stack) {
        presentStacks.add(`${fn.accountId}/${fn.region}/${stack.stackName}`);
      }
      const stackConvention = conventions['cloudformation-stack'];
      if (stack && stackConvention && !checkedStacks.has(stack.stackId)) {
        checkedStacks.add(stack.stackId);
        const result = checkName(
          stack.stackName,
          stackConvention,
          namingContext,
        );
        if (!result.ok) {
          findings.push({
            kind: 'naming',
            severity: 'warning',
            environment,
            resource: stack.stackId,
            rule: result.violation.rule,
            message: `CloudFormation stack ${result.violation.message}`,
            expected: result.violation.expected,
            actual: result.violation.actual,
          });
        }
      }
    }

    const primary = primaryFunction(state);
    if (state.comparison?.unpromotedArtifact && state.digest && primary) {
      const previousName = state.comparison.previousEnvironment;
      findings.push({
        kind: 'digest-drift',
        severity: 'error',
        environment,
        resource: primary.functionArn,
        rule: 'digest.unpromoted',
        message: `${environment} runs ${shortDigest(state.digest)}${
          primary.imageUri ? ` (${primary.imageUri.split('/').pop()})` : ''
        }, which never ran in ${previousName}: it reached ${environment} outside the promotion path`,
        actual: state.digest,
      });
    }

    const previousPrimary = previous && primaryFunction(previous.state);
    if (previous && previousPrimary && primary) {
      const before = previous.definition.name;
      const allowed = config.parity.allowedToDiffer;
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
    }
    previous = { definition, state };
  }

  for (const problem of input.declaredOverrides?.problems ?? []) {
    findings.push({
      kind: 'config-drift',
      severity: 'warning',
      environment: problem.environment,
      resource: problem.source,
      rule: 'config.declared-unreadable',
      message: `The declared configuration could not be used: ${problem.message}`,
    });
  }

  for (const check of input.stackDrift ?? []) {
    if (
      presentStacks.has(`${check.accountId}/${check.region}/${check.stackName}`)
    ) {
      findings.push(...stackDriftFindings(check));
    }
  }
  return findings;
}

function describeParityDifference(
  key: ParityKey,
  expected: Value,
  actual: Value,
  before: string,
  environment: string,
): string {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const missing = expected.filter(item => !actual.includes(item));
    const extra = actual.filter(item => !expected.includes(item));
    const parts = [
      ...(missing.length
        ? [`missing in ${environment}: ${missing.join(', ')}`]
        : []),
      ...(extra.length ? [`only in ${environment}: ${extra.join(', ')}`] : []),
    ];
    return parts.join('; ');
  }
  return `${before} has ${formatValue(
    key,
    expected,
  )}, ${environment} has ${formatValue(key, actual)}`;
}

/** Findings of the last successful drift check of one stack. */
function stackDriftFindings(check: StackDriftCheck): Finding[] {
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
