import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  Finding,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import {
  describeLocations,
  environmentSettings,
  flagValue,
  SettingsByName,
} from './environmentSettings';
import { leakFindings } from './leaks';
import { EnvironmentSettingsSnapshot, SettingsRules } from './types';

/** Everything {@link evaluateSettings} needs, already read: the evaluation is pure. */
export interface EvaluateSettingsInput {
  matrix: EnvironmentMatrix;
  environments: EnvironmentDefinition[];
  snapshots: EnvironmentSettingsSnapshot[];
  rules: SettingsRules;
  /** Every environment's Parameter Store paths for this service, to tell another environment's path. */
  pathsByEnvironment: Record<string, string[]>;
}

/** One environment where the service runs, with its settings. */
interface CheckedEnvironment {
  name: string;
  resource: string;
  settings: SettingsByName;
}

/**
 * The configuration matrix's findings of one service: required variables missing, forbidden ones set,
 * flags off their plan, and values that point at another environment. Environments where the service
 * does not run are not judged.
 */
export function evaluateSettings(input: EvaluateSettingsInput): Finding[] {
  const checked: CheckedEnvironment[] = [];
  const unread: Finding[] = [];
  for (const definition of input.environments) {
    const state = input.matrix.environments.find(
      e => e.environment === definition.name,
    );
    const fn = state?.status === 'ok' ? primaryFunction(state) : undefined;
    if (!state || !fn) {
      continue;
    }
    const snapshot = input.snapshots.find(
      s => s.environment === definition.name,
    );
    if (snapshot?.error) {
      // What is missing cannot be told from what could not be read: said once, where rules would judge
      // it (a fleet without rules, whose read role may lack these actions, is not warned), and not judged.
      if (hasRules(input.rules)) {
        unread.push({
          kind: 'settings',
          severity: 'warning',
          environment: definition.name,
          resource: fn.functionArn,
          rule: 'settings.unreadable',
          message: `The parameters and secrets of ${definition.name} could not be read (${snapshot.error}); its configuration is not judged until they can`,
        });
      }
      continue;
    }
    checked.push({
      name: definition.name,
      resource: fn.functionArn,
      settings: environmentSettings(state, snapshot),
    });
  }
  return [
    ...unread,
    ...checked.flatMap(environment => [
      ...variableFindings(environment, input.rules),
      ...flagFindings(environment, input.rules),
      ...leakFindings(environment, input),
    ]),
  ];
}

function hasRules(rules: SettingsRules): boolean {
  return rules.variables.length > 0 || rules.flags.length > 0;
}

function variableFindings(
  environment: CheckedEnvironment,
  rules: SettingsRules,
): Finding[] {
  const { name: env, settings, resource } = environment;
  const findings: Finding[] = [];
  for (const rule of rules.variables) {
    const locations = settings.get(rule.name);
    if (rule.required.includes(env) && !locations) {
      findings.push({
        kind: 'settings',
        severity: 'error',
        environment: env,
        resource,
        rule: 'settings.required',
        subject: rule.name,
        message: `${rule.name} is required in ${env} (${rule.declaredAt}) and is neither a variable of the function nor a parameter or secret under the environment's path`,
        expected: 'present',
        actual: 'absent',
      });
    }
    if (rule.forbidden.includes(env) && locations) {
      findings.push({
        kind: 'settings',
        severity: 'error',
        environment: env,
        resource,
        rule: 'settings.forbidden',
        subject: rule.name,
        message: `${rule.name} must not be set in ${env} (${
          rule.declaredAt
        }); it is set as ${describeLocations(locations)}`,
        expected: 'absent',
        actual: locations.find(l => l.value !== undefined)?.value ?? 'present',
      });
    }
  }
  return findings;
}

function flagFindings(
  environment: CheckedEnvironment,
  rules: SettingsRules,
): Finding[] {
  const { name: env, settings, resource } = environment;
  const follow = rules.follows.find(f => f.environment === env);
  const findings: Finding[] = [];
  for (const flag of rules.flags) {
    const planned = follow ? flag.plan[follow.follows] : flag.plan[env];
    if (planned === undefined) {
      continue;
    }
    const actual = flagValue(settings.get(flag.name));
    if (actual === planned) {
      continue;
    }
    const why = follow
      ? `${env} follows ${follow.follows}'s plan (${
          follow.declaredAt
        }), which has it ${onOff(planned)} (${flag.declaredAt})`
      : `the plan has it ${onOff(planned)} in ${env} (${flag.declaredAt})`;
    findings.push({
      kind: 'settings',
      severity: 'warning',
      environment: env,
      resource,
      rule: 'settings.flag-plan',
      subject: flag.name,
      message:
        actual === undefined
          ? `The flag ${flag.name} cannot be read as true or false in ${env}; ${why}`
          : `The flag ${flag.name} is ${onOff(
              actual,
            )} in ${env}, off its plan: ${why}`,
      expected: String(planned),
      actual: actual === undefined ? 'unreadable' : String(actual),
    });
  }
  return findings;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}
