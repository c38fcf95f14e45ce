import { digestCues } from './cues';
import { ecrConsoleUrl } from './ecrConsoleUrl';
import { formatAge } from './time';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('digestCues', () => {
  it('gives no cue to the first environment', () => {
    expect(digestCues(undefined)).toEqual([]);
  });

  it('names the previous environment in every cue, most urgent first', () => {
    expect(
      digestCues({
        previousEnvironment: 'staging',
        sameDigestAsPrevious: false,
        promotionPending: true,
        unpromotedArtifact: true,
      }).map(c => c.label),
    ).toEqual(['never ran in staging', 'staging has a newer build']);
    expect(
      digestCues({
        previousEnvironment: 'dev',
        sameDigestAsPrevious: true,
        promotionPending: false,
        unpromotedArtifact: false,
      }).map(c => c.label),
    ).toEqual(['= dev']);
  });
});

describe('ecrConsoleUrl', () => {
  it('links an ECR image to its page in the AWS console', () => {
    expect(
      ecrConsoleUrl(
        `333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@${DIGEST}`,
        DIGEST,
      ),
    ).toBe(
      `https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/333333333333/checkout-api/_/image/${DIGEST}/details?region=eu-west-1`,
    );
  });

  it('keeps namespaced repositories and tag URIs', () => {
    expect(
      ecrConsoleUrl(
        '111111111111.dkr.ecr.us-east-1.amazonaws.com/shop/checkout-api:v1.5.0',
        DIGEST,
      ),
    ).toContain('/private/111111111111/shop/checkout-api/_/image/');
  });

  it('gives no link outside ECR or without an image digest', () => {
    expect(ecrConsoleUrl('ghcr.io/acme/checkout:v1', DIGEST)).toBeUndefined();
    expect(ecrConsoleUrl(undefined, DIGEST)).toBeUndefined();
    expect(
      ecrConsoleUrl(
        '111111111111.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v1',
        'q2Fzb2Zk',
      ),
    ).toBeUndefined();
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each([
    ['2026-11-23T11:59:50Z', 'just now'],
    ['2026-11-23T11:55:00Z', '5 minutes ago'],
    ['2026-11-23T09:00:00Z', '3 hours ago'],
    ['2026-11-22T12:00:00Z', 'yesterday'],
    ['2026-11-20T12:00:00Z', '3 days ago'],
  ])('says %s was %s', (iso, expected) => {
    expect(formatAge(iso, now)).toBe(expected);
  });
});
