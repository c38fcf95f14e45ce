import type { DigestKind } from './models';
/** A normalised code identity: `sha256:<hex>` for images, the base64 code hash for zip functions. */
export interface CodeDigest {
  value: string;
  kind: DigestKind;
}

const HEX_DIGEST = /^[a-f0-9]{64}$/;

/**
 * Normalises what Lambda reports into a {@link CodeDigest}. An image function's `CodeSha256` is
 * the image manifest digest in hex (no prefix); a zip function's is a base64 SHA-256 of the package.
 * Returns undefined when there is nothing to normalise.
 */
export function normaliseCodeDigest(options: {
  packageType?: string;
  codeSha256?: string;
  resolvedImageUri?: string;
}): CodeDigest | undefined {
  const { packageType, codeSha256, resolvedImageUri } = options;
  if (packageType === 'Image') {
    const fromHash = codeSha256?.toLowerCase().replace(/^sha256:/, '');
    if (fromHash && HEX_DIGEST.test(fromHash)) {
      return { value: `sha256:${fromHash}`, kind: 'image' };
    }
    const fromUri = resolvedImageUri?.match(/@sha256:([a-f0-9]{64})$/)?.[1];
    return fromUri ? { value: `sha256:${fromUri}`, kind: 'image' } : undefined;
  }
  return codeSha256 ? { value: codeSha256, kind: 'zip' } : undefined;
}

/** The first 12 hex characters of an image digest, as people quote them; zip hashes are cut the same way. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** Whether `value` is an image digest as the product writes one: `sha256:` and 64 lowercase hex digits. */
export function isImageDigest(value: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(value);
}
