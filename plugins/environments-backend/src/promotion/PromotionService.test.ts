import { ConflictError, NotAllowedError } from '@backstage/errors';
import { PromotionRequest } from '@internal/backstage-plugin-environments-common';
import {
  actor,
  createHarness,
  environmentsConfig,
  Harness,
  permissionsExcept,
  READER,
} from './__testUtils__/harness';
import { digestOf } from './__testUtils__/fakeLambda';

const HOUR = 3600_000;
const STAGING_DIGEST = digestOf('v1.4.0');
const PROD_DIGEST = digestOf('v1.3.2');

async function approveAndRun(
  h: Harness,
  id: string,
  approver = 'bob',
): Promise<PromotionRequest> {
  await h.promotions.approve(id, {}, actor(approver));
  await h.executor.whenIdle();
  return h.promotions.get(id, READER);
}

describe('PromotionService', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.executor.whenIdle();
    h?.stop();
    await h?.knex.destroy();
  });

  it('promotes the digest staging runs into prod once a teammate approves, step by step', async () => {
    h = await createHarness();
    const requested = await h.requestProd({ comment: 'release 1.4.0' });
    expect(requested).toMatchObject({
      status: 'requested',
      sourceEnvironment: 'staging',
      targetEnvironment: 'prod',
      digest: STAGING_DIGEST,
      sourceVersion: '3',
      imageUri: `333333333333.dkr.ecr.eu-west-1.amazonaws.com/app@${STAGING_DIGEST}`,
      target: {
        accountId: '333333333333',
        functionName: 'shop-checkout-api-prod',
      },
      previousVersion: '2',
      requestedBy: 'user:default/alice',
      policy: {
        requiresApproval: true,
        approvalsRequired: 1,
        approvalsGiven: 0,
        approvers: ['group:default/team-checkout'],
      },
      sourceMovedOn: false,
    });
    expect(requested.policy.missing).toEqual([
      '1 more approval from members of group:default/team-checkout (not user:default/alice)',
    ]);
    // Nothing changed in prod before the approval.
    expect(h.fleet.functions.prod.calls).not.toContain('UpdateFunctionCode');
    // The owner group hears about it, without the requester.
    expect(h.notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/team-checkout'],
          excludeEntityRef: 'user:default/alice',
        },
        payload: expect.objectContaining({
          title: expect.stringMatching(/^Promotion awaiting approval/),
        }),
      }),
    );

    const done = await approveAndRun(h, requested.id);
    expect(done.status).toBe('succeeded');
    expect(done.publishedVersion).toBe('3');
    expect(done.executedBy).toBe('user:default/bob');
    expect(h.fleet.functions.prod.alias.version).toBe('3');
    expect(h.fleet.functions.prod.liveDigest).toBe(STAGING_DIGEST);
    expect(done.steps.map(s => [s.name, s.status])).toEqual([
      ['read-live-alias', 'succeeded'],
      ['update-function-code', 'succeeded'],
      ['wait-for-update', 'succeeded'],
      ['publish-version', 'succeeded'],
      ['switch-alias', 'succeeded'],
      ['verify', 'succeeded'],
    ]);
    expect(done.steps.every(s => s.startedAt && s.finishedAt && s.detail)).toBe(
      true,
    );
    // AWS acted in the name of the approver who started it.
    expect(h.fleet.writers).toEqual(['user:default/bob']);
    expect(done.history.map(e => e.event)).toEqual([
      'requested',
      'approved',
      'ready',
      'running',
      'step',
      'step',
      'step',
      'step',
      'step',
      'step',
      'succeeded',
    ]);
    const auditIds = h.auditor.events.map(e => `${e.eventId}:${e.result}`);
    expect(auditIds).toEqual(
      expect.arrayContaining([
        'promotion-requested:succeeded',
        'promotion-approved:succeeded',
        'promotion-step:succeeded',
        'promotion-succeeded:succeeded',
      ]),
    );
    expect(h.notifications.send).toHaveBeenLastCalledWith(
      expect.objectContaining({
        recipients: expect.objectContaining({
          entityRef: expect.arrayContaining([
            'user:default/alice',
            'user:default/bob',
          ]),
        }),
        payload: expect.objectContaining({
          title: expect.stringMatching(/^Promotion succeeded/),
        }),
      }),
    );
  });

  it('refuses self-approval even when the permission policy allows everything', async () => {
    h = await createHarness({ permissions: permissionsExcept() });
    const requested = await h.requestProd();
    const error = await h.promotions
      .approve(requested.id, {}, actor('alice'))
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toMatch(
      /requested promotion .* and may not approve it/,
    );
    const after = await h.promotions.get(requested.id, READER);
    expect(after.status).toBe('requested');
    expect(after.approvals).toEqual([]);
    await expect(
      h.promotions.reject(requested.id, {}, actor('alice')),
    ).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses approvers outside the approver set (by default the service’s owner group)', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    await expect(
      h.promotions.approve(requested.id, {}, actor('carol')),
    ).rejects.toThrow(
      /approvers of promotions into prod are members of group:default\/team-checkout/,
    );
  });

  it('uses configured approvers instead of the owner', async () => {
    h = await createHarness({
      config: environmentsConfig({
        prod: { approvers: ['group:default/release-managers'] },
      }),
    });
    const requested = await h.requestProd();
    await expect(
      h.promotions.approve(requested.id, {}, actor('bob')),
    ).rejects.toBeInstanceOf(NotAllowedError);
    expect((await approveAndRun(h, requested.id, 'dave')).status).toBe(
      'succeeded',
    );
  });

  it('needs the execute permission from whoever completes the request', async () => {
    h = await createHarness({
      permissions: permissionsExcept({
        'environments.promotion.execute': ['user:default/bob'],
      }),
    });
    const requested = await h.requestProd();
    await expect(
      h.promotions.approve(requested.id, {}, actor('bob')),
    ).rejects.toThrow(
      /does not have the environments.promotion.execute permission/,
    );
    expect((await h.promotions.get(requested.id, READER)).approvals).toEqual(
      [],
    );
  });

  it('does not count an expired approval', async () => {
    h = await createHarness({
      config: environmentsConfig({
        prod: { approvals: 2, approvalTtl: { hours: 1 } },
      }),
    });
    const requested = await h.requestProd();
    await h.promotions.approve(requested.id, {}, actor('bob'));
    h.clock.advance(2 * HOUR);
    const afterErin = await h.promotions.approve(
      requested.id,
      {},
      actor('erin'),
    );
    expect(afterErin.status).toBe('requested');
    expect(afterErin.policy.approvalsGiven).toBe(1);
    expect(afterErin.approvals).toEqual([
      expect.objectContaining({ approver: 'user:default/bob', expired: true }),
      expect.objectContaining({
        approver: 'user:default/erin',
        expired: false,
      }),
    ]);
    expect(afterErin.policy.missing[0]).toMatch(
      /1 more approval .*; expired: user:default\/bob/,
    );
    expect(h.fleet.functions.prod.calls).not.toContain('UpdateFunctionCode');

    // Bob approves again: two valid approvals, and it runs.
    expect((await approveAndRun(h, requested.id, 'bob')).status).toBe(
      'succeeded',
    );
  });

  it('lets the sweep complete and start a request that holds enough approvals, as an approver who may execute', async () => {
    h = await createHarness({
      config: environmentsConfig({ prod: { approvals: 2 } }),
    });
    const requested = await h.requestProd();
    // Two approvals recorded without either completing the request, as concurrent ones once were.
    const approve = (name: string, mayExecute: boolean) =>
      h.store.upsertApproval(requested.id, {
        approver: `user:default/${name}`,
        decision: 'approved',
        decidedAt: h.clock.now.toISOString(),
        expiresAt: new Date(h.clock.now.getTime() + HOUR).toISOString(),
        mayExecute,
      });
    await approve('bob', true);
    await approve('erin', false);
    expect(
      (await h.promotions.get(requested.id, READER)).policy.approvalsGiven,
    ).toBe(2);

    await h.sweep();
    const done = await h.promotions.get(requested.id, READER);
    expect(done.status).toBe('succeeded');
    expect(done.executedBy).toBe('user:default/bob');
    expect(h.fleet.writers).toEqual(['user:default/bob']);
    expect(done.history.filter(e => e.event === 'ready')).toEqual([
      expect.objectContaining({
        detail:
          'Approved by user:default/bob, user:default/erin (completed by the periodic sweep); executing as user:default/bob',
      }),
    ]);
    expect(done.approvals[0]).not.toHaveProperty('mayExecute');
  });

  it('leaves a fully approved request to expire when none of its approvers may execute it', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    await h.store.upsertApproval(requested.id, {
      approver: 'user:default/bob',
      decision: 'approved',
      decidedAt: h.clock.now.toISOString(),
      expiresAt: new Date(h.clock.now.getTime() + HOUR).toISOString(),
      mayExecute: false,
    });
    await h.sweep();
    expect((await h.promotions.get(requested.id, READER)).status).toBe(
      'requested',
    );
    expect(h.fleet.functions.prod.calls).not.toContain('UpdateFunctionCode');
  });

  it('expires a request past its TTL, on read and by the sweep', async () => {
    h = await createHarness({
      config: environmentsConfig({ prod: { requestTtl: { hours: 4 } } }),
    });
    const first = await h.requestProd();
    h.clock.advance(5 * HOUR);
    const read = await h.promotions.get(first.id, READER);
    expect(read.status).toBe('expired');
    expect(read.statusReason).toMatch(/^Not executed within 4 hours/);
    await expect(
      h.promotions.approve(first.id, {}, actor('bob')),
    ).rejects.toBeInstanceOf(ConflictError);

    const second = await h.requestProd();
    h.clock.advance(5 * HOUR);
    await h.sweep();
    const swept = await h.store.getPromotion(second.id);
    expect(swept?.status).toBe('expired');
    expect(
      h.auditor.events.filter(e => e.eventId === 'promotion-expired'),
    ).toHaveLength(2);
  });

  describe('promotion windows', () => {
    const freeze = {
      from: '2026-11-24T09:00:00Z',
      until: '2026-11-24T18:00:00Z',
      reason: 'Change freeze for the sale',
    };

    it('refuses a request while the target’s window is closed, saying why and until when', async () => {
      h = await createHarness({
        config: environmentsConfig({ prod: { windows: [freeze] } }),
      });
      const error = await h.requestProd().catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'Promotions into prod are closed until 2026-11-24T18:00:00.000Z: Change freeze for the sale. ' +
          'Holders of environments.promotion.window-override may request with overrideWindow: true.',
      );
      expect(await h.store.listPromotions({})).toEqual([]);
    });

    it('says which environments are closed now, why and until when', async () => {
      h = await createHarness({
        config: environmentsConfig({ prod: { windows: [freeze] } }),
      });
      expect(h.promotions.windows()).toEqual([
        { environment: 'dev', closed: false },
        { environment: 'staging', closed: false },
        {
          environment: 'prod',
          closed: true,
          reason: 'Change freeze for the sale',
          until: '2026-11-24T18:00:00.000Z',
        },
      ]);
      h.clock.advance(9 * 3600_000);
      expect(h.promotions.windows()[2]).toEqual({
        environment: 'prod',
        closed: false,
      });
    });

    it('lets holders of the override permission request anyway, and records the override', async () => {
      h = await createHarness({
        config: environmentsConfig({ prod: { windows: [freeze] } }),
        permissions: permissionsExcept({
          'environments.promotion.window-override': ['user:default/erin'],
        }),
      });
      // Without the permission: 403.
      await expect(
        h.promotions.request(
          {
            entityRef: 'component:default/checkout-api',
            targetEnvironment: 'prod',
            overrideWindow: true,
          },
          actor('erin'),
        ),
      ).rejects.toThrow(
        /does not have the environments.promotion.window-override permission/,
      );

      const requested = await h.requestProd({ overrideWindow: true });
      expect(requested.windowOverride).toEqual({
        by: 'user:default/alice',
        at: '2026-11-24T10:00:00.000Z',
        reason: 'Change freeze for the sale',
      });
      expect(requested.history.map(e => e.event)).toContain('window-override');
      expect(h.auditor.events.map(e => e.eventId)).toContain(
        'promotion-window-override',
      );
      expect((await approveAndRun(h, requested.id)).status).toBe('succeeded');
    });

    it('holds an approved request until its window opens, then runs it from the sweep', async () => {
      h = await createHarness({
        config: environmentsConfig({
          prod: { windows: [{ ...freeze, from: '2026-11-24T11:00:00Z' }] },
        }),
      });
      const requested = await h.requestProd();
      h.clock.advance(2 * HOUR);
      const waiting = await approveAndRun(h, requested.id);
      expect(waiting.status).toBe('approved');
      expect(waiting.statusReason).toBe(
        'Waiting for promotions to prod to open at 2026-11-24T18:00:00.000Z: Change freeze for the sale',
      );
      expect(h.fleet.functions.prod.calls).not.toContain('UpdateFunctionCode');

      h.clock.advance(7 * HOUR);
      await h.sweep();
      await h.executor.whenIdle();
      expect((await h.promotions.get(requested.id, READER)).status).toBe(
        'succeeded',
      );
      expect(h.fleet.functions.prod.liveDigest).toBe(STAGING_DIGEST);
    });
  });

  it('fails without switching anything when the alias changed since the promotion read it', async () => {
    h = await createHarness();
    const prod = h.fleet.functions.prod;
    const requested = await h.requestProd();
    // Someone changes the alias (e.g. a stack deploy) while the new version is being published.
    prod.hooks.PublishVersion = () => {
      prod.alias = { ...prod.alias, revisionId: 'changed-by-someone-else' };
    };
    const done = await approveAndRun(h, requested.id);
    expect(done.status).toBe('failed');
    expect(done.statusReason).toMatch(
      /changed since this began .*nothing was switched.*still serves version 2/,
    );
    expect(done.steps.find(s => s.name === 'switch-alias')).toMatchObject({
      status: 'failed',
    });
    expect(prod.aliasUpdates).toEqual([]);
    expect(prod.liveDigest).toBe(PROD_DIGEST);
    expect(h.auditor.events).toContainEqual(
      expect.objectContaining({
        eventId: 'promotion-failed',
        result: 'failed',
      }),
    );
  });

  it('rolls back automatically when the smoke check fails after the switch', async () => {
    const smokeCheck = jest.fn(async () => ({
      ok: false,
      detail: 'GET https://prod/health answered 500 (3 attempts)',
    }));
    h = await createHarness({
      smokeCheck,
      annotations: { 'environments.io/smoke-url.prod': 'https://prod/health' },
    });
    const requested = await h.requestProd();
    expect(requested.smokeCheckUrl).toBe('https://prod/health');
    const done = await approveAndRun(h, requested.id);
    expect(smokeCheck).toHaveBeenCalledWith('https://prod/health');
    expect(done.status).toBe('rolled-back');
    expect(done.statusReason).toMatch(
      /Smoke check after the switch failed: .*500.*Rolled back: live serves version 2 again/,
    );
    expect(done.steps.slice(-2).map(s => [s.name, s.status])).toEqual([
      ['smoke-check', 'failed'],
      ['rollback-alias', 'succeeded'],
    ]);
    expect(h.fleet.functions.prod.alias.version).toBe('2');
    expect(h.fleet.functions.prod.liveDigest).toBe(PROD_DIGEST);
  });

  it('shifts traffic 10% → 50% → 100% and reverts when the smoke check fails half-way', async () => {
    let checks = 0;
    h = await createHarness({
      config: environmentsConfig({
        prod: { trafficShift: { steps: [10, 50, 100], wait: { seconds: 1 } } },
      }),
      annotations: { 'environments.io/smoke-url.prod': 'https://prod/health' },
      smokeCheck: async () => {
        checks++;
        return checks < 2
          ? { ok: true, detail: 'answered 200' }
          : { ok: false, detail: 'answered 503' };
      },
    });
    const requested = await h.requestProd();
    const done = await approveAndRun(h, requested.id);
    expect(h.fleet.functions.prod.aliasUpdates).toEqual([
      { version: '2', routing: { '3': 0.1 } },
      { version: '2', routing: { '3': 0.5 } },
      { version: '2', routing: {} },
    ]);
    expect(done.status).toBe('rolled-back');
    expect(done.statusReason).toMatch(/Smoke check at 50% failed/);
  });

  it('shifts traffic all the way when every smoke check passes', async () => {
    h = await createHarness({
      config: environmentsConfig({
        prod: { trafficShift: { steps: [10, 50, 100], wait: { seconds: 1 } } },
      }),
    });
    const requested = await h.requestProd();
    expect((await approveAndRun(h, requested.id)).status).toBe('succeeded');
    expect(h.fleet.functions.prod.aliasUpdates).toEqual([
      { version: '2', routing: { '3': 0.1 } },
      { version: '2', routing: { '3': 0.5 } },
      { version: '3', routing: {} },
    ]);
  });

  it('runs at once, as the requester, when the target needs no approval', async () => {
    h = await createHarness();
    const requested = await h.promotions.request(
      {
        entityRef: 'component:default/checkout-api',
        targetEnvironment: 'staging',
      },
      actor('alice'),
    );
    await h.executor.whenIdle();
    const done = await h.promotions.get(requested.id, READER);
    expect(done.status).toBe('succeeded');
    expect(done.executedBy).toBe('user:default/alice');
    expect(h.fleet.functions.staging.liveDigest).toBe(digestOf('v1.5.0'));
  });

  it('refuses a request that would run at once when the requester may not execute', async () => {
    h = await createHarness({
      permissions: permissionsExcept({
        'environments.promotion.execute': ['user:default/alice'],
      }),
    });
    await expect(
      h.promotions.request(
        {
          entityRef: 'component:default/checkout-api',
          targetEnvironment: 'staging',
        },
        actor('alice'),
      ),
    ).rejects.toThrow(/staging needs no approval, so the request runs at once/);
    expect(await h.store.listPromotions({})).toEqual([]);
  });

  it('promotes what was asked even when the source moved on, and says so', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    // staging gets v1.5.0 meanwhile.
    const staging = h.fleet.functions.staging;
    staging.versions.set('4', {
      ...staging.versions.get('3')!,
      codeSha256: digestOf('v1.5.0').slice(7),
    });
    staging.alias = { ...staging.alias, version: '4' };
    const read = await h.promotions.get(requested.id, READER);
    expect(read.sourceMovedOn).toBe(true);
    expect(read.sourceCurrentDigest).toBe(digestOf('v1.5.0'));
    await approveAndRun(h, requested.id);
    expect(h.fleet.functions.prod.liveDigest).toBe(STAGING_DIGEST);
  });

  it('promotes the digest the user saw, and refuses when staging moved on since, without requesting anything', async () => {
    h = await createHarness();
    const staging = h.fleet.functions.staging;
    staging.versions.set('4', {
      ...staging.versions.get('3')!,
      codeSha256: digestOf('v1.5.0').replace('sha256:', ''),
    });
    // The user saw v1.4.0 (version 3); staging was deployed v1.5.0 (version 4) before they clicked.
    staging.alias.version = '4';
    await expect(h.requestProd({ digest: STAGING_DIGEST })).rejects.toThrow(
      new ConflictError(
        `staging no longer runs the digest you saw: seen ${STAGING_DIGEST}, now ${digestOf(
          'v1.5.0',
        )} (version 4). Nothing was requested; look at what staging runs now and request again.`,
      ),
    );
    expect(await h.promotions.list({}, READER)).toEqual([]);

    staging.alias.version = '3';
    const requested = await h.requestProd({ digest: STAGING_DIGEST });
    expect(requested.digest).toBe(STAGING_DIGEST);
  });

  it('refuses a second open request for the same service and environment, and unknown environments', async () => {
    h = await createHarness();
    const first = await h.requestProd();
    await expect(h.requestProd()).rejects.toThrow(
      `Promotion ${first.id} of component:default/checkout-api into prod is already requested`,
    );
    await expect(
      h.promotions.request(
        {
          entityRef: 'component:default/checkout-api',
          targetEnvironment: 'qa',
        },
        actor('alice'),
      ),
    ).rejects.toThrow(
      "Unknown targetEnvironment 'qa'; configured: dev, staging, prod",
    );
    await expect(
      h.promotions.request(
        {
          entityRef: 'component:default/checkout-api',
          targetEnvironment: 'prod',
          sourceEnvironment: 'dev',
        },
        actor('bob'),
      ),
    ).rejects.toThrow("Promotions into prod come from staging, not from 'dev'");
  });

  it('skips an environment only where the target’s policy allows it', async () => {
    h = await createHarness({
      config: environmentsConfig({ prod: { allowSkipFrom: ['dev'] } }),
    });
    const requested = await h.promotions.request(
      {
        entityRef: 'component:default/checkout-api',
        targetEnvironment: 'prod',
        sourceEnvironment: 'dev',
      },
      actor('alice'),
    );
    expect(requested).toMatchObject({
      sourceEnvironment: 'dev',
      skippedEnvironments: ['staging'],
      digest: digestOf('v1.5.0'),
    });
  });

  it('is rejected by an approver, and cancelled by its requester but not by others', async () => {
    h = await createHarness();
    const first = await h.requestProd();
    const rejected = await h.promotions.reject(
      first.id,
      { comment: 'not during the sale' },
      actor('bob'),
    );
    expect(rejected).toMatchObject({
      status: 'rejected',
      statusReason: 'Rejected by user:default/bob: not during the sale',
    });
    expect(rejected.approvals).toEqual([
      expect.objectContaining({
        decision: 'rejected',
        approver: 'user:default/bob',
      }),
    ]);

    const second = await h.requestProd();
    await expect(
      h.promotions.cancel(second.id, actor('carol')),
    ).rejects.toBeInstanceOf(NotAllowedError);
    expect((await h.promotions.cancel(second.id, actor('alice'))).status).toBe(
      'cancelled',
    );
    await expect(
      h.promotions.approve(second.id, {}, actor('bob')),
    ).rejects.toThrow(/is cancelled/);
  });

  it('lists the requests awaiting a user’s approval', async () => {
    h = await createHarness();
    const requested = await h.requestProd();
    expect(
      (await h.promotions.list({ awaitingMyApproval: true }, actor('bob'))).map(
        p => p.id,
      ),
    ).toEqual([requested.id]);
    expect(
      await h.promotions.list({ awaitingMyApproval: true }, actor('alice')),
    ).toEqual([]);
    expect(
      await h.promotions.list({ awaitingMyApproval: true }, actor('carol')),
    ).toEqual([]);
    expect(
      (await h.promotions.list({ statuses: ['requested'] }, READER)).map(
        p => p.id,
      ),
    ).toEqual([requested.id]);
    expect(
      await h.promotions.list({ statuses: ['succeeded'] }, READER),
    ).toEqual([]);
  });

  describe('after a backend instance stopped mid-promotion', () => {
    /** Stops the first instance right after `operation` reached AWS, as a crash would. */
    async function interruptAfter(
      operation: string,
      smoke?: { ok: boolean; detail: string },
    ) {
      const smokeOptions = smoke && {
        annotations: {
          'environments.io/smoke-url.prod': 'https://prod/health',
        },
        smokeCheck: async () => smoke,
      };
      const first = await createHarness({
        instanceId: 'first',
        leaseMs: 60_000,
        ...smokeOptions,
      });
      const prod = first.fleet.functions.prod;
      const requested = await first.requestProd();
      prod.hooks[operation] = () => first.stop();
      await approveAndRun(first, requested.id);
      delete prod.hooks[operation];
      expect((await first.store.getPromotion(requested.id))?.status).toBe(
        'running',
      );
      // Another instance on the same database, after the first one's lease expired.
      h = await createHarness({
        instanceId: 'second',
        knex: first.knex,
        fleet: first.fleet,
        start: new Date(first.clock.now.getTime() + 2 * 60_000),
        ...smokeOptions,
      });
      return requested.id;
    }

    it('completes the request when the alias already serves the digest', async () => {
      const id = await interruptAfter('UpdateAlias');
      expect(h.fleet.functions.prod.liveDigest).toBe(STAGING_DIGEST);
      await h.sweep();
      const done = await h.promotions.get(id, READER);
      expect(done.status).toBe('succeeded');
      expect(done.statusReason).toBe(
        "Resumed after an interruption after step 'switch-alias': live already serves the promoted digest (version 3)",
      );
      expect(done.history.map(e => e.event)).toContain('recovering');
    });

    it('runs the smoke check the interrupted instance never ran before calling it a success', async () => {
      const id = await interruptAfter('UpdateAlias', {
        ok: true,
        detail: '200 OK',
      });
      await h.sweep();
      const done = await h.promotions.get(id, READER);
      expect(done.status).toBe('succeeded');
      expect(done.statusReason).toBe(
        "Resumed after an interruption after step 'switch-alias': live already serves the promoted digest (version 3) and the smoke check passed",
      );
      expect(done.steps.map(s => `${s.name} ${s.status}`)).toContain(
        'smoke-check succeeded',
      );
    });

    it('rolls live back when the smoke check fails after the interruption', async () => {
      const id = await interruptAfter('UpdateAlias', {
        ok: false,
        detail: '503 Service Unavailable',
      });
      expect(h.fleet.functions.prod.alias.version).toBe('3');
      await h.sweep();
      const done = await h.promotions.get(id, READER);
      expect(done.status).toBe('rolled-back');
      expect(done.statusReason).toBe(
        "Interrupted after step 'switch-alias'; smoke check after resuming failed: 503 Service Unavailable. Rolled back: live serves version 2 again.",
      );
      expect(h.fleet.functions.prod.alias.version).toBe('2');
      expect(h.fleet.functions.prod.liveDigest).not.toBe(STAGING_DIGEST);
    });

    it('fails it safely, saying where it stopped, when only the code was updated', async () => {
      const id = await interruptAfter('UpdateFunctionCode');
      await h.sweep();
      const done = await h.promotions.get(id, READER);
      expect(done.status).toBe('failed');
      expect(done.statusReason).toMatch(
        /^Interrupted after step 'update-function-code' when the backend instance executing it stopped. Live still serves version 2 .* no traffic was switched/,
      );
      expect(h.fleet.functions.prod.alias.version).toBe('2');
    });

    it('says live was rolled back when the kill left the rollback of a failed smoke check unrecorded', async () => {
      const first = await createHarness({
        instanceId: 'first',
        annotations: {
          'environments.io/smoke-url.prod': 'https://prod/health',
        },
        smokeCheck: async () => ({ ok: false, detail: '503' }),
      });
      const requested = await first.requestProd();
      await approveAndRun(first, requested.id);
      // As a kill during rollback-alias leaves it: UpdateAlias went through, its result is not recorded.
      const rollbackStep = first
        .knex('promotion_steps')
        .where({ subject_id: requested.id, name: 'rollback-alias' });
      await rollbackStep.update({ status: 'started', finished_at: null });
      await first.knex('promotions').where({ id: requested.id }).update({
        status: 'running',
        lease_owner: 'first',
        lease_expires_at: first.clock.now,
      });
      expect(first.fleet.functions.prod.alias.version).toBe('2');

      h = await createHarness({
        instanceId: 'second',
        knex: first.knex,
        fleet: first.fleet,
        start: new Date(first.clock.now.getTime() + 60_000),
      });
      await h.sweep();
      const done = await h.promotions.get(requested.id, READER);
      expect(done.status).toBe('rolled-back');
      expect(done.statusReason).toBe(
        "Interrupted during step 'rollback-alias', which went through (AWS shows live → version 2) after live had been switched; live serves version 2 again, as before the promotion. Request the promotion again.",
      );
      expect(
        done.steps.find(step => step.name === 'rollback-alias'),
      ).toMatchObject({
        status: 'succeeded',
        detail: 'live → version 2 (found after the interruption)',
      });
    });

    it('leaves a request alone while its instance still holds the lease', async () => {
      const first = await createHarness({
        instanceId: 'first',
        leaseMs: 60_000,
      });
      const prod = first.fleet.functions.prod;
      const requested = await first.requestProd();
      prod.hooks.UpdateFunctionCode = () => first.stop();
      await approveAndRun(first, requested.id);
      h = await createHarness({
        instanceId: 'second',
        knex: first.knex,
        fleet: first.fleet,
        start: first.clock.now,
      });
      await h.sweep();
      expect((await h.store.getPromotion(requested.id))?.status).toBe(
        'running',
      );
    });
  });
});
