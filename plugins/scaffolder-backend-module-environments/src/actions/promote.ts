import { RootConfigService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnvironmentMatrix,
  PromotionRequest,
} from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentsActionDependencies,
  callEnvironmentsApi,
  parseServiceRef,
  serviceRefString,
  servicePath,
} from './environmentsApi';
import { RequestLog, followRequest } from './followRequest';
import { appBaseUrl, entityPageUrl } from './links';

const ACTION_ID = 'environments:promote';

/**
 * `environments:promote` requests the promotion of a service into an environment, on behalf of the user who
 * runs the template, and optionally waits for its approval or its completion. The backend decides the source
 * environment and fixes the digest; the action only asks and reports. A dry run asks nothing: it reads the
 * matrix and says what would be promoted.
 */
export function createPromoteAction(
  options: EnvironmentsActionDependencies & {
    config: RootConfigService;
    /** How often the request is read while waiting; 10 seconds unless a test says otherwise. */
    pollIntervalMs?: number;
  },
) {
  const { config, pollIntervalMs = 10_000 } = options;
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Requests the promotion of the digest running in the previous environment into the target environment, and optionally waits for approval or completion.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Request a promotion to prod and wait until it has run',
        example: [
          'steps:',
          '  - id: promote',
          '    action: environments:promote',
          '    input:',
          '      entityRef: ${{ parameters.service }}',
          '      targetEnvironment: prod',
          '      comment: ${{ parameters.comment }}',
          '      waitFor: completion',
          '      timeoutMinutes: 120',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The service, e.g. component:default/checkout-api (kind defaults to component)',
            ),
        targetEnvironment: z =>
          z
            .string()
            .min(1)
            .describe('The environment to promote into, e.g. prod'),
        comment: z =>
          z
            .string()
            .optional()
            .describe('Why; shown to approvers and kept in the audit trail'),
        waitFor: z =>
          z
            .enum(['none', 'approval', 'completion'])
            .optional()
            .describe(
              'none (default): only request; approval: wait until approved (or executed); completion: wait until the promotion has run',
            ),
        timeoutMinutes: z =>
          z
            .number()
            .positive()
            .optional()
            .describe(
              'How long to wait before the step fails, default 60; the request stays open in the backend',
            ),
      },
      output: {
        requestId: z =>
          z
            .string()
            .describe("The promotion request's id ('dry-run' in a dry run)"),
        status: z =>
          z
            .string()
            .describe(
              'Its state when the step ended, e.g. requested, approved, succeeded',
            ),
        digest: z => z.string().describe('The digest being promoted'),
        sourceEnvironment: z =>
          z.string().describe('The environment the digest comes from'),
        previousDigest: z =>
          z
            .string()
            .optional()
            .describe(
              'What the target environment ran before, when known (in a dry run, and once the promotion ran)',
            ),
        url: z => z.string().describe('Link to the promotion request page'),
      },
    },
    async handler(ctx) {
      const ref = parseServiceRef(ACTION_ID, ctx.input.entityRef);
      const entityRef = serviceRefString(ref);
      // The scaffolder validates inputs against the JSON schema but does not fill in defaults.
      const { targetEnvironment } = ctx.input;
      const comment = ctx.input.comment || undefined;
      const waitFor = ctx.input.waitFor ?? 'none';
      const timeoutMinutes = ctx.input.timeoutMinutes ?? 60;
      const baseUrl = appBaseUrl(config);

      if (ctx.isDryRun) {
        // Reading is harmless, so the dry run checks what a real run would promote without asking for it.
        const matrix = await callEnvironmentsApi<EnvironmentMatrix>(options, {
          credentials: await ctx.getInitiatorCredentials(),
          path: `/services/${servicePath(ref)}/matrix`,
          failure: `Could not read the environment matrix of ${entityRef}`,
          signal: ctx.signal,
        });
        const target = matrix.environments.find(
          e => e.environment === targetEnvironment,
        );
        if (!target) {
          throw new Error(
            `${ACTION_ID}: '${targetEnvironment}' is not an environment of ${entityRef}; its environments are ${matrix.environments
              .map(e => e.environment)
              .join(', ')}`,
          );
        }
        const sourceName = target.comparison?.previousEnvironment;
        const source = matrix.environments.find(
          e => e.environment === sourceName,
        );
        if (!source) {
          throw new Error(
            `${ACTION_ID}: '${targetEnvironment}' is the first environment; nothing is promoted into it`,
          );
        }
        if (!source.digest) {
          throw new Error(
            `${ACTION_ID}: nothing runs in ${source.environment}, so there is nothing to promote to ${targetEnvironment}`,
          );
        }
        ctx.logger.info(
          `Dry run: would request the promotion of ${entityRef} from ${
            source.environment
          } (${describeState(
            source,
          )}) to ${targetEnvironment} (now ${describeState(
            target,
          )}); no request was made`,
        );
        if (source.digest === target.digest) {
          ctx.logger.warn(
            `Dry run: ${targetEnvironment} already runs ${source.digest}; the promotion would change nothing`,
          );
        }
        if (source.freshness.stale || target.freshness.stale) {
          ctx.logger.warn(
            'Dry run: the environment data is stale; the real request uses what runs when it is made',
          );
        }
        if (waitFor !== 'none') {
          ctx.logger.info(
            `Dry run: would then wait up to ${timeoutMinutes} minutes for ${waitFor}`,
          );
        }
        ctx.output('requestId', 'dry-run');
        ctx.output('status', 'dry-run');
        ctx.output('digest', source.digest);
        ctx.output('sourceEnvironment', source.environment);
        if (target.digest) ctx.output('previousDigest', target.digest);
        ctx.output('url', entityPageUrl(baseUrl, ref));
        return;
      }

      // The checkpoint makes a resumed task (scaffolder.taskRecovery) find its request instead of
      // asking a second time. The key holds the service and target because `each` loops share a step id.
      let createdNow = false;
      const created = (await ctx.checkpoint({
        key: `promotion-request.${entityRef}.${targetEnvironment}`,
        fn: async () => {
          createdNow = true;
          return callEnvironmentsApi<JsonObject>(options, {
            credentials: await ctx.getInitiatorCredentials(),
            method: 'POST',
            path: '/promotions',
            body: { entityRef, targetEnvironment, comment },
            failure: `Could not request the promotion of ${entityRef} to ${targetEnvironment}`,
            signal: ctx.signal,
          });
        },
      })) as unknown as PromotionRequest;

      const requestId = String(created.id);
      const url = `${baseUrl}/environments/promotions/${encodeURIComponent(
        requestId,
      )}`;
      const label = `Promotion ${requestId}`;
      ctx.logger.info(
        `${
          createdNow ? 'Requested' : 'Resuming with the earlier request:'
        } promotion ${requestId} of ${entityRef} from ${
          created.sourceEnvironment
        }${
          created.sourceVersion ? ` (version ${created.sourceVersion})` : ''
        } to ${created.targetEnvironment}, digest ${created.digest}. ${url}`,
      );
      for (const warning of created.warnings ?? []) {
        ctx.logger.warn(`${label}: ${warning}`);
      }
      ctx.output('requestId', requestId);
      ctx.output('digest', created.digest);
      ctx.output('sourceEnvironment', created.sourceEnvironment);
      ctx.output('url', url);

      const log = new RequestLog<PromotionRequest>(ctx.logger, label);
      const missing = created.policy?.missing ?? [];
      if (created.status === 'requested' && missing.length > 0) {
        ctx.logger.info(`${label} waits for: ${missing.join('; ')}`);
      }
      if (waitFor === 'none') {
        log.record(created);
        ctx.output('status', created.status);
        return;
      }

      const final = await followRequest<PromotionRequest>({
        initial: created,
        // Polls read with the scaffolder's own credentials: the user's token expires after an hour, and a
        // wait may be longer. Reading the state acts for nobody; the request itself was made as the user.
        read: async () =>
          callEnvironmentsApi<PromotionRequest>(options, {
            credentials: await options.auth.getOwnServiceCredentials(),
            path: `/promotions/${encodeURIComponent(requestId)}`,
            failure: `Could not read promotion ${requestId}`,
            signal: ctx.signal,
          }),
        until: waitFor,
        log,
        label,
        url,
        pollIntervalMs,
        timeoutMs: timeoutMinutes * 60_000,
        signal: ctx.signal,
      });
      if (final.sourceMovedOn) {
        ctx.logger.info(
          `${label}: ${final.sourceEnvironment} has moved on since the request; the requested digest ${final.digest} is what is promoted`,
        );
      }
      if (final.previousDigest)
        ctx.output('previousDigest', final.previousDigest);
      ctx.output('status', final.status);
    },
  });
}

function describeState(state: {
  digest?: string;
  liveVersion?: string;
}): string {
  if (!state.digest) return 'nothing deployed';
  return `${state.liveVersion ? `version ${state.liveVersion}, ` : ''}${
    state.digest
  }`;
}
