import { compareEnvironments, compareWithPrevious } from './comparison';
import {
  DigestHistoryEntry,
  EnvironmentState,
} from '@internal/backstage-plugin-environments-common';

// Image digests of the releases used below, as ECR shows them.
const d = {
  '1.3.1':
    'sha256:5f2b8a0c8e6d7f41b1a3c9e2d4f6a8b0c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1',
  '1.3.2':
    'sha256:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c',
  '1.4.0':
    'sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d',
  '1.5.0':
    'sha256:aa11bb22cc33dd44ee55ff6600aa11bb22cc33dd44ee55ff6600aa11bb22cc33',
  '2.9.0':
    'sha256:29029029029029029029029029029029029029029029029029029029029029aa',
  '3.0.0':
    'sha256:30030030030030030030030030030030030030030030030030030030030030bb',
  '3.0.1-hotfix':
    'sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
  '3.1.0':
    'sha256:31031031031031031031031031031031031031031031031031031031031031cc',
};
type Release = keyof typeof d;

const DAY = 24 * 60 * 60 * 1000;
const NOVEMBER = Date.parse('2026-11-01T10:00:00.000Z') - DAY;

/**
 * A history entry of a release that ran from day `first` to day `last` of November 2026, by a clock
 * `skewDays` off the others (each account dates its own versions).
 */
function ran(
  release: Release,
  first: number,
  last: number,
  skewDays = 0,
): DigestHistoryEntry {
  const at = (day: number) =>
    new Date(NOVEMBER + (day + skewDays) * DAY).toISOString();
  return {
    digest: d[release],
    digestKind: 'image',
    version: release,
    firstSeenAt: at(first),
    lastSeenAt: at(last),
  };
}

function env(
  environment: string,
  release: Release | undefined,
  history: DigestHistoryEntry[],
) {
  return { environment, digest: release && d[release], history };
}

/** The stories below, each with prod's clock `skew` days off staging's. */
const stories = {
  candidate: (skew: number) => ({
    staging: env('staging', '1.4.0', [
      ran('1.3.1', 1, 3),
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]),
    prod: env('prod', '1.3.2', [
      ran('1.3.1', 2, 5, skew),
      ran('1.3.2', 5, 20, skew),
    ]),
  }),
  hotfix: (skew: number) => ({
    staging: env('staging', '3.0.0', [ran('2.9.0', 1, 4), ran('3.0.0', 4, 20)]),
    // prod ran 3.0.0 from the 6th; the hotfix was built for prod and deployed there on the 15th.
    prod: env('prod', '3.0.1-hotfix', [
      ran('2.9.0', 2, 6, skew),
      ran('3.0.0', 6, 15, skew),
      ran('3.0.1-hotfix', 15, 20, skew),
    ]),
  }),
  rollbackInProd: (skew: number) => ({
    staging: env('staging', '1.4.0', [
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]),
    // prod ran 1.3.2, got 1.4.0 on the 12th, and was rolled back to 1.3.2 on the 14th.
    prod: env('prod', '1.3.2', [
      ran('1.3.2', 5, 20, skew),
      ran('1.4.0', 12, 14, skew),
    ]),
  }),
  rollbackInStaging: (skew: number) => ({
    // staging got 1.4.0 on the 10th (promoted to prod on the 12th), then went back to 1.3.2 on the 14th.
    staging: env('staging', '1.3.2', [
      ran('1.3.2', 3, 20),
      ran('1.4.0', 10, 14),
    ]),
    prod: env('prod', '1.4.0', [
      ran('1.3.2', 5, 12, skew),
      ran('1.4.0', 12, 20, skew),
    ]),
  }),
};

describe('compareWithPrevious', () => {
  it('marks a newer build in staging as waiting for prod (promotion candidate)', () => {
    const { staging, prod } = stories.candidate(0);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: false,
      promotionPending: true,
      unpromotedArtifact: false,
    });
  });

  it('reports nothing to do when both environments run the same digest', () => {
    const staging = env('staging', '1.4.0', [
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]);
    const prod = env('prod', '1.4.0', [
      ran('1.3.2', 5, 12),
      ran('1.4.0', 12, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: true,
      promotionPending: false,
      unpromotedArtifact: false,
    });
  });

  it('flags a hotfix that never ran in staging, and does not ask to replace it with the build it fixed', () => {
    const { staging, prod } = stories.hotfix(0);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: false,
      promotionPending: false,
      unpromotedArtifact: true,
    });
  });

  it('asks for a promotion again once staging gets a build newer than the hotfix', () => {
    const { prod } = stories.hotfix(0);
    const staging = env('staging', '3.1.0', [
      ran('2.9.0', 1, 4),
      ran('3.0.0', 4, 18),
      ran('3.1.0', 18, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: true,
      unpromotedArtifact: true,
    });
  });

  it('does not ask to replace the hotfix with a staging build older than it', () => {
    // The only case decided across two accounts' clocks: neither digest ran in the other environment.
    const { prod } = stories.hotfix(0);
    const staging = env('staging', '3.1.0', [
      ran('3.0.0', 4, 12),
      ran('3.1.0', 12, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: false,
      unpromotedArtifact: true,
    });
  });

  it("makes staging's digest pending again after prod rolled back from it", () => {
    const { staging, prod } = stories.rollbackInProd(0);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: false,
      promotionPending: true,
      unpromotedArtifact: false,
    });
  });

  it('does not offer the older digest staging rolled back to as a promotion for prod', () => {
    const { staging, prod } = stories.rollbackInStaging(0);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: false,
      promotionPending: false,
      unpromotedArtifact: false,
    });
  });

  it.each([
    ['candidate', true, false],
    ['hotfix', false, true],
    ['rollbackInProd', true, false],
    ['rollbackInStaging', false, false],
  ] as const)(
    'gives the %s the same answer whatever the offset between the accounts clocks',
    (story, promotionPending, unpromotedArtifact) => {
      for (const skew of [-60, -7, -1, 1, 7, 60]) {
        const { staging, prod } = stories[story](skew);
        expect({ skew, ...compareWithPrevious(prod, staging) }).toMatchObject({
          skew,
          promotionPending,
          unpromotedArtifact,
        });
      }
    },
  );

  it('flags a digest that never ran in the previous environment, however long it has run here', () => {
    const staging = env('staging', '1.4.0', [ran('1.4.0', 10, 20)]);
    const prod = env('prod', '1.3.2', [ran('1.3.2', 5, 20)]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: true,
      unpromotedArtifact: true,
    });
  });

  it('claims no unpromoted artifact while the previous environment has no history yet', () => {
    const staging = env('staging', undefined, []);
    const prod = env('prod', '1.3.2', [ran('1.3.2', 5, 20)]);

    expect(compareWithPrevious(prod, staging)).toEqual({
      previousEnvironment: 'staging',
      sameDigestAsPrevious: false,
      promotionPending: false,
      unpromotedArtifact: false,
    });
  });

  it('compares nothing for an environment where nothing runs', () => {
    const staging = env('staging', '1.4.0', [ran('1.4.0', 10, 20)]);
    const prod = env('prod', undefined, [ran('1.3.2', 5, 9)]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      sameDigestAsPrevious: false,
      promotionPending: false,
      unpromotedArtifact: false,
    });
  });

  it('counts a different digest as pending when the order is a tie', () => {
    const staging = env('staging', '1.4.0', [
      ran('1.3.2', 3, 10),
      ran('1.4.0', 3, 20),
    ]);
    const prod = env('prod', '1.3.2', [ran('1.3.2', 5, 20)]);

    expect(compareWithPrevious(prod, staging).promotionPending).toBe(true);
  });

  it('counts a different digest as pending when the times needed are unknown', () => {
    const staging = env('staging', '1.4.0', []);
    const prod = env('prod', '1.3.2', []);

    expect(compareWithPrevious(prod, staging).promotionPending).toBe(true);
  });
});

describe('compareEnvironments', () => {
  function state(environment: string, release?: Release): EnvironmentState {
    return {
      environment,
      status: release ? 'ok' : 'missing',
      functions: [],
      digest: release && d[release],
      freshness: { stale: false },
    };
  }

  it('compares each environment with the one before it and leaves the first alone', () => {
    const states = [
      state('dev', '1.5.0'),
      state('staging', '1.4.0'),
      state('prod', '1.3.2'),
    ];
    const histories = {
      dev: [ran('1.4.0', 8, 17), ran('1.5.0', 17, 20)],
      staging: [ran('1.3.2', 3, 10), ran('1.4.0', 10, 20)],
      prod: [ran('1.3.2', 5, 20)],
    };

    const [dev, staging, prod] = compareEnvironments(states, histories);

    expect(dev.comparison).toBeUndefined();
    expect(staging.comparison).toMatchObject({
      previousEnvironment: 'dev',
      promotionPending: true,
    });
    expect(prod.comparison).toMatchObject({
      previousEnvironment: 'staging',
      promotionPending: true,
    });
  });
});
