import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  createHarness,
  Harness,
  permissionsExcept,
  READER,
} from './__testUtils__/harness';
import { digestOf } from './__testUtils__/fakeLambda';
import { firstVisible, listLimit } from '../authorization/ServiceVisibility';
import { createOpenApiRouter } from '../schema/openapi';
import { registerRollbackRoutes } from '../rollback/router';
import { registerPromotionRoutes } from './router';

const ENTITY = 'component:default/checkout-api';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

describe('promotion routes', () => {
  let h: Harness;
  let app: express.Express;

  async function setup(deny: Record<string, string[]> = {}) {
    h = await createHarness({ permissions: permissionsExcept(deny) });
    const router = await createOpenApiRouter();
    const routes = {
      httpAuth: mockServices.httpAuth(),
      environments: ['dev', 'staging', 'prod'],
    };
    registerPromotionRoutes(router, { ...routes, promotions: h.promotions });
    registerRollbackRoutes(router, { ...routes, rollbacks: h.rollbacks });
    app = express().use(router).use(mockErrorHandler());
  }

  /** Alice asks to promote checkout-api into prod, with more of the body. */
  const promoteToProd = (body: object) =>
    request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod', ...body });

  afterEach(async () => {
    await h.executor.whenIdle();
    h.stop();
    await h.knex.destroy();
  });

  it('creates a request (201), lets a teammate approve it, and serves it by id', async () => {
    await setup();
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({
        entityRef: ENTITY,
        targetEnvironment: 'prod',
        comment: 'release 1.4.0',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'requested',
      requestedBy: 'user:default/alice',
      comment: 'release 1.4.0',
    });
    // The permission was checked against the service's catalog entity.
    expect(h.permissions.asked).toContainEqual({
      permission: 'environments.promotion.request',
      resourceRef: ENTITY,
      user: 'user:default/alice',
    });

    const approved = await request(app)
      .post(`/promotions/${created.body.id}/approve`)
      .set('Authorization', as('bob'))
      .send({ comment: 'lgtm' });
    expect(approved.status).toBe(200);
    await h.executor.whenIdle();
    const read = await request(app)
      .get(`/promotions/${created.body.id}`)
      .set('Authorization', as('carol'));
    expect(read.body.status).toBe('succeeded');

    const listed = await request(app)
      .get(`/promotions?entityRef=${ENTITY}&status=succeeded`)
      .set('Authorization', as('carol'));
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([
      created.body.id,
    ]);
  });

  it('refuses (409) to promote another digest than the one the user saw, saying what staging runs now', async () => {
    await setup();
    const seen = digestOf('v1.3.2');
    const refused = await promoteToProd({ digest: seen });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `staging no longer runs the digest you saw: seen ${seen}, now ${digestOf(
        'v1.4.0',
      )} (version 3). Nothing was requested; look at what staging runs now and request again.`,
    );
    expect(await h.store.listPromotions({})).toEqual([]);

    const created = await promoteToProd({ digest: digestOf('v1.4.0') });
    expect(created.status).toBe(201);
    expect(created.body.digest).toBe(digestOf('v1.4.0'));
  });

  it('answers 403 when the user lacks the permission to request, approve or roll back', async () => {
    await setup({
      'environments.promotion.request': ['user:default/carol'],
      'environments.promotion.approve': ['user:default/bob'],
      'environments.rollback': ['user:default/carol'],
    });
    const denied = await request(app)
      .post('/promotions')
      .set('Authorization', as('carol'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({
      name: 'NotAllowedError',
      message: `user:default/carol does not have the environments.promotion.request permission on ${ENTITY}`,
    });

    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    const approve = await request(app)
      .post(`/promotions/${created.body.id}/approve`)
      .set('Authorization', as('bob'))
      .send({});
    expect(approve.status).toBe(403);
    expect(approve.body.error.message).toContain(
      'environments.promotion.approve',
    );

    const rollback = await request(app)
      .post('/rollbacks')
      .set('Authorization', as('carol'))
      .send({ entityRef: ENTITY, environment: 'prod' });
    expect(rollback.status).toBe(403);
    expect(h.fleet.functions.prod.aliasUpdates).toEqual([]);
  });

  it('hides the requests of a service from users who may not read its catalog entity', async () => {
    await setup({ 'catalog.entity.read': ['user:default/dave'] });
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });

    const ids = async (name: string) =>
      (
        await request(app).get('/promotions').set('Authorization', as(name))
      ).body.items.map((p: { id: string }) => p.id);
    expect(await ids('carol')).toEqual([created.body.id]);
    expect(await ids('dave')).toEqual([]);
    const read = await request(app)
      .get(`/promotions/${created.body.id}`)
      .set('Authorization', as('dave'));
    expect(read.status).toBe(404);
    // The answer to an id that does not exist: nothing says the request, or the service, exists.
    expect(read.body.error.message).toBe(
      `No promotion request with id '${created.body.id}'`,
    );
  });

  it('answers 400 for bad input, then 404 for an unknown or hidden service, then 403', async () => {
    // Carol may neither request nor roll back; dave may not even read checkout-api.
    const noPermission = [
      'environments.promotion.request',
      'environments.promotion.approve',
      'environments.rollback',
    ];
    await setup({
      ...Object.fromEntries(
        noPermission.map(name => [
          name,
          ['user:default/carol', 'user:default/dave'],
        ]),
      ),
      'catalog.entity.read': ['user:default/dave'],
    });
    const post = (path: string, user: string, body: object) =>
      request(app).post(path).set('Authorization', as(user)).send(body);

    const malformed = await post('/promotions', 'carol', {
      entityRef: 'component:default/',
      targetEnvironment: 'prod',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /^body\.entityRef must be an entity ref such as component:default\/checkout-api, got 'component:default\/'/,
    );
    // A ref no catalog entity can have is refused here, not sent to the catalog (which refuses it too).
    const impossible = await post('/rollbacks', 'carol', {
      entityRef: 'component:default/check out',
      environment: 'prod',
    });
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.message).toBe(
      "body.entityRef: 'check out' is not an entity name (letters and digits, with -, _ or . between them, at most 63 characters)",
    );
    const versions = await request(app)
      .get('/services/default/component/check%20out/environments/prod/versions')
      .set('Authorization', as('carol'));
    expect(versions.status).toBe(400);
    expect(versions.body.error.message).toMatch(
      /^request\/params\/name must match pattern/,
    );
    const unknownEnvironment = await post('/rollbacks', 'carol', {
      entityRef: 'component:default/nobody-knows',
      environment: 'production',
    });
    expect(unknownEnvironment.status).toBe(400);
    expect(unknownEnvironment.body.error.message).toBe(
      "body.environment: no environment named 'production'; the environments are dev, staging, prod",
    );

    for (const path of ['/promotions', '/rollbacks']) {
      const only = (fields: object) =>
        path === '/promotions'
          ? { ...fields, targetEnvironment: 'prod' }
          : { ...fields, environment: 'prod' };
      const unknown = await post(
        path,
        'carol',
        only({ entityRef: 'component:default/nobody-knows' }),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'No entity component:default/nobody-knows in the catalog',
      );
      const hidden = await post(
        path,
        'dave',
        only({ entityRef: 'checkout-api' }),
      );
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        `No entity ${ENTITY} in the catalog`,
      );
      const denied = await post(
        path,
        'carol',
        only({ entityRef: 'checkout-api' }),
      );
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(
        new RegExp(
          `^user:default/carol does not have the environments\\.(promotion\\.request|rollback) permission on ${ENTITY}$`,
        ),
      );
    }

    const created = await post('/promotions', 'alice', {
      entityRef: ENTITY,
      targetEnvironment: 'prod',
    });
    const badComment = await post(
      `/promotions/${created.body.id}/approve`,
      'carol',
      {
        comment: 42,
      },
    );
    expect(badComment.status).toBe(400);
    const hiddenRequest = await post(
      `/promotions/${created.body.id}/approve`,
      'dave',
      {},
    );
    const unknownRequest = await post('/promotions/nope/approve', 'dave', {});
    expect([hiddenRequest.status, unknownRequest.status]).toEqual([404, 404]);
    expect(hiddenRequest.body.error.message).toBe(
      `No promotion request with id '${created.body.id}'`,
    );
    expect(unknownRequest.body.error.message).toBe(
      "No promotion request with id 'nope'",
    );
    expect(
      (await post(`/promotions/${created.body.id}/reject`, 'carol', {})).status,
    ).toBe(403);
  });

  it('answers 403 to self-approval although the policy allows it', async () => {
    await setup();
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    const self = await request(app)
      .post(`/promotions/${created.body.id}/approve`)
      .set('Authorization', as('alice'))
      .send({});
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(
      /may not approve it: someone else must/,
    );
  });

  it('does not let service principals approve: approvals need a user', async () => {
    await setup();
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    const byService = await request(app)
      .post(`/promotions/${created.body.id}/approve`)
      .set('Authorization', mockCredentials.service.header())
      .send({});
    expect(byService.status).toBe(403);
    expect((await h.promotions.get(created.body.id, READER)).status).toBe(
      'requested',
    );
  });

  it('answers 400 with what is wrong for bad input', async () => {
    await setup();
    const missing = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      "request/body must have required property 'targetEnvironment'",
    );

    const unknown = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({
        entityRef: ENTITY,
        targetEnvironment: 'prod',
        imageUri: 'repo:latest',
      });
    expect(unknown.body.error.message).toBe(
      'request/body must NOT have additional properties',
    );

    const digest = await promoteToProd({ digest: 'abc' });
    expect(digest.status).toBe(400);
    expect(digest.body.error.message).toBe(
      'request/body/digest must match pattern "^sha256:[0-9a-f]{64}$"',
    );

    const status = await request(app)
      .get('/promotions?status=done')
      .set('Authorization', as('alice'));
    expect(status.status).toBe(400);
    expect(status.body.error.message).toMatch(
      /^request\/query\/status\/0 must be equal to one of the allowed values: requested, approved/,
    );

    const version = await request(app)
      .post('/rollbacks')
      .set('Authorization', as('alice'))
      .send({
        entityRef: ENTITY,
        environment: 'prod',
        targetVersion: '$LATEST',
      });
    expect(version.body.error.message).toBe(
      'request/body/targetVersion must match pattern "^[0-9]+$"',
    );
  });

  it('lists the requests into one environment, and names the environments for an unknown one', async () => {
    await setup();
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    const ids = async (query: string) =>
      (
        await request(app)
          .get(`/promotions?${query}`)
          .set('Authorization', as('carol'))
      ).body;
    expect((await ids('targetEnvironment=prod')).items).toEqual([
      expect.objectContaining({ id: created.body.id }),
    ]);
    expect((await ids('targetEnvironment=staging')).items).toEqual([]);
    expect((await ids('targetEnvironment=production')).error.message).toBe(
      "targetEnvironment: no environment named 'production'; the environments are dev, staging, prod",
    );
  });

  it('counts a limit in records the caller may see, when they see only some services', () => {
    const records = ['a', 'b', 'c', 'd'].map(name => ({
      entityRef: `component:default/${name}`,
    }));
    const visible = new Set(['component:default/b', 'component:default/d']);

    expect(listLimit(2, 'all')).toBe(2);
    expect(listLimit(undefined, 'all')).toBe(100);
    expect(listLimit(2, visible)).toBe(500);
    expect(firstVisible(records, visible, 1)).toEqual([records[1]]);
    expect(firstVisible(records, visible, 2)).toEqual([records[1], records[3]]);
    expect(firstVisible(records, 'all', 3)).toEqual(records.slice(0, 3));
  });

  it('serves the promotion windows of every environment to signed-in users', async () => {
    await setup();
    const res = await request(app)
      .get('/promotion-windows')
      .set('Authorization', as('carol'));
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((w: { environment: string }) => w.environment),
    ).toEqual(['dev', 'staging', 'prod']);
    expect(res.body.items[2]).toMatchObject({ closed: false });
    const anonymous = await request(app)
      .get('/promotion-windows')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 for an unknown request or rollback', async () => {
    await setup();
    const promotion = await request(app)
      .get('/promotions/nope')
      .set('Authorization', as('alice'));
    expect(promotion.status).toBe(404);
    const approve = await request(app)
      .post('/promotions/nope/approve')
      .set('Authorization', as('bob'))
      .send({});
    expect(approve.status).toBe(404);
    expect(
      (
        await request(app)
          .get('/rollbacks/nope')
          .set('Authorization', as('alice'))
      ).status,
    ).toBe(404);
  });

  it('lists what awaits my approval', async () => {
    await setup();
    const created = await request(app)
      .post('/promotions')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, targetEnvironment: 'prod' });
    const mine = await request(app)
      .get('/promotions?awaitingMyApproval=true')
      .set('Authorization', as('bob'));
    expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([
      created.body.id,
    ]);
    const notMine = await request(app)
      .get('/promotions?awaitingMyApproval=true')
      .set('Authorization', as('alice'));
    expect(notMine.body.items).toEqual([]);
  });

  it('rolls back (201), previews with dryRun (200), and lists versions for the picker', async () => {
    await setup();
    const preview = await request(app)
      .post('/rollbacks')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, environment: 'prod', dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      status: 'planned',
      fromVersion: '2',
      toVersion: '1',
    });
    expect(h.fleet.functions.prod.alias.version).toBe('2');

    const done = await request(app)
      .post('/rollbacks')
      .set('Authorization', as('alice'))
      .send({ entityRef: ENTITY, environment: 'prod' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'succeeded', toVersion: '1' });

    const versions = await request(app)
      .get(
        '/services/default/component/checkout-api/environments/prod/versions',
      )
      .set('Authorization', as('carol'));
    expect(
      versions.body.items.map((v: { version: string; isLive: boolean }) => [
        v.version,
        v.isLive,
      ]),
    ).toEqual([
      ['2', false],
      ['1', true],
    ]);

    const listed = await request(app)
      .get(`/rollbacks?entityRef=${ENTITY}&limit=1`)
      .set('Authorization', as('carol'));
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([
      done.body.id,
    ]);
    const badLimit = await request(app)
      .get('/rollbacks?limit=0')
      .set('Authorization', as('carol'));
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toBe(
      'request/query/limit must be >= 1',
    );
  });
});
