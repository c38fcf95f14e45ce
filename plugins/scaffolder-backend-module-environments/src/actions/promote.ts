import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PromotionRequest } from '@internal/backstage-plugin-environments-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  parseServiceRef,
  readEnvironmentMatrix,
  serviceRefString,
} from './environmentsApi';
import { appBaseUrl, entityPageUrl, promotionPageUrl } from './links';
import { ActionSchema, serviceInput, StepContext } from './schema';
import { RequestingActionOptions, makeStepRequest } from './stepRequest';

const ACTION_ID = 'environments:promote';

const EXAMPLES = [
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
      '      digest: ${{ parameters.digest }}',
      '      waitFor: completion',
      '      timeoutMinutes: 120',
    ].join('\n'),
  },
];

const INPUT = {
  entityRef: serviceInput,
  targetEnvironment: z =>
    z.string().min(1).describe('The environment to promote into, e.g. prod'),
  comment: z =>
    z
      .string()
      .optional()
      .describe('Why; shown to approvers and kept in the audit trail'),
  digest: z =>
    z
      .string()
      .regex(
        /^(sha256:[a-f0-9]{64})?$/,
        'an image digest: sha256: and 64 lowercase hex digits',
      )
      .optional()
      .describe(
        'The digest expected in the source environment (sha256:…), e.g. the one the user saw: the request is refused if the source runs another one. Empty or absent: whatever the source runs when the request is made',
      ),
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
} satisfies ActionSchema;

const OUTPUT = {
  requestId: z =>
    z.string().describe("The promotion request's id ('dry-run' in a dry run)"),
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
} satisfies ActionSchema;

/** The action's input with its defaults. */
interface PromoteInput {
  ref: CompoundEntityRef;
  entityRef: string;
  targetEnvironment: string;
  comment?: string;
  digest?: string;
  waitFor: 'none' | 'approval' | 'completion';
  timeoutMinutes: number;
  baseUrl: string;
}

/**
 * `environments:promote` requests the promotion of a service into an environment, on behalf of the user who
 * runs the template, and optionally waits for its approval or its completion. The backend decides the source
 * environment and fixes the digest (refusing when `digest` is given and the source runs another one); the
 * action only asks and reports. A dry run asks nothing: it reads the matrix and says what would be promoted.
 */
export function createPromoteAction(options: RequestingActionOptions) {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Requests the promotion of the digest running in the previous environment into the target environment, and optionally waits for approval or completion.',
    supportsDryRun: true,
    examples: EXAMPLES,
    schema: { input: INPUT, output: OUTPUT },
    async handler(ctx) {
      const ref = parseServiceRef(ACTION_ID, ctx.input.entityRef);
      // The scaffolder validates inputs against the JSON schema but does not fill in defaults.
      const input: PromoteInput = {
        ref,
        entityRef: serviceRefString(ref),
        targetEnvironment: ctx.input.targetEnvironment,
        comment: ctx.input.comment || undefined,
        digest: ctx.input.digest || undefined,
        waitFor: ctx.input.waitFor ?? 'none',
        timeoutMinutes: ctx.input.timeoutMinutes ?? 60,
        baseUrl: appBaseUrl(options.config),
      };
      if (ctx.isDryRun) {
        await dryRun(ctx, options, input);
      } else {
        await requestPromotion(ctx, options, input);
      }
    },
  });
}

/** Reading is harmless, so the dry run checks what a real run would promote without asking for it. */
async function dryRun(
  ctx: StepContext,
  options: RequestingActionOptions,
  input: PromoteInput,
): Promise<void> {
  const { ref, entityRef, targetEnvironment, digest } = input;
  const { waitFor, timeoutMinutes, baseUrl } = input;
  const matrix = await readEnvironmentMatrix(
    options,
    ref,
    await ctx.getInitiatorCredentials(),
  );
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
  const source = matrix.environments.find(e => e.environment === sourceName);
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
    } (${describeState(source)}) to ${targetEnvironment} (now ${describeState(
      target,
    )}); no request was made`,
  );
  if (digest && digest !== source.digest) {
    ctx.logger.warn(
      `Dry run: ${source.environment} runs ${source.digest}, not the digest given (${digest}): the request would be refused unless ${source.environment} runs ${digest} when it is made`,
    );
  }
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
}

/** Requests the promotion as the user, and waits for what `waitFor` says. */
async function requestPromotion(
  ctx: StepContext,
  options: RequestingActionOptions,
  input: PromoteInput,
): Promise<void> {
  const { entityRef, targetEnvironment, comment, digest } = input;
  const { waitFor, timeoutMinutes, baseUrl } = input;
  const promotion = await makeStepRequest<PromotionRequest>(ctx, options, {
    kind: 'promotion',
    // The key holds the service and target because `each` loops share a step id.
    checkpointKey: `promotion-request.${entityRef}.${targetEnvironment}`,
    body: { entityRef, targetEnvironment, comment, digest },
    failure: `Could not request the promotion of ${entityRef} to ${targetEnvironment}`,
    describe: (created, id) =>
      `of ${entityRef} from ${created.sourceEnvironment}${
        created.sourceVersion ? ` (version ${created.sourceVersion})` : ''
      } to ${created.targetEnvironment}, digest ${
        created.digest
      }. ${promotionPageUrl(baseUrl, id)}`,
  });
  const { created, id: requestId, label } = promotion;
  const url = promotionPageUrl(baseUrl, requestId);
  ctx.output('requestId', requestId);
  ctx.output('digest', created.digest);
  ctx.output('sourceEnvironment', created.sourceEnvironment);
  ctx.output('url', url);

  const missing = created.policy?.missing ?? [];
  if (created.status === 'requested' && missing.length > 0) {
    ctx.logger.info(`${label} waits for: ${missing.join('; ')}`);
  }
  if (waitFor === 'none') {
    promotion.logState();
    ctx.output('status', created.status);
    return;
  }

  const final = await promotion.follow(waitFor, url, timeoutMinutes);
  if (final.sourceMovedOn) {
    ctx.logger.info(
      `${label}: ${final.sourceEnvironment} has moved on since the request; the requested digest ${final.digest} is what is promoted`,
    );
  }
  if (final.previousDigest) ctx.output('previousDigest', final.previousDigest);
  ctx.output('status', final.status);
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
