import { LoggerService } from '@backstage/backend-plugin-api';
import { definesLiveAliasOf } from '../../aws/stackTemplate';
import { CloudFormationReader } from '../../aws/types';
import { LocatedFunction } from './serviceMatching';

/**
 * Marks each function with a stack by whether the stack's template defines its `live` alias: one template
 * per stack (none when the stack is unchanged since it was read). A template that cannot be read leaves
 * the functions of that stack unknown, and is logged, not fatal: the rest of the refresh stands.
 */
export async function markStackOwnedAliases(
  cloudFormation: CloudFormationReader,
  functions: Map<string, LocatedFunction>,
  options: { signal: AbortSignal; logger?: LoggerService },
): Promise<void> {
  const byStack = new Map<string, LocatedFunction[]>();
  for (const fn of functions.values()) {
    if (fn.stack) {
      byStack.set(fn.stack.stackId, [
        ...(byStack.get(fn.stack.stackId) ?? []),
        fn,
      ]);
    }
  }
  await Promise.all(
    [...byStack.values()].map(async held => {
      const stack = held[0].stack!;
      try {
        const aliases = await cloudFormation.liveAliases(stack, options.signal);
        for (const fn of held) {
          fn.ownsLiveAlias = definesLiveAliasOf(aliases, fn.state);
        }
      } catch (error) {
        options.signal.throwIfAborted();
        options.logger?.warn(
          `Could not read the template of stack ${stack.stackName}: ${
            (error as Error).message
          }`,
        );
      }
    }),
  );
}
