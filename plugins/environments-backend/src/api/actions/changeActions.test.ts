import { mockServices } from '@backstage/backend-test-utils';
import {
  actionsRegistryServiceMock,
  MockActionsRegistry,
} from '@backstage/backend-test-utils/alpha';
import {
  actor,
  createHarness,
  Harness,
  permissionsExcept,
  READER,
} from '../../promotion/__testUtils__/harness';
import { registerChangeActions } from './changeActions';

const ENTITY = 'component:default/checkout-api';

describe('the request, approve and rollback actions', () => {
  let h: Harness;
  let registry: MockActionsRegistry;

  async function setup(deny: Record<string, string[]> = {}) {
    h = await createHarness({ permissions: permissionsExcept(deny) });
    registry = actionsRegistryServiceMock({
      logger: mockServices.logger.mock(),
    });
    registerChangeActions(registry, {
      promotions: h.promotions,
      rollbacks: h.rollbacks,
      environments: ['dev', 'staging', 'prod'],
    });
  }

  /** Invokes an action as a signed-in user, as the registry does for an MCP client's user. */
  const invoke = (name: string, input: object, user: string) =>
    registry.invoke({
      id: `test:${name}`,
      input: input as Record<string, string>,
      credentials: actor(user),
    });

  afterEach(async () => {
    await h.executor.whenIdle();
    h.stop();
    await h.knex.destroy();
  });

  it('refuses a user the policy denies environments.promotion.request, and records nothing', async () => {
    await setup({ 'environments.promotion.request': ['user:default/carol'] });
    const input = { entityRef: 'checkout-api', targetEnvironment: 'prod' };
    await expect(invoke('request-promotion', input, 'carol')).rejects.toThrow(
      `user:default/carol does not have the environments.promotion.request permission on ${ENTITY}`,
    );
    expect(await h.store.listPromotions({})).toEqual([]);

    // Alice may: the same action records her request.
    const { output } = await invoke('request-promotion', input, 'alice');
    expect(output).toMatchObject({
      entityRef: ENTITY,
      targetEnvironment: 'prod',
      status: 'requested',
      requestedBy: 'user:default/alice',
    });
  });

  it('does not let a requester approve their own request; a teammate’s approval promotes it', async () => {
    await setup();
    const { output } = await invoke(
      'request-promotion',
      {
        entityRef: ENTITY,
        targetEnvironment: 'prod',
        comment: 'release 1.4.0',
      },
      'alice',
    );
    const promotionId = (output as { id: string }).id;

    await expect(
      invoke('approve-promotion', { promotionId }, 'alice'),
    ).rejects.toThrow(
      `user:default/alice requested promotion ${promotionId} and may not approve it: someone else must`,
    );
    const read = () => h.promotions.get(promotionId, READER);
    expect(await read()).toMatchObject({ status: 'requested', approvals: [] });

    const approved = await invoke(
      'approve-promotion',
      { promotionId, comment: 'lgtm' },
      'bob',
    );
    expect(approved.output).toMatchObject({ id: promotionId });
    await h.executor.whenIdle();
    expect(await read()).toMatchObject({ status: 'succeeded' });
  });

  it('previews a rollback with dryRun, changing nothing, and refuses one the policy denies', async () => {
    await setup({ 'environments.rollback': ['user:default/carol'] });
    const input = { entityRef: ENTITY, environment: 'prod', dryRun: true };
    const { output } = await invoke('request-rollback', input, 'alice');
    expect(output).toMatchObject({
      status: 'planned',
      fromVersion: '2',
      toVersion: '1',
    });
    expect(h.fleet.functions.prod.alias.version).toBe('2');

    await expect(invoke('request-rollback', input, 'carol')).rejects.toThrow(
      'environments.rollback',
    );
  });

  it('says which input is wrong before acting', async () => {
    await setup();
    await expect(
      invoke(
        'request-promotion',
        { entityRef: ENTITY, targetEnvironment: 'production' },
        'alice',
      ),
    ).rejects.toThrow('Invalid input to action "test:request-promotion"');
    expect(await h.store.listPromotions({})).toEqual([]);
  });
});
