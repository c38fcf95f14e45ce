import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { createOpenApiRouter } from '../schema/openapi';
import { registerProvisioningRoutes } from './router';
import { AuthorizedProvisioningService } from '../authorization/AuthorizedProvisioningService';

describe('POST /provisions', () => {
  const provision = jest.fn(async (body: object) => ({
    ...body,
    status: 'planned',
  }));
  let app: express.Express;

  beforeAll(async () => {
    const router = await createOpenApiRouter();
    registerProvisioningRoutes(router, {
      httpAuth: mockServices.httpAuth(),
      provisioning: { provision } as unknown as AuthorizedProvisioningService,
    });
    app = express().use(router).use(mockErrorHandler());
  });
  beforeEach(() => provision.mockClear());

  const body = {
    project: 'shop',
    component: 'cart-api',
    owner: 'team-checkout',
    costCenter: 'cc-1',
    dryRun: true,
  };

  it('passes a valid request on with the user who makes it', async () => {
    const response = await request(app)
      .post('/provisions')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send(body);
    expect(response.status).toBe(200);
    expect(provision).toHaveBeenCalledWith(
      body,
      expect.objectContaining({
        principal: expect.objectContaining({
          userEntityRef: 'user:default/alice',
        }),
      }),
    );
  });

  it('refuses, before anything runs, a body the spec does not allow and a caller that is not a user', async () => {
    const missing = await request(app)
      .post('/provisions')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ project: 'shop', component: 'cart-api', owner: 'team-checkout' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('costCenter');

    const unknown = await request(app)
      .post('/provisions')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ ...body, region: 'us-east-1' });
    expect(unknown.status).toBe(400);

    const service = await request(app)
      .post('/provisions')
      .set('Authorization', mockCredentials.service.header())
      .send(body);
    expect(service.status).toBe(403);
    expect(provision).not.toHaveBeenCalled();
  });
});
