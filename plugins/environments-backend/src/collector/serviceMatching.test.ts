import {
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import {
  candidateFunctionNames,
  conventionFunctionName,
  DEFAULT_DISCOVERY_TAGS,
  DiscoveryTags,
  findServiceFunctions,
  FunctionIndex,
  isTagDiscoveryCandidate,
  LocatedFunction,
  markPrimary,
  matchesTags,
} from './serviceMatching';
import { ServiceDescriptor } from './types';
import { AwsLocation } from '../aws/types';

const PROD: EnvironmentDefinition = {
  name: 'prod',
  title: 'Production',
  shortName: 'prod',
  longName: 'production',
  locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
};
const CHECKOUT = {
  entityRef: 'component:default/checkout-api',
  project: 'shop',
  component: 'checkout-api',
  explicitFunctionNames: { prod: 'legacy-checkout' },
};

describe('service matching', () => {
  it('names a function {project}-{component}-{short env}', () => {
    expect(conventionFunctionName(CHECKOUT, PROD)).toBe(
      'shop-checkout-api-prod',
    );
  });

  it('matches tags with the short or long environment spelling, ignoring case', () => {
    const tags = (environment: string) => ({
      Project: 'Shop',
      Component: 'checkout-api',
      Environment: environment,
    });
    expect(matchesTags(tags('production'), CHECKOUT, PROD)).toBe(true);
    expect(matchesTags(tags('PROD'), CHECKOUT, PROD)).toBe(true);
    expect(matchesTags(tags('staging'), CHECKOUT, PROD)).toBe(false);
    expect(
      matchesTags({ Project: 'shop', Environment: 'prod' }, CHECKOUT, PROD),
    ).toBe(false);
    expect(
      matchesTags(
        { app: 'shop', svc: 'checkout-api', stage: 'prod' },
        CHECKOUT,
        PROD,
        {
          projectTag: 'app',
          componentTag: 'svc',
          environmentTag: 'stage',
        },
      ),
    ).toBe(true);
  });

  it('reads a function for tag discovery only when its name holds the project token', () => {
    expect(
      isTagDiscoveryCandidate('shop-notifications-worker-production', 'shop'),
    ).toBe(true);
    expect(isTagDiscoveryCandidate('SHOP_mailer', 'shop')).toBe(true);
    expect(isTagDiscoveryCandidate('mailer-prod', 'shop')).toBe(false);
    expect(
      [
        ...candidateFunctionNames(
          ['legacy-checkout', 'mailer-prod', 'shop-x-prod', 'crm-prod'],
          [CHECKOUT],
          [PROD],
        ),
      ].sort(),
    ).toEqual(['legacy-checkout', 'shop-x-prod']);
  });

  it('makes exactly one function primary: explicit, then convention, then tags, then by name', () => {
    const fn = (
      functionName: string,
      discoveredBy: FunctionResource['discoveredBy'],
    ) =>
      ({
        functionName,
        discoveredBy,
        accountId: '333333333333',
        region: 'eu-west-1',
        primary: false,
      } as FunctionResource);

    const tagsOnly = markPrimary([fn('shop-b', 'tags'), fn('shop-a', 'tags')]);
    expect(tagsOnly.map(f => [f.functionName, f.primary])).toEqual([
      ['shop-a', true],
      ['shop-b', false],
    ]);

    const mixed = markPrimary([
      fn('a-tagged', 'tags'),
      fn('shop-checkout-api-prod', 'convention'),
      fn('z-legacy', 'explicit'),
    ]);
    expect(mixed.filter(f => f.primary).map(f => f.functionName)).toEqual([
      'z-legacy',
    ]);
    expect(markPrimary([])).toEqual([]);
  });

  it('finds with the index exactly what comparing every function with every service finds', () => {
    const location: AwsLocation = {
      accountId: '333333333333',
      region: 'eu-west-1',
    };
    const environments: EnvironmentDefinition[] = [
      PROD,
      { ...PROD, name: 'staging', shortName: 'stg', longName: 'staging' },
    ];
    const fleet = generatedFleet(600, 60);
    // A function may be found several ways, by several services, or under another tag key set.
    for (const discoveryTags of [
      DEFAULT_DISCOVERY_TAGS,
      { projectTag: 'app', componentTag: 'Component', environmentTag: 'stage' },
    ]) {
      const index = new FunctionIndex(fleet.functions, discoveryTags);
      const methods = new Set<string>();
      for (const service of fleet.services) {
        for (const environment of environments) {
          const options = {
            service,
            environment,
            location,
            functions: fleet.functions,
            discoveryTags,
          };
          const expected = findByComparingAll(options);
          expect(
            findServiceFunctions({ ...options, functions: index }),
          ).toEqual(expected);
          expect(findServiceFunctions(options)).toEqual(expected);
          expected.forEach(fn => methods.add(fn.discoveredBy));
        }
      }
      // The generated fleet exercises every way of being found.
      expect([...methods].sort()).toEqual(['convention', 'explicit', 'tags']);
    }
  });
});

/** The matching as it was before the index: every function compared with the service. */
function findByComparingAll(options: {
  service: ServiceDescriptor;
  environment: EnvironmentDefinition;
  location: AwsLocation;
  functions: Map<string, LocatedFunction>;
  discoveryTags: DiscoveryTags;
}): FunctionResource[] {
  const { service, environment, location, functions, discoveryTags } = options;
  const explicitName = service.explicitFunctionNames[environment.name];
  const conventionName = conventionFunctionName(service, environment);
  const found: FunctionResource[] = [];
  for (const [name, { state, stack }] of functions) {
    let discoveredBy: FunctionResource['discoveredBy'] | undefined;
    if (name === explicitName) {
      discoveredBy = 'explicit';
    } else if (name === conventionName) {
      discoveredBy = 'convention';
    } else if (matchesTags(state.tags, service, environment, discoveryTags)) {
      discoveredBy = 'tags';
    }
    if (discoveredBy) {
      found.push({
        ...state,
        accountId: location.accountId,
        region: location.region,
        discoveredBy,
        expectedName: discoveredBy === 'explicit' ? undefined : conventionName,
        primary: false,
        stack: stack && {
          stackName: stack.stackName,
          stackId: stack.stackId,
          status: stack.status,
        },
      });
    }
  }
  return found;
}

/**
 * A deterministic fleet with names by convention, explicit names (some another service's convention
 * name), tags in mixed case and both environment spellings, partial tags and strangers.
 */
function generatedFleet(functionCount: number, serviceCount: number) {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The high bits: the low bits of this generator repeat after a few steps.
    return Math.floor(seed / 65536) % n;
  };
  const services: ServiceDescriptor[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const project = ['shop', 'crm', 'Shop'][random(3)];
    services.push({
      entityRef: `component:default/svc-${i}`,
      project,
      component: `svc-${i}`,
      explicitFunctionNames:
        random(5) === 0
          ? {
              prod: random(2)
                ? `legacy-${i}`
                : `shop-svc-${random(serviceCount)}-stg`,
            }
          : {},
    });
  }
  const functions = new Map<string, LocatedFunction>();
  const spellings = ['prod', 'PRODUCTION', 'stg', 'Staging', 'dev', undefined];
  for (let i = 0; i < functionCount; i++) {
    const component = `svc-${random(serviceCount)}`;
    const project = ['shop', 'SHOP', 'crm', 'other'][random(4)];
    const environment = spellings[random(spellings.length)];
    const name = [
      `${project.toLowerCase()}-${component}-${environment ?? 'prod'}`,
      `legacy-${random(serviceCount)}`,
      `fn-${i}`,
    ][random(3)];
    const tags: Record<string, string> = {};
    if (random(4) > 0) {
      tags.Project = project;
      tags.app = project.toUpperCase();
    }
    if (random(4) > 0) {
      tags.Component = random(3) ? component : component.toUpperCase();
    }
    if (environment) {
      tags.Environment = environment;
      tags.stage = environment.toLowerCase();
    }
    functions.set(name, {
      state: {
        functionName: name,
        functionArn: `arn:aws:lambda:eu-west-1:333333333333:function:${name}`,
        liveAlias: { version: String(i) },
        configuration: {},
        tags,
      } as LocatedFunction['state'],
      stack:
        random(2) === 0
          ? {
              stackName: name,
              stackId: `id-${i}`,
              status: 'CREATE_COMPLETE',
              tags: {},
            }
          : undefined,
    });
  }
  return { services, functions };
}
