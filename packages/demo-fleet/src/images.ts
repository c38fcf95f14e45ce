import { createHash } from 'crypto';

/** The container image of one release of a service, as pushed to ECR. */
export interface ReleaseImage {
  release: string;
  /** The image manifest, byte for byte. */
  manifest: string;
  mediaType: string;
  /** `sha256:<hex>` of the manifest bytes: what ECR computes, and what Lambda reports as CodeSha256 (in hex). */
  digest: string;
}

const MANIFEST_MEDIA_TYPE =
  'application/vnd.docker.distribution.manifest.v2+json';

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

/**
 * The image of a release: a small Docker manifest derived only from the component and release, so
 * the same release has the same digest in every account and on every run.
 */
export function releaseImage(component: string, release: string): ReleaseImage {
  // The blobs are never pulled (nothing runs the functions); their digests only make releases differ.
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Labels: {
        'org.opencontainers.image.title': component,
        'org.opencontainers.image.version': release,
      },
    },
  });
  const layer = `${component}@${release}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: Buffer.byteLength(config),
      digest: `sha256:${sha256(config)}`,
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: Buffer.byteLength(layer),
        digest: `sha256:${sha256(layer)}`,
      },
    ],
  });
  return {
    release,
    manifest,
    mediaType: MANIFEST_MEDIA_TYPE,
    digest: `sha256:${sha256(manifest)}`,
  };
}

/**
 * The platform's "hello" image: what a service created from the portal runs until its first build
 * (`environments.provisioning.initialImage` in app-config.yaml). The seeder pushes it to every account.
 */
export const PLATFORM_HELLO_IMAGE = {
  repository: 'platform-hello',
  ...releaseImage('platform-hello', '1.0.0'),
};
