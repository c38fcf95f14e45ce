import { SubRouteRef, useRouteRef } from '@backstage/core-plugin-api';
import { promotionRouteRef, rollbackRouteRef } from '../../routes';

/**
 * The link to a record's page, or undefined when the app does not mount the Environments pages (the
 * entity tab still works without them).
 */
function useRecordLink(
  routeRef: SubRouteRef<{ id: string }>,
): ((id: string) => string) | undefined {
  let link: ((params: { id: string }) => string) | undefined;
  try {
    // Called on every render; it throws (after its own hooks ran) only when the route is not mounted.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(routeRef);
  } catch {
    link = undefined;
  }
  return link ? (id: string) => link!({ id }) : undefined;
}

/** The link to a promotion request's page (see useRecordLink). */
export function usePromotionLink() {
  return useRecordLink(promotionRouteRef);
}

/** The link to a rollback's page (see useRecordLink). */
export function useRollbackLink() {
  return useRecordLink(rollbackRouteRef);
}
