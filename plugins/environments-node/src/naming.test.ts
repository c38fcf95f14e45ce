import { checkName } from './checkName';
import {
  NamingConventionError,
  NamingContext,
  parseNamingConvention,
  renderName,
} from './naming';

const prod = { shortName: 'prod', longName: 'production' };
const dev = { shortName: 'dev', longName: 'development' };

function violationOf(name: string, pattern: string, context: NamingContext) {
  const result = checkName(name, parseNamingConvention(pattern), context);
  if (result.ok) {
    throw new Error(`expected '${name}' to break ${pattern}`);
  }
  return result.violation;
}

describe('naming conventions', () => {
  describe('{project}-{env}-{component}-{purpose} (ai-nexus)', () => {
    const pattern = '{project}-{env}-{component}-{purpose}';
    const context: NamingContext = {
      project: 'ai-nexus',
      component: 'lambda',
      environment: prod,
    };

    it('accepts ai-nexus-prod-lambda-main-api, reading the purpose from the name', () => {
      expect(
        checkName(
          'ai-nexus-prod-lambda-main-api',
          parseNamingConvention(pattern),
          context,
        ),
      ).toEqual({
        ok: true,
        expected: 'ai-nexus-prod-lambda-main-api',
      });
    });

    it('names the wrong order and the right name', () => {
      const violation = violationOf(
        'ai-nexus-lambda-prod-main-api',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.order');
      expect(violation.expected).toBe('ai-nexus-prod-lambda-main-api');
      expect(violation.message).toContain(
        'it reads {project}-{component}-{env}-{purpose}',
      );
    });

    it('flags an upper-case purpose as a case problem', () => {
      const violation = violationOf(
        'ai-nexus-prod-lambda-Main-API',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.case');
      expect(violation.message).toContain(
        "{purpose} should be 'main-api', found 'Main-API'",
      );
      expect(violation.expected).toBe('ai-nexus-prod-lambda-main-api');
    });
  });

  describe('{project}-{component}-{env} (dr-daily-report, multi-dash tokens)', () => {
    const pattern = '{project}-{component}-{env}';
    const context: NamingContext = {
      project: 'dr-daily-report',
      component: 'telegram-api',
      environment: prod,
    };

    it('accepts dr-daily-report-telegram-api-prod', () => {
      expect(
        checkName(
          'dr-daily-report-telegram-api-prod',
          parseNamingConvention(pattern),
          context,
        ).ok,
      ).toBe(true);
    });

    it('says the long spelling of prod was used and gives the short one', () => {
      const violation = violationOf(
        'dr-daily-report-telegram-api-production',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.environment-spelling');
      expect(violation.problems).toHaveLength(1);
      expect(violation.message).toContain("long spelling 'production'");
      expect(violation.message).toContain("short 'prod'");
      expect(violation.expected).toBe('dr-daily-report-telegram-api-prod');
    });

    it('says when the environment comes before the component', () => {
      const violation = violationOf(
        'dr-daily-report-prod-telegram-api',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.order');
      expect(violation.expected).toBe('dr-daily-report-telegram-api-prod');
    });

    it('reports both the order and the spelling when both are wrong', () => {
      const violation = violationOf(
        'dr-daily-report-production-telegram-api',
        pattern,
        context,
      );
      expect(violation.problems.map(p => p.rule)).toEqual([
        'naming.environment-spelling',
        'naming.order',
      ]);
    });

    it('says which token has the wrong case', () => {
      const violation = violationOf(
        'DR-daily-report-telegram-api-prod',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.case');
      expect(violation.message).toContain(
        "{project} should be 'dr-daily-report', found 'DR-daily-report'",
      );
    });

    it('tells other separators apart from other patterns', () => {
      expect(
        violationOf('dr_daily_report_telegram_api_prod', pattern, context).rule,
      ).toBe('naming.separator');
      const other = violationOf('telegram-bot-prod', pattern, context);
      expect(other.rule).toBe('naming.pattern');
      expect(other.expected).toBe('dr-daily-report-telegram-api-prod');
    });
  });

  describe('{project}-{env}-{service} (smartstack)', () => {
    const pattern = '{project}-{env}-{service}';

    it('accepts smartstack-dev-api with the service known or read from the name', () => {
      const convention = parseNamingConvention(pattern);
      expect(
        checkName('smartstack-dev-api', convention, {
          project: 'smartstack',
          component: 'x',
          environment: dev,
        }).ok,
      ).toBe(true);
      expect(
        checkName('smartstack-dev-api', convention, {
          project: 'smartstack',
          component: 'api',
          service: 'api',
          environment: dev,
        }).ok,
      ).toBe(true);
    });

    it('catches the long spelling of dev', () => {
      const violation = violationOf('smartstack-development-api', pattern, {
        project: 'smartstack',
        component: 'api',
        service: 'api',
        environment: dev,
      });
      expect(violation.rule).toBe('naming.environment-spelling');
      expect(violation.expected).toBe('smartstack-dev-api');
    });

    it('catches a name of another environment', () => {
      const violation = violationOf('smartstack-prod-api', pattern, {
        project: 'smartstack',
        component: 'api',
        service: 'api',
        environment: dev,
      });
      expect(violation.rule).toBe('naming.pattern');
      expect(violation.expected).toBe('smartstack-dev-api');
    });
  });

  describe('CDK stacks {Project}-{envLong}-{Stack} (SoundBite)', () => {
    const pattern = '{Project}-{envLong}-{Stack}';
    const context: NamingContext = {
      project: 'SoundBite',
      component: 'api',
      environment: prod,
    };

    it('accepts SoundBite-production-API', () => {
      expect(
        checkName(
          'SoundBite-production-API',
          parseNamingConvention(pattern),
          context,
        ),
      ).toEqual({
        ok: true,
        expected: 'SoundBite-production-API',
      });
    });

    it('capitalises each word of a dashed project', () => {
      expect(
        renderName(parseNamingConvention(pattern), {
          ...context,
          project: 'sound-bite',
          stack: 'API',
        }),
      ).toBe('SoundBite-production-API');
    });

    it('says the short spelling was used where the long one is wanted', () => {
      const violation = violationOf('SoundBite-prod-API', pattern, context);
      expect(violation.rule).toBe('naming.environment-spelling');
      expect(violation.message).toContain("short spelling 'prod'");
      expect(violation.message).toContain("long 'production'");
      expect(violation.expected).toBe('SoundBite-production-API');
    });

    it('says a lower-case project breaks the capitalisation', () => {
      const violation = violationOf(
        'soundbite-production-API',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.case');
      expect(violation.message).toContain(
        "{Project} should be 'SoundBite', found 'soundbite'",
      );
      expect(violation.expected).toBe('SoundBite-production-API');
    });

    it('says a lower-case stack part breaks {Stack}', () => {
      const violation = violationOf(
        'SoundBite-production-api',
        pattern,
        context,
      );
      expect(violation.rule).toBe('naming.case');
      expect(violation.expected).toBe('SoundBite-production-Api');
    });
  });

  describe('the demo fleet convention', () => {
    it('finds shop-notifications-worker-production and says it should be ...-prod', () => {
      const violation = violationOf(
        'shop-notifications-worker-production',
        '{project}-{component}-{env}',
        {
          project: 'shop',
          component: 'notifications-worker',
          environment: prod,
        },
      );
      expect(violation.message).toBe(
        "'shop-notifications-worker-production' breaks the naming convention {project}-{component}-{env}: it uses the long spelling 'production' of the environment where the convention wants the short 'prod' ({env}). Expected 'shop-notifications-worker-prod'.",
      );
    });
  });

  describe('parsing', () => {
    it('rejects unknown tokens naming the known ones', () => {
      expect(() => parseNamingConvention('{project}-{team}')).toThrow(
        NamingConventionError,
      );
      expect(() => parseNamingConvention('{project}-{team}')).toThrow(
        /unknown token \{team\}.*\{component\}/,
      );
    });

    it('rejects unbalanced braces with the position', () => {
      expect(() => parseNamingConvention('{project-{env}')).toThrow(
        /unknown token/,
      );
      expect(() => parseNamingConvention('{project}-{env')).toThrow(
        /'\{' without '\}' at position 11/,
      );
      expect(() => parseNamingConvention('project}-{env}')).toThrow(
        /'\}' without '\{' at position 8/,
      );
    });

    it('rejects patterns without tokens and free tokens side by side', () => {
      expect(() => parseNamingConvention('shop-api')).toThrow(/has no token/);
      expect(() => parseNamingConvention('')).toThrow(/non-empty/);
      expect(() =>
        parseNamingConvention('{project}-{purpose}{service}'),
      ).toThrow(/side by side/);
    });

    it('accepts upper-case tokens', () => {
      expect(
        renderName(parseNamingConvention('{PROJECT}_{ENV}'), {
          project: 'shop',
          component: 'a',
          environment: prod,
        }),
      ).toBe('SHOP_PROD');
    });
  });
});
