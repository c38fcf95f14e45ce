import type { z } from 'zod/v3';

/** The zod the actions registry hands each schema function (its API is zod v3's). */
export type ZodV3 = typeof z;

/** A service, named as the catalog names it. */
export const entityRefInput = (zod: ZodV3) =>
  zod
    .string()
    .min(1)
    .max(255)
    .describe(
      'The service’s catalog entity ref, e.g. component:default/checkout-api (checkout-api is short for it)',
    );

/** A control character the spec's Comment refuses: any but line breaks and tabs. */
function isRefusedControl(character: string): boolean {
  const code = character.charCodeAt(0);
  const allowed =
    character === '\n' || character === '\r' || character === '\t';
  return (code < 0x20 && !allowed) || (code >= 0x7f && code <= 0x9f);
}

/** Free text recorded with the action, as the spec's Comment. */
export const commentInput = (zod: ZodV3) =>
  zod
    .string()
    .max(2000)
    .refine(
      text => ![...text].some(isRefusedControl),
      'a comment may hold line breaks and tabs but no other control characters',
    )
    .optional()
    .describe(
      'Why, in words (at most 2000 characters): recorded in the history',
    );

/**
 * What an action answers: the object the matching route sends. The registry checks it against the
 * action's output schema at run time, which names the fields agents rely on and lets the others through;
 * the API's interfaces have no index signature, so the compiler cannot see they fit a passthrough schema.
 */
export function output(value: object): { output: any } {
  return { output: value };
}
