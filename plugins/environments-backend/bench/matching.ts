import { performance } from 'perf_hooks';
import { parseNamingConvention } from '@internal/backstage-plugin-environments-node';
import { FunctionDiscovery } from '../src/matrix/collector/FunctionDiscovery';
import {
  FunctionIndex,
  LocatedFunction,
  matchLocation,
} from '../src/matrix/collector/serviceMatching';
import { ENVIRONMENTS, fleetServices, planFleet, REGION } from './fleet';

/** How long matching every service against the functions of one account-region took. */
export interface MatchingFigures {
  /** The Lambda naming convention functions are named by and found by. */
  convention: string;
  functions: number;
  services: number;
  environments: number;
  found: number;
  milliseconds: number;
}

/** The demo's convention, and one with a free token (`billing-prod-api-{purpose}`). */
export const MATCHING_CONVENTIONS = [
  '{project}-{component}-{env}',
  '{project}-{env}-{component}-{purpose}',
];

/**
 * Times the collector's matching step alone (it runs three times per account-region and refresh, on
 * the event loop) with every function of a `size` fleet in one account-region, the worst case: the
 * functions are named by `convention` (`{purpose}` read as `handler`), every name judged by it.
 */
export function benchMatching(
  size: number,
  convention: string,
): MatchingFigures {
  const location = { accountId: '111111111111', region: REGION };
  const discovery = new FunctionDiscovery({
    lambdaConvention: parseNamingConvention(convention),
  });
  const services = fleetServices(size);
  const functions = new Map<string, LocatedFunction>(
    planFleet(size, 1).map(fn => {
      const service = services[fn.serviceIndex];
      const name = discovery
        .search(service, fn.environment)
        .pattern.text.replace('{purpose}', 'handler');
      return [
        name,
        {
          state: {
            functionName: name,
            functionArn: `arn:aws:lambda:${REGION}:${fn.accountId}:function:${name}`,
            liveAlias: { version: '1' },
            configuration: {},
            tags: fn.tags,
          },
        } as LocatedFunction,
      ];
    }),
  );
  const started = performance.now();
  const searches = services.flatMap(service =>
    ENVIRONMENTS.map(environment => discovery.search(service, environment)),
  );
  const found = matchLocation({
    searches,
    location,
    index: new FunctionIndex(functions),
    discovery,
  });
  const milliseconds = performance.now() - started;
  let count = 0;
  for (const perEnvironment of found.values()) {
    for (const resources of perEnvironment.values()) {
      count += resources.length;
    }
  }
  return {
    convention,
    functions: size,
    services: services.length,
    environments: ENVIRONMENTS.length,
    found: count,
    milliseconds,
  };
}
