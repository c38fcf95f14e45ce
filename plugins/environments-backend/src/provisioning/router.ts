import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ApiRouter } from '../api/openApiRouter';
import { AuthorizedProvisioningService } from '../authorization/AuthorizedProvisioningService';

/** `POST /provisions` (src/schema/openapi.yaml): the body is validated against the spec before it gets here. */
export function registerProvisioningRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    provisioning: AuthorizedProvisioningService;
  },
): void {
  router.post('/provisions', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json(await options.provisioning.provision(req.body, credentials));
  });
}
