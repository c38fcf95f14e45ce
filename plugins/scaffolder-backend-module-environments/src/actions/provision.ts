import fs from 'fs/promises';
import path from 'path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { ServiceProvision } from '@internal/backstage-plugin-environments-common';
import {
  callEnvironmentsApi,
  EnvironmentsActionDependencies,
} from './environmentsApi';
import { ActionSchema } from './schema';

const ACTION_ID = 'environments:provision';

/** The repository's copy of what was deployed: the stack template and each environment's parameters. */
async function writeInfrastructure(
  workspacePath: string,
  provision: ServiceProvision,
) {
  const dir = resolveSafeChildPath(workspacePath, 'cloudformation');
  await fs.mkdir(dir, { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await fs.writeFile(path.join(dir, 'service.json'), json(provision.template));
  for (const env of provision.environments) {
    const parameters = {
      ...env.parameters,
      ...(env.imageUri ? { ImageUri: env.imageUri } : {}),
    };
    await fs.writeFile(
      path.join(dir, `${env.environment}.parameters.json`),
      json(
        Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
      ),
    );
  }
}

function describe(env: ServiceProvision['environments'][number]): string {
  return `${env.stackName} in ${env.environment} (account ${env.accountId}, ${env.region})`;
}

const EXAMPLES = [
  {
    description: 'Create the environments of a new service',
    example: [
      'steps:',
      '  - id: provision',
      '    action: environments:provision',
      '    input:',
      '      project: ${{ parameters.project }}',
      '      component: ${{ parameters.component }}',
      '      owner: ${{ parameters.owner }}',
      '      costCenter: ${{ parameters.costCenter }}',
    ].join('\n'),
  },
];

const INPUT = {
  project: z => z.string().describe('The project token, e.g. shop'),
  component: z =>
    z
      .string()
      .describe(
        "The component token and the service's catalog name, e.g. cart-api",
      ),
  owner: z =>
    z.string().describe('The owning team, e.g. group:default/team-checkout'),
  system: z => z.string().optional().describe('The system, if any'),
  costCenter: z => z.string().describe('The CostCenter tag'),
} satisfies ActionSchema;

const OUTPUT = {
  entityRef: z => z.string().describe("The new service's catalog ref"),
  environments: z =>
    z
      .array(
        z.object({
          environment: z.string(),
          stackName: z.string(),
          functionName: z.string(),
          status: z.string(),
        }),
      )
      .describe(
        'Per environment: its stack and function, and whether it was created',
      ),
} satisfies ActionSchema;

/**
 * `environments:provision` asks the Environments backend to create a new service's environments (a
 * CloudFormation stack per environment, deployed with the platform's write role, and the `live` alias) on
 * behalf of the user, and writes the stack template and parameters into the workspace for the repository.
 * A dry run returns the plan and fails on the problems the real run would refuse.
 */
export function createProvisionAction(deps: EnvironmentsActionDependencies) {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      "Creates a new service's environments through the Environments backend (CloudFormation, write role, live alias) and writes their template into the workspace.",
    supportsDryRun: true,
    examples: EXAMPLES,
    schema: { input: INPUT, output: OUTPUT },
    async handler(ctx) {
      const { project, component, owner, costCenter } = ctx.input;
      const system = ctx.input.system || undefined;
      // A resumed task picks up the stored answer instead of asking again.
      const provision = (await ctx.checkpoint({
        key: `${ACTION_ID} ${project}/${component}`,
        fn: async () => {
          const body = {
            project,
            component,
            owner,
            system,
            costCenter,
            dryRun: Boolean(ctx.isDryRun),
          };
          const answer = await callEnvironmentsApi(
            deps,
            {
              credentials: await ctx.getInitiatorCredentials(),
              failure: `Could not create the environments of ${component}`,
            },
            (api, options) => api.provisionService(body, options),
          );
          return answer as unknown as JsonObject;
        },
      })) as unknown as ServiceProvision;
      if (provision.problems.length > 0) {
        throw new Error(
          `Could not create the environments of ${component}: ${provision.problems
            .map(p => p.message)
            .join('; ')}`,
        );
      }
      for (const env of provision.environments) {
        if (ctx.isDryRun) {
          ctx.logger.info(
            env.deploy
              ? `Dry run: would create stack ${describe(env)} with function ${
                  env.functionName
                } on ${
                  provision.image
                } and point live at its first version; nothing was created`
              : `Dry run: ${
                  env.environment
                } is not deployed when a service is created (environments.provisioning.deployTo); its stack would be ${describe(
                  env,
                )}`,
          );
        } else if (env.status === 'created') {
          ctx.logger.info(
            `Created stack ${describe(env)}: ${
              env.functionName
            } live → version ${env.liveVersion} (${env.imageUri})`,
          );
        }
      }
      await writeInfrastructure(ctx.workspacePath, provision);
      ctx.output('entityRef', provision.entityRef);
      ctx.output(
        'environments',
        provision.environments.map(
          ({ environment, stackName, functionName, status }) => ({
            environment,
            stackName,
            functionName,
            status,
          }),
        ),
      );
    },
  });
}
