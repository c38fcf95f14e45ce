/**
 * Catalog annotations read by the Environments plugins. Every one is documented in
 * docs/annotations.md.
 */

/** Prefix shared by every annotation of this plugin set. */
export const ANNOTATION_PREFIX = 'environments.io';

/** The project token of the naming convention, e.g. `shop`. Also matched against the `Project` tag. */
export const PROJECT_ANNOTATION = `${ANNOTATION_PREFIX}/project`;

/** The component token of the naming convention; defaults to the entity's `metadata.name`. */
export const COMPONENT_ANNOTATION = `${ANNOTATION_PREFIX}/component`;

/**
 * Prefix of the per-environment explicit function name, e.g.
 * `environments.io/function.prod: legacy-checkout`. Overrides the naming convention for that environment.
 */
export const FUNCTION_NAME_ANNOTATION_PREFIX = `${ANNOTATION_PREFIX}/function.`;

/** Returns the annotation key that names a service's function explicitly in one environment. */
export function functionNameAnnotation(environment: string): string {
  return `${FUNCTION_NAME_ANNOTATION_PREFIX}${environment}`;
}

/** A component is handled by the Environments plugins when it carries the project annotation. */
export function isEnvironmentsAvailable(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  return Boolean(entity.metadata.annotations?.[PROJECT_ANNOTATION]);
}
