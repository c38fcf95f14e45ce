import { performance } from 'perf_hooks';
import {
  findServiceFunctions,
  FunctionIndex,
  LocatedFunction,
} from '../src/collector/serviceMatching';
import { ENVIRONMENTS, fleetServices, planFleet, REGION } from './fleet';

/** How long matching every service against the functions of one account-region took. */
export interface MatchingFigures {
  functions: number;
  services: number;
  environments: number;
  found: number;
  milliseconds: number;
}

/**
 * Times the collector's matching step alone (it runs twice per account-region and refresh, on the
 * event loop) with every function of a `size` fleet in one account-region, the worst case.
 */
export function benchMatching(size: number): MatchingFigures {
  const location = { accountId: '111111111111', region: REGION };
  const functions = new Map<string, LocatedFunction>(
    planFleet(size, 1).map(fn => [
      fn.functionName,
      {
        state: {
          functionName: fn.functionName,
          functionArn: `arn:aws:lambda:${REGION}:${fn.accountId}:function:${fn.functionName}`,
          liveAlias: { version: '1' },
          configuration: {},
          tags: fn.tags,
        },
      } as LocatedFunction,
    ]),
  );
  const services = fleetServices(size);
  const started = performance.now();
  const index = new FunctionIndex(functions);
  let found = 0;
  for (const service of services) {
    for (const environment of ENVIRONMENTS) {
      found += findServiceFunctions({
        service,
        environment,
        location,
        functions: index,
      }).length;
    }
  }
  return {
    functions: size,
    services: services.length,
    environments: ENVIRONMENTS.length,
    found,
    milliseconds: performance.now() - started,
  };
}
