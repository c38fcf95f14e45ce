import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsClientFactory } from './aws';
import { AwsEnvironmentCollector } from './matrix/collector/AwsEnvironmentCollector';
import { EnvironmentCollector } from './matrix/collector/types';
import { loadPluginConfig, PluginConfig } from './config';
import { StackDriftDetectorSource } from './compliance';

/**
 * The `environments` config section, checked for unknown keys and read once per plugin: the plugin and
 * the default AWS and collector services take their parts of this one object.
 */
export const environmentsConfigServiceRef = createServiceRef<PluginConfig>({
  id: 'environments.config',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => loadPluginConfig(config),
    }),
});

/**
 * The AWS clients of every account-region, for reads and writes, with their rate limiters and retry
 * policy. One per plugin, so that the collector, the CloudFormation drift checks, promotions,
 * rollbacks and provisions share each account-region's budget.
 */
export const awsClientFactoryServiceRef = createServiceRef<AwsClientFactory>({
  id: 'environments.aws-clients',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        rootConfig: coreServices.rootConfig,
        config: environmentsConfigServiceRef,
        logger: coreServices.logger,
      },
      factory: ({ rootConfig, config, logger }) =>
        new AwsClientFactory({
          credentialsManager:
            DefaultAwsCredentialsManager.fromConfig(rootConfig),
          ...config.aws,
          updateTimeoutSeconds: config.promotion.updateTimeoutSeconds,
          logger,
        }),
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
          config: environmentsConfigServiceRef,
          logger: coreServices.logger,
          aws: awsClientFactoryServiceRef,
        },
        factory({ config, logger, aws }) {
          return new AwsEnvironmentCollector({
            readers: aws,
            discovery: config.discovery,
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
