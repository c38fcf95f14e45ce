import { Config } from '@backstage/config';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { pathPatternProblem } from './paths';
import { configRuleLocator, parseRules } from './rules';
import { PromotionGateMode, SettingsRules } from './types';

/** The `environments.settings` section: the configuration matrix (docs/configuration-matrix.md). */
export interface SettingsConfig {
  /** Parameter Store path patterns read per environment, e.g. `/{project}/{env}/{component}/`. */
  parameterPaths: string[];
  /** Whether to read `envs/settings.yaml` from each service's repository. */
  readRepositoryFile: boolean;
  /** The rules of every service. */
  rules: SettingsRules;
  /** Per environment: whether its findings stop a promotion request into it (`block`) or only warn. */
  promotionGate: Record<string, PromotionGateMode>;
}

const KEY = 'environments.settings';
export const DEFAULT_PARAMETER_PATHS = ['/{project}/{env}/{component}/'];

/** Reads `environments.settings`; throws an Error naming the key that is wrong. */
export function readSettingsConfig(
  config: Config,
  environments: EnvironmentDefinition[],
): SettingsConfig {
  const names = environments.map(e => e.name);
  const parameterPaths =
    config.getOptionalStringArray(`${KEY}.parameterPaths`) ??
    DEFAULT_PARAMETER_PATHS;
  parameterPaths.forEach((pattern, i) => {
    const problem = pathPatternProblem(pattern);
    if (problem) {
      throw new Error(`${KEY}.parameterPaths[${i}] ${problem}`);
    }
  });
  const promotionGate: Record<string, PromotionGateMode> = {};
  const gate = config.getOptionalConfig(`${KEY}.promotionGate`);
  for (const environment of gate?.keys() ?? []) {
    const key = `${KEY}.promotionGate.${environment}`;
    if (!names.includes(environment)) {
      throw new Error(
        `${key}: '${environment}' is not an environment; the environments are ${names.join(
          ', ',
        )}`,
      );
    }
    const mode = gate!.getString(environment);
    if (mode !== 'block' && mode !== 'warn') {
      throw new Error(`${key} must be block or warn, got '${mode}'`);
    }
    promotionGate[environment] = mode;
  }
  return {
    parameterPaths,
    readRepositoryFile:
      config.getOptionalBoolean(`${KEY}.readRepositoryFile`) ?? true,
    rules: parseRules(
      config.getOptional(`${KEY}.rules`),
      names,
      configRuleLocator(`${KEY}.rules`),
    ),
    promotionGate,
  };
}
