import { parseEntityRef } from '@backstage/catalog-model';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { entityRefAt } from '../../catalog/entityRefs';
import { readServiceFindings } from '../../compliance/router';
import { ComplianceService } from '../../compliance/ComplianceService';
import {
  MatrixReadOptions,
  readFleetPage,
  readServiceMatrix,
} from '../../matrix/router';
import { FLEET_STATUSES, FleetStatus } from '../../matrix/MatrixStore';
import { output, entityRefInput, ZodV3 } from './schemas';

/** What the read actions answer from: the same reads the matrix and compliance routes make. */
export interface ReadActionServices extends MatrixReadOptions {
  compliance: ComplianceService;
}

/** The service an action names, as the routes' path gives it; InputError naming `input.entityRef`. */
const serviceRef = (entityRef: string) =>
  parseEntityRef(entityRefAt(entityRef, 'input.entityRef'));

const READ_ONLY = { readOnly: true, destructive: false, idempotent: true };

/** The matrix, the fleet page and a service's findings: what the routes answer, to the same callers. */
export function registerReadActions(
  registry: ActionsRegistryService,
  services: ReadActionServices,
): void {
  registerMatrixAction(registry, services);
  registerFleetAction(registry, services);
  registerFindingsAction(registry, services);
}

function registerMatrixAction(
  registry: ActionsRegistryService,
  services: ReadActionServices,
): void {
  registry.register({
    name: 'get-service-matrix',
    title: 'Service environment matrix',
    description:
      'What a service runs in each environment (dev, staging, prod…): the image digest, the live version, when it was deployed, how it compares with the environment before it, and where nothing was found, where the plugin looked. Fails with not found when the caller may not read the service in the catalog.',
    attributes: READ_ONLY,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z
          .object({
            entityRef: z.string(),
            environments: z.array(
              z
                .object({ environment: z.string(), status: z.string() })
                .passthrough(),
            ),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await readServiceMatrix(
          services,
          serviceRef(input.entityRef),
          credentials,
        ),
      ),
  });
}

function registerFleetAction(
  registry: ActionsRegistryService,
  services: ReadActionServices,
): void {
  registry.register({
    name: 'list-fleet',
    title: 'Fleet of services',
    description:
      'One page of the fleet view: each service the caller may see, with what each environment runs and whether it needs a promotion, runs an artifact that was never promoted, or is stale.',
    attributes: READ_ONLY,
    schema: {
      input: fleetQueryInput,
      output: z =>
        z
          .object({
            items: z.array(z.object({ entityRef: z.string() }).passthrough()),
            totalItems: z.number(),
            offset: z.number(),
            limit: z.number(),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(await readFleetPage(services, input, credentials)),
  });
}

function registerFindingsAction(
  registry: ActionsRegistryService,
  services: ReadActionServices,
): void {
  registry.register({
    name: 'get-service-findings',
    title: 'Service compliance findings',
    description:
      'The compliance findings of a service in every environment (naming, required tags, configuration, CloudFormation drift), their summary, and its stacks’ last drift checks.',
    attributes: READ_ONLY,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z
          .object({
            items: z.array(
              z
                .object({
                  environment: z.string(),
                  severity: z.string(),
                  message: z.string(),
                })
                .passthrough(),
            ),
            summary: z.object({}).passthrough(),
            stacks: z.array(z.object({}).passthrough()),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await readServiceFindings(
          services,
          serviceRef(input.entityRef),
          credentials,
        ),
      ),
  });
}

/** The fleet view's filters, as `GET /fleet` takes them (src/schema/openapi.yaml). */
function fleetQueryInput(z: ZodV3) {
  const text = (description: string) =>
    z.string().min(1).optional().describe(description);
  return z.object({
    owner: text(
      'Only services owned by this entity, e.g. group:default/team-checkout or team-checkout',
    ),
    system: text(
      'Only services of this system, e.g. system:default/shop or shop',
    ),
    status: z
      .enum(FLEET_STATUSES as [FleetStatus, ...FleetStatus[]])
      .optional()
      .describe(
        'Only services that wait for a promotion (needs-promotion), run an artifact that never ran in the environment before (unpromoted-artifact), have stale data (stale), or none of these (ok)',
      ),
    search: z
      .string()
      .optional()
      .describe('Case-insensitive text found in the entity ref or the title'),
    offset: z
      .number()
      .int()
      .min(0)
      .max(2147483647)
      .optional()
      .describe('How many services to skip; default 0'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('How many services to return; default 100, at most 1000'),
  });
}
