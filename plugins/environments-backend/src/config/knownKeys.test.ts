import fs from 'node:fs';
import path from 'node:path';
import { Config, ConfigReader } from '@backstage/config';
import { JsonObject, JsonValue } from '@backstage/types';
import { parse as parseYaml } from 'yaml';
import {
  assertKnownEnvironmentsKeys,
  closestKey,
  findUnknownKeys,
  loadEnvironmentsKeySchema,
} from './knownKeys';
import { readPluginConfig } from './readPluginConfig';

const location = { accountId: '111111111111', region: 'eu-west-1' };

function withEnvironments(environments: JsonObject) {
  return new ConfigReader({ environments });
}

/** A section with every key of config.d.ts set, so that every reader walks all of its branches. */
const EVERY_KEY: JsonObject = {
  definitions: [
    { name: 'dev', locations: [location] },
    { name: 'staging', locations: [location] },
    {
      name: 'prod',
      title: 'Production',
      shortName: 'prd',
      longName: 'production',
      locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
      declared: { memory: 1024, timeout: 30, architecture: 'arm64' },
      requiredTags: ['CostCenter'],
      promotion: {
        requiresApproval: true,
        approvals: 2,
        approvers: ['group:default/release-managers'],
        requestTtl: { days: 3 },
        approvalTtl: '4h',
        allowSkipFrom: ['dev'],
        windows: [
          { reason: 'weekend', days: ['sat'], start: '00:00', end: '24:00' },
          {
            reason: 'freeze',
            from: '2026-12-20T00:00:00Z',
            until: '2027-01-04T00:00:00Z',
          },
        ],
        trafficShift: { steps: [10, 100], wait: { minutes: 2 } },
      },
      rollback: { allowedGroups: ['group:default/sre'] },
    },
  ],
  accounts: [
    {
      accountId: '333333333333',
      endpoint: 'http://127.0.0.1:4566',
      writeRoleName: 'promoter',
    },
  ],
  discovery: { projectTag: 'p', componentTag: 'c', environmentTag: 'e' },
  refresh: {
    frequency: '10m',
    timeout: { minutes: 15 },
    newServicesFrequency: '30s',
  },
  rateLimits: {
    getFunctionPerSecond: 5,
    lambdaControlPlanePerSecond: 5,
    cloudFormationPerSecond: 5,
  },
  compliance: {
    naming: {
      conventions: {
        lambdaFunction: '{project}-{component}-{env}',
        cloudFormationStack: '{project}-{component}-{env}',
      },
    },
    tags: {
      required: ['Project'],
      allowedValues: { ManagedBy: ['terraform'] },
      ownerTag: 'Owner',
    },
    parity: { allowedToDiffer: ['memory'] },
    readRepositoryFiles: false,
    cloudFormationDrift: { stacksPerRun: 2, frequency: { hours: 1 } },
  },
  promotion: {
    writeRoleName: 'promoter',
    updateTimeout: { minutes: 5 },
    smokeCheck: { timeout: '10s', attempts: 2, interval: '1s' },
    trafficShift: { steps: [50, 100], wait: '1m' },
  },
};

/**
 * The config, recording every key a reader asks for (present or not) as a full path such as
 * `environments.definitions[2].promotion.approvals`.
 */
function recordingConfig(data: JsonObject) {
  const asked = new Set<string>();
  const wrap = (config: Config, at: string): Config =>
    new Proxy(config, {
      get(target, property, receiver) {
        const member = Reflect.get(target, property, receiver);
        if (typeof member !== 'function') {
          return member;
        }
        return (...args: unknown[]) => {
          const key = typeof args[0] === 'string' ? args[0] : undefined;
          const keyPath = key ? `${at}.${key}` : at;
          if (key) {
            asked.add(keyPath);
          }
          const result = member.apply(target, args);
          if (result instanceof ConfigReader) {
            return wrap(result, keyPath);
          }
          if (Array.isArray(result) && result[0] instanceof ConfigReader) {
            return result.map((item, i) => wrap(item, `${keyPath}[${i}]`));
          }
          return result;
        };
      },
    });
  const root = wrap(new ConfigReader(data), '');
  return { config: root, asked };
}

/** `{ a: [{ b: null }] }` for the path `.a[0].b`: the keys a reader asked for, as config data. */
function asData(paths: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const keyPath of paths) {
    const segments = keyPath
      .split(/\.|(?=\[)/)
      .filter(Boolean)
      .map(s => (s.startsWith('[') ? Number(s.slice(1, -1)) : s));
    let node: any = root;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const next = typeof segments[i + 1] === 'number' ? [] : {};
      node[segment] ??= last ? null : next;
      node = node[segment];
    });
  }
  return root;
}

describe('unknown keys under environments', () => {
  it('refuses the typos of optional keys, naming the full key and the one meant', async () => {
    const section = structuredClone(EVERY_KEY) as any;
    section.definitions[2].promotion = { aprovals: 2, aprovers: ['sre'] };
    section.promotoin = { writeRoleName: 'promoter' };
    section.refresh = { frequncy: { minutes: 2 } };

    await expect(
      assertKnownEnvironmentsKeys(withEnvironments(section)),
    ).rejects.toThrow(
      'environments.definitions[2].promotion.aprovals is not a known key; did you mean approvals?; ' +
        'environments.definitions[2].promotion.aprovers is not a known key; did you mean approvers?; ' +
        'environments.refresh.frequncy is not a known key; did you mean frequency?; ' +
        'environments.promotoin is not a known key; did you mean promotion? ' +
        '(every key is described in docs/configuration.md)',
    );
  });

  it('looks inside durations, one-of values and list items', async () => {
    const section = structuredClone(EVERY_KEY) as any;
    section.refresh.timeout = { minuts: 15 };
    section.definitions[2].promotion.trafficShift = { step: [100] };
    section.definitions[2].promotion.windows[0].timeZone = 'UTC';
    section.accounts[0].roleName = 'reader';

    await expect(
      assertKnownEnvironmentsKeys(withEnvironments(section)),
    ).rejects.toThrow(
      'environments.definitions[2].promotion.windows[0].timeZone is not a known key; did you mean timezone?; ' +
        'environments.definitions[2].promotion.trafficShift.step is not a known key; did you mean steps?; ' +
        'environments.accounts[0].roleName is not a known key; the keys there are accountId, endpoint, writeRoleName; ' +
        'environments.refresh.timeout.minuts is not a known key; did you mean minutes?',
    );
  });

  it('lists the known keys when no key is close to the unknown one', async () => {
    await expect(
      assertKnownEnvironmentsKeys(
        withEnvironments({ ...EVERY_KEY, refresh: { cron: '* * * * *' } }),
      ),
    ).rejects.toThrow(
      'environments.refresh.cron is not a known key; the keys there are frequency, timeout, newServicesFrequency',
    );
  });

  it('accepts every declared key, free keys of maps, and what other sections hold', async () => {
    const section = structuredClone(EVERY_KEY) as any;
    section.compliance.tags.allowedValues = { AnyTagKey: ['x'] };
    section.definitions[1].promotion = { trafficShift: false };
    await expect(
      assertKnownEnvironmentsKeys(
        new ConfigReader({
          environments: section,
          // integration-aws-node's keys are its own to check.
          aws: { accountDefaults: { roleName: 'r' }, unknownToUs: true },
        }),
      ),
    ).resolves.toBeUndefined();
    await expect(
      assertKnownEnvironmentsKeys(new ConfigReader({})),
    ).resolves.toBeUndefined();
  });

  it("accepts the demo's and the production app-config", async () => {
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      const data = parseYaml(
        fs.readFileSync(path.resolve(__dirname, '../../../..', file), 'utf8'),
      );
      await expect(
        assertKnownEnvironmentsKeys(new ConfigReader(data)),
      ).resolves.toBeUndefined();
    }
  });

  it('declares in config.d.ts every key the readers ask for', async () => {
    const { config, asked } = recordingConfig({ environments: EVERY_KEY });
    readPluginConfig(config);

    const read = [...asked].map(key => key.slice(1));
    const ours = read.filter(key => key.startsWith('environments.'));
    expect(ours).toContain('environments.definitions[2].promotion.approvals');
    expect(ours).toContain('environments.refresh.newServicesFrequency');
    const data = asData(ours);
    expect(
      findUnknownKeys(
        data.environments as JsonValue,
        await loadEnvironmentsKeySchema(),
        'environments',
      ),
    ).toEqual([]);
  });

  it('suggests a key only when it is close', () => {
    const known = ['approvals', 'approvers', 'requestTtl'];
    expect(closestKey('aprovals', known)).toBe('approvals');
    expect(closestKey('Approvers', known)).toBe('approvers');
    expect(closestKey('owners', known)).toBeUndefined();
  });
});
