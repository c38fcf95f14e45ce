import { useRouteRef } from '@backstage/core-plugin-api';
import { promotionRouteRef } from '../../routes';

/**
 * The link to a promotion request's page, or undefined when the app does not mount the Environments
 * pages (the entity tab still works without them).
 */
export function usePromotionLink(): ((id: string) => string) | undefined {
  let link: ((params: { id: string }) => string) | undefined;
  try {
    // Called on every render; it throws (after its own hooks ran) only when the route is not mounted.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(promotionRouteRef);
  } catch {
    link = undefined;
  }
  return link ? (id: string) => link!({ id }) : undefined;
}
