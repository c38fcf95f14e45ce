import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  actor,
  createHarness,
  Harness,
  permissionsExcept,
} from '../promotion/__testUtils__/harness';

const ENTITY = 'component:default/checkout-api';

/** The permissions asked since `from`, as `permission@resource` (the resource left out when none). */
function askedSince(h: Harness, from: number): string[] {
  return h.permissions.asked
    .slice(from)
    .map(a => `${a.permission}${a.resourceRef ? `@${a.resourceRef}` : ''}`);
}

describe('the authorization layer of promotions and rollbacks', () => {
  let h: Harness;
  afterEach(async () => {
    await h.executor.whenIdle();
    h.stop();
    await h.knex.destroy();
  });

  it('asks each permission an action needs exactly once, on the service acted on', async () => {
    h = await createHarness();
    let from = h.permissions.asked.length;
    const requested = await h.requestProd();
    expect(askedSince(h, from).sort()).toEqual(
      [
        `catalog.entity.read@${ENTITY}`,
        `environments.promotion.execute@${ENTITY}`,
        `environments.promotion.request@${ENTITY}`,
        `environments.promotion.window-override@${ENTITY}`,
      ].sort(),
    );

    from = h.permissions.asked.length;
    await h.promotions.reject(requested.id, {}, actor('bob'));
    expect(askedSince(h, from).sort()).toEqual([
      `catalog.entity.read@${ENTITY}`,
      `environments.promotion.approve@${ENTITY}`,
    ]);

    const again = await h.requestProd();
    from = h.permissions.asked.length;
    await h.promotions.approve(again.id, {}, actor('bob'));
    expect(askedSince(h, from).sort()).toEqual([
      `catalog.entity.read@${ENTITY}`,
      `environments.promotion.approve@${ENTITY}`,
      `environments.promotion.execute@${ENTITY}`,
    ]);
    await h.executor.whenIdle();

    from = h.permissions.asked.length;
    await h.rollbacks.rollback(
      { entityRef: ENTITY, environment: 'prod' },
      actor('alice'),
    );
    expect(askedSince(h, from).sort()).toEqual([
      `catalog.entity.read@${ENTITY}`,
      `environments.rollback@${ENTITY}`,
    ]);
  });

  it('refuses a service principal every action, whatever the policy allows', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    const service = mockCredentials.service();
    const refusals = await Promise.all([
      h.promotions
        .request({ entityRef: ENTITY, targetEnvironment: 'prod' }, service)
        .catch(e => e),
      h.promotions.approve(requested.id, {}, service).catch(e => e),
      h.promotions.reject(requested.id, {}, service).catch(e => e),
      h.promotions.cancel(requested.id, service).catch(e => e),
      h.rollbacks
        .rollback({ entityRef: ENTITY, environment: 'prod' }, service)
        .catch(e => e),
    ]);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(NotAllowedError);
      expect(refusal.message).toMatch(
        /^Only a signed-in user may .*: the request carries 'service' credentials$/,
      );
    }
    expect(
      (await h.promotions.get(requested.id, mockCredentials.service())).status,
    ).toBe('requested');
  });

  it('answers a request about a hidden service as one that does not exist, before any permission', async () => {
    h = await createHarness({
      permissions: permissionsExcept({
        'catalog.entity.read': ['user:default/dave'],
      }),
    });
    const requested = await h.requestProd();
    const from = h.permissions.asked.length;
    for (const attempt of [
      h.promotions.approve(requested.id, {}, actor('dave')),
      h.promotions.get(requested.id, actor('dave')),
      h.promotions.cancel(requested.id, actor('dave')),
    ]) {
      await expect(attempt).rejects.toEqual(
        new NotFoundError(`No promotion request with id '${requested.id}'`),
      );
    }
    expect(new Set(askedSince(h, from))).toEqual(
      new Set([`catalog.entity.read@${ENTITY}`]),
    );
  });
});
