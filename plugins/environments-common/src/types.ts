import type { FunctionResource } from './models';

/**
 * The function that stands for the service in an environment: the one the collector marked primary
 * (the first of its ordering), or the first when none is marked.
 */
export function primaryFunction(environment: {
  functions: FunctionResource[];
}): FunctionResource | undefined {
  return (
    environment.functions.find(fn => fn.primary) ?? environment.functions[0]
  );
}
