// <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
const ECR_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^@:]+)(?:[@:].*)?$/;

/**
 * The AWS console page of an image in ECR, derived from a Lambda function's image URI and its digest.
 * Undefined when the image does not live in ECR or the digest is not an image digest.
 */
export function ecrConsoleUrl(
  imageUri: string | undefined,
  digest: string | undefined,
): string | undefined {
  const match = imageUri?.match(ECR_IMAGE_URI);
  if (!match || !digest?.startsWith('sha256:')) {
    return undefined;
  }
  const [, accountId, region, repository] = match;
  return `https://${region}.console.aws.amazon.com/ecr/repositories/private/${accountId}/${repository}/_/image/${digest}/details?region=${region}`;
}
