import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { DEFAULT_CATALOG_TAG_KEYS } from '@internal/backstage-plugin-environments-node';
import { readDiscoveryTags } from '../config/readEnvironmentsConfig';
import { DiscoveryTags } from '../matrix/collector/serviceMatching';
import { readNamingConventions } from './readNamingConventions';
import { DECLARED_KEYS, validateDeclaredValue } from './declared';
import { ComplianceConfig, DeclaredValue, ParityKey } from './types';

/** Keys compared between consecutive environments: what can be declared, and more. */
export const PARITY_KEYS: readonly ParityKey[] = [
  ...DECLARED_KEYS,
  'environmentVariableNames',
  'layers',
];

/** Keys that may differ between environments unless configured otherwise. */
export const DEFAULT_ALLOWED_TO_DIFFER: readonly ParityKey[] = [
  'memory',
  'timeout',
  'reservedConcurrency',
];

/** Scheduled CloudFormation drift checks per run unless configured otherwise. */
export const DEFAULT_STACKS_PER_RUN = 5;

/** How often the scheduled CloudFormation drift check runs unless configured otherwise. */
export const DEFAULT_DRIFT_CHECK_FREQUENCY: HumanDuration = { hours: 6 };

/**
 * Reads `environments.compliance` and the per-environment `declared` and `requiredTags` of
 * `environments.definitions`. The catalog tags are the discovery tags (`environments.discovery`, read
 * by the plugin's config reader and given here). Throws an Error naming the config key that is wrong.
 */
export function readComplianceConfig(
  config: Config,
  environments: EnvironmentDefinition[],
  discoveryTags: DiscoveryTags = readDiscoveryTags(config),
): ComplianceConfig {
  const compliance = config.getOptionalConfig('environments.compliance');
  // Read in this order, so that the first wrong key is the one reported.
  const naming = readNamingConventions(config);
  const allowedValues = readAllowedValues(compliance);
  const { declared, requiredByEnvironment } = readDefinitions(
    config,
    environments,
  );
  return {
    naming,
    tags: {
      required: compliance?.getOptionalStringArray('tags.required') ?? [],
      requiredByEnvironment,
      allowedValues,
      catalogTags: {
        environment: discoveryTags.environmentTag,
        owner:
          compliance?.getOptionalString('tags.ownerTag') ??
          DEFAULT_CATALOG_TAG_KEYS.owner,
        project: discoveryTags.projectTag,
        component: discoveryTags.componentTag,
      },
    },
    declared,
    parity: { allowedToDiffer: readAllowedToDiffer(compliance) },
    readRepositoryFiles:
      compliance?.getOptionalBoolean('readRepositoryFiles') ?? true,
    cloudFormationDrift: readDriftSchedule(compliance),
  };
}

/** `tags.allowedValues`: the values allowed per tag key. */
function readAllowedValues(
  compliance: Config | undefined,
): Record<string, string[]> {
  const allowedValues: Record<string, string[]> = {};
  const allowedConfig = compliance?.getOptionalConfig('tags.allowedValues');
  for (const key of allowedConfig?.keys() ?? []) {
    allowedValues[key] = allowedConfig!.getStringArray(key);
  }
  return allowedValues;
}

/** Each environment's `declared` values (checked) and `requiredTags`; every environment has its entry. */
function readDefinitions(
  config: Config,
  environments: EnvironmentDefinition[],
): Pick<ComplianceConfig, 'declared'> & {
  requiredByEnvironment: Record<string, string[]>;
} {
  const definitions =
    config.getOptionalConfigArray('environments.definitions') ?? [];
  const requiredByEnvironment: Record<string, string[]> = {};
  const declared: ComplianceConfig['declared'] = {};
  definitions.forEach((definition, index) => {
    const name = definition.getString('name');
    const requiredTags = definition.getOptionalStringArray('requiredTags');
    if (requiredTags) {
      requiredByEnvironment[name] = requiredTags;
    }
    const declaredConfig = definition.getOptionalConfig('declared');
    const values: Record<string, DeclaredValue> = {};
    const source = `app-config environments.definitions[${index}].declared`;
    for (const key of declaredConfig?.keys() ?? []) {
      try {
        values[key] = {
          value: validateDeclaredValue(key, declaredConfig!.get(key)),
          source,
        };
      } catch (error) {
        throw new Error(
          `environments.definitions[${index}].declared.${key}: ${
            (error as Error).message
          }`,
        );
      }
    }
    declared[name] = values;
  });
  for (const environment of environments) {
    declared[environment.name] ??= {};
  }
  return { declared, requiredByEnvironment };
}

/** `parity.allowedToDiffer`: known parity keys only. */
function readAllowedToDiffer(compliance: Config | undefined): ParityKey[] {
  return (
    compliance?.getOptionalStringArray('parity.allowedToDiffer') ?? [
      ...DEFAULT_ALLOWED_TO_DIFFER,
    ]
  ).map(key => {
    if (!PARITY_KEYS.includes(key as ParityKey)) {
      throw new Error(
        `environments.compliance.parity.allowedToDiffer: unknown key '${key}'; known keys are ${PARITY_KEYS.join(
          ', ',
        )}`,
      );
    }
    return key as ParityKey;
  });
}

/** `cloudFormationDrift`: stacks per scheduled run (0 turns it off) and how often it runs. */
function readDriftSchedule(
  compliance: Config | undefined,
): ComplianceConfig['cloudFormationDrift'] {
  const stacksPerRun =
    compliance?.getOptionalNumber('cloudFormationDrift.stacksPerRun') ??
    DEFAULT_STACKS_PER_RUN;
  if (!Number.isInteger(stacksPerRun) || stacksPerRun < 0) {
    throw new Error(
      `environments.compliance.cloudFormationDrift.stacksPerRun must be a whole number ≥ 0, got ${stacksPerRun}`,
    );
  }
  let frequency = DEFAULT_DRIFT_CHECK_FREQUENCY;
  if (compliance?.has('cloudFormationDrift.frequency')) {
    try {
      frequency = readDurationFromConfig(compliance, {
        key: 'cloudFormationDrift.frequency',
      });
    } catch (error) {
      throw new Error(
        `environments.compliance.cloudFormationDrift.frequency: ${
          (error as Error).message
        }`,
      );
    }
  }
  return { stacksPerRun, frequency };
}
