import { RollbackRecord } from '@internal/backstage-plugin-environments-common';
import {
  actionAgainstStandIn,
  persistentCheckpoints,
} from '../__testUtils__/actionAgainstStandIn';
import { checkoutApiMatrix } from '../__testUtils__/checkoutApiMatrix';
import { backendError } from '../__testUtils__/environmentsStandIn';
import { createRollbackAction } from './rollback';

const checkoutApi = 'component:default/checkout-api';
const versionsPath =
  'GET /services/default/component/checkout-api/environments/prod/versions';

const running: RollbackRecord = {
  id: '7',
  entityRef: checkoutApi,
  environment: 'prod',
  target: {
    accountId: '333333333333',
    region: 'eu-west-1',
    functionName: 'shop-checkout-api-prod',
  },
  fromVersion: '3',
  fromDigest: 'sha256:v132',
  toVersion: '2',
  toDigest: 'sha256:v131',
  status: 'running',
  requestedBy: 'user:default/alice',
  requestedAt: '2026-11-23T11:00:00Z',
  aliasStackName: 'shop-checkout-api-prod',
  intentionalDrift: true,
  warnings: [
    'Stack shop-checkout-api-prod defines the live alias: its next deploy undoes this rollback',
  ],
  steps: [
    {
      sequence: 1,
      name: 'check-version',
      status: 'succeeded',
      startedAt: '2026-11-23T11:00:00Z',
      finishedAt: '2026-11-23T11:00:01Z',
    },
  ],
  history: [],
};
const succeeded: RollbackRecord = {
  ...running,
  status: 'succeeded',
  steps: [
    ...running.steps,
    {
      sequence: 2,
      name: 'switch-alias',
      status: 'succeeded',
      startedAt: '2026-11-23T11:00:01Z',
      finishedAt: '2026-11-23T11:00:05Z',
    },
  ],
};

/** checkout-api's matrix, whose prod stack defines the live alias or not. */
const matrix = (ownsLiveAlias: boolean) =>
  checkoutApiMatrix([
    {
      environment: 'prod',
      functions: [
        {
          accountId: '333333333333',
          region: 'eu-west-1',
          functionName: 'shop-checkout-api-prod',
          functionArn:
            'arn:aws:lambda:eu-west-1:333333333333:function:shop-checkout-api-prod',
          discoveredBy: 'convention',
          primary: true,
          liveAlias: { version: '3' },
          configuration: {
            packageType: 'Image',
            architectures: [],
            environmentVariableNames: [],
            layers: [],
          },
          tags: {},
          stack: {
            stackName: 'shop-checkout-api-prod',
            stackId: 'arn:stack',
            status: 'CREATE_COMPLETE',
            ownsLiveAlias,
          },
        },
      ],
    },
  ]);

// Version 4 was published after the live one (e.g. by a promotion that was rolled back): the default
// rollback target is the version before the live one, not the newest one that is not live.
const versions = {
  items: [
    {
      version: '1',
      digest: 'sha256:v130',
      publishedAt: '2026-10-01T00:00:00Z',
      isLive: false,
    },
    {
      version: '2',
      digest: 'sha256:v131',
      publishedAt: '2026-10-15T00:00:00Z',
      isLive: false,
    },
    {
      version: '3',
      digest: 'sha256:v132',
      publishedAt: '2026-11-01T00:00:00Z',
      isLive: true,
    },
    {
      version: '4',
      digest: 'sha256:v140',
      publishedAt: '2026-11-20T00:00:00Z',
      isLive: false,
    },
  ],
};

describe('environments:rollback', () => {
  const setup = actionAgainstStandIn(createRollbackAction);

  it('rolls back on behalf of the user and waits until the version is live', async () => {
    const { action, backend, context, logged } = await setup({
      'POST /rollbacks': () => ({ status: 201, body: running }),
      'GET /rollbacks/7': () => ({ body: succeeded }),
    });
    const ctx = context({
      entityRef: 'checkout-api',
      environment: 'prod',
      comment: 'errors after 1.3.2',
    });
    await action.handler(ctx);

    expect(backend.requests[0]).toEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/rollbacks',
        body: {
          entityRef: checkoutApi,
          environment: 'prod',
          comment: 'errors after 1.3.2',
        },
        onBehalfOf: 'user:default/alice',
        target: 'environments',
      }),
    );
    expect(ctx.output).toHaveBeenCalledWith('rollbackId', '7');
    expect(ctx.output).toHaveBeenCalledWith('version', '2');
    expect(ctx.output).toHaveBeenCalledWith('previousVersion', '3');
    expect(ctx.output).toHaveBeenCalledWith('digest', 'sha256:v131');
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      'http://localhost:3000/catalog/default/component/checkout-api',
    );
    expect(logged()).toEqual(
      expect.arrayContaining([
        'Requested rollback 7 of component:default/checkout-api in prod from version 3 to version 2 (sha256:v131)',
        'Rollback 7: Stack shop-checkout-api-prod defines the live alias: its next deploy undoes this rollback',
        'Rollback 7: step switch-alias succeeded at 2026-11-23T11:00:05Z',
        'Rollback 7: running → succeeded',
      ]),
    );
  });

  it('passes the chosen version and does not wait when asked not to', async () => {
    const { action, backend, context } = await setup({
      'POST /rollbacks': () => ({ status: 201, body: running }),
    });
    const ctx = context({
      entityRef: checkoutApi,
      environment: 'prod',
      targetVersion: '2',
      wait: false,
    });
    await action.handler(ctx);

    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /rollbacks',
    ]);
    expect(backend.requests[0].body).toMatchObject({ targetVersion: '2' });
    expect(ctx.output).toHaveBeenCalledWith('status', 'running');
  });

  it("fails with the backend's message when the rollback is refused or fails", async () => {
    const { action, context } = await setup({
      'POST /rollbacks': () =>
        backendError(
          409,
          'ConflictError',
          'Version 2 of shop-checkout-api-prod no longer resolves to its image',
        ),
    });
    await expect(
      action.handler(context({ entityRef: checkoutApi, environment: 'prod' })),
    ).rejects.toThrow(
      'Could not roll back component:default/checkout-api in prod: Version 2 of shop-checkout-api-prod no longer resolves to its image (HTTP 409)',
    );

    const failing = await setup({
      'POST /rollbacks': () => ({ status: 201, body: running }),
      'GET /rollbacks/7': () => ({
        body: {
          ...running,
          status: 'failed',
          statusReason: 'switch-alias: the alias revision changed',
        },
      }),
    });
    await expect(
      failing.action.handler(
        failing.context({ entityRef: checkoutApi, environment: 'prod' }),
      ),
    ).rejects.toThrow(
      'Rollback 7 ended failed: switch-alias: the alias revision changed',
    );
  });

  it('does not roll back a second time when an interrupted task is resumed', async () => {
    const { action, backend, context } = await setup({
      'POST /rollbacks': () => ({ status: 201, body: running }),
      'GET /rollbacks/7': () => ({ body: succeeded }),
    });
    const checkpoint = persistentCheckpoints();
    for (let run = 0; run < 2; run++) {
      const ctx = context({ entityRef: checkoutApi, environment: 'prod' });
      ctx.checkpoint = checkpoint as any;
      await action.handler(ctx);
    }
    expect(backend.requests.filter(r => r.method === 'POST')).toHaveLength(1);
  });

  it('in a dry run, says which version would become live without changing anything', async () => {
    const { action, backend, context, logged } = await setup({
      [versionsPath]: () => ({ body: versions }),
      'GET /services/default/component/checkout-api/matrix': () => ({
        body: matrix(true),
      }),
    });
    const ctx = context({ entityRef: checkoutApi, environment: 'prod' });
    ctx.isDryRun = true;
    await action.handler(ctx);

    expect(backend.requests.map(r => r.method)).toEqual(['GET', 'GET']);
    expect(logged()).toContain(
      'Dry run: would roll back component:default/checkout-api in prod from version 3 (sha256:v132) to version 2 (sha256:v131); nothing was changed',
    );
    // Said before acting: the stack defines the alias.
    expect(logged()).toContain(
      'Dry run: CloudFormation stack shop-checkout-api-prod defines the live alias of shop-checkout-api-prod; its next deploy undoes the rollback',
    );
    expect(ctx.output).toHaveBeenCalledWith('rollbackId', 'dry-run');
    expect(ctx.output).toHaveBeenCalledWith('version', '2');
    expect(ctx.output).toHaveBeenCalledWith('previousVersion', '3');
  });

  it('in a dry run, does not warn when the function has a stack that does not define the alias', async () => {
    const { action, context, logged } = await setup({
      [versionsPath]: () => ({ body: versions }),
      'GET /services/default/component/checkout-api/matrix': () => ({
        body: matrix(false),
      }),
    });
    const ctx = context({ entityRef: checkoutApi, environment: 'prod' });
    ctx.isDryRun = true;
    await action.handler(ctx);

    expect(logged()).toContain(
      'Dry run: would roll back component:default/checkout-api in prod from version 3 (sha256:v132) to version 2 (sha256:v131); nothing was changed',
    );
    expect(logged().filter(line => /live alias/.test(line))).toEqual([]);
  });

  it('in a dry run, rejects a version that is not published or already live', async () => {
    const { action, context } = await setup({
      [versionsPath]: () => ({ body: versions }),
    });
    const unknown = context({
      entityRef: checkoutApi,
      environment: 'prod',
      targetVersion: '9',
    });
    unknown.isDryRun = true;
    await expect(action.handler(unknown)).rejects.toThrow(
      'version 9 is not a published version of component:default/checkout-api in prod; published: 1, 2, 3, 4',
    );
    const live = context({
      entityRef: checkoutApi,
      environment: 'prod',
      targetVersion: '3',
    });
    live.isDryRun = true;
    await expect(action.handler(live)).rejects.toThrow(
      'version 3 of component:default/checkout-api is already live in prod',
    );
  });
});
