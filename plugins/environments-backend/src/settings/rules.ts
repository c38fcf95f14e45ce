import { isScalar, LineCounter, parseDocument } from 'yaml';
import { FlagRule, FollowRule, SettingsRules, VariableRule } from './types';

/** Says where a part of a rule document is: a config key, or a file and line. */
export type RuleLocator = (path: string[]) => string;

/** No rules at all. */
export const NO_RULES: SettingsRules = {
  variables: [],
  flags: [],
  follows: [],
};

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks parts of a rule document, failing with where (through the locator) and what. */
class RuleReader {
  constructor(readonly environments: string[], readonly at: RuleLocator) {}

  fail(path: string[], what: string): never {
    throw new Error(`${this.at(path)}: ${what}`);
  }

  environment(value: unknown, path: string[]): string {
    return typeof value === 'string' && this.environments.includes(value)
      ? value
      : this.fail(
          path,
          `'${String(
            value,
          )}' is not an environment; the environments are ${this.environments.join(
            ', ',
          )}`,
        );
  }

  environmentList(value: unknown, path: string[]): string[] {
    if (value === 'all') {
      return [...this.environments];
    }
    if (!Array.isArray(value)) {
      return this.fail(path, 'must be `all` or a list of environments');
    }
    return value.map((v, i) => this.environment(v, [...path, String(i)]));
  }

  map(value: unknown, path: string[], what: string): Record<string, unknown> {
    return isMap(value) ? value : this.fail(path, what);
  }
}

function variableRule(
  reader: RuleReader,
  name: string,
  raw: unknown,
): VariableRule {
  const path = ['variables', name];
  const keys = reader.map(
    raw,
    path,
    'must be a map with required, forbidden or only',
  );
  const rule: VariableRule = {
    name,
    required: [],
    forbidden: [],
    declaredAt: reader.at(path),
  };
  for (const [key, value] of Object.entries(keys)) {
    const list = reader.environmentList(value, [...path, key]);
    if (key === 'required') {
      rule.required.push(...list);
    } else if (key === 'forbidden') {
      rule.forbidden.push(...list);
    } else if (key === 'only') {
      rule.required.push(...list);
      rule.forbidden.push(
        ...reader.environments.filter(e => !list.includes(e)),
      );
    } else {
      reader.fail(
        [...path, key],
        `unknown key '${key}'; use required, forbidden or only`,
      );
    }
  }
  const both = rule.required.find(e => rule.forbidden.includes(e));
  if (both) {
    reader.fail(path, `is both required and forbidden in ${both}`);
  }
  return rule;
}

function flagRule(reader: RuleReader, name: string, raw: unknown): FlagRule {
  const path = ['flags', name];
  const plan: Record<string, boolean> = {};
  for (const [env, value] of Object.entries(
    reader.map(raw, path, 'must map environments to true or false'),
  )) {
    reader.environment(env, [...path, env]);
    plan[env] =
      typeof value === 'boolean'
        ? value
        : reader.fail(
            [...path, env],
            `must be true or false, got ${JSON.stringify(value)}`,
          );
  }
  return { name, plan, declaredAt: reader.at(path) };
}

/**
 * Parses a rule document (the same format in app-config and in a repository's `envs/settings.yaml`):
 * `variables` (name → required / forbidden / only), `flags` (name → environment → true or false) and
 * `follows` (environment → the environment whose flag plan it must match). Throws an Error saying where
 * (through `at`) and what is wrong.
 */
export function parseRules(
  document: unknown,
  environments: string[],
  at: RuleLocator,
): SettingsRules {
  if (document === undefined || document === null) {
    return NO_RULES;
  }
  const reader = new RuleReader(environments, at);
  const root = reader.map(
    document,
    [],
    'must be a map with variables, flags and follows',
  );
  for (const key of Object.keys(root)) {
    if (!['variables', 'flags', 'follows'].includes(key)) {
      reader.fail(
        [key],
        `unknown key '${key}'; the keys are variables, flags, follows`,
      );
    }
  }
  const section = (key: string) =>
    Object.entries(reader.map(root[key] ?? {}, [key], 'must be a map'));
  return {
    variables: section('variables').map(([name, raw]) =>
      variableRule(reader, name, raw),
    ),
    flags: section('flags').map(([name, raw]) => flagRule(reader, name, raw)),
    follows: section('follows').map(
      ([env, followed]): FollowRule => ({
        environment: reader.environment(env, ['follows', env]),
        follows: reader.environment(followed, ['follows', env]),
        declaredAt: at(['follows', env]),
      }),
    ),
  };
}

/** Where a rule of the app-config is: its config key. */
export function configRuleLocator(root: string): RuleLocator {
  return path => [root, ...path].join('.');
}

/**
 * Parses a repository's rule file; each rule is located by the file's URL and the line it starts on.
 * Throws an Error naming the file (and line) for invalid YAML or an invalid rule.
 */
export function parseRuleFile(
  contents: string,
  url: string,
  environments: string[],
): SettingsRules {
  const lineCounter = new LineCounter();
  const document = parseDocument(contents, { lineCounter });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    throw new Error(
      `${url}:${error.linePos?.[0].line ?? 1}: not valid YAML: ${
        error.message
      }`,
    );
  }
  return parseRules(document.toJS(), environments, path => {
    const offset = keyOffset(document, path);
    return offset === undefined
      ? url
      : `${url}:${lineCounter.linePos(offset).line}`;
  });
}

/** Where the key at the end of a path starts in a YAML document (its line is where the rule is). */
function keyOffset(
  document: ReturnType<typeof parseDocument>,
  path: string[],
): number | undefined {
  if (path.length === 0) {
    return 0;
  }
  const parent = (
    path.length === 1
      ? document.contents
      : document.getIn(path.slice(0, -1), true)
  ) as { items?: Array<{ key?: unknown }> } | undefined;
  const last = path[path.length - 1];
  type Ranged = { range?: [number, number, number] };
  for (const [index, item] of (parent?.items ?? []).entries()) {
    // A map's items are pairs with a scalar key; a sequence's items are the nodes themselves.
    if (isScalar(item.key)) {
      if (String(item.key.value) === last) {
        return item.key.range?.[0];
      }
    } else if (String(index) === last) {
      return (item as Ranged).range?.[0];
    }
  }
  return undefined;
}

/** The rules in force: the app-config's, then the repository's, which add to them. */
export function combineRules(...rules: SettingsRules[]): SettingsRules {
  return {
    variables: rules.flatMap(r => r.variables),
    flags: rules.flatMap(r => r.flags),
    follows: rules.flatMap(r => r.follows),
  };
}
