import { actionAgainstStandIn } from '../__testUtils__/actionAgainstStandIn';
import { checkoutApiMatrix } from '../__testUtils__/checkoutApiMatrix';
import {
  StandInRoutes,
  backendError,
} from '../__testUtils__/environmentsStandIn';
import { createMatrixAction } from './matrix';

const matrix = checkoutApiMatrix([
  { environment: 'dev', digest: 'sha256:aaa', liveVersion: '4' },
  { environment: 'staging', digest: 'sha256:bbb', liveVersion: '3' },
  {
    environment: 'prod',
    digest: 'sha256:ccc',
    liveVersion: '2',
    freshness: { stale: true, error: 'AccessDenied' },
    comparison: { promotionPending: false, unpromotedArtifact: true },
  },
]);

/** The backend answers the matrix of checkout-api, and knows no component:default/unknown. */
const routes: StandInRoutes = {
  'GET /services/default/component/checkout-api/matrix': () => ({
    body: matrix,
  }),
  'GET /services/default/component/unknown/matrix': () =>
    backendError(404, 'NotFoundError', 'No service component:default/unknown'),
};

describe('environments:matrix', () => {
  const setup = actionAgainstStandIn(createMatrixAction);

  it('outputs the digest of every environment and which ones wait for a promotion', async () => {
    const { action, context } = await setup(routes);
    const ctx = context({ entityRef: 'checkout-api' });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('pendingPromotions', ['staging']);
    expect(ctx.output).toHaveBeenCalledWith('environments', [
      expect.objectContaining({
        environment: 'dev',
        digest: 'sha256:aaa',
        liveVersion: '4',
        promotionPending: false,
      }),
      expect.objectContaining({
        environment: 'staging',
        digest: 'sha256:bbb',
        promotionPending: true,
      }),
      expect.objectContaining({
        environment: 'prod',
        unpromotedArtifact: true,
        stale: true,
      }),
    ]);
  });

  it('calls the backend on behalf of the user who runs the template', async () => {
    const { action, backend, context } = await setup(routes);
    const ctx = context({ entityRef: 'component:default/checkout-api' });
    await action.handler(ctx);

    expect(backend.requests).toHaveLength(1);
    // The stand-in reads the user and the target plugin from the mock auth service's on-behalf-of token.
    expect(backend.requests[0]).toMatchObject({
      onBehalfOf: 'user:default/alice',
      target: 'environments',
    });
  });

  it("fails with the backend's message when the service is unknown", async () => {
    const { action, context } = await setup(routes);
    const ctx = context({ entityRef: 'component:default/unknown' });
    await expect(action.handler(ctx)).rejects.toThrow(
      'No service component:default/unknown',
    );
  });

  it('rejects an input that is not an entity reference', async () => {
    const { action, context } = await setup(routes);
    const ctx = context({ entityRef: 'component:' });
    await expect(action.handler(ctx)).rejects.toThrow(
      "input.entityRef 'component:' is not an entity reference",
    );
  });
});
