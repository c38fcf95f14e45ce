import { ResourcePermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { displayRef } from '../FleetPage/refs';

/** What the signed-in user may do to a service, as far as the permission framework says. */
export interface ServicePermission {
  /** False until the decision is known, so a button never flips from enabled to disabled. */
  allowed: boolean;
  /** Why not, naming the permission and the service; undefined while the decision loads or when allowed. */
  deniedReason?: string;
}

/**
 * Asks the permission framework up front whether the signed-in user holds `permission` on the service's
 * catalog entity, so the UI can say so before the user fills a dialog. Only a convenience: the backend
 * still decides, so when the question itself fails the action stays available and the backend answers.
 *
 * @param action - what the permission lets the user do, completed by the service's name, e.g.
 *   'request promotions of'.
 */
export function useServicePermission(
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
  action: string,
): ServicePermission {
  const { loading, allowed, error } = usePermission({
    permission,
    resourceRef: entityRef,
  });
  if (loading) {
    return { allowed: false };
  }
  if (allowed || error) {
    return { allowed: true };
  }
  return {
    allowed: false,
    deniedReason: `You are not allowed to ${action} ${displayRef(
      entityRef,
    )} (permission ${permission.name}).`,
  };
}
