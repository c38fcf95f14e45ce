import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { REPO_ROOT } from './paths';

/** The fleet definition shipped with the repository: the story of the demo. */
export const DEMO_FLEET_FILE = path.join(
  REPO_ROOT,
  'examples/fleet/demo-fleet.yaml',
);

/** Function settings an environment declares, or a deployment overrides. */
export interface FunctionSettings {
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
}

/**
 * Variables, parameters, secrets and flags of the configuration matrix. `{component}` in a value is the
 * service's component. Parameters and secrets are named `/<project>/<shortName>/<component>/<name>`.
 */
export interface DemoSettings {
  /** Lambda environment variables. */
  variables: Record<string, string>;
  /** String parameters (flags among them). */
  parameters: Record<string, string>;
  /** SecureString parameters; their values must never reach the product's API, store or log. */
  secureParameters: Record<string, string>;
  /** Secrets Manager secrets; their values must never be read. */
  secrets: Record<string, string>;
  /** Names given by the environment that a deployment leaves out. */
  omit: string[];
}

/** One environment of the pipeline, in its own AWS account. */
export interface DemoEnvironment {
  name: string;
  shortName: string;
  longName: string;
  accountId: string;
  declared: FunctionSettings;
  /** What every service gets in this environment. */
  settings?: DemoSettings;
}

/** A service in one environment: its release history and where it departs from the rules. */
export interface DemoDeployment extends Partial<FunctionSettings> {
  /** Releases the function ran, oldest first; the last one is live. */
  releases: string[];
  /** Function name instead of `<project>-<component>-<shortName>`. */
  functionName?: string;
  /** Required tags the function does not carry. */
  omitTags?: string[];
  /** The function's stack defines its `live` alias (an AWS::Lambda::Alias), as a team's pipeline may. */
  stackOwnsLiveAlias?: boolean;
  /** Added to (or overriding) the environment's settings, or leaving some out. */
  settings?: DemoSettings;
}

/** A service of the fleet (a catalog Component). */
export interface DemoService {
  component: string;
  owner: string;
  costCenter: string;
  /** By environment name. */
  environments: Record<string, DemoDeployment>;
}

/** The whole demo fleet, as written in examples/fleet/demo-fleet.yaml. */
export interface DemoFleet {
  project: string;
  title: string;
  region: string;
  environments: DemoEnvironment[];
  requiredTags: string[];
  services: DemoService[];
}

/** Reads and checks a fleet definition file (the repository's own by default). */
export function loadDemoFleet(file: string = DEMO_FLEET_FILE): DemoFleet {
  return parseDemoFleet(fs.readFileSync(file, 'utf8'), file);
}

type Json = Record<string, unknown>;

/** Tags the seeder knows a value for; see plan.ts. */
export const FLEET_TAGS = [
  'Project',
  'Component',
  'Environment',
  'ManagedBy',
  'Owner',
  'CostCenter',
];

/**
 * Parses a fleet definition and checks it, so that a mistake in the YAML is reported with its
 * place (`services[2].environments.prod.releases`) instead of failing half-way through seeding.
 */
export function parseDemoFleet(text: string, source = 'fleet'): DemoFleet {
  const fail = (where: string, what: string): never => {
    throw new Error(`${source}: ${where} ${what}`);
  };
  const object = (value: unknown, where: string, keys: string[]): Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(where, 'must be a mapping');
    }
    const unknown = Object.keys(value).filter(key => !keys.includes(key));
    if (unknown.length > 0) {
      fail(
        where,
        `has unknown keys ${unknown.join(', ')} (allowed: ${keys.join(', ')})`,
      );
    }
    return value as Json;
  };
  const name = (
    value: unknown,
    where: string,
    pattern = /^[a-z0-9][a-z0-9-]*$/,
  ): string =>
    typeof value === 'string' && pattern.test(value)
      ? value
      : fail(
          where,
          `must be a name matching ${pattern} (got ${JSON.stringify(value)})`,
        );
  const nonEmpty = (value: unknown, where: string): string =>
    typeof value === 'string' && value.trim() !== ''
      ? value
      : fail(where, 'must be a non-empty string');
  const positive = (value: unknown, where: string): number =>
    Number.isInteger(value) && (value as number) > 0
      ? (value as number)
      : fail(
          where,
          `must be a positive whole number (got ${JSON.stringify(value)})`,
        );
  const flag = (value: unknown, where: string): boolean =>
    typeof value === 'boolean'
      ? value
      : fail(where, `must be true or false (got ${JSON.stringify(value)})`);
  const list = (value: unknown, where: string): unknown[] =>
    Array.isArray(value) && value.length > 0
      ? value
      : fail(where, 'must be a non-empty list');

  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return fail('', `is not valid YAML: ${(error as Error).message}`);
  }
  const root = object(document, 'the document', [
    'project',
    'title',
    'region',
    'environments',
    'requiredTags',
    'services',
  ]);

  const settings = (value: Json, where: string, required: boolean) => {
    const result: Partial<FunctionSettings> = {};
    for (const key of [
      'memorySize',
      'timeout',
      'reservedConcurrency',
    ] as const) {
      if (value[key] !== undefined || required) {
        result[key] = positive(value[key], `${where}.${key}`);
      }
    }
    return result;
  };

  const stringMap = (value: unknown, where: string): Record<string, string> => {
    const map = object(value ?? {}, where, Object.keys(value ?? {}));
    for (const [key, v] of Object.entries(map)) {
      name(key, `${where}.${key}`, /^[A-Za-z][A-Za-z0-9_]*$/);
      nonEmpty(v, `${where}.${key}`);
    }
    return map as Record<string, string>;
  };
  const demoSettings = (value: unknown, where: string): DemoSettings => {
    const raw = object(value, where, [
      'variables',
      'parameters',
      'secureParameters',
      'secrets',
      'omit',
    ]);
    return {
      variables: stringMap(raw.variables, `${where}.variables`),
      parameters: stringMap(raw.parameters, `${where}.parameters`),
      secureParameters: stringMap(
        raw.secureParameters,
        `${where}.secureParameters`,
      ),
      secrets: stringMap(raw.secrets, `${where}.secrets`),
      omit: ((raw.omit as unknown[] | undefined) ?? []).map((n, i) =>
        nonEmpty(n, `${where}.omit[${i}]`),
      ),
    };
  };

  const environments = list(root.environments, 'environments').map(
    (value, i) => {
      const where = `environments[${i}]`;
      const env = object(value, where, [
        'name',
        'shortName',
        'longName',
        'accountId',
        'declared',
        'settings',
      ]);
      return {
        name: name(env.name, `${where}.name`),
        shortName: name(env.shortName, `${where}.shortName`),
        longName: name(env.longName, `${where}.longName`),
        accountId: name(env.accountId, `${where}.accountId`, /^\d{12}$/),
        declared: settings(
          object(env.declared, `${where}.declared`, [
            'memorySize',
            'timeout',
            'reservedConcurrency',
          ]),
          `${where}.declared`,
          true,
        ) as FunctionSettings,
        ...(env.settings !== undefined && {
          settings: demoSettings(env.settings, `${where}.settings`),
        }),
      };
    },
  );
  const environmentNames = environments.map(env => env.name);

  const requiredTags = list(root.requiredTags, 'requiredTags').map((tag, i) =>
    FLEET_TAGS.includes(tag as string)
      ? (tag as string)
      : fail(
          `requiredTags[${i}]`,
          `must be one of ${FLEET_TAGS.join(', ')} (got ${JSON.stringify(
            tag,
          )})`,
        ),
  );

  const services = list(root.services, 'services').map((value, i) => {
    const where = `services[${i}]`;
    const service = object(value, where, [
      'component',
      'owner',
      'costCenter',
      'environments',
    ]);
    const deployments = object(
      service.environments,
      `${where}.environments`,
      environmentNames,
    );
    return {
      component: name(service.component, `${where}.component`),
      owner: name(service.owner, `${where}.owner`),
      costCenter: nonEmpty(service.costCenter, `${where}.costCenter`),
      environments: Object.fromEntries(
        Object.entries(deployments).map(([environment, raw]) => {
          const at = `${where}.environments.${environment}`;
          const deployment = object(raw, at, [
            'releases',
            'functionName',
            'omitTags',
            'memorySize',
            'timeout',
            'reservedConcurrency',
            'stackOwnsLiveAlias',
            'settings',
          ]);
          const releases = list(deployment.releases, `${at}.releases`).map(
            (release, r) =>
              // Releases are ECR image tags.
              name(
                release,
                `${at}.releases[${r}]`,
                /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
              ),
          );
          if (new Set(releases).size !== releases.length) {
            fail(`${at}.releases`, 'lists a release twice');
          }
          const omitTags = (deployment.omitTags as unknown[] | undefined)?.map(
            (tag, t) =>
              requiredTags.includes(tag as string)
                ? (tag as string)
                : fail(
                    `${at}.omitTags[${t}]`,
                    `must be one of requiredTags (got ${JSON.stringify(tag)})`,
                  ),
          );
          const result: DemoDeployment = {
            releases,
            ...settings(deployment, at, false),
            ...(deployment.functionName !== undefined && {
              functionName: name(deployment.functionName, `${at}.functionName`),
            }),
            ...(omitTags && { omitTags }),
            ...(deployment.stackOwnsLiveAlias !== undefined && {
              stackOwnsLiveAlias: flag(
                deployment.stackOwnsLiveAlias,
                `${at}.stackOwnsLiveAlias`,
              ),
            }),
            ...(deployment.settings !== undefined && {
              settings: demoSettings(deployment.settings, `${at}.settings`),
            }),
          };
          return [environment, result];
        }),
      ),
    };
  });

  const components = services.map(service => service.component);
  const duplicate = components.find((c, i) => components.indexOf(c) !== i);
  if (duplicate) {
    fail('services', `lists the component ${duplicate} twice`);
  }

  return {
    project: name(root.project, 'project'),
    title: nonEmpty(root.title, 'title'),
    region: name(root.region, 'region'),
    environments,
    requiredTags,
    services,
  };
}
