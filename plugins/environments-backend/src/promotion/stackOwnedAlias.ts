import { FunctionResource } from '@internal/backstage-plugin-environments-common';
import { STACK_NAME_TAG } from '../aws/CloudFormationAdapter';
import { LambdaDeployer } from '../aws/LambdaDeployer';

/** What is known before a switch about the stack that may own a function's `live` alias. */
export interface AliasOwnership {
  /** The stack that holds the alias as an AWS::Lambda::Alias resource, when one does. */
  stackName?: string;
  /** Said to the user before acting: switching a stack's alias makes the stack drift. */
  warnings: string[];
}

/**
 * Whether the function's CloudFormation stack (as the collector found it, or as CloudFormation tagged
 * the function) owns its `live` alias, and the warning that switching it gives: `consequence` says what
 * the switch does to the stack. `reader` is asked for only when there is a stack; a check that fails
 * (the reader included) is a warning too, not a refusal.
 */
export async function aliasOwnership(
  reader: () => Promise<Pick<LambdaDeployer, 'isAliasOwnedByStack'>>,
  target: FunctionResource,
  consequence: string,
): Promise<AliasOwnership> {
  const stackName = target.stack?.stackName ?? target.tags[STACK_NAME_TAG];
  if (!stackName) {
    return { warnings: [] };
  }
  try {
    const owned = await (
      await reader()
    ).isAliasOwnedByStack(target.functionName, stackName);
    if (owned) {
      return {
        stackName,
        warnings: [
          `CloudFormation stack ${stackName} owns the live alias of ${target.functionName}: ${consequence}`,
        ],
      };
    }
    return { warnings: [] };
  } catch (error) {
    return {
      warnings: [
        `Could not check whether stack ${stackName} owns the live alias: ${
          (error as Error).message
        }`,
      ],
    };
  }
}
