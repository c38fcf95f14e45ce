import { compareEnvironments, compareWithPrevious } from './comparison';
import { DigestHistoryEntry, EnvironmentState } from './types';

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
  hotfix:
    'sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
};
type Release = keyof typeof d;

/** A history entry of a release that ran from `first` to `last` (dates of November 2026). */
function ran(
  release: Release,
  first: number,
  last: number,
): DigestHistoryEntry {
  return {
    digest: d[release],
    digestKind: 'image',
    version: release,
    firstSeenAt: `2026-11-${String(first).padStart(2, '0')}T10:00:00.000Z`,
    lastSeenAt: `2026-11-${String(last).padStart(2, '0')}T10:00:00.000Z`,
  };
}

function env(
  environment: string,
  release: Release | undefined,
  history: DigestHistoryEntry[],
) {
  return { environment, digest: release && d[release], history };
}

describe('compareWithPrevious', () => {
  it('marks a newer build in staging as waiting for prod (promotion candidate)', () => {
    const staging = env('staging', '1.4.0', [
      ran('1.3.1', 1, 3),
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]);
    const prod = env('prod', '1.3.2', [
      ran('1.3.1', 2, 5),
      ran('1.3.2', 5, 20),
    ]);

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

  it('flags a hotfix that never ran in staging, and does not ask to replace it with the older staging build', () => {
    const staging = env('staging', '1.4.0', [
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]);
    const prod = env('prod', 'hotfix', [
      ran('1.4.0', 12, 15),
      ran('hotfix', 15, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      sameDigestAsPrevious: false,
      promotionPending: false,
      unpromotedArtifact: true,
    });
  });

  it('asks for a promotion again once staging gets a build newer than the hotfix', () => {
    const staging = env('staging', '1.5.0', [
      ran('1.4.0', 10, 18),
      ran('1.5.0', 18, 20),
    ]);
    const prod = env('prod', 'hotfix', [
      ran('1.4.0', 12, 15),
      ran('hotfix', 15, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: true,
      unpromotedArtifact: true,
    });
  });

  it("makes staging's digest pending again after prod rolled back from it", () => {
    const staging = env('staging', '1.4.0', [
      ran('1.3.2', 3, 10),
      ran('1.4.0', 10, 20),
    ]);
    // prod ran 1.3.2, got 1.4.0 on the 12th, and was rolled back to 1.3.2 on the 14th.
    const prod = env('prod', '1.3.2', [
      ran('1.3.2', 5, 20),
      ran('1.4.0', 12, 14),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      sameDigestAsPrevious: false,
      promotionPending: true,
      unpromotedArtifact: false,
    });
  });

  it('does not offer the older digest staging rolled back to as a promotion for prod', () => {
    // staging got 1.4.0 on the 10th (promoted to prod on the 12th), then went back to 1.3.2 on the 14th.
    const staging = env('staging', '1.3.2', [
      ran('1.3.2', 3, 20),
      ran('1.4.0', 10, 14),
    ]);
    const prod = env('prod', '1.4.0', [
      ran('1.3.2', 5, 12),
      ran('1.4.0', 12, 20),
    ]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: false,
      unpromotedArtifact: false,
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

  it('claims nothing about a digest that ran here before the history of the previous environment begins', () => {
    // The product started watching on the 10th: staging's history begins then, prod's 1.3.2 is older.
    const staging = env('staging', '1.4.0', [ran('1.4.0', 10, 20)]);
    const prod = env('prod', '1.3.2', [ran('1.3.2', 5, 20)]);

    expect(compareWithPrevious(prod, staging)).toMatchObject({
      promotionPending: true,
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
