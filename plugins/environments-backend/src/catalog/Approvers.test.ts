import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogApproverDirectory } from './Approvers';

function group(name: string, parent?: string, relations = true): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
    // The catalog turns spec.parent into a childOf relation; one group here has only the field.
    relations:
      parent && relations
        ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
        : [],
  };
}

function user(name: string, memberOf: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf },
  };
}

function directory(entities: Entity[]) {
  return new CatalogApproverDirectory({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
  });
}

describe('CatalogApproverDirectory', () => {
  it('counts a user as a member of their groups and of every group above them', async () => {
    const approvers = directory([
      group('engineering'),
      group('release-managers', 'engineering'),
      group('release-managers-emea', 'release-managers', false),
      group('team-checkout'),
      user('erin', ['release-managers-emea', 'team-checkout']),
    ]);

    expect([...(await approvers.identitiesOf('user:default/erin'))]).toEqual([
      'user:default/erin',
      'group:default/release-managers-emea',
      'group:default/team-checkout',
      'group:default/release-managers',
      'group:default/engineering',
    ]);
  });

  it('does not count groups below or beside the user’s', async () => {
    const approvers = directory([
      group('release-managers'),
      group('release-managers-emea', 'release-managers'),
      user('rita', ['release-managers']),
    ]);

    expect([...(await approvers.identitiesOf('user:default/rita'))]).toEqual([
      'user:default/rita',
      'group:default/release-managers',
    ]);
  });

  it('ends on a cycle of parents, and knows only the user when the catalog does not', async () => {
    const approvers = directory([
      group('a', 'b'),
      group('b', 'a'),
      user('cy', ['a']),
    ]);

    expect([...(await approvers.identitiesOf('user:default/cy'))]).toEqual([
      'user:default/cy',
      'group:default/a',
      'group:default/b',
    ]);
    expect([...(await approvers.identitiesOf('user:default/nobody'))]).toEqual([
      'user:default/nobody',
    ]);
  });
});
