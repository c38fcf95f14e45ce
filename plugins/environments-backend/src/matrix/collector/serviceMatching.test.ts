import {
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { parseNamingConvention } from '@internal/backstage-plugin-environments-node';
import { FunctionDiscovery, ServiceSearch } from './FunctionDiscovery';
import {
  DEFAULT_DISCOVERY_TAGS,
  DiscoveryTags,
  FunctionIndex,
  LocatedFunction,
  markPrimary,
  matchesTags,
  matchLocation,
  toResource,
} from './serviceMatching';
import { ServiceDescriptor } from './types';
import { AwsLocation } from '../../aws/types';

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

const LOCATION: AwsLocation = {
  accountId: '333333333333',
  region: 'eu-west-1',
};

describe('service matching', () => {
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

  describe('with a convention holding a free token: {project}-{env}-{component}-{purpose}', () => {
    const discovery = new FunctionDiscovery({
      lambdaConvention: parseNamingConvention(
        '{project}-{env}-{component}-{purpose}',
      ),
    });
    const billing = (
      component: string,
      explicit: Record<string, string> = {},
    ) => ({
      entityRef: `component:default/${component}`,
      project: 'billing',
      component,
      explicitFunctionNames: explicit,
    });

    it("finds every name the pattern allows, the service's tokens filled in, each following the convention", () => {
      const found = matchOne(discovery, billing('api'), [
        located('billing-prod-api-handler'),
        located('billing-prod-api-worker-eu'),
        located('billing-staging-api-handler'),
        located('billing-prod-api-'),
        located('billingApiProd'),
      ]);
      expect(
        found.map(f => [f.functionName, f.discoveredBy, f.expectedName]),
      ).toEqual([
        ['billing-prod-api-handler', 'convention', 'billing-prod-api-handler'],
        [
          'billing-prod-api-worker-eu',
          'convention',
          'billing-prod-api-worker-eu',
        ],
      ]);
    });

    it("gives a name that two services' patterns allow to the more specific one only", () => {
      const functions = [located('billing-prod-api-gateway-handler')];
      const searches = [billing('api'), billing('api-gateway')].map(service =>
        discovery.search(service, PROD),
      );
      const found = matchLocation({
        searches,
        location: LOCATION,
        index: new FunctionIndex(asMap(functions)),
        discovery,
      });
      expect(found.get('component:default/api')?.get('prod')).toEqual([]);
      expect(
        found
          .get('component:default/api-gateway')
          ?.get('prod')
          ?.map(f => f.functionName),
      ).toEqual(['billing-prod-api-gateway-handler']);
    });

    it('gives a function found by tags or named by annotation against the convention the name it should have', () => {
      const found = matchOne(
        discovery,
        billing('api', { prod: 'legacy-billing' }),
        [
          located('billingApiProd', {
            Project: 'billing',
            Component: 'api',
            Environment: 'production',
          }),
          located('legacy-billing'),
        ],
      );
      expect(
        found.map(f => [f.functionName, f.discoveredBy, f.expectedName]),
      ).toEqual([
        ['billingApiProd', 'tags', 'billing-prod-api-{purpose}'],
        ['legacy-billing', 'explicit', 'billing-prod-api-{purpose}'],
      ]);
    });

    it("uses the service's own convention (annotation) over the configured one", () => {
      const found = matchOne(
        discovery,
        {
          ...billing('api'),
          namingOverrides: { 'lambda-function': '{Project}{Component}{Env}' },
        },
        [located('billing-prod-api-handler'), located('BillingApiProd')],
      );
      expect(found.map(f => [f.functionName, f.expectedName])).toEqual([
        ['BillingApiProd', 'BillingApiProd'],
      ]);
    });
  });

  it('finds by the built-in {project}-{component}-{env} with no convention configured, judging no name', () => {
    const found = matchOne(new FunctionDiscovery(), CHECKOUT, [
      located('shop-checkout-api-prod'),
      located('legacy-checkout'),
    ]);
    expect(
      found.map(f => [f.functionName, f.discoveredBy, f.expectedName]),
    ).toEqual([
      ['shop-checkout-api-prod', 'convention', undefined],
      ['legacy-checkout', 'explicit', undefined],
    ]);
  });

  it('finds with the index exactly what comparing every function with every service finds', () => {
    const environments: EnvironmentDefinition[] = [
      PROD,
      { ...PROD, name: 'staging', shortName: 'stg', longName: 'staging' },
    ];
    const fleet = generatedFleet(600, 60);
    // A function may be found several ways, by several services, or under another tag key set; the
    // conventions' free tokens sit at the end, at the start, and at both ends of the name.
    const cases: Array<[DiscoveryTags, string | undefined]> = [
      [DEFAULT_DISCOVERY_TAGS, undefined],
      [
        {
          projectTag: 'app',
          componentTag: 'Component',
          environmentTag: 'stage',
        },
        '{project}-{component}-{env}',
      ],
      [DEFAULT_DISCOVERY_TAGS, '{project}-{component}-{purpose}'],
      [DEFAULT_DISCOVERY_TAGS, '{purpose}-{component}-{env}'],
      [DEFAULT_DISCOVERY_TAGS, '{purpose}-{project}-{component}-{stack}'],
    ];
    for (const [discoveryTags, pattern] of cases) {
      const discovery = new FunctionDiscovery({
        discoveryTags,
        lambdaConvention: pattern ? parseNamingConvention(pattern) : undefined,
      });
      const searches = fleet.services.flatMap(service =>
        environments.map(environment => discovery.search(service, environment)),
      );
      const found = matchLocation({
        searches,
        location: LOCATION,
        index: new FunctionIndex(fleet.functions, discoveryTags),
        discovery,
      });
      const expected = findByComparingAll(searches, fleet.functions, discovery);
      const methods = new Set<string>();
      for (const search of searches) {
        const key = `${search.service.entityRef} ${search.environment.name}`;
        const actual = found
          .get(search.service.entityRef)
          ?.get(search.environment.name);
        expect({ key, found: actual }).toEqual({
          key,
          found: expected.get(key),
        });
        actual?.forEach(f => methods.add(f.discoveredBy));
      }
      // The generated fleet exercises every way of being found.
      expect([...methods].sort()).toEqual(['convention', 'explicit', 'tags']);
    }
  });
});

/** A function of the prod location with a live alias. */
function located(
  name: string,
  tags: Record<string, string> = {},
): LocatedFunction {
  return {
    state: {
      functionName: name,
      functionArn: `arn:aws:lambda:eu-west-1:333333333333:function:${name}`,
      liveAlias: { version: '1' },
      configuration: {},
      tags,
    } as LocatedFunction['state'],
  };
}

function asMap(functions: LocatedFunction[]): Map<string, LocatedFunction> {
  return new Map(functions.map(f => [f.state.functionName, f]));
}

/** The functions of one service in prod, matched alone against `functions`. */
function matchOne(
  discovery: FunctionDiscovery,
  service: ServiceDescriptor,
  functions: LocatedFunction[],
): FunctionResource[] {
  return (
    matchLocation({
      searches: [discovery.search(service, PROD)],
      location: LOCATION,
      index: new FunctionIndex(asMap(functions), discovery.discoveryTags),
      discovery,
    })
      .get(service.entityRef)
      ?.get('prod') ?? []
  );
}

/**
 * The matching without the index: every function compared with every search, by name, by the whole
 * pattern, and by tags; a name several patterns allow goes to the patterns fixing the most characters.
 */
function findByComparingAll(
  searches: ServiceSearch[],
  functions: Map<string, LocatedFunction>,
  discovery: FunctionDiscovery,
): Map<string, FunctionResource[]> {
  const specificity = new Map<string, number>();
  for (const search of searches) {
    for (const name of functions.keys()) {
      if (search.pattern.matches(name)) {
        specificity.set(
          name,
          Math.max(specificity.get(name) ?? -1, search.pattern.fixedLength),
        );
      }
    }
  }
  const found = new Map<string, FunctionResource[]>();
  for (const search of searches) {
    const resources: FunctionResource[] = [];
    for (const [name, { state, stack }] of functions) {
      let discoveredBy: FunctionResource['discoveredBy'] | undefined;
      if (name === search.explicitName) {
        discoveredBy = 'explicit';
      } else if (
        search.pattern.matches(name) &&
        specificity.get(name) === search.pattern.fixedLength
      ) {
        discoveredBy = 'convention';
      } else if (
        matchesTags(
          state.tags,
          search.service,
          search.environment,
          discovery.discoveryTags,
        )
      ) {
        discoveredBy = 'tags';
      }
      if (discoveredBy) {
        resources.push(
          toResource(
            { state, stack },
            LOCATION,
            discoveredBy,
            search,
            discovery,
          ),
        );
      }
    }
    found.set(
      `${search.service.entityRef} ${search.environment.name}`,
      resources,
    );
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
      `main-${project.toLowerCase()}-${component}-api-${i}`,
    ][random(4)];
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
