import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnvironmentsActionDependencies,
  parseServiceRef,
  readEnvironmentMatrix,
  serviceRefString,
} from './environmentsApi';
import { ActionSchema, serviceInput } from './schema';

const EXAMPLES = [
  {
    description: 'Read the matrix of the service picked in the form',
    example: [
      'steps:',
      '  - id: matrix',
      '    action: environments:matrix',
      '    input:',
      '      entityRef: ${{ parameters.service }}',
    ].join('\n'),
  },
];

const INPUT = {
  entityRef: serviceInput,
} satisfies ActionSchema;

const OUTPUT = {
  environments: z =>
    z
      .array(
        z.object({
          environment: z.string(),
          digest: z.string().optional(),
          liveVersion: z.string().optional(),
          promotionPending: z.boolean(),
          unpromotedArtifact: z.boolean(),
          stale: z.boolean(),
        }),
      )
      .describe('One entry per environment, in promotion order'),
  pendingPromotions: z =>
    z
      .array(z.string())
      .describe('Environments whose predecessor runs a newer digest, in order'),
} satisfies ActionSchema;

/**
 * `environments:matrix` reads what runs in every environment of a service, on behalf of the user who runs the
 * template, so that later steps can show or act on it (e.g. which environment waits for a promotion).
 * It only reads, so it also runs in a dry run.
 */
export function createMatrixAction(options: EnvironmentsActionDependencies) {
  return createTemplateAction({
    id: 'environments:matrix',
    description:
      'Reads the environment matrix of a service: the digest and live version in each environment, and which environments wait for a promotion.',
    supportsDryRun: true,
    examples: EXAMPLES,
    schema: { input: INPUT, output: OUTPUT },
    async handler(ctx) {
      const ref = parseServiceRef('environments:matrix', ctx.input.entityRef);
      const matrix = await readEnvironmentMatrix(
        options,
        ref,
        await ctx.getInitiatorCredentials(),
      );

      const environments = matrix.environments.map(env => ({
        environment: env.environment,
        digest: env.digest,
        liveVersion: env.liveVersion,
        promotionPending: env.comparison?.promotionPending ?? false,
        unpromotedArtifact: env.comparison?.unpromotedArtifact ?? false,
        stale: env.freshness.stale,
      }));
      for (const env of environments) {
        ctx.logger.info(
          `${env.environment}: ${env.digest ?? 'nothing deployed'}${
            env.liveVersion ? ` (version ${env.liveVersion})` : ''
          }${
            env.promotionPending ? ', a newer digest waits to be promoted' : ''
          }${
            env.unpromotedArtifact
              ? ', runs a digest that never ran before it'
              : ''
          }${env.stale ? ', data is stale' : ''}`,
        );
      }
      ctx.output('environments', environments);
      ctx.output(
        'pendingPromotions',
        environments.filter(e => e.promotionPending).map(e => e.environment),
      );
      ctx.logger.info(`Read the matrix of ${serviceRefString(ref)}`);
    },
  });
}
