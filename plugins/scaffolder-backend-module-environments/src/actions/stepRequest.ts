import { RootConfigService } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  EnvironmentsApi,
  EnvironmentsRequestOptions as RequestOptions,
} from '@internal/backstage-plugin-environments-common';
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

/** How the backend takes and reads each kind of request, and how the log names one. */
const REQUEST_KINDS = {
  promotion: {
    label: 'Promotion',
    make: (
      api: EnvironmentsApi,
      body: any,
      options: RequestOptions,
    ): Promise<StepRequest> => api.requestPromotion(body, options),
    read: (
      api: EnvironmentsApi,
      id: string,
      options: RequestOptions,
    ): Promise<StepRequest> => api.getPromotion(id, options),
  },
  rollback: {
    label: 'Rollback',
    make: (
      api: EnvironmentsApi,
      body: any,
      options: RequestOptions,
    ): Promise<StepRequest> => api.requestRollback(body, options),
    read: (
      api: EnvironmentsApi,
      id: string,
      options: RequestOptions,
    ): Promise<StepRequest> => api.getRollback(id, options),
  },
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
  const { make, read, label: noun } = REQUEST_KINDS[kind];
  let createdNow = false;
  const created = (await ctx.checkpoint({
    key: checkpointKey,
    fn: async () => {
      createdNow = true;
      const credentials = await ctx.getInitiatorCredentials();
      return (await callEnvironmentsApi(
        options,
        { credentials, failure },
        (api, call) => make(api, body, call),
      )) as unknown as JsonObject;
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
        read: async () => {
          const credentials = await options.auth.getOwnServiceCredentials();
          const answer = await callEnvironmentsApi(
            options,
            { credentials, failure: `Could not read ${kind} ${id}` },
            (api, call) => read(api, id, call),
          );
          return answer as unknown as T;
        },
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
