import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  actor,
  createHarness,
  environmentsConfig,
  Harness,
  READER,
} from '../promotion/__testUtils__/harness';
import { digestOf } from '../promotion/__testUtils__/fakeLambda';

const rollbackProd = (
  h: Harness,
  options: { targetVersion?: string; dryRun?: boolean; user?: string } = {},
) =>
  h.rollbacks.rollback(
    {
      entityRef: 'component:default/checkout-api',
      environment: 'prod',
      targetVersion: options.targetVersion,
      dryRun: options.dryRun,
      comment: 'errors after the release',
    },
    actor(options.user ?? 'alice'),
  );

async function promoteProd(h: Harness) {
  const requested = await h.requestProd();
  await h.promotions.approve(requested.id, {}, actor('bob'));
  await h.executor.whenIdle();
  return h.promotions.get(requested.id, READER);
}

describe('RollbackService', () => {
  let h: Harness;
  afterEach(async () => {
    h.stop();
    await h.knex.destroy();
  });

  it('points live back at the version live before the promotion, recording what was live', async () => {
    h = await createHarness();
    await promoteProd(h);
    h.clock.advance(60_000);
    const record = await rollbackProd(h);
    expect(record).toMatchObject({
      status: 'succeeded',
      environment: 'prod',
      fromVersion: '3',
      fromDigest: digestOf('v1.4.0'),
      toVersion: '2',
      toDigest: digestOf('v1.3.2'),
      requestedBy: 'user:default/alice',
      comment: 'errors after the release',
      intentionalDrift: false,
      warnings: [],
    });
    expect(record.steps.map(s => [s.name, s.status])).toEqual([
      ['switch-alias', 'succeeded'],
      ['verify', 'succeeded'],
    ]);
    expect(h.fleet.functions.prod.alias.version).toBe('2');
    expect(h.fleet.writers.at(-1)).toBe('user:default/alice');
    expect(h.auditor.events.map(e => `${e.eventId}:${e.result}`)).toEqual(
      expect.arrayContaining([
        'rollback-requested:succeeded',
        'rollback-succeeded:succeeded',
      ]),
    );
    await expect(h.rollbacks.get(record.id, READER)).resolves.toEqual(record);
  });

  it('rolls back to a chosen version after checking it exists', async () => {
    h = await createHarness();
    expect((await rollbackProd(h, { targetVersion: '1' })).toDigest).toBe(
      digestOf('v1.3.1'),
    );
    expect(h.fleet.functions.prod.alias.version).toBe('1');
    await expect(rollbackProd(h, { targetVersion: '7' })).rejects.toThrow(
      new InputError('Version 7 of shop-checkout-api-prod does not exist'),
    );
    await expect(rollbackProd(h, { targetVersion: '1' })).rejects.toThrow(
      new ConflictError('Version 1 is already live in prod'),
    );
  });

  it('without earlier promotions, rolls back to the highest version below the live one', async () => {
    h = await createHarness();
    expect((await rollbackProd(h)).toVersion).toBe('1');
  });

  it('says before acting that a stack owns the alias, and marks the drift intentional until the next promotion', async () => {
    h = await createHarness();
    h.fleet.stackNames.prod = 'shop-checkout-api-prod';
    h.fleet.functions.prod.aliasStacks = ['shop-checkout-api-prod'];
    const plan = await rollbackProd(h, { dryRun: true });
    expect(plan).toMatchObject({
      id: '',
      status: 'planned',
      aliasStackName: 'shop-checkout-api-prod',
      toVersion: '1',
    });
    expect(plan.warnings[0]).toMatch(
      /CloudFormation stack shop-checkout-api-prod owns the live alias/,
    );
    expect(h.fleet.functions.prod.aliasUpdates).toEqual([]);

    const record = await rollbackProd(h);
    expect(record).toMatchObject({
      status: 'succeeded',
      intentionalDrift: true,
      aliasStackName: 'shop-checkout-api-prod',
    });
    const target = h.fleet.functions.prod.location;
    expect(await h.store.findIntentionalDrift(target)).toMatchObject({
      id: record.id,
    });

    // The promotion warns too, and ends the intentional drift once it succeeded.
    h.clock.advance(60_000);
    const promoted = await promoteProd(h);
    expect(promoted.warnings[0]).toMatch(
      /owns the live alias of shop-checkout-api-prod/,
    );
    expect(promoted.status).toBe('succeeded');
    expect(await h.store.findIntentionalDrift(target)).toBeUndefined();
  });

  it('limits rollbacks to the allowed groups of the environment', async () => {
    h = await createHarness({
      config: environmentsConfig({
        prodRollback: { allowedGroups: ['team-checkout'] },
      }),
    });
    await expect(rollbackProd(h, { user: 'carol' })).rejects.toThrow(
      new NotAllowedError(
        'user:default/carol may not roll back prod: only members of group:default/team-checkout may',
      ),
    );
    expect((await rollbackProd(h, { user: 'bob' })).status).toBe('succeeded');
  });

  it('refuses while a promotion runs on the same function', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    await h.store.transition(requested.id, ['requested'], {
      status: 'running',
    });
    await expect(rollbackProd(h)).rejects.toThrow(
      `Promotion ${requested.id} is running on shop-checkout-api-prod`,
    );
  });

  it('lists the versions for the picker, newest first, with when each was live', async () => {
    h = await createHarness();
    const promoted = await promoteProd(h);
    h.clock.advance(60_000);
    const rollback = await rollbackProd(h);
    const versions = await h.rollbacks.listVersions(
      'component:default/checkout-api',
      'prod',
      READER,
    );
    expect(versions.map(v => [v.version, v.digest, v.isLive])).toEqual([
      ['3', digestOf('v1.4.0'), false],
      ['2', digestOf('v1.3.2'), true],
      ['1', digestOf('v1.3.1'), false],
    ]);
    expect(versions[0]).toMatchObject({
      liveFrom: promoted.finishedAt,
      liveUntil: rollback.finishedAt,
    });
    expect(versions[1]).toMatchObject({
      liveFrom: rollback.finishedAt,
      liveUntil: undefined,
    });
  });

  it('notifies the owner of a service outside the default namespace in its own namespace', async () => {
    // spec.owner `team-x` of a Component in namespace payments is group:payments/team-x, as the catalog reads it.
    h = await createHarness({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'refunds-api',
            namespace: 'payments',
            annotations: { 'environments.io/project': 'shop' },
          },
          spec: { type: 'service', owner: 'team-x', lifecycle: 'production' },
        },
      ],
    });
    const record = await h.rollbacks.rollback(
      { entityRef: 'component:payments/refunds-api', environment: 'prod' },
      actor('alice'),
    );
    expect(record.status).toBe('succeeded');
    const recipients = h.notifications.send.mock.calls.flatMap(
      ([notification]: any[]) => notification.recipients.entityRef,
    );
    expect(recipients).toContain('group:payments/team-x');
    expect(recipients).not.toContain('group:default/team-x');
  });
});
