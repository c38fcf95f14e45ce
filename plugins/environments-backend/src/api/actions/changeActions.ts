import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { AuthorizedPromotionService } from '../../authorization/AuthorizedPromotionService';
import { AuthorizedRollbackService } from '../../authorization/AuthorizedRollbackService';
import { entityRefAt } from '../../catalog/entityRefs';
import { recordedText } from '../requestInput';
import { output, commentInput, entityRefInput, ZodV3 } from './schemas';

/** What the changing actions act through: the authorized services the routes call. */
export interface ChangeActionServices {
  promotions: AuthorizedPromotionService;
  rollbacks: AuthorizedRollbackService;
  /** The configured environment names, in promotion order. */
  environments: string[];
}

// They change what an environment serves in AWS (a request runs at once where no approval is needed).
const CHANGES_AWS = { readOnly: false, destructive: true, idempotent: false };

/** A promotion request or a rollback record: the fields agents follow; the others come along. */
const recordOutput = (z: ZodV3) =>
  z
    .object({
      id: z.string(),
      entityRef: z.string(),
      status: z.string(),
      requestedBy: z.string(),
    })
    .passthrough();

/**
 * Request a promotion, approve one, request a rollback: the same permissions and the same four-eyes
 * rule as the routes, since each calls the same authorized service with the caller's credentials.
 */
export function registerChangeActions(
  registry: ActionsRegistryService,
  services: ChangeActionServices,
): void {
  registerRequestPromotion(registry, services);
  registerApprovePromotion(registry, services);
  registerRequestRollback(registry, services);
}

/** One of the configured environments: the schema lists them, so a client sees the choices. */
const environmentInput = (z: ZodV3, names: string[]) =>
  z.enum(names as [string, ...string[]]);

function registerRequestPromotion(
  registry: ActionsRegistryService,
  { promotions, environments }: ChangeActionServices,
): void {
  const environment = (z: ZodV3) => environmentInput(z, environments);
  registry.register({
    name: 'request-promotion',
    title: 'Request a promotion',
    description:
      'Asks to promote the image digest a service runs in one environment into the next (or a later) one. Needs environments.promotion.request on the service. Where the target environment needs approvals, the request waits for them; otherwise it runs at once and changes what the target serves.',
    attributes: CHANGES_AWS,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          targetEnvironment: environment(z).describe(
            'The environment to promote into',
          ),
          sourceEnvironment: environment(z)
            .optional()
            .describe(
              'Where the digest runs now; default the one before the target',
            ),
          digest: z
            .string()
            .regex(/^sha256:[0-9a-f]{64}$/)
            .optional()
            .describe(
              'The digest the caller saw in the source: refused if the source runs another one now',
            ),
          comment: commentInput(z),
          overrideWindow: z
            .boolean()
            .optional()
            .describe(
              'Promote although the target’s promotion window is closed (needs environments.promotion.window-override)',
            ),
        }),
      output: recordOutput,
    },
    action: async ({ input, credentials }) => {
      const request = {
        ...input,
        entityRef: entityRefAt(input.entityRef, 'input.entityRef'),
        comment: recordedText(input.comment),
      };
      return output(await promotions.request(request, credentials));
    },
  });
}

function registerApprovePromotion(
  registry: ActionsRegistryService,
  { promotions }: ChangeActionServices,
): void {
  registry.register({
    name: 'approve-promotion',
    title: 'Approve a promotion',
    description:
      'Approves a promotion request. Needs environments.promotion.approve on the service; nobody approves their own request, and the approver must be in the target environment’s approvers. The last approval needed starts the promotion, which changes what the target serves.',
    attributes: CHANGES_AWS,
    schema: {
      input: z =>
        z.object({
          promotionId: z.string().min(1).describe('The promotion request’s id'),
          comment: commentInput(z),
        }),
      output: recordOutput,
    },
    action: async ({ input, credentials }) => {
      const decision = { comment: recordedText(input.comment) };
      return output(
        await promotions.approve(input.promotionId, decision, credentials),
      );
    },
  });
}

function registerRequestRollback(
  registry: ActionsRegistryService,
  { rollbacks, environments }: ChangeActionServices,
): void {
  const environment = (z: ZodV3) => environmentInput(z, environments);
  registry.register({
    name: 'request-rollback',
    title: 'Roll back an environment',
    description:
      'Points the live alias of a service’s function in one environment back to an earlier published version (by default the one before). Needs environments.rollback on the service and, where configured, membership of the environment’s rollback groups. With dryRun, answers the plan and changes nothing.',
    attributes: CHANGES_AWS,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          environment: environment(z).describe('The environment to roll back'),
          targetVersion: z
            .string()
            .max(32)
            .regex(/^[0-9]+$/)
            .optional()
            .describe('The published version to serve; default the one before'),
          comment: commentInput(z),
          dryRun: z
            .boolean()
            .optional()
            .describe('Only say what would be done (status planned)'),
        }),
      output: recordOutput,
    },
    action: async ({ input, credentials }) => {
      const rollback = {
        ...input,
        entityRef: entityRefAt(input.entityRef, 'input.entityRef'),
        comment: recordedText(input.comment),
      };
      return output(await rollbacks.rollback(rollback, credentials));
    },
  });
}
