/*
 * The demo's permission policy: allow-all as create-app ships it, except for the Environments
 * permissions, which get the rules this product intends. Installed instead of
 * @backstage/plugin-permission-backend-module-allow-all-policy. Documented in docs/promotions.md.
 */
import {
  AuthService,
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  environmentsPermissions,
  promotionApprovePermission,
  promotionExecutePermission,
  promotionWindowOverridePermission,
  serviceProvisionPermission,
} from '@internal/backstage-plugin-environments-common';

/** The demo's group that approves production promotions for every team (examples/org.yaml). */
export const RELEASE_MANAGERS = 'group:default/release-managers';
/** The demo's group of visitors (the guest sign-in): they look around and change nothing. */
export const GUESTS = 'group:default/guests';

const ENVIRONMENTS_PERMISSION_NAMES = new Set(
  environmentsPermissions.map(permission => permission.name),
);

/**
 * The intended rules for the Environments permissions:
 * - request a promotion, execute one, roll back: the service's owners (conditional on the catalog
 *   entity, `isEntityOwner`); release managers may also execute, since they approve for every team;
 * - approve: any signed-in user, because the plugin itself limits approvals to the environment's
 *   approver set and refuses self-approval (a policy cannot see who requested);
 * - override a closed promotion window: release managers only;
 * - create a service (its environments): any signed-in user but the guests.
 * Everything else is allowed, as with create-app's allow-all policy.
 */
export class EnvironmentsPermissionPolicy implements PermissionPolicy {
  private readonly releaseManagers: string[];

  constructor(
    private readonly options: {
      auth: AuthService;
      userInfo: UserInfoService;
      releaseManagers?: string[];
    },
  ) {
    this.releaseManagers = options.releaseManagers ?? [RELEASE_MANAGERS];
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!ENVIRONMENTS_PERMISSION_NAMES.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user || !this.options.auth.isPrincipal(user.credentials, 'user')) {
      return { result: AuthorizeResult.DENY };
    }
    if (isPermission(permission, promotionApprovePermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      user.credentials,
    );
    const isReleaseManager = ownershipEntityRefs.some(ref =>
      this.releaseManagers.includes(ref),
    );
    if (isPermission(permission, serviceProvisionPermission)) {
      return {
        result: ownershipEntityRefs.includes(GUESTS)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      };
    }
    if (isPermission(permission, promotionWindowOverridePermission)) {
      return {
        result: isReleaseManager ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (
      isPermission(permission, promotionExecutePermission) &&
      isReleaseManager
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!isResourcePermission(permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    // Resolved by the catalog against the service's entity: its owner must be one of the user's refs.
    return createCatalogConditionalDecision(
      permission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}

/** The permission backend module that installs {@link EnvironmentsPermissionPolicy}. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'environments-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, auth, userInfo }) {
        policy.setPolicy(new EnvironmentsPermissionPolicy({ auth, userInfo }));
      },
    });
  },
});
