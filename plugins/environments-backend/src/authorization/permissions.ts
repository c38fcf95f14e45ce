import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** A permission on a service's catalog entity, as every Environments action needs. */
export type EntityPermission = ResourcePermission<'catalog-entity'>;

/**
 * Who acts: a signed-in user (service principals never request, approve or roll back), and what the
 * permission policy lets them do on the service acted on, as far as the domain's rules need to know
 * (a request that runs at once runs as its requester, who must then hold the execute permission).
 */
export interface Actor {
  userRef: string;
  /**
   * Whether the policy grants `permission` on the service acted on. The authorization layer asked it
   * with the action's own permission; asking for another one is a programming error and throws.
   */
  holds(permission: EntityPermission): boolean;
}

/** The NotAllowedError (403) naming the permission the actor does not hold, and why it is needed. */
export function permissionDenied(
  permission: EntityPermission,
  entityRef: string,
  actor: Pick<Actor, 'userRef'>,
  why?: string,
): NotAllowedError {
  return new NotAllowedError(
    `${actor.userRef} does not have the ${
      permission.name
    } permission on ${entityRef}${why ? `: ${why}` : ''}`,
  );
}

/**
 * The one place that asks the permission framework whether a user may take an action on a service.
 * Each action asks once, with every permission the action or its domain rules may need.
 */
export class ActionAuthorizer {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      auth: AuthService;
    },
  ) {}

  /** The signed-in user's ref; NotAllowedError (403) for any other principal. */
  userRefOf(credentials: BackstageCredentials, action: string): string {
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        `Only a signed-in user may ${action}: the request carries '${
          (credentials.principal as { type?: string }).type
        }' credentials`,
      );
    }
    return credentials.principal.userEntityRef;
  }

  /** The signed-in user, once the policy grants them `permission`, which is about no one service (403 otherwise). */
  async userWith(
    credentials: BackstageCredentials,
    action: string,
    permission: BasicPermission,
  ): Promise<string> {
    const userRef = this.userRefOf(credentials, action);
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${userRef} may not ${action} (permission ${permission.name})`,
      );
    }
    return userRef;
  }

  /**
   * The actor of an action on a service: a signed-in user (403 otherwise) holding `permission` on the
   * service (403 naming it otherwise), with the answers for `alsoAsked` for the domain's rules.
   */
  async actor(
    credentials: BackstageCredentials,
    action: string,
    entityRef: string,
    permission: EntityPermission,
    alsoAsked: EntityPermission[] = [],
  ): Promise<Actor> {
    const userRef = this.userRefOf(credentials, action);
    const asked = [permission, ...alsoAsked];
    const decisions = await this.options.permissions.authorize(
      asked.map(p => ({ permission: p, resourceRef: entityRef })),
      { credentials },
    );
    const granted = new Map(
      asked.map((p, i) => [
        p.name,
        decisions[i].result === AuthorizeResult.ALLOW,
      ]),
    );
    if (!granted.get(permission.name)) {
      throw permissionDenied(permission, entityRef, { userRef });
    }
    return {
      userRef,
      holds(wanted) {
        const answer = granted.get(wanted.name);
        if (answer === undefined) {
          throw new Error(
            `The authorization layer did not ask for ${wanted.name} before this action`,
          );
        }
        return answer;
      },
    };
  }
}

/** For a domain rule that needs a permission: NotAllowedError (403) naming it, and why, unless the actor holds it. */
export function requireHeld(
  actor: Actor,
  permission: EntityPermission,
  entityRef: string,
  why: string,
): void {
  if (!actor.holds(permission)) {
    throw permissionDenied(permission, entityRef, actor, why);
  }
}
