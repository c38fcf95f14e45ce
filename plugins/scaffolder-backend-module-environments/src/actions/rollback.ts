import { CompoundEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FunctionVersionSummary,
  RollbackRecord,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import {
  callEnvironmentsApi,
  parseServiceRef,
  readEnvironmentMatrix,
  serviceRefString,
} from './environmentsApi';
import { appBaseUrl, entityPageUrl } from './links';
import { ActionSchema, serviceInput, StepContext } from './schema';
import { RequestingActionOptions, makeStepRequest } from './stepRequest';

const ACTION_ID = 'environments:rollback';

const EXAMPLES = [
  {
    description: 'Roll prod back to the version before the live one',
    example: [
      'steps:',
      '  - id: rollback',
      '    action: environments:rollback',
      '    input:',
      '      entityRef: ${{ parameters.service }}',
      '      environment: prod',
      '      comment: ${{ parameters.reason }}',
    ].join('\n'),
  },
];

const INPUT = {
  entityRef: serviceInput,
  environment: z =>
    z.string().min(1).describe('The environment to roll back, e.g. prod'),
  targetVersion: z =>
    z
      .string()
      .optional()
      .describe(
        'The published version to make live; by default the one published before the live version',
      ),
  comment: z => z.string().optional().describe('Why; kept in the audit trail'),
  wait: z =>
    z
      .boolean()
      .optional()
      .describe(
        'Wait until the rollback has run (it may need an approval first); default true',
      ),
  timeoutMinutes: z =>
    z
      .number()
      .positive()
      .optional()
      .describe(
        'How long to wait before the step fails, default 30; the rollback stays open in the backend',
      ),
} satisfies ActionSchema;

const OUTPUT = {
  rollbackId: z =>
    z.string().describe("The rollback's id ('dry-run' in a dry run)"),
  status: z => z.string().describe('Its state when the step ended'),
  version: z => z.string().describe('The version made live (or that would be)'),
  previousVersion: z =>
    z.string().optional().describe('The version that was live before'),
  digest: z =>
    z.string().optional().describe('Digest of the version made live'),
  url: z => z.string().describe("Link to the service's page"),
} satisfies ActionSchema;

/** The action's input with its defaults. */
interface RollbackInput {
  ref: CompoundEntityRef;
  entityRef: string;
  environment: string;
  targetVersion?: string;
  comment?: string;
  wait: boolean;
  timeoutMinutes: number;
  url: string;
}

/**
 * `environments:rollback` points a service's `live` alias in one environment back at an earlier published
 * version (the one before the live version unless a version is given), on behalf of the user who runs the
 * template. The backend checks the version and applies its rollback policy. A dry run reads the published
 * versions and says which one would become live.
 */
export function createRollbackAction(options: RequestingActionOptions) {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      "Rolls a service's live alias in one environment back to an earlier published version, and optionally waits until it is done.",
    supportsDryRun: true,
    examples: EXAMPLES,
    schema: { input: INPUT, output: OUTPUT },
    async handler(ctx) {
      const ref = parseServiceRef(ACTION_ID, ctx.input.entityRef);
      // The scaffolder validates inputs against the JSON schema but does not fill in defaults; a form
      // field left empty may arrive as an empty string: treat it as not given.
      const input: RollbackInput = {
        ref,
        entityRef: serviceRefString(ref),
        environment: ctx.input.environment,
        targetVersion: ctx.input.targetVersion || undefined,
        comment: ctx.input.comment || undefined,
        wait: ctx.input.wait ?? true,
        timeoutMinutes: ctx.input.timeoutMinutes ?? 30,
        url: entityPageUrl(appBaseUrl(options.config), ref),
      };
      ctx.output('url', input.url);
      if (ctx.isDryRun) {
        await dryRun(ctx, options, input);
      } else {
        await requestRollback(ctx, options, input);
      }
    },
  });
}

/** Reads the published versions and says which one would become live; changes nothing. */
async function dryRun(
  ctx: StepContext,
  options: RequestingActionOptions,
  input: RollbackInput,
): Promise<void> {
  const { ref, entityRef, environment, targetVersion, wait } = input;
  const credentials = await ctx.getInitiatorCredentials();
  const items = await callEnvironmentsApi(
    options,
    {
      credentials,
      failure: `Could not read the published versions of ${entityRef} in ${environment}`,
    },
    (api, call) => api.listVersions(ref, environment, call),
  );
  const live = items.find(v => v.isLive);
  const target = chooseVersion(
    items,
    live,
    targetVersion,
    entityRef,
    environment,
  );
  ctx.logger.info(
    `Dry run: would roll back ${entityRef} in ${environment} from ${
      live ? describeVersion(live) : 'no live version'
    } to ${describeVersion(target)}; nothing was changed`,
  );
  // Said before acting, as the backend does: a stack that defines the alias undoes the rollback.
  const matrix = await readEnvironmentMatrix(options, ref, credentials);
  const state = matrix.environments.find(e => e.environment === environment);
  const primary = state && primaryFunction(state);
  if (primary?.stack?.ownsLiveAlias) {
    ctx.logger.warn(
      `Dry run: CloudFormation stack ${primary.stack.stackName} defines the live alias of ${primary.functionName}; its next deploy undoes the rollback`,
    );
  }
  if (!wait) {
    ctx.logger.info('Dry run: would not wait for the rollback to run');
  }
  ctx.output('rollbackId', 'dry-run');
  ctx.output('status', 'dry-run');
  ctx.output('version', target.version);
  if (live) ctx.output('previousVersion', live.version);
  if (target.digest) ctx.output('digest', target.digest);
}

/** Rolls back as the user, and waits until it ran unless told not to. */
async function requestRollback(
  ctx: StepContext,
  options: RequestingActionOptions,
  input: RollbackInput,
): Promise<void> {
  const { entityRef, environment, targetVersion, comment } = input;
  const { wait, timeoutMinutes, url } = input;
  const rollback = await makeStepRequest<RollbackRecord>(ctx, options, {
    kind: 'rollback',
    checkpointKey: `rollback.${entityRef}.${environment}`,
    body: { entityRef, environment, targetVersion, comment },
    failure: `Could not roll back ${entityRef} in ${environment}`,
    describe: created =>
      `of ${entityRef} in ${environment} from version ${
        created.fromVersion
      } to version ${created.toVersion}${
        created.toDigest ? ` (${created.toDigest})` : ''
      }`,
  });
  const { created, id: rollbackId } = rollback;
  ctx.output('rollbackId', rollbackId);
  ctx.output('version', created.toVersion);
  ctx.output('previousVersion', created.fromVersion);
  if (created.toDigest) ctx.output('digest', created.toDigest);

  if (!wait) {
    rollback.logState();
    ctx.output('status', created.status);
    return;
  }
  const final = await rollback.follow('completion', url, timeoutMinutes);
  ctx.output('status', final.status);
}

/**
 * The version a rollback would make live: the one asked for, or the newest version published before the
 * live one. Throws a message naming the published versions when there is no such version.
 */
export function chooseVersion(
  items: FunctionVersionSummary[],
  live: FunctionVersionSummary | undefined,
  targetVersion: string | undefined,
  entityRef: string,
  environment: string,
): FunctionVersionSummary {
  const published = items.map(v => v.version).join(', ') || 'none';
  if (targetVersion) {
    const target = items.find(v => v.version === targetVersion);
    if (!target) {
      throw new Error(
        `${ACTION_ID}: version ${targetVersion} is not a published version of ${entityRef} in ${environment}; published: ${published}`,
      );
    }
    if (target.isLive) {
      throw new Error(
        `${ACTION_ID}: version ${targetVersion} of ${entityRef} is already live in ${environment}`,
      );
    }
    return target;
  }
  if (!live) {
    throw new Error(
      `${ACTION_ID}: ${entityRef} has no live version in ${environment}; name the version to make live (published: ${published})`,
    );
  }
  const earlier = items
    .filter(v => compareVersions(v, live) < 0)
    .sort(compareVersions);
  const previous = earlier[earlier.length - 1];
  if (!previous) {
    throw new Error(
      `${ACTION_ID}: no version of ${entityRef} in ${environment} was published before the live version ${live.version}`,
    );
  }
  return previous;
}

/** Lambda versions are increasing integers; other labels fall back to their publication time. */
function compareVersions(
  a: FunctionVersionSummary,
  b: FunctionVersionSummary,
): number {
  const [x, y] = [Number(a.version), Number(b.version)];
  if (Number.isInteger(x) && Number.isInteger(y)) return x - y;
  return (a.publishedAt ?? '').localeCompare(b.publishedAt ?? '');
}

function describeVersion(version: FunctionVersionSummary): string {
  return `version ${version.version}${
    version.digest ? ` (${version.digest})` : ''
  }`;
}
