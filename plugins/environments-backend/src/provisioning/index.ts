import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { readAwsAccessConfig } from '../aws/config';
import { ComplianceConfig } from '../compliance/types';
import { readPromotionConfig } from '../promotion/config';
import { readProvisioningConfig } from './config';
import { ProvisioningAccess } from './ProvisioningAws';
import { ProvisioningService } from './ProvisioningService';
import { ProvisionStore } from './ProvisionStore';
import { createProvisioningRouter } from './router';

export { readProvisioningConfig } from './config';
export type { ProvisioningConfig } from './config';
export { ProvisioningService } from './ProvisioningService';
export { planServiceStacks, serviceStackTemplate } from './serviceStack';

/** Builds the provisioning of new services and its route (`POST /provisions`). */
export async function createProvisioningRouterFromConfig(options: {
  config: Config;
  environments: EnvironmentDefinition[];
  compliance: ComplianceConfig;
  knex: Knex;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  auditor?: AuditorService;
  access?: ProvisioningAccess;
}) {
  const provisioning = new ProvisioningService({
    ...options,
    config: readProvisioningConfig(options.config, options.environments),
    store: new ProvisionStore(options.knex),
    access:
      options.access ??
      new ProvisioningAccess({
        credentialsManager: DefaultAwsCredentialsManager.fromConfig(
          options.config,
        ),
        endpoints: readAwsAccessConfig(options.config).endpoints,
        writeRoles: readPromotionConfig(options.config).writeRoles,
      }),
  });
  return createProvisioningRouter({ httpAuth: options.httpAuth, provisioning });
}
