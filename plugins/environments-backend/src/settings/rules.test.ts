import { configRuleLocator, parseRuleFile, parseRules } from './rules';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const at = configRuleLocator('environments.settings.rules');

describe('configuration rules', () => {
  it('reads required, forbidden and only, each located by its config key', () => {
    const rules = parseRules(
      {
        variables: {
          DATABASE_URL: { required: 'all' },
          STRIPE_SECRET_KEY: { required: ['prod'] },
          DEBUG: { only: ['dev'] },
        },
        flags: { guestCheckout: { dev: true, prod: false } },
        follows: { staging: 'prod' },
      },
      ENVIRONMENTS,
      at,
    );

    expect(rules.variables).toEqual([
      {
        name: 'DATABASE_URL',
        required: ['dev', 'staging', 'prod'],
        forbidden: [],
        declaredAt: 'environments.settings.rules.variables.DATABASE_URL',
      },
      {
        name: 'STRIPE_SECRET_KEY',
        required: ['prod'],
        forbidden: [],
        declaredAt: 'environments.settings.rules.variables.STRIPE_SECRET_KEY',
      },
      {
        name: 'DEBUG',
        required: ['dev'],
        forbidden: ['staging', 'prod'],
        declaredAt: 'environments.settings.rules.variables.DEBUG',
      },
    ]);
    expect(rules.flags).toEqual([
      {
        name: 'guestCheckout',
        plan: { dev: true, prod: false },
        declaredAt: 'environments.settings.rules.flags.guestCheckout',
      },
    ]);
    expect(rules.follows).toEqual([
      {
        environment: 'staging',
        follows: 'prod',
        declaredAt: 'environments.settings.rules.follows.staging',
      },
    ]);
  });

  it.each([
    [
      { variables: { DEBUG: { only: ['qa'] } } },
      "environments.settings.rules.variables.DEBUG.only.0: 'qa' is not an environment; the environments are dev, staging, prod",
    ],
    [
      { variables: { DEBUG: { requried: ['dev'] } } },
      "environments.settings.rules.variables.DEBUG.requried: unknown key 'requried'; use required, forbidden or only",
    ],
    [
      { variables: { DEBUG: { required: ['prod'], forbidden: ['prod'] } } },
      'environments.settings.rules.variables.DEBUG: is both required and forbidden in prod',
    ],
    [
      { flags: { darkMode: { dev: 'yes' } } },
      'environments.settings.rules.flags.darkMode.dev: must be true or false, got "yes"',
    ],
    [
      { follow: { staging: 'prod' } },
      "environments.settings.rules.follow: unknown key 'follow'; the keys are variables, flags, follows",
    ],
  ])('refuses %j saying where and what', (document, message) => {
    expect(() => parseRules(document, ENVIRONMENTS, at)).toThrow(message);
  });

  it("locates a repository file's rules by file and line", () => {
    const url =
      'https://git.example/shop/payments/blob/main/envs/settings.yaml';
    const rules = parseRuleFile(
      [
        '# Payments needs its provider key in prod.',
        'variables:',
        '  PAYMENT_PROVIDER_URL:',
        '    required: all',
        '  SANDBOX_MODE: { only: [dev, staging] }',
        'flags:',
        '  instantRefunds: { dev: true, staging: true, prod: false }',
      ].join('\n'),
      url,
      ENVIRONMENTS,
    );

    expect(rules.variables.map(v => [v.name, v.declaredAt])).toEqual([
      ['PAYMENT_PROVIDER_URL', `${url}:3`],
      ['SANDBOX_MODE', `${url}:5`],
    ]);
    expect(rules.flags[0].declaredAt).toBe(`${url}:7`);
  });

  it('names the file and line of a mistake in a repository file', () => {
    const url = 'https://git.example/envs/settings.yaml';
    expect(() =>
      parseRuleFile(
        'variables:\n  A: { required: all }\n  B: { forbidden: [qa] }\n',
        url,
        ENVIRONMENTS,
      ),
    ).toThrow(`${url}:3: 'qa' is not an environment`);
    expect(() => parseRuleFile('variables: [a\n', url, ENVIRONMENTS)).toThrow(
      /^https:\/\/git\.example\/envs\/settings\.yaml:\d+: not valid YAML/,
    );
  });
});
