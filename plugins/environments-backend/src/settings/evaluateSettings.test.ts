import {
  EnvironmentMatrix,
  EnvironmentState,
} from '@internal/backstage-plugin-environments-common';
import {
  SMARTSTACK_ENVIRONMENTS,
  SMARTSTACK_PATTERN,
  smartstackState,
} from './__testUtils__/smartstack';
import { evaluateSettings } from './evaluateSettings';
import { environmentPath } from './paths';
import { configRuleLocator, parseRules } from './rules';
import { EnvironmentSettingsSnapshot } from './types';

const ENVIRONMENTS = SMARTSTACK_ENVIRONMENTS;
const PATTERN = SMARTSTACK_PATTERN;
const SERVICE = { project: 'smartstack', component: 'web' };
const PATHS = Object.fromEntries(
  ENVIRONMENTS.map(e => [e.name, [environmentPath(PATTERN, SERVICE, e)]]),
);
const state = smartstackState;

function snapshot(
  environment: string,
  parameters: Array<[string, string, string?]>,
  secretNames: string[] = [],
): EnvironmentSettingsSnapshot {
  return {
    environment,
    paths: PATHS[environment],
    parameters: parameters.map(([name, type, value]) => ({
      name,
      type,
      version: 1,
      ...(value !== undefined ? { value } : {}),
    })),
    secretNames,
    collectedAt: '2026-12-06T00:00:00.000Z',
  };
}

const RULES = parseRules(
  {
    variables: {
      API_URL: { required: 'all' },
      'jwt-secret': { required: ['prod'] },
      DEBUG: { only: ['dev'] },
    },
    flags: {
      guestCheckout: { dev: true, staging: true, prod: false },
      darkMode: { dev: true, prod: false },
    },
    follows: { staging: 'prod' },
  },
  ENVIRONMENTS.map(e => e.name),
  configRuleLocator('environments.settings.rules'),
);

function evaluate(
  states: EnvironmentState[],
  snapshots: EnvironmentSettingsSnapshot[],
) {
  const matrix: EnvironmentMatrix = {
    entityRef: 'component:default/web',
    environments: states,
  };
  return evaluateSettings({
    matrix,
    environments: ENVIRONMENTS,
    snapshots,
    rules: RULES,
    pathsByEnvironment: PATHS,
  }).map(f => [f.environment, f.rule, f.subject, f.severity]);
}

const [DEV, STAGING, PROD] = ENVIRONMENTS;

describe('evaluating the configuration matrix', () => {
  it('has nothing to say about a service configured as the rules want', () => {
    expect(
      evaluate(
        [
          state(DEV, {
            API_URL: 'https://dev.smartstack.example',
            DEBUG: 'true',
          }),
          state(STAGING, { API_URL: 'https://stg.smartstack.example' }),
          state(PROD, { API_URL: 'https://smartstack.example' }),
        ],
        [
          snapshot('dev', [
            ['/smartstack/dev/guestCheckout', 'String', 'true'],
            ['/smartstack/dev/darkMode', 'String', 'on'],
          ]),
          snapshot('staging', [
            ['/smartstack/stg/guestCheckout', 'String', 'false'],
          ]),
          snapshot(
            'prod',
            [['/smartstack/prod/guestCheckout', 'String', 'false']],
            ['smartstack/prod/jwt-secret'],
          ),
        ],
      ),
    ).toEqual([]);
  });

  it('finds a missing prod-only secret, DEBUG left on in prod, and flags off their plan', () => {
    expect(
      evaluate(
        [
          state(DEV, {
            API_URL: 'https://dev.smartstack.example',
            DEBUG: 'true',
          }),
          state(STAGING, { API_URL: 'https://stg.smartstack.example' }),
          state(PROD, { API_URL: 'https://smartstack.example', DEBUG: 'true' }),
        ],
        [
          snapshot('dev', [
            ['/smartstack/dev/guestCheckout', 'String', 'false'],
          ]),
          // Staging follows prod's plan: guestCheckout off, although staging's own plan says on.
          snapshot('staging', [
            ['/smartstack/stg/guestCheckout', 'String', 'true'],
          ]),
          snapshot('prod', [['/smartstack/prod/darkMode', 'String', 'true']]),
        ],
      ),
    ).toEqual([
      ['dev', 'settings.flag-plan', 'guestCheckout', 'warning'],
      ['dev', 'settings.flag-plan', 'darkMode', 'warning'],
      ['staging', 'settings.flag-plan', 'guestCheckout', 'warning'],
      ['prod', 'settings.required', 'jwt-secret', 'error'],
      ['prod', 'settings.forbidden', 'DEBUG', 'error'],
      ['prod', 'settings.flag-plan', 'darkMode', 'warning'],
    ]);
  });

  it("finds a prod function reading a dev path and a staging one pointing at prod's table", () => {
    const found = evaluate(
      [
        state(DEV, { API_URL: 'x', DEBUG: 'true' }),
        state(STAGING, {
          API_URL: 'x',
          ORDERS_TABLE: 'smartstack-production-orders',
        }),
        state(PROD, {
          API_URL: 'x',
          DB_CONFIG_PATH: '/smartstack/dev/db-password',
        }),
      ],
      [
        snapshot('dev', [
          ['/smartstack/dev/guestCheckout', 'String', 'true'],
          ['/smartstack/dev/darkMode', 'String', 'true'],
        ]),
        snapshot('staging', []),
        snapshot('prod', [['/smartstack/prod/jwt-secret', 'SecureString']]),
      ],
    );
    expect(found).toEqual([
      ['staging', 'settings.cross-environment', 'ORDERS_TABLE', 'error'],
      ['prod', 'settings.cross-environment', 'DB_CONFIG_PATH', 'error'],
    ]);
  });

  it('does not judge an environment where the service does not run, nor take a sentence for a name', () => {
    const missing: EnvironmentState = {
      environment: 'prod',
      status: 'missing',
      functions: [],
      freshness: { stale: false },
    };
    expect(
      evaluate(
        [
          state(DEV, {
            API_URL: 'x',
            DEBUG: 'true',
            NOTE: 'copied from prod by hand',
          }),
          state(STAGING, { API_URL: 'x' }),
          missing,
        ],
        [
          snapshot('dev', [
            ['/smartstack/dev/guestCheckout', 'String', 'true'],
            ['/smartstack/dev/darkMode', 'String', 'true'],
          ]),
        ],
      ),
    ).toEqual([]);
  });

  it('reports a flag whose value cannot be read, without reading it', () => {
    const found = evaluate(
      [
        state(DEV, { API_URL: 'x', DEBUG: 'true' }),
        state(STAGING, { API_URL: 'x' }),
        state(PROD, { API_URL: 'x' }),
      ],
      [
        snapshot('dev', [
          ['/smartstack/dev/guestCheckout', 'SecureString'],
          ['/smartstack/dev/darkMode', 'String', 'true'],
        ]),
        snapshot('staging', []),
        snapshot('prod', [], ['smartstack/prod/jwt-secret']),
      ],
    );
    expect(found).toEqual([
      ['dev', 'settings.flag-plan', 'guestCheckout', 'warning'],
    ]);
  });

  it('does not take parameters it could not read for missing ones', () => {
    const unread = {
      ...snapshot('prod', []),
      error: '666666666666/eu-central-1: AccessDeniedException',
    };
    expect(
      evaluate(
        [
          state(DEV, { API_URL: 'x', DEBUG: 'true' }),
          state(STAGING, { API_URL: 'x' }),
          state(PROD, { API_URL: 'x' }),
        ],
        [
          snapshot('dev', [
            ['/smartstack/dev/guestCheckout', 'String', 'true'],
            ['/smartstack/dev/darkMode', 'String', 'true'],
          ]),
          snapshot('staging', []),
          unread,
        ],
      ),
    ).toEqual([['prod', 'settings.unreadable', undefined, 'warning']]);
  });
});
