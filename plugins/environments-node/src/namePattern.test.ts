import { parseNamingConvention } from './naming';
import { namePattern, serviceNamingContext } from './namePattern';

const context = serviceNamingContext(
  { project: 'billing', component: 'api' },
  { shortName: 'prod', longName: 'production' },
);
const patternOf = (convention: string) =>
  namePattern(parseNamingConvention(convention), context);

describe('namePattern', () => {
  it("fills in the service's tokens and keeps free tokens open", () => {
    const pattern = patternOf('{project}-{env}-{component}-{purpose}');
    expect(pattern).toMatchObject({
      text: 'billing-prod-api-{purpose}',
      exact: false,
      prefix: 'billing-prod-api-',
      suffix: '',
      fixedLength: 'billing-prod-api-'.length,
    });
    expect(pattern.matches('billing-prod-api-handler')).toBe(true);
    expect(pattern.matches('billing-prod-api-main-worker')).toBe(true);
    expect(pattern.matches('billing-prod-api-')).toBe(false);
    expect(pattern.matches('Billing-prod-api-handler')).toBe(false);
    expect(pattern.matches('billingApiProd')).toBe(false);
  });

  it('is one exact name when the convention has no free token, in the case its tokens ask for', () => {
    const pattern = patternOf('{Project}{Component}{ENV}');
    expect(pattern).toMatchObject({
      text: 'BillingApiPROD',
      exact: true,
    });
    expect(pattern.matches('BillingApiPROD')).toBe(true);
    expect(pattern.matches('billingapiprod')).toBe(false);
  });

  it('knows the fixed text at both ends, for free tokens at the start', () => {
    expect(patternOf('{stack}-{project}-{envLong}')).toMatchObject({
      text: '{stack}-billing-production',
      prefix: '',
      suffix: '-billing-production',
    });
  });
});
