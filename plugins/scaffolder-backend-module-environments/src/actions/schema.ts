import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { z } from 'zod/v3';

/** The fields of an action's input or output schema, as createTemplateAction takes them. */
export type ActionSchema = Record<string, (zImpl: typeof z) => z.ZodType>;

/** What the steps of an action use of its context, whatever its input and output. */
export type StepContext = Pick<
  ActionContext<JsonObject, JsonObject>,
  'checkpoint' | 'getInitiatorCredentials' | 'logger' | 'output' | 'signal'
>;

/** The `entityRef` input of an action about one service. */
export const serviceInput = (zImpl: typeof z) =>
  zImpl
    .string()
    .describe(
      'The service, e.g. component:default/checkout-api (kind defaults to component)',
    );
