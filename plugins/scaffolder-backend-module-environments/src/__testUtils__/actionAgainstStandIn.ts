import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { RequestingActionOptions } from '../actions/stepRequest';
import { StandInRoutes, startEnvironmentsStandIn } from './environmentsStandIn';

/**
 * Runs an action against a local stand-in for the Environments backend. Call it inside `describe`; each
 * `setup(routes)` then starts a stand-in that answers `routes` and builds the action to call it as the
 * scaffolder (`plugin:scaffolder`), with `app.baseUrl` http://localhost:3000 and a 1 ms poll interval.
 * `context(input)` runs for user:default/alice; `logged()` lists what the action logged as info or warning.
 * Every stand-in is closed after its test.
 */
export function actionAgainstStandIn<TAction>(
  createAction: (options: RequestingActionOptions) => TAction,
) {
  const standIns: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(standIns.splice(0).map(standIn => standIn.close()));
  });

  return async function setup(routes: StandInRoutes) {
    const backend = await startEnvironmentsStandIn(routes);
    standIns.push(backend);
    const action = createAction({
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: {
        getBaseUrl: async () => backend.baseUrl,
        getExternalBaseUrl: async () => backend.baseUrl,
      },
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
      pollIntervalMs: 1,
    });
    const logger = mockServices.logger.mock();
    const context = (input: Record<string, unknown>) => {
      const ctx = createMockActionContext({ input: input as any, logger });
      ctx.getInitiatorCredentials = async () =>
        mockCredentials.user('user:default/alice');
      return ctx;
    };
    const logged = () => [
      ...logger.info.mock.calls.map(c => String(c[0])),
      ...logger.warn.mock.calls.map(c => String(c[0])),
    ];
    return { action, backend, context, logged };
  };
}

/** A checkpoint store that survives between two runs of the handler, as the scaffolder's task state does. */
export function persistentCheckpoints() {
  const store = new Map<string, unknown>();
  return async ({
    key,
    fn,
  }: {
    key: string;
    fn: () => Promise<unknown> | unknown;
  }) => {
    if (!store.has(key)) store.set(key, JSON.parse(JSON.stringify(await fn())));
    return store.get(key);
  };
}
