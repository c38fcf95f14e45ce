import { ANNOTATION_PREFIX } from '../annotations';

/** The resource types a naming convention can be configured for. */
export type NamingResourceType = 'lambda-function' | 'cloudformation-stack';

/** Every resource type, as written in config and annotations. */
export const NAMING_RESOURCE_TYPES: readonly NamingResourceType[] = [
  'lambda-function',
  'cloudformation-stack',
];

/**
 * A service's own naming convention for its Lambda functions, overriding the configured one, e.g.
 * `environments.io/naming-convention: '{project}-{env}-{service}'`. Stacks use
 * `environments.io/naming-convention.cloudformation-stack`. Documented in docs/compliance.md.
 */
export const NAMING_CONVENTION_ANNOTATION = `${ANNOTATION_PREFIX}/naming-convention`;
