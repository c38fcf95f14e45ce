import {
  EnvironmentComparison,
  EnvironmentMatrix,
  EnvironmentState,
} from '@internal/backstage-plugin-environments-common';

/** One environment of the fixture: its name, and whatever differs from the defaults below. */
export type EnvironmentFixture = Pick<EnvironmentState, 'environment'> &
  Partial<Omit<EnvironmentState, 'comparison'>> & {
    comparison?: Partial<EnvironmentComparison>;
  };

/**
 * The environment matrix of component:default/checkout-api with the given environments, in promotion
 * order. Unless an environment says otherwise, it is found (`ok`) with no functions listed and fresh data,
 * and each environment after the first runs another digest than the one before it, which waits to be
 * promoted into it.
 */
export function checkoutApiMatrix(
  environments: EnvironmentFixture[],
): EnvironmentMatrix {
  return {
    entityRef: 'component:default/checkout-api',
    environments: environments.map(({ comparison, ...environment }, index) => ({
      status: 'ok',
      functions: [],
      freshness: { stale: false, refreshedAt: '2026-11-23T09:00:00Z' },
      ...environment,
      ...(index > 0 && {
        comparison: {
          previousEnvironment: environments[index - 1].environment,
          sameDigestAsPrevious: false,
          promotionPending: true,
          unpromotedArtifact: false,
          ...comparison,
        },
      }),
    })),
  };
}
