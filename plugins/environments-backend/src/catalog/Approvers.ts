import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_CHILD_OF,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { specRef } from './entityRefs';

/** Who a user counts as when deciding whether they may approve: the user and their groups. */
export interface ApproverDirectory {
  /** The user's own ref and the refs of the groups it is a member of, directly or through a sub-group. */
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

/**
 * A service's owner (usually a group), in its own namespace: by default who may approve its promotions,
 * and who hears of its rollbacks.
 */
export function ownerRefs(entity: Entity): string[] {
  const owner = specRef(entity, 'owner', 'group');
  return owner ? [owner] : [];
}

/** How many levels of parent groups count: deeper hierarchies are cut there (and cycles end). */
const MAX_GROUP_DEPTH = 10;

/**
 * Group membership from the catalog: a user entity's `spec.memberOf` and its `memberOf` relations
 * (the catalog fills the relation from groups' `spec.members` too), then every ancestor of those groups
 * (`spec.parent` and `childOf` relations): a member of `release-managers-emea`, a child group of
 * `release-managers`, may approve where `release-managers` may. Read with the plugin's own service
 * credentials, so that what a user may see does not change who may approve.
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
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const user = await this.options.catalog.getEntityByRef(userRef, {
      credentials,
    });
    if (!user) {
      return identities;
    }
    let groups = related(user, 'memberOf', RELATION_MEMBER_OF);
    for (
      let depth = 0;
      groups.length > 0 && depth <= MAX_GROUP_DEPTH;
      depth++
    ) {
      const unseen = groups.filter(ref => !identities.has(ref));
      unseen.forEach(ref => identities.add(ref));
      if (unseen.length === 0 || depth === MAX_GROUP_DEPTH) {
        break;
      }
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: unseen,
          fields: ['kind', 'metadata.namespace', 'spec.parent', 'relations'],
        },
        { credentials },
      );
      groups = items.flatMap(group =>
        group ? related(group, 'parent', RELATION_CHILD_OF) : [],
      );
    }
    return identities;
  }
}

/** The group refs an entity names in `spec.<field>` (one or a list) and in its `relation` relations. */
function related(entity: Entity, field: string, relation: string): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const value = entity.spec?.[field];
  const written = (Array.isArray(value) ? value : [value]).filter(
    (ref): ref is string => typeof ref === 'string' && ref.length > 0,
  );
  return [
    ...written.map(ref => normaliseRef(ref, { kind: 'group', namespace })),
    ...(entity.relations ?? [])
      .filter(r => r.type === relation)
      .map(r => r.targetRef),
  ];
}
