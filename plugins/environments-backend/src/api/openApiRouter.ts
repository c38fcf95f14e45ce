import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';

/** The typed router generated from src/schema/openapi.yaml: it validates each request against the spec. */
export type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** The credentials of a read: a user, or a service principal acting on its own. */
export function readerCredentials(httpAuth: HttpAuthService) {
  // Typed routes narrow params and query; credentials only need the headers.
  return (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
}
