import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { loadConfigSchema } from '@backstage/config-loader';
import { JsonValue } from '@backstage/types';
import { closestMatch } from '@internal/backstage-plugin-environments-common';

/** The part of a JSON schema that says which keys a config value may have. */
export interface KeySchema {
  properties?: Record<string, KeySchema>;
  /** A schema: any key is allowed (a map such as `tags.allowedValues`). */
  additionalProperties?: KeySchema | boolean;
  items?: KeySchema;
  anyOf?: KeySchema[];
  type?: string | string[];
}

/** A key of the config that the schema does not declare. */
export interface UnknownKey {
  /** The full key path, e.g. `environments.definitions[2].promotion.aprovals`. */
  path: string;
  /** The keys declared where it was found. */
  known: string[];
}

const PACKAGE = '@internal/backstage-plugin-environments-backend';

let environmentsSchema: Promise<KeySchema> | undefined;

/**
 * The schema of the `environments` section, compiled from the plugin's `config.d.ts` (the one place
 * keys are declared) the way Backstage compiles every plugin's config schema. Compiling takes seconds
 * (a TypeScript program), so the result is kept once a process, and on disk by config.d.ts's content.
 */
export function loadEnvironmentsKeySchema(): Promise<KeySchema> {
  environmentsSchema ??= (async () => {
    const source = await fs.readFile(
      resolvePackagePath(PACKAGE, 'config.d.ts'),
      'utf8',
    );
    const cached = cacheFile(source);
    try {
      return JSON.parse(await fs.readFile(cached, 'utf8'));
    } catch {
      // Not compiled yet for this config.d.ts.
    }
    const section = await compileEnvironmentsSchema();
    const partial = `${cached}.${process.pid}`;
    await fs
      .mkdir(dirname(cached), { recursive: true })
      .then(() => fs.writeFile(partial, JSON.stringify(section)))
      .then(() => fs.rename(partial, cached))
      .catch(() => undefined); // A read-only install compiles at each start.
    return section;
  })();
  return environmentsSchema;
}

/** Where the compiled schema of this config.d.ts is kept: node_modules/.cache, as build tools do. */
function cacheFile(source: string): string {
  const loader = require.resolve('@backstage/config-loader/package.json');
  const hash = createHash('sha256')
    .update(source)
    .update(JSON.parse(readFileSync(loader, 'utf8')).version)
    .digest('hex');
  const nodeModules = resolve(dirname(loader), '..', '..');
  return join(
    nodeModules,
    '.cache',
    'environments-config-keys',
    `${hash}.json`,
  );
}

async function compileEnvironmentsSchema(): Promise<KeySchema> {
  const schema = await loadConfigSchema({
    dependencies: [],
    packagePaths: [resolvePackagePath(PACKAGE, 'package.json')],
    excludePackageDependencies: true,
  });
  // The serialized form holds each package's JSON schema as compiled from its config.d.ts.
  const [{ value }] = schema.serialize().schemas as unknown as Array<{
    value: KeySchema;
  }>;
  const section = value.properties?.environments;
  if (!section) {
    throw new Error('config.d.ts declares no environments section');
  }
  return section;
}

/** The keys of `value` (and below) that `schema` does not declare, each with its full path. */
export function findUnknownKeys(
  value: JsonValue | undefined,
  schema: KeySchema,
  path: string,
): UnknownKey[] {
  const branch = matchingBranch(value, schema);
  if (Array.isArray(value)) {
    return branch.items
      ? value.flatMap((item, index) =>
          findUnknownKeys(item, branch.items!, `${path}[${index}]`),
        )
      : [];
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const properties = branch.properties ?? {};
  const additional = branch.additionalProperties;
  return Object.entries(value).flatMap(([key, child]) => {
    const childSchema =
      properties[key] ??
      (typeof additional === 'object' ? additional : undefined);
    if (childSchema) {
      return findUnknownKeys(child, childSchema, `${path}.${key}`);
    }
    if (additional === true || branch.properties === undefined) {
      return [];
    }
    return [{ path: `${path}.${key}`, known: Object.keys(properties) }];
  });
}

/** Of a union (`HumanDuration | string`, `false | {…}`), the branch describing an object or an array. */
function matchingBranch(value: JsonValue | undefined, schema: KeySchema) {
  if (!schema.anyOf) {
    return schema;
  }
  const wanted = Array.isArray(value) ? 'array' : 'object';
  return (
    schema.anyOf.find(branch => [branch.type].flat().includes(wanted)) ?? schema
  );
}

/** The declared key most like `key`, when one is close enough to be a typo of it. */
export function closestKey(key: string, known: string[]): string | undefined {
  // Two edits (a swapped pair of letters is two) or a third of the word, whichever allows more.
  return closestMatch(key, known, Math.max(2, Math.floor(key.length / 3)));
}

/** "<path> is not a known key; did you mean <closest>?", or the keys known there when none is close. */
export function describeUnknownKey({ path, known }: UnknownKey): string {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const closest = closestKey(key, known);
  if (closest) {
    return `${path} is not a known key; did you mean ${closest}?`;
  }
  return `${path} is not a known key; the keys there are ${
    known.join(', ') || 'none'
  }`;
}

/**
 * Refuses a config whose `environments` section holds a key that `config.d.ts` does not declare: a
 * typo in an optional key (`aprovals`) would otherwise silently fall back to its default. Throws an
 * Error listing every unknown key with the closest known one. The `aws` section belongs to
 * integration-aws-node and is not checked here.
 */
export async function assertKnownEnvironmentsKeys(
  config: Config,
): Promise<void> {
  const section = config.getOptional('environments');
  if (section === undefined) {
    return;
  }
  const unknown = findUnknownKeys(
    section,
    await loadEnvironmentsKeySchema(),
    'environments',
  );
  if (unknown.length > 0) {
    throw new Error(
      `${unknown
        .map(describeUnknownKey)
        .join('; ')} (every key is described in docs/configuration.md)`,
    );
  }
}
