import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of every Environments permission: the catalog entity of the service. Policies can
 * therefore limit them with the catalog's own rules, e.g. `catalogConditions.isEntityOwner`, and the
 * catalog resolves such conditional decisions for the entity ref the plugin authorizes against.
 */
export const ENVIRONMENTS_PERMISSION_RESOURCE_TYPE = 'catalog-entity';

/** Request the promotion of a service's digest into an environment. */
export const promotionRequestPermission = createPermission({
  name: 'environments.promotion.request',
  attributes: { action: 'create' },
  resourceType: ENVIRONMENTS_PERMISSION_RESOURCE_TYPE,
});

/**
 * Approve or reject someone else's promotion request. The plugin also requires the approver to be in the
 * target environment's approver set and never lets requesters approve their own request, whatever the
 * policy decides.
 */
export const promotionApprovePermission = createPermission({
  name: 'environments.promotion.approve',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENTS_PERMISSION_RESOURCE_TYPE,
});

/**
 * Start the change in AWS: needed by whoever completes a request (the last approver, or the requester
 * when the environment needs no approval). AWS records that user in the write role's session name.
 */
export const promotionExecutePermission = createPermission({
  name: 'environments.promotion.execute',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENTS_PERMISSION_RESOURCE_TYPE,
});

/** Point an environment's `live` alias back at an earlier published version. */
export const rollbackPermission = createPermission({
  name: 'environments.rollback',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENTS_PERMISSION_RESOURCE_TYPE,
});

/** Request a promotion while the target environment's promotion window is closed; the override is recorded. */
export const promotionWindowOverridePermission = createPermission({
  name: 'environments.promotion.window-override',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENTS_PERMISSION_RESOURCE_TYPE,
});

/**
 * Create a new service's environments (POST /provisions, the scaffolder's `environments:provision`):
 * CloudFormation stacks deployed with the write role. Not a resource permission: the service's catalog
 * entity does not exist yet.
 */
export const serviceProvisionPermission = createPermission({
  name: 'environments.service.provision',
  attributes: { action: 'create' },
});

/** Every permission of the Environments plugins, for registration with the permissions registry. */
export const environmentsPermissions = [
  promotionRequestPermission,
  promotionApprovePermission,
  promotionExecutePermission,
  rollbackPermission,
  promotionWindowOverridePermission,
  serviceProvisionPermission,
];
