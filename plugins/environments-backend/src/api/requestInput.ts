import { InputError, NotFoundError } from '@backstage/errors';
import { entityRefAt } from '../catalog/entityRefs';

// What the spec (src/schema/openapi.yaml) cannot say about a request, checked after it: an environment
// must be one the config names, and an entity ref's parts must follow the catalog's rules. Each check
// throws an InputError (400) saying what is wrong and where, before any 404 or 403.

/** The name, when it is one of the configured environments; InputError naming `at` otherwise. */
export function environmentAt<T extends string | undefined>(
  name: T,
  at: string,
  environments: string[],
): T {
  if (name !== undefined && !environments.includes(name)) {
    throw new InputError(
      `${at}: no environment named '${name}'; the environments are ${environments.join(
        ', ',
      )}`,
    );
  }
  return name;
}

/** The entity ref as a full, canonical ref, when given; InputError naming `at` otherwise. */
export function optionalEntityRefAt(
  value: string | undefined,
  at: string,
): string | undefined {
  return value === undefined ? undefined : entityRefAt(value, at);
}

/** Free text as recorded: trimmed, and absent when only white space. */
export function recordedText(value: string | undefined): string | undefined {
  return value?.trim() || undefined;
}

/**
 * The 404 of a path that names an environment not configured: such a path names no resource (the
 * history and the configuration gate routes).
 */
export function assertEnvironmentInPath(
  environment: string,
  environments: Array<{ name: string }>,
): void {
  if (!environments.some(e => e.name === environment)) {
    throw new NotFoundError(
      `No environment named '${environment}'; the environments are ${environments
        .map(e => e.name)
        .join(', ')}`,
    );
  }
}
