import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { entityNotFound } from '../service/ServiceCatalog';

/** A full entity ref (`checkout-api` means `component:default/checkout-api`); InputError naming `at`. */
export function entityRefAt(value: string, at: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(
      `${at} must be an entity ref such as component:default/checkout-api, got '${value}': ${
        (error as Error).message
      }`,
    );
  }
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
