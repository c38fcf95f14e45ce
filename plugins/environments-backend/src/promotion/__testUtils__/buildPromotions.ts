import { PermissionsService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { createPromotions, Promotions, PromotionsOptions } from '..';
import { ActionAuthorizer } from '../../authorization/permissions';
import { ServiceVisibility } from '../../authorization/ServiceVisibility';
import { readPluginConfig } from '../../config';
import { EnvironmentCollector } from '../../matrix/collector/types';
import { CollectorFunctionLocator } from '../../matrix/FunctionLocator';
import { AwsClientFactory } from '../../aws/AwsClientFactory';

/**
 * Promotions as the composition root builds them, from an app-config and test doubles: the config read
 * as the plugin reads it, AWS through the config's accounts unless `deployers` is given, functions
 * located with `collector` unless `locator` is given.
 */
export function buildPromotions(
  options: Omit<
    PromotionsOptions,
    | 'config'
    | 'environments'
    | 'visibility'
    | 'authorizer'
    | 'deployers'
    | 'locator'
  > & {
    config: Config;
    permissions: PermissionsService;
    collector?: EnvironmentCollector;
    deployers?: PromotionsOptions['deployers'];
    locator?: PromotionsOptions['locator'];
  },
): Promotions {
  const plugin = readPluginConfig(options.config);
  return createPromotions({
    ...options,
    config: plugin.promotion,
    environments: plugin.environments,
    visibility: new ServiceVisibility({
      permissions: options.permissions,
      catalog: options.catalog,
    }),
    authorizer: new ActionAuthorizer({
      permissions: options.permissions,
      auth: options.auth,
    }),
    deployers:
      options.deployers ??
      new AwsClientFactory({
        credentialsManager: DefaultAwsCredentialsManager.fromConfig(
          options.config,
        ),
        ...plugin.aws,
        updateTimeoutSeconds: plugin.promotion.updateTimeoutSeconds,
      }),
    locator:
      options.locator ??
      new CollectorFunctionLocator({
        collector: options.collector!,
        environments: plugin.environments,
      }),
  });
}
