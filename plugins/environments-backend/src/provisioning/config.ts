import { Config } from '@backstage/config';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';

/** The image a new service runs until its first build, found by tag in each account's ECR. */
export interface InitialImage {
  repository: string;
  tag: string;
}

/** `environments.provisioning`: how the platform deploys a new service's environments. */
export interface ProvisioningConfig {
  /** The environments deployed when a service is created, in promotion order. */
  deployTo: string[];
  /** Undefined: provisioning is not configured and every request is refused, saying so. */
  initialImage?: InitialImage;
  /** How long to wait for one environment's stack, in seconds. */
  stackTimeoutSeconds: number;
}

const REPOSITORY =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Reads `environments.provisioning`. `deployTo` defaults to the first environment; the names must be
 * configured environments. Throws an error naming the key and what is wrong.
 */
export function readProvisioningConfig(
  config: Config,
  environments: EnvironmentDefinition[],
): ProvisioningConfig {
  const key = 'environments.provisioning';
  const section = config.getOptionalConfig(key);
  const names = environments.map(e => e.name);
  const deployTo = section?.getOptionalStringArray('deployTo') ?? [names[0]];
  for (const name of deployTo) {
    if (!names.includes(name)) {
      throw new Error(
        `${key}.deployTo: '${name}' is not a configured environment (${names.join(
          ', ',
        )})`,
      );
    }
  }
  let initialImage: InitialImage | undefined;
  const image = section?.getOptionalConfig('initialImage');
  if (image) {
    const repository = image.getString('repository');
    const tag = image.getString('tag');
    if (!REPOSITORY.test(repository)) {
      throw new Error(
        `${key}.initialImage.repository: '${repository}' is not an ECR repository name`,
      );
    }
    if (!TAG.test(tag)) {
      throw new Error(`${key}.initialImage.tag: '${tag}' is not an image tag`);
    }
    initialImage = { repository, tag };
  }
  return {
    // In promotion order, whatever order the config lists them in.
    deployTo: names.filter(name => deployTo.includes(name)),
    initialImage,
    stackTimeoutSeconds:
      section?.getOptionalNumber('stackTimeoutSeconds') ?? 600,
  };
}
