import { UserInfoService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  promotionApprovePermission,
  promotionExecutePermission,
  promotionRequestPermission,
  promotionWindowOverridePermission,
  rollbackPermission,
  serviceProvisionPermission,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentsPermissionPolicy } from './permissionPolicy';

const MEMBERSHIP: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/team-checkout'],
  'user:default/dave': [
    'user:default/dave',
    'group:default/team-platform',
    'group:default/release-managers',
  ],
  'user:default/guest': ['user:default/guest', 'group:default/guests'],
};

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const userEntityRef = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef,
      ownershipEntityRefs: MEMBERSHIP[userEntityRef] ?? [userEntityRef],
    };
  },
};

const policy = new EnvironmentsPermissionPolicy({
  auth: mockServices.auth(),
  userInfo,
});

function asUser(name: string): PolicyQueryUser {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: {
      userEntityRef,
      ownershipEntityRefs: MEMBERSHIP[userEntityRef] ?? [],
    },
  };
}

describe('EnvironmentsPermissionPolicy', () => {
  it.each(
    [
      promotionRequestPermission,
      promotionExecutePermission,
      rollbackPermission,
    ].map(permission => [permission.name, permission] as const),
  )(
    'limits %s to the owners of the service (resolved by the catalog)',
    async (_name, permission) => {
      await expect(
        policy.handle({ permission }, asUser('alice')),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/alice', 'group:default/team-checkout'],
          },
        },
      });
    },
  );

  it('lets any signed-in user approve: the plugin limits approvals to the approver set', async () => {
    await expect(
      policy.handle(
        { permission: promotionApprovePermission },
        asUser('carol'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets release managers execute any promotion and override closed windows, nobody else', async () => {
    await expect(
      policy.handle({ permission: promotionExecutePermission }, asUser('dave')),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle(
        { permission: promotionWindowOverridePermission },
        asUser('dave'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle(
        { permission: promotionWindowOverridePermission },
        asUser('alice'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets every signed-in user create a service, except the guests', async () => {
    for (const [name, result] of [
      ['alice', AuthorizeResult.ALLOW],
      ['carol', AuthorizeResult.ALLOW],
      ['guest', AuthorizeResult.DENY],
    ] as const) {
      await expect(
        policy.handle({ permission: serviceProvisionPermission }, asUser(name)),
      ).resolves.toEqual({ result });
    }
    await expect(
      policy.handle({ permission: serviceProvisionPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies the Environments permissions without a user', async () => {
    await expect(
      policy.handle({ permission: promotionRequestPermission }),
    ).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('allows everything else, as the allow-all policy it replaces', async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    await expect(
      policy.handle({ permission: other }, asUser('carol')),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
