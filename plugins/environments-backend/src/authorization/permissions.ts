import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Who acts: a signed-in user (service principals never request, approve or roll back). */
export interface Actor {
  userRef: string;
  credentials: BackstageCredentials;
}

/** Whether the actor holds a permission on the service's catalog entity. */
export async function isAllowed(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
  actor: Actor,
): Promise<boolean> {
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: entityRef }],
    {
      credentials: actor.credentials,
    },
  );
  return decision.result === AuthorizeResult.ALLOW;
}

/** The NotAllowedError (403) naming the permission the actor does not hold, and why it is needed. */
export function permissionDenied(
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
  actor: Actor,
  why?: string,
): NotAllowedError {
  return new NotAllowedError(
    `${actor.userRef} does not have the ${
      permission.name
    } permission on ${entityRef}${why ? `: ${why}` : ''}`,
  );
}

/** Throws NotAllowedError (403) naming the permission when the actor does not hold it. */
export async function requirePermission(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
  actor: Actor,
  why?: string,
): Promise<void> {
  if (!(await isAllowed(permissions, permission, entityRef, actor))) {
    throw permissionDenied(permission, entityRef, actor, why);
  }
}
