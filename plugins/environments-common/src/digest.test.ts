import { normaliseCodeDigest, shortDigest } from './digest';

const hex = '4211c62c79e0154f5d61f2ae4dc139d0d65aab9ec55aed94bdbd955d04289962';

describe('normaliseCodeDigest', () => {
  it("turns an image function's hex CodeSha256 into sha256:<hex>", () => {
    expect(
      normaliseCodeDigest({ packageType: 'Image', codeSha256: hex }),
    ).toEqual({
      value: `sha256:${hex}`,
      kind: 'image',
    });
  });

  it('accepts a digest that already carries its prefix, in any case', () => {
    expect(
      normaliseCodeDigest({
        packageType: 'Image',
        codeSha256: `SHA256:${hex.toUpperCase()}`,
      }),
    ).toEqual({ value: `sha256:${hex}`, kind: 'image' });
  });

  it('falls back to the digest in ResolvedImageUri when CodeSha256 is not a digest', () => {
    expect(
      normaliseCodeDigest({
        packageType: 'Image',
        codeSha256: 'not-a-digest',
        resolvedImageUri: `111111111111.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:${hex}`,
      }),
    ).toEqual({ value: `sha256:${hex}`, kind: 'image' });
  });

  it('keeps the base64 code hash of a zip function and marks it as zip', () => {
    const base64 = 'ZGFkYjEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWI=';
    expect(
      normaliseCodeDigest({ packageType: 'Zip', codeSha256: base64 }),
    ).toEqual({
      value: base64,
      kind: 'zip',
    });
  });

  it('says nothing rather than guessing when there is no digest', () => {
    expect(normaliseCodeDigest({ packageType: 'Image' })).toBeUndefined();
  });
});

describe('shortDigest', () => {
  it('shows the first 12 hex characters, as people quote image digests', () => {
    expect(shortDigest(`sha256:${hex}`)).toBe('4211c62c79e0');
  });
});
