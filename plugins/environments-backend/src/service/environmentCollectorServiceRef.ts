import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsClientFactory } from '../aws';
import { AwsEnvironmentCollector } from '../collector/AwsEnvironmentCollector';
import { EnvironmentCollector } from '../collector/types';
import { readEnvironmentsConfig } from '../config';

/**
 * The collector the plugin refreshes the matrix with. By default it reads AWS with credentials
 * from the `aws` config section; tests (and adopters) can replace it with another factory.
 */
export const environmentCollectorServiceRef =
  createServiceRef<EnvironmentCollector>({
    id: 'environments.collector',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { config: coreServices.rootConfig, logger: coreServices.logger },
        factory({ config, logger }) {
          const { aws, discoveryTags } = readEnvironmentsConfig(config);
          return new AwsEnvironmentCollector({
            readers: new AwsClientFactory({
              credentialsManager:
                DefaultAwsCredentialsManager.fromConfig(config),
              endpoints: aws.endpoints,
              rateLimits: aws.rateLimits,
            }),
            discoveryTags,
            logger,
          });
        },
      }),
  });
