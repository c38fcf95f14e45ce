import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The fleet page. */
export const rootRouteRef = createRouteRef({
  id: 'environments',
});

/** One promotion request, below the fleet page: `/environments/promotions/:id`. */
export const promotionRouteRef = createSubRouteRef({
  id: 'environments/promotion',
  parent: rootRouteRef,
  path: '/promotions/:id',
});

/** One rollback, below the fleet page: `/environments/rollbacks/:id`. */
export const rollbackRouteRef = createSubRouteRef({
  id: 'environments/rollback',
  parent: rootRouteRef,
  path: '/rollbacks/:id',
});

/** The promotion requests awaiting the signed-in user's approval. */
export const approvalsRouteRef = createRouteRef({
  id: 'environments-approvals',
});
