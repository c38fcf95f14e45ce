import { RootConfigService } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  EnvironmentsActionDependencies,
  callEnvironmentsApi,
} from './environmentsApi';
import {
  RequestLog,
  TrackedRequest,
  WaitTarget,
  followRequest,
} from './followRequest';

/** What an action that makes a promotion or rollback request, and may wait for it, is built with. */
export interface RequestingActionOptions
  extends EnvironmentsActionDependencies {
  config: RootConfigService;
  /** How often the request is read while waiting; 10 seconds unless a test says otherwise. */
  pollIntervalMs?: number;
}

/** Where the backend takes each kind of request, and how the log names one. */
const REQUEST_KINDS = {
  promotion: { path: '/promotions', label: 'Promotion' },
  rollback: { path: '/rollbacks', label: 'Rollback' },
};

/** A promotion request or a rollback record, as the backend answers for it. */
type StepRequest = TrackedRequest & { id: string; warnings?: string[] };

/**
 * Makes a promotion or rollback request as the user who runs the template, and logs it with the backend's
 * warnings. The call runs inside a checkpoint, so that a resumed task (scaffolder.taskRecovery) finds its
 * request instead of asking a second time. `describe` says what was requested, after "Requested
 * promotion 42 ". Returns the request, its label in the log, and what logs or follows its state from then on.
 */
export async function makeStepRequest<T extends StepRequest>(
  ctx: Pick<
    ActionContext<JsonObject>,
    'checkpoint' | 'getInitiatorCredentials' | 'logger' | 'signal'
  >,
  options: RequestingActionOptions,
  request: {
    kind: keyof typeof REQUEST_KINDS;
    checkpointKey: string;
    body: JsonObject;
    failure: string;
    describe: (created: T, id: string) => string;
  },
) {
  const { kind, checkpointKey, body, failure, describe } = request;
  const { path, label: noun } = REQUEST_KINDS[kind];
  let createdNow = false;
  const created = (await ctx.checkpoint({
    key: checkpointKey,
    fn: async () => {
      createdNow = true;
      return callEnvironmentsApi<JsonObject>(options, {
        credentials: await ctx.getInitiatorCredentials(),
        method: 'POST',
        path,
        body,
        failure,
        signal: ctx.signal,
      });
    },
  })) as unknown as T;

  const id = String(created.id);
  const label = `${noun} ${id}`;
  ctx.logger.info(
    `${
      createdNow ? 'Requested' : 'Resuming with the earlier request:'
    } ${kind} ${id} ${describe(created, id)}`,
  );
  for (const warning of created.warnings ?? []) {
    ctx.logger.warn(`${label}: ${warning}`);
  }

  const log = new RequestLog<T>(ctx.logger, label);
  return {
    created,
    id,
    label,
    /** For a step that does not wait: logs the state the request is in. */
    logState: () => log.record(created),
    /** Reads the request until it reaches `until`, logging each change; see followRequest. */
    follow: (until: WaitTarget, url: string, timeoutMinutes: number) =>
      followRequest<T>({
        initial: created,
        // Polls read with the scaffolder's own credentials: the user's token expires after an hour, and a
        // wait may be longer. Reading the state acts for nobody; the request itself was made as the user.
        read: async () =>
          callEnvironmentsApi<T>(options, {
            credentials: await options.auth.getOwnServiceCredentials(),
            path: `${path}/${encodeURIComponent(id)}`,
            failure: `Could not read ${kind} ${id}`,
            signal: ctx.signal,
          }),
        until,
        log,
        label,
        url,
        pollIntervalMs: options.pollIntervalMs ?? 10_000,
        timeoutMs: timeoutMinutes * 60_000,
        signal: ctx.signal,
      }),
  };
}
