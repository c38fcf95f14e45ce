import {
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import {
  candidateFunctionNames,
  conventionFunctionName,
  isTagDiscoveryCandidate,
  markPrimary,
  matchesTags,
} from './serviceMatching';

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
});
