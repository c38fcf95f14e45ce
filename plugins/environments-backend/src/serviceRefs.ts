import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsClientFactory } from './aws';
import { AwsEnvironmentCollector } from './matrix/collector/AwsEnvironmentCollector';
import { FunctionDiscovery } from './matrix/collector/FunctionDiscovery';
import { EnvironmentCollector } from './matrix/collector/types';
import { readEnvironmentsConfig } from './config';
import { StackDriftDetectorSource } from './compliance';

/**
 * The AWS clients of every account-region the plugin reads, with their rate limiters. One per plugin,
 * so that the collector and the CloudFormation drift checks share each account-region's budget.
 */
export const awsClientFactoryServiceRef = createServiceRef<AwsClientFactory>({
  id: 'environments.aws-clients',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory({ config }) {
        const { aws } = readEnvironmentsConfig(config);
        return new AwsClientFactory({
          credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
          endpoints: aws.endpoints,
          rateLimits: aws.rateLimits,
        });
      },
    }),
});

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
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          aws: awsClientFactoryServiceRef,
        },
        factory({ config, logger, aws }) {
          return new AwsEnvironmentCollector({
            readers: aws,
            discovery: FunctionDiscovery.fromConfig(config),
            logger,
          });
        },
      }),
  });

/**
 * Where CloudFormation drift detection runs: by default each account-region's
 * CloudFormationDriftAdapter. Tests replace it, since the emulator has no drift detection.
 */
export const stackDriftDetectorsServiceRef =
  createServiceRef<StackDriftDetectorSource>({
    id: 'environments.stack-drift-detectors',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { aws: awsClientFactoryServiceRef },
        factory: ({ aws }) => ({
          forLocation: async location =>
            (await aws.forLocation(location)).cloudFormationDrift,
        }),
      }),
  });
