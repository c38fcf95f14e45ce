import {
  EnvironmentDefinition,
  SettingRow,
  SettingsMatrix,
} from '@internal/backstage-plugin-environments-common';
import { environmentSettings, SettingsByName } from './environmentSettings';
import { gateResult, ServiceSettings } from './SettingsService';
import { SettingsConfig } from './config';

/** What the rules want of a variable in an environment. */
function expectedOfVariable(
  rules: ServiceSettings['rules'],
  name: string,
  environment: string,
): string | undefined {
  const ruleOf = rules.variables.filter(v => v.name === name);
  if (ruleOf.some(r => r.forbidden.includes(environment))) {
    return 'forbidden';
  }
  return ruleOf.some(r => r.required.includes(environment))
    ? 'required'
    : undefined;
}

/** What a flag's plan (or the plan its environment follows) wants in an environment. */
function expectedOfFlag(
  rules: ServiceSettings['rules'],
  flag: ServiceSettings['rules']['flags'][number],
  environment: string,
): string | undefined {
  const follow = rules.follows.find(f => f.environment === environment);
  const planned = flag.plan[follow ? follow.follows : environment];
  if (planned === undefined) {
    return undefined;
  }
  return planned ? 'on' : 'off';
}

/**
 * The configuration matrix of a service as the API shows it: a row per flag of the rules, then one per
 * variable (the rules' and every other name found), each with a cell per environment.
 */
export function settingsMatrix(
  entityRef: string,
  environments: EnvironmentDefinition[],
  settings: ServiceSettings,
  config: Pick<SettingsConfig, 'promotionGate'>,
): SettingsMatrix {
  const { matrix, snapshots, rules } = settings;
  const byEnvironment = new Map<string, SettingsByName>();
  const columns = environments.map(definition => {
    const state = matrix.environments.find(
      e => e.environment === definition.name,
    );
    const snapshot = snapshots.find(s => s.environment === definition.name);
    byEnvironment.set(definition.name, environmentSettings(state, snapshot));
    return {
      environment: definition.name,
      runs: state?.status === 'ok',
      paths: settings.pathsByEnvironment[definition.name] ?? [],
      ...(snapshot ? { collectedAt: snapshot.collectedAt } : {}),
      ...(snapshot?.error ? { error: snapshot.error } : {}),
      gate: gateResult(config, definition.name, []).mode,
    };
  });
  const row = (
    name: string,
    kind: SettingRow['kind'],
    declaredAt: string[],
    expected: (environment: string) => string | undefined,
  ): SettingRow => ({
    name,
    kind,
    declaredAt,
    cells: environments.map(({ name: environment }) => {
      const locations = byEnvironment.get(environment)?.get(name) ?? [];
      const wanted = expected(environment);
      return {
        environment,
        present: locations.length > 0,
        locations,
        ...(wanted ? { expected: wanted } : {}),
      };
    }),
  });

  const flagNames = new Set(rules.flags.map(f => f.name));
  const variableNames = new Set<string>(rules.variables.map(v => v.name));
  for (const found of byEnvironment.values()) {
    found.forEach((_, name) => variableNames.add(name));
  }
  return {
    entityRef,
    environments: columns,
    rows: [
      ...rules.flags.map(flag =>
        row(flag.name, 'flag', [flag.declaredAt], env =>
          expectedOfFlag(rules, flag, env),
        ),
      ),
      ...[...variableNames]
        .filter(name => !flagNames.has(name))
        .sort()
        .map(name =>
          row(
            name,
            'variable',
            rules.variables.filter(v => v.name === name).map(v => v.declaredAt),
            env => expectedOfVariable(rules, name, env),
          ),
        ),
    ],
    findings: settings.findings,
  };
}
