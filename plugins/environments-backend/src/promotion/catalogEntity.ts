import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Reads the service a promotion or rollback is about, with the plugin's own credentials (the caller's
 * permission is checked separately). A short ref such as `checkout-api` means a Component in `default`.
 */
export async function getCatalogEntity(
  deps: { catalog: CatalogService; auth: AuthService },
  entityRef: string,
): Promise<Entity> {
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(
      `entityRef '${entityRef}' is not an entity ref: ${
        (error as Error).message
      }`,
    );
  }
  const entity = await deps.catalog.getEntityByRef(ref, {
    credentials: await deps.auth.getOwnServiceCredentials(),
  });
  if (!entity) {
    throw new NotFoundError(`No catalog entity ${ref}`);
  }
  return entity;
}
