import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Who a user counts as when deciding whether they may approve: the user and their groups. */
export interface ApproverDirectory {
  /** The user's own ref and the refs of the groups it is a member of. */
  identitiesOf(userRef: string): Promise<Set<string>>;
}

/** Normalises a ref written in config or an annotation (`team-a` → `group:default/team-a`). */
export function normaliseRef(
  ref: string,
  defaults: { kind: string; namespace: string },
): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: defaults.kind,
      defaultNamespace: defaults.namespace,
    }),
  );
}

/** The refs that may approve a service's promotion by default: its owner (usually a group). */
export function ownerRefs(entity: Entity): string[] {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return [];
  }
  return [
    normaliseRef(owner, {
      kind: 'group',
      namespace: entity.metadata.namespace ?? 'default',
    }),
  ];
}

/**
 * Group membership from the catalog: a user entity's `spec.memberOf` and its `memberOf` relations
 * (direct membership; the catalog fills the relation from groups' `spec.members` too). Read with the
 * plugin's own service credentials, so that what a user may see does not change who may approve.
 */
export class CatalogApproverDirectory implements ApproverDirectory {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  async identitiesOf(userRef: string): Promise<Set<string>> {
    const identities = new Set<string>([userRef]);
    const user = await this.options.catalog.getEntityByRef(userRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    if (!user) {
      return identities;
    }
    const namespace = user.metadata.namespace ?? 'default';
    const memberOf = user.spec?.memberOf;
    if (Array.isArray(memberOf)) {
      for (const group of memberOf) {
        if (typeof group === 'string') {
          identities.add(normaliseRef(group, { kind: 'group', namespace }));
        }
      }
    }
    for (const relation of user.relations ?? []) {
      if (relation.type === RELATION_MEMBER_OF) {
        identities.add(relation.targetRef);
      }
    }
    return identities;
  }
}
