import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  Finding,
  FunctionResource,
  NamingResourceType,
  functionNameAnnotation,
} from '@internal/backstage-plugin-environments-common';
import {
  serviceNamingContext,
  NamingContext,
  NamingConvention,
  checkName,
  conventionsInForce,
  checkTags,
} from '@internal/backstage-plugin-environments-node';
import {
  declaredDriftFindings,
  parityFindings,
  stackDriftFindings,
  unpromotedDigestFindings,
} from './driftFindings';
import {
  ComplianceConfig,
  DeclaredKey,
  DeclaredOverrides,
  DeclaredValue,
  IntendedAliasDrift,
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
  /** Its functions whose stack-owned `live` alias a rollback moved on purpose (until the next promotion). */
  intendedDrift?: IntendedAliasDrift[];
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

/**
 * Evaluates one service against the rules: naming conventions, tags, declared configuration, parity
 * between consecutive environments, digests that skipped the promotion path, and CloudFormation drift.
 * Pure: the caller reads the matrix, catalog, repository files and drift checks beforehand.
 */
export function evaluateService(input: EvaluateServiceInput): Finding[] {
  const { matrix, environments } = input;
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
    findings.push(
      ...environmentFindings(input, conventions, definition, state),
      ...unpromotedDigestFindings(state),
      ...(previous ? parityFindings(previous, state, input.config) : []),
    );
    for (const fn of state.functions) {
      if (fn.stack) {
        presentStacks.add(`${fn.accountId}/${fn.region}/${fn.stack.stackName}`);
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
      findings.push(...stackDriftFindings(check, input.intendedDrift));
    }
  }
  return findings;
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

/** The findings of each function of one environment (names, tags, declared values) and of its stacks' names. */
function environmentFindings(
  input: EvaluateServiceInput,
  conventions: Partial<Record<NamingResourceType, NamingConvention>>,
  definition: EnvironmentDefinition,
  state: EnvironmentState,
): Finding[] {
  const { service, config } = input;
  const environment = definition.name;
  const nameOf = nameFindings(
    serviceNamingContext(service, definition),
    environment,
  );
  const declared: Partial<Record<DeclaredKey, DeclaredValue>> =
    effectiveDeclared(config, input.declaredOverrides, environment);
  const checkedStacks = new Set<string>();
  const findings: Finding[] = [];
  for (const fn of state.functions) {
    // A function named by environments.io/function.<env> is judged too: the annotation finds it,
    // it does not exempt it.
    findings.push(
      ...nameOf(fn.functionName, conventions['lambda-function'], {
        what: 'Lambda function',
        resource: fn.functionArn,
        note:
          fn.discoveredBy === 'explicit'
            ? ` The annotation ${functionNameAnnotation(
                environment,
              )} names it, which finds it but does not exempt it.`
            : '',
      }),
      ...tagFindings(fn, input, definition),
      ...declaredDriftFindings(fn, declared, environment),
    );
    const stack = fn.stack;
    if (stack && !checkedStacks.has(stack.stackId)) {
      checkedStacks.add(stack.stackId);
      findings.push(
        ...nameOf(stack.stackName, conventions['cloudformation-stack'], {
          what: 'CloudFormation stack',
          resource: stack.stackId,
        }),
      );
    }
  }
  return findings;
}

/** A name that breaks the convention in force for its resource type (none: not judged). */
function nameFindings(namingContext: NamingContext, environment: string) {
  return (
    name: string,
    convention: NamingConvention | undefined,
    subject: { what: string; resource: string; note?: string },
  ): Finding[] => {
    const result = convention && checkName(name, convention, namingContext);
    if (!result || result.ok) {
      return [];
    }
    return [
      {
        kind: 'naming',
        severity: 'warning',
        environment,
        resource: subject.resource,
        rule: result.violation.rule,
        message: `${subject.what} ${result.violation.message}${
          subject.note ?? ''
        }`,
        expected: result.violation.expected,
        actual: result.violation.actual,
      },
    ];
  };
}

/** A function's tags that break the tag rules. */
function tagFindings(
  fn: FunctionResource,
  input: EvaluateServiceInput,
  definition: EnvironmentDefinition,
): Finding[] {
  const { service, config } = input;
  return checkTags(fn.tags, config.tags, {
    environment: definition,
    project: service.project,
    component: service.component,
    owner: service.owner,
  }).map(violation => ({
    kind: 'tags',
    severity: violation.rule === 'tags.allowed-values' ? 'warning' : 'error',
    environment: definition.name,
    resource: fn.functionArn,
    rule: violation.rule,
    subject: violation.key,
    message: `${fn.functionName}: ${violation.message}`,
    expected: violation.expected,
    actual: violation.actual,
  }));
}
