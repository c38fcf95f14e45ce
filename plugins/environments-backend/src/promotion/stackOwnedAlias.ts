import { FunctionResource } from '@internal/backstage-plugin-environments-common';

/** What is known before a switch about the stack that may own a function's `live` alias. */
export interface AliasOwnership {
  /** The stack that holds the alias as an AWS::Lambda::Alias resource, when one does. */
  stackName?: string;
  /** Said to the user before acting: switching a stack's alias makes the stack drift. */
  warnings: string[];
}

/**
 * Whether the function's CloudFormation stack owns its `live` alias (its template defines it, as the
 * collector read it just now), and the warning that switching it gives: `consequence` says what the switch
 * does to the stack. A template that could not be read is a warning too, not a refusal.
 */
export function aliasOwnership(
  target: FunctionResource,
  consequence: string,
): AliasOwnership {
  const stack = target.stack;
  if (!stack || stack.ownsLiveAlias === false) {
    return { warnings: [] };
  }
  if (stack.ownsLiveAlias === undefined) {
    return {
      warnings: [
        `Could not check whether stack ${stack.stackName} owns the live alias of ${target.functionName}: its template could not be read`,
      ],
    };
  }
  return {
    stackName: stack.stackName,
    warnings: [
      `CloudFormation stack ${stack.stackName} owns the live alias of ${target.functionName}: ${consequence}`,
    ],
  };
}
