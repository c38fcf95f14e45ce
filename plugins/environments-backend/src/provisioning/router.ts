import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { ProvisioningService } from './ProvisioningService';

/** `POST /provisions` (src/schema/openapi.yaml): the body is validated against the spec before it gets here. */
export async function createProvisioningRouter(options: {
  httpAuth: HttpAuthService;
  provisioning: ProvisioningService;
}): Promise<express.Router> {
  const router = await createOpenApiRouter();
  router.post('/provisions', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json(await options.provisioning.provision(req.body, credentials));
  });
  return router;
}
