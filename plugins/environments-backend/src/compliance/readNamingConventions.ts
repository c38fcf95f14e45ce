import { Config } from '@backstage/config';
import { NamingResourceType } from '@internal/backstage-plugin-environments-common';
import {
  NamingConvention,
  parseNamingConvention,
} from '@internal/backstage-plugin-environments-node';

const CONVENTION_KEYS: Record<string, NamingResourceType> = {
  lambdaFunction: 'lambda-function',
  cloudFormationStack: 'cloudformation-stack',
};

/**
 * Reads `environments.compliance.naming.conventions`: the configured convention per resource type
 * (a type without one is absent). Throws an Error naming the key that holds a bad pattern.
 */
export function readNamingConventions(
  config: Config,
): Partial<Record<NamingResourceType, NamingConvention>> {
  const naming: Partial<Record<NamingResourceType, NamingConvention>> = {};
  for (const [key, type] of Object.entries(CONVENTION_KEYS)) {
    const path = `environments.compliance.naming.conventions.${key}`;
    const pattern = config.getOptionalString(path);
    if (pattern !== undefined) {
      try {
        naming[type] = parseNamingConvention(pattern);
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message}`);
      }
    }
  }
  return naming;
}
