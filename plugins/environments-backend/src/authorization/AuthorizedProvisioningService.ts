import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { serviceProvisionPermission } from '@internal/backstage-plugin-environments-common';
import { ProvisioningService } from '../provisioning/ProvisioningService';
import {
  ServiceProvision,
  ServiceProvisionRequest,
} from '../schema/openapi/generated/models';
import { ActionAuthorizer } from './permissions';

/**
 * The creation of services as a caller may ask for it: the one place its permission is checked. 403 for
 * a caller that is not a signed-in user or lacks `environments.service.provision`, also for a dry run.
 */
export class AuthorizedProvisioningService {
  constructor(
    private readonly options: {
      provisioning: ProvisioningService;
      authorizer: ActionAuthorizer;
    },
  ) {}

  async provision(
    request: ServiceProvisionRequest,
    credentials: BackstageCredentials,
  ): Promise<ServiceProvision> {
    const userRef = await this.options.authorizer.userWith(
      credentials,
      'create services',
      serviceProvisionPermission,
    );
    return this.options.provisioning.provision(request, userRef);
  }
}
