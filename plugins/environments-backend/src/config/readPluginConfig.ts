import { Config } from '@backstage/config';
import { readComplianceConfig } from '../compliance/config';
import { ComplianceConfig } from '../compliance/types';
import { FunctionDiscovery } from '../matrix/collector/FunctionDiscovery';
import { PromotionConfig, readPromotionConfig } from '../promotion/config';
import {
  ProvisioningConfig,
  readProvisioningConfig,
} from '../provisioning/config';
import { readSettingsConfig, SettingsConfig } from '../settings/config';
import { assertKnownEnvironmentsKeys } from './knownKeys';
import {
  EnvironmentsConfig,
  readEnvironmentsConfig,
} from './readEnvironmentsConfig';

/**
 * Everything the plugin reads from config, read and checked once at start-up: the environments, AWS
 * access, refresh schedule, compliance rules, promotion policies and provisioning. Services get their
 * part of it; none reads config itself.
 */
export interface PluginConfig extends EnvironmentsConfig {
  /** How functions are found (discovery tags, the Lambda naming convention). */
  discovery: FunctionDiscovery;
  compliance: ComplianceConfig;
  promotion: PromotionConfig;
  provisioning: ProvisioningConfig;
  /** The configuration matrix: variables, parameters, secrets and flags per environment. */
  settings: SettingsConfig;
}

/**
 * Reads the `environments` section into one {@link PluginConfig}. Throws an Error naming the key that
 * is wrong, so a bad config stops the backend at start-up.
 */
export function readPluginConfig(config: Config): PluginConfig {
  const base = readEnvironmentsConfig(config);
  const compliance = readComplianceConfig(
    config,
    base.environments,
    base.discoveryTags,
  );
  return {
    ...base,
    discovery: new FunctionDiscovery({
      discoveryTags: base.discoveryTags,
      lambdaConvention: compliance.naming['lambda-function'],
    }),
    compliance,
    promotion: readPromotionConfig(config),
    provisioning: readProvisioningConfig(config, base.environments),
    settings: readSettingsConfig(config, base.environments),
  };
}

/** Refuses unknown keys (typos) in the `environments` section, then reads it: what the plugin runs at start-up. */
export async function loadPluginConfig(config: Config): Promise<PluginConfig> {
  await assertKnownEnvironmentsKeys(config);
  return readPluginConfig(config);
}
