import { mockServices } from '@backstage/backend-test-utils';
import { EnvironmentMatrix } from '@internal/backstage-plugin-environments-common';
import { SettingsCollector } from './SettingsCollector';
import { RULE_FILE, SettingsService } from './SettingsService';
import { NO_RULES } from './rules';
import {
  SMARTSTACK_ENVIRONMENTS,
  SMARTSTACK_PATTERN,
  smartstackState,
} from './__testUtils__/smartstack';
import { EnvironmentSettingsSnapshot, SettingsStore } from './types';

const REPOSITORY = 'https://git.example/smartstack/web/blob/main/';
const [DEV, STAGING, PROD] = SMARTSTACK_ENVIRONMENTS;
const MATRIX: EnvironmentMatrix = {
  entityRef: 'component:default/web',
  environments: [
    smartstackState(DEV, { API_URL: 'x' }),
    smartstackState(STAGING, { API_URL: 'x' }),
    smartstackState(PROD, { API_URL: 'x' }),
  ],
};

function serviceWith(files: Record<string, string>) {
  const store: SettingsStore = {
    saveSnapshots: jest.fn(),
    getSnapshots: async (): Promise<EnvironmentSettingsSnapshot[]> => [],
    removeServicesExcept: jest.fn(),
  };
  return new SettingsService({
    environments: SMARTSTACK_ENVIRONMENTS,
    config: {
      parameterPaths: [SMARTSTACK_PATTERN],
      readRepositoryFile: true,
      rules: NO_RULES,
      promotionGate: { prod: 'block' },
    },
    collector: new SettingsCollector({
      readers: { forLocation: jest.fn() },
      environments: SMARTSTACK_ENVIRONMENTS,
      pathPatterns: [SMARTSTACK_PATTERN],
    }),
    store,
    matrices: { getMatrix: async () => MATRIX },
    repository: { readFile: async url => files[url] },
    logger: mockServices.logger.mock(),
  });
}

const facts = {
  entityRef: 'component:default/web',
  project: 'smartstack',
  component: 'web',
  sourceLocation: `url:${REPOSITORY}`,
};

describe('SettingsService', () => {
  it("judges a service by its repository's rules, naming the file and line of each", async () => {
    const service = serviceWith({
      [`${REPOSITORY}${RULE_FILE}`]:
        'variables:\n  API_URL: { required: all }\n  SENTRY_DSN: { required: [prod] }\n',
    });

    const gate = await service.gate(facts, 'prod');

    expect(gate).toMatchObject({ mode: 'block', blocks: true });
    expect(gate.findings.map(f => [f.rule, f.subject])).toEqual([
      ['settings.required', 'SENTRY_DSN'],
    ]);
    expect(gate.findings[0].message).toContain(
      `(${REPOSITORY}envs/settings.yaml:3)`,
    );
    expect(await service.gate(facts, 'staging')).toMatchObject({
      mode: 'warn',
      blocks: false,
      findings: [],
    });
  });

  it('reports an unusable repository file once, as a warning that blocks nothing', async () => {
    const service = serviceWith({
      [`${REPOSITORY}${RULE_FILE}`]: 'variables:\n  DEBUG: { only: [qa] }\n',
    });

    const { findings } = await service.read(facts);

    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'settings.rules-unreadable',
        severity: 'warning',
        resource: `${REPOSITORY}envs/settings.yaml`,
        message: `The configuration rules could not be used: ${REPOSITORY}envs/settings.yaml:2: 'qa' is not an environment; the environments are dev, staging, prod`,
      }),
    ]);
    expect((await service.gate(facts, 'dev')).blocks).toBe(false);
  });
});
