import { ANNOTATION_PREFIX } from '../annotations';
import { NAMING_RESOURCE_TYPES, NamingResourceType } from './naming';

/**
 * A service's own naming convention for its Lambda functions, overriding the configured one, e.g.
 * `environments.io/naming-convention: '{project}-{env}-{service}'`. Stacks use
 * `environments.io/naming-convention.cloudformation-stack`. Documented in docs/compliance.md.
 */
export const NAMING_CONVENTION_ANNOTATION = `${ANNOTATION_PREFIX}/naming-convention`;

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
