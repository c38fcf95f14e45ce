import {
  NAMING_CONVENTION_ANNOTATION,
  NAMING_RESOURCE_TYPES,
  NamingResourceType,
} from '@internal/backstage-plugin-environments-common';
import { NamingConvention, parseNamingConvention } from './naming';

// The naming conventions a service's annotations set (environments.io/naming-convention*), over the
// configured ones. Documented in docs/compliance.md and docs/annotations.md.

/** The annotation key that overrides the naming convention of one resource type. */
export function namingConventionAnnotation(
  resourceType: NamingResourceType,
): string {
  return resourceType === 'lambda-function'
    ? NAMING_CONVENTION_ANNOTATION
    : `${NAMING_CONVENTION_ANNOTATION}.${resourceType}`;
}

/**
 * The naming patterns a service's annotations set, by resource type. The bare annotation sets Lambda
 * functions; `environments.io/naming-convention.lambda-function` is accepted as the same.
 */
export function namingConventionOverrides(
  annotations: Record<string, string> | undefined,
): Partial<Record<NamingResourceType, string>> {
  const overrides: Partial<Record<NamingResourceType, string>> = {};
  for (const type of NAMING_RESOURCE_TYPES) {
    const value =
      annotations?.[`${NAMING_CONVENTION_ANNOTATION}.${type}`] ??
      (type === 'lambda-function'
        ? annotations?.[NAMING_CONVENTION_ANNOTATION]
        : undefined);
    if (value && value.trim() !== '') {
      overrides[type] = value.trim();
    }
  }
  return overrides;
}

/** A service's naming annotation that is not a valid pattern. */
export interface InvalidNamingOverride {
  resourceType: NamingResourceType;
  /** The annotation key, e.g. `environments.io/naming-convention`. */
  annotation: string;
  pattern: string;
  /** What is wrong with the pattern. */
  error: string;
}

/**
 * The naming conventions in force for a service: its own (from {@link namingConventionOverrides}) where
 * valid, else the configured ones; a resource type with neither is not judged. Invalid annotations are
 * returned so that the caller can report them.
 */
export function conventionsInForce(
  configured: Partial<Record<NamingResourceType, NamingConvention>>,
  overrides: Partial<Record<NamingResourceType, string>> | undefined,
): {
  conventions: Partial<Record<NamingResourceType, NamingConvention>>;
  invalid: InvalidNamingOverride[];
} {
  const conventions = { ...configured };
  const invalid: InvalidNamingOverride[] = [];
  for (const resourceType of NAMING_RESOURCE_TYPES) {
    const pattern = overrides?.[resourceType];
    if (!pattern) {
      continue;
    }
    try {
      conventions[resourceType] = parseNamingConvention(pattern);
    } catch (error) {
      invalid.push({
        resourceType,
        annotation: namingConventionAnnotation(resourceType),
        pattern,
        error: (error as Error).message,
      });
    }
  }
  return { conventions, invalid };
}
