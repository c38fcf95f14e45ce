import { PromotionRequest } from '@internal/backstage-plugin-environments-common';
import {
  actionAgainstStandIn,
  persistentCheckpoints,
} from '../__testUtils__/actionAgainstStandIn';
import { checkoutApiMatrix } from '../__testUtils__/checkoutApiMatrix';
import { backendError } from '../__testUtils__/environmentsStandIn';
import { createPromoteAction } from './promote';

const checkoutApi = 'component:default/checkout-api';

const requested: PromotionRequest = {
  id: '42',
  entityRef: checkoutApi,
  sourceEnvironment: 'staging',
  targetEnvironment: 'prod',
  skippedEnvironments: [],
  digest: 'sha256:bbb',
  sourceVersion: '3',
  imageUri:
    '333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:bbb',
  target: {
    accountId: '333333333333',
    region: 'eu-west-1',
    functionName: 'shop-checkout-api-prod',
  },
  status: 'requested',
  requestedBy: 'user:default/alice',
  requestedAt: '2026-11-23T09:59:00Z',
  expiresAt: '2026-11-24T09:59:00Z',
  updatedAt: '2026-11-23T09:59:00Z',
  approvals: [],
  steps: [],
  history: [],
  policy: {
    requiresApproval: true,
    approvalsRequired: 1,
    approvalsGiven: 0,
    approvers: ['group:default/team-checkout'],
    approvalTtlSeconds: 86400,
    missing: ['1 approval from group:default/team-checkout'],
    window: { closed: false },
  },
  sourceMovedOn: false,
  warnings: [],
};
const approved: PromotionRequest = {
  ...requested,
  status: 'approved',
  policy: { ...requested.policy, approvalsGiven: 1, missing: [] },
  approvals: [
    {
      approver: 'user:default/bob',
      decision: 'approved',
      decidedAt: '2026-11-23T10:00:00Z',
      comment: 'go',
      expired: false,
    },
  ],
};
const running: PromotionRequest = {
  ...approved,
  status: 'running',
  steps: [
    {
      sequence: 1,
      name: 'update-function-code',
      status: 'succeeded',
      startedAt: '2026-11-23T10:00:50Z',
      finishedAt: '2026-11-23T10:01:00Z',
    },
    {
      sequence: 2,
      name: 'publish-version',
      status: 'started',
      startedAt: '2026-11-23T10:01:00Z',
    },
  ],
};
const succeeded: PromotionRequest = {
  ...running,
  status: 'succeeded',
  previousDigest: 'sha256:ccc',
  steps: [
    running.steps[0],
    {
      sequence: 2,
      name: 'publish-version',
      status: 'succeeded',
      startedAt: '2026-11-23T10:01:00Z',
      finishedAt: '2026-11-23T10:01:10Z',
      detail: 'version 4',
    },
    {
      sequence: 3,
      name: 'switch-alias',
      status: 'succeeded',
      startedAt: '2026-11-23T10:01:10Z',
      finishedAt: '2026-11-23T10:01:20Z',
    },
  ],
};

const matrix = checkoutApiMatrix([
  { environment: 'dev', digest: 'sha256:aaa', liveVersion: '4' },
  { environment: 'staging', digest: 'sha256:bbb', liveVersion: '3' },
  { environment: 'prod', digest: 'sha256:ccc', liveVersion: '2' },
]);

/** Answers each GET of the request with the next state of `states`, repeating the last one. */
function statesInTurn(states: object[]) {
  let next = 0;
  return () => ({ body: states[Math.min(next++, states.length - 1)] });
}

describe('environments:promote', () => {
  const setup = actionAgainstStandIn(createPromoteAction);

  it('requests the promotion on behalf of the user and outputs the request and its link', async () => {
    const { action, backend, context } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
    });
    const ctx = context({
      entityRef: 'checkout-api',
      targetEnvironment: 'prod',
      comment: 'release 1.4.0',
    });
    await action.handler(ctx);

    expect(backend.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/promotions',
        body: {
          entityRef: checkoutApi,
          targetEnvironment: 'prod',
          comment: 'release 1.4.0',
        },
        onBehalfOf: 'user:default/alice',
        target: 'environments',
      }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('requestId', '42');
    expect(ctx.output).toHaveBeenCalledWith('status', 'requested');
    expect(ctx.output).toHaveBeenCalledWith('digest', 'sha256:bbb');
    expect(ctx.output).toHaveBeenCalledWith('sourceEnvironment', 'staging');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      'http://localhost:3000/environments/promotions/42',
    );
  });

  it("fails with the backend's message when the user may not request the promotion", async () => {
    const { action, context } = await setup({
      'POST /promotions': () =>
        backendError(
          403,
          'NotAllowedError',
          'user:default/alice may not request promotions of component:default/checkout-api',
        ),
    });
    await expect(
      action.handler(
        context({ entityRef: checkoutApi, targetEnvironment: 'prod' }),
      ),
    ).rejects.toThrow(
      'Could not request the promotion of component:default/checkout-api to prod: user:default/alice may not request promotions of component:default/checkout-api (HTTP 403)',
    );
  });

  it('sends the digest the user expects, and fails with what the source runs now when it moved on', async () => {
    const seen = `sha256:${'b'.repeat(64)}`;
    const refusal = `staging no longer runs the digest you saw: seen ${seen}, now sha256:${'d'.repeat(
      64,
    )} (version 5). Nothing was requested; look at what staging runs now and request again.`;
    const { action, backend, context } = await setup({
      'POST /promotions': () => backendError(409, 'ConflictError', refusal),
    });
    await expect(
      action.handler(
        context({
          entityRef: checkoutApi,
          targetEnvironment: 'prod',
          digest: seen,
        }),
      ),
    ).rejects.toThrow(
      `Could not request the promotion of component:default/checkout-api to prod: ${refusal} (HTTP 409)`,
    );
    expect(backend.requests[0].body).toEqual({
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      digest: seen,
    });
  });

  it("fails with the backend's message when the promotion window is closed", async () => {
    const { action, context } = await setup({
      'POST /promotions': () =>
        backendError(
          409,
          'ConflictError',
          'Promotion to prod is closed until 2026-11-24T06:00:00Z (weekend freeze)',
        ),
    });
    await expect(
      action.handler(
        context({ entityRef: checkoutApi, targetEnvironment: 'prod' }),
      ),
    ).rejects.toThrow(
      'Promotion to prod is closed until 2026-11-24T06:00:00Z (weekend freeze)',
    );
  });

  it('waits through approval and execution, logging each state change and step', async () => {
    const { action, backend, context, logged } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': statesInTurn([
        requested,
        approved,
        running,
        succeeded,
      ]),
    });
    const ctx = context({
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      waitFor: 'completion',
    });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith('previousDigest', 'sha256:ccc');
    expect(logged()).toEqual(
      expect.arrayContaining([
        'Promotion 42 waits for: 1 approval from group:default/team-checkout',
        'Promotion 42: requested',
        'Promotion 42: approved by user:default/bob ("go")',
        'Promotion 42: requested → approved',
        'Promotion 42: step update-function-code succeeded at 2026-11-23T10:01:00Z',
        'Promotion 42: step publish-version started at 2026-11-23T10:01:00Z',
        'Promotion 42: approved → running',
        'Promotion 42: step publish-version succeeded at 2026-11-23T10:01:10Z: version 4',
        'Promotion 42: step switch-alias succeeded at 2026-11-23T10:01:20Z',
        'Promotion 42: running → succeeded',
      ]),
    );
    // Each change is logged once, however often the same state is read.
    expect(
      logged().filter(l => l.includes('step update-function-code')),
    ).toHaveLength(1);
    // Polls read with the scaffolder's own credentials; only the request itself is made as the user.
    const polls = backend.requests.filter(r => r.method === 'GET');
    expect(polls).toHaveLength(4);
    expect(
      polls.every(
        r => r.service === 'plugin:scaffolder' && r.target === 'environments',
      ),
    ).toBe(true);
  });

  it('stops waiting once the request is approved when asked to wait for approval', async () => {
    const { action, backend, context } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': statesInTurn([
        requested,
        approved,
        running,
        succeeded,
      ]),
    });
    const ctx = context({
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      waitFor: 'approval',
    });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'approved');
    expect(backend.requests.filter(r => r.method === 'GET')).toHaveLength(2);
  });

  it('fails when the request is rejected while waiting, naming the reason and the request page', async () => {
    const { action, context } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': statesInTurn([
        {
          ...requested,
          status: 'rejected',
          statusReason: 'rejected by user:default/bob: not during the sale',
        },
      ]),
    });
    await expect(
      action.handler(
        context({
          entityRef: checkoutApi,
          targetEnvironment: 'prod',
          waitFor: 'approval',
        }),
      ),
    ).rejects.toThrow(
      'Promotion 42 ended rejected: rejected by user:default/bob: not during the sale. See http://localhost:3000/environments/promotions/42',
    );
  });

  it('fails when the time is up, saying the request stays open', async () => {
    const { action, backend, context } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': statesInTurn([requested]),
    });
    await expect(
      action.handler(
        context({
          entityRef: checkoutApi,
          targetEnvironment: 'prod',
          waitFor: 'completion',
          timeoutMinutes: 0.0005,
        }),
      ),
    ).rejects.toThrow(
      /Promotion 42 was still requested after 0\.00 minutes; it stays open in the backend/,
    );
    expect(backend.requests.filter(r => r.method === 'POST')).toHaveLength(1);
  });

  it('stops waiting when the task is cancelled, leaving the request to the backend', async () => {
    const controller = new AbortController();
    const { action, backend, context } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': () => {
        controller.abort();
        return { body: requested };
      },
    });
    const ctx = context({
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      waitFor: 'approval',
    });
    ctx.signal = controller.signal;
    await expect(action.handler(ctx)).rejects.toThrow(
      'The task was cancelled while waiting',
    );
    expect(backend.requests.map(r => r.method)).toEqual(['POST', 'GET']);
  });

  it('does not request a second promotion when an interrupted task is resumed', async () => {
    let backendUp = false;
    const { action, backend, context, logged } = await setup({
      'POST /promotions': () => ({ status: 201, body: requested }),
      'GET /promotions/42': () =>
        backendUp
          ? { body: succeeded }
          : backendError(
              503,
              'ServiceUnavailableError',
              'The backend is restarting',
            ),
    });
    const checkpoint = persistentCheckpoints();
    const input = {
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      waitFor: 'completion',
    };

    const first = context(input);
    first.checkpoint = checkpoint as any;
    await expect(action.handler(first)).rejects.toThrow(
      'The backend is restarting',
    );

    backendUp = true;
    const resumed = context(input);
    resumed.checkpoint = checkpoint as any;
    await action.handler(resumed);

    expect(backend.requests.filter(r => r.method === 'POST')).toHaveLength(1);
    expect(resumed.output).toHaveBeenCalledWith('requestId', '42');
    expect(resumed.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(logged()).toContainEqual(
      expect.stringContaining(
        'Resuming with the earlier request: promotion 42',
      ),
    );
  });

  it('in a dry run, reports what would be promoted without making a request', async () => {
    const { action, backend, context, logged } = await setup({
      'GET /services/default/component/checkout-api/matrix': () => ({
        body: matrix,
      }),
    });
    const ctx = context({
      entityRef: checkoutApi,
      targetEnvironment: 'prod',
      waitFor: 'completion',
    });
    ctx.isDryRun = true;
    await action.handler(ctx);

    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /services/default/component/checkout-api/matrix',
    ]);
    expect(logged()).toContainEqual(
      'Dry run: would request the promotion of component:default/checkout-api from staging (version 3, sha256:bbb) to prod (now version 2, sha256:ccc); no request was made',
    );
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'dry-run');
    expect(ctx.output).toHaveBeenCalledWith('digest', 'sha256:bbb');
    expect(ctx.output).toHaveBeenCalledWith('previousDigest', 'sha256:ccc');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      'http://localhost:3000/catalog/default/component/checkout-api',
    );
  });

  it('in a dry run, fails clearly for an environment nothing is promoted into', async () => {
    const { action, context } = await setup({
      'GET /services/default/component/checkout-api/matrix': () => ({
        body: matrix,
      }),
    });
    const first = context({ entityRef: checkoutApi, targetEnvironment: 'dev' });
    first.isDryRun = true;
    await expect(action.handler(first)).rejects.toThrow(
      "'dev' is the first environment; nothing is promoted into it",
    );

    const unknown = context({
      entityRef: checkoutApi,
      targetEnvironment: 'qa',
    });
    unknown.isDryRun = true;
    await expect(action.handler(unknown)).rejects.toThrow(
      "'qa' is not an environment of component:default/checkout-api; its environments are dev, staging, prod",
    );
  });
});
