import { AuthService } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** What the API answers for an entity that is unknown, or hidden from the caller: the same. */
export function entityNotFound(entityRef: string): NotFoundError {
  return new NotFoundError(`No entity ${entityRef} in the catalog`);
}

// The catalog's default rules for the parts of an entity ref (what its API accepts in a lookup).
const validator = makeValidator();
const RULES = {
  kind: [validator.isValidKind, 'a letter, then letters and digits'],
  namespace: [validator.isValidNamespace, 'letters, digits and dashes'],
  name: [
    validator.isValidEntityName,
    'letters and digits, with -, _ or . between them',
  ],
} as const;

/**
 * Throws an InputError naming `at(part)` when a part of the ref is one no catalog entity can have,
 * rather than sending the catalog a lookup it refuses.
 */
export function checkEntityRefParts(
  ref: CompoundEntityRef,
  at: (part: keyof typeof RULES) => string,
): void {
  for (const [part, [valid, rule]] of Object.entries(RULES)) {
    const value = ref[part as keyof typeof RULES];
    if (!valid(value.toLocaleLowerCase('en-US'))) {
      throw new InputError(
        `${at(
          part as keyof typeof RULES,
        )}: '${value}' is not an entity ${part} (${rule}, at most 63 characters)`,
      );
    }
  }
}

/** A full entity ref (`checkout-api` means `component:default/checkout-api`); InputError naming `at`. */
export function entityRefAt(value: string, at: string): string {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `${at} must be an entity ref such as component:default/checkout-api, got '${value}': ${
        (error as Error).message
      }`,
    );
  }
  checkEntityRefParts(ref, () => at);
  return stringifyEntityRef(ref);
}

/**
 * Reads the service a promotion or rollback is about, with the plugin's own credentials (the caller's
 * permission is checked separately). A short ref such as `checkout-api` means a Component in `default`.
 */
export async function getCatalogEntity(
  deps: { catalog: CatalogService; auth: AuthService },
  entityRef: string,
): Promise<Entity> {
  const ref = entityRefAt(entityRef, 'entityRef');
  const entity = await deps.catalog.getEntityByRef(ref, {
    credentials: await deps.auth.getOwnServiceCredentials(),
  });
  if (!entity) {
    throw entityNotFound(ref);
  }
  return entity;
}

/**
 * A ref an entity writes in its spec (`spec.owner: team-x`), in full, as the catalog reads it: relative
 * to the entity's own namespace (`group:payments/team-x` for a Component in `payments`). Undefined when
 * absent, or not a ref the catalog would accept.
 */
export function specRef(
  entity: Entity,
  field: 'owner' | 'system',
  defaultKind: string,
): string | undefined {
  const value = entity.spec?.[field];
  if (typeof value !== 'string' || !value) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind,
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}
