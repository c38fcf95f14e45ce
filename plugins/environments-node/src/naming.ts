/**
 * Naming conventions: configured patterns such as `{project}-{component}-{env}`, compiled once and
 * checked against the names of the resources found for a service. Pure; documented in docs/compliance.md.
 */

/**
 * The values a pattern is built from. `env` and `envLong` are the environment's short and long
 * spellings; `purpose`, `service` and `stack` name a part of the service that the catalog may not
 * know, so they match any text when absent from the context.
 */
export type NamingToken =
  | 'project'
  | 'component'
  | 'env'
  | 'envLong'
  | 'purpose'
  | 'service'
  | 'stack';

const TOKENS: readonly NamingToken[] = [
  'project',
  'component',
  'env',
  'envLong',
  'purpose',
  'service',
  'stack',
];

/** Tokens that may be missing from the context and then match any text. */
const OPTIONAL_TOKENS: ReadonlySet<NamingToken> = new Set([
  'purpose',
  'service',
  'stack',
]);

/**
 * The letter case a token is written in: `{project}` lower case, `{Project}` capitalised (each word's
 * first letter upper case, words joined), `{PROJECT}` upper case.
 */
export type TokenCase = 'lower' | 'capitalised' | 'upper';

/** One piece of a compiled pattern. */
export type NamingPart =
  | { type: 'literal'; text: string }
  | { type: 'token'; token: NamingToken; case: TokenCase; source: string };

/** A compiled naming convention. */
export interface NamingConvention {
  pattern: string;
  parts: NamingPart[];
}

/** What a name is checked against: the service's and environment's values for the tokens. */
export interface NamingContext {
  project: string;
  component: string;
  environment: { shortName: string; longName: string };
  /** Defaults to unknown (matches any text). */
  service?: string;
  purpose?: string;
  stack?: string;
}

/** The rule a name breaks; the most specific is reported first. */
export type NamingRule =
  | 'naming.environment-spelling'
  | 'naming.order'
  | 'naming.case'
  | 'naming.separator'
  | 'naming.pattern';

/** One thing wrong with a name. */
export interface NamingProblem {
  rule: NamingRule;
  message: string;
}

/** Why a name breaks its convention and what it should be. */
export interface NamingViolation {
  /** The most specific rule broken. */
  rule: NamingRule;
  /** Every problem found, most specific first. */
  problems: NamingProblem[];
  /** One sentence naming the resource, the rules and the expected name. */
  message: string;
  /** The name the convention gives; free tokens that could not be read from the name stay as `{token}`. */
  expected: string;
  actual: string;
}

/** The result of {@link checkName}. */
export type NameCheckResult =
  | { ok: true; expected: string }
  | { ok: false; violation: NamingViolation };

/** Thrown when a pattern cannot be compiled; the message says what is wrong and where. */
export class NamingConventionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamingConventionError';
  }
}

function tokenSpellings(): Map<
  string,
  { token: NamingToken; case: TokenCase }
> {
  const spellings = new Map<string, { token: NamingToken; case: TokenCase }>();
  for (const token of TOKENS) {
    spellings.set(token, { token, case: 'lower' });
    spellings.set(token[0].toUpperCase() + token.slice(1), {
      token,
      case: 'capitalised',
    });
    spellings.set(token.toUpperCase(), { token, case: 'upper' });
  }
  return spellings;
}

const SPELLINGS = tokenSpellings();

/**
 * Compiles a pattern such as `{project}-{component}-{env}`. Throws {@link NamingConventionError} for an
 * unknown token, an unbalanced brace, a pattern without tokens, or two optional tokens side by side
 * (they could not be told apart in a name).
 */
export function parseNamingConvention(pattern: string): NamingConvention {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new NamingConventionError(
      'A naming convention must be a non-empty pattern such as {project}-{component}-{env}',
    );
  }
  const parts: NamingPart[] = [];
  let position = 0;
  while (position < pattern.length) {
    const open = pattern.indexOf('{', position);
    const close = pattern.indexOf('}', position);
    if (close !== -1 && (open === -1 || close < open)) {
      throw new NamingConventionError(
        `Naming convention '${pattern}' has a '}' without '{' at position ${
          close + 1
        }`,
      );
    }
    if (open === -1) {
      parts.push({ type: 'literal', text: pattern.slice(position) });
      break;
    }
    if (open > position) {
      parts.push({ type: 'literal', text: pattern.slice(position, open) });
    }
    const end = pattern.indexOf('}', open);
    if (end === -1) {
      throw new NamingConventionError(
        `Naming convention '${pattern}' has a '{' without '}' at position ${
          open + 1
        }`,
      );
    }
    const name = pattern.slice(open + 1, end);
    const spelling = SPELLINGS.get(name);
    if (!spelling) {
      throw new NamingConventionError(
        `Naming convention '${pattern}' uses the unknown token {${name}}; known tokens are ${TOKENS.map(
          t => `{${t}}`,
        ).join(
          ', ',
        )}, capitalised (e.g. {Project}) or upper case (e.g. {PROJECT})`,
      );
    }
    const previous = parts[parts.length - 1];
    if (
      previous?.type === 'token' &&
      OPTIONAL_TOKENS.has(previous.token) &&
      OPTIONAL_TOKENS.has(spelling.token)
    ) {
      throw new NamingConventionError(
        `Naming convention '${pattern}' puts ${previous.source} and {${name}} side by side; put a separator between them`,
      );
    }
    parts.push({
      type: 'token',
      token: spelling.token,
      case: spelling.case,
      source: `{${name}}`,
    });
    position = end + 1;
  }
  if (!parts.some(part => part.type === 'token')) {
    throw new NamingConventionError(
      `Naming convention '${pattern}' has no token; use tokens such as {project}, {component}, {env}`,
    );
  }
  return { pattern, parts };
}

/** Writes a value in a token's case; capitalising upper-cases each word's first letter and joins the words. */
export function applyTokenCase(value: string, tokenCase: TokenCase): string {
  switch (tokenCase) {
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    default:
      return value
        .split(/[-_\s]+/)
        .filter(word => word.length > 0)
        .map(word => word[0].toUpperCase() + word.slice(1))
        .join('');
  }
}

/** A token's value in a context, before its case is applied; undefined for a free token the context lacks. */
export function tokenValue(
  token: NamingToken,
  context: NamingContext,
): string | undefined {
  switch (token) {
    case 'project':
      return context.project;
    case 'component':
      return context.component;
    case 'env':
      return context.environment.shortName;
    case 'envLong':
      return context.environment.longName;
    default:
      return context[token] || undefined;
  }
}

/**
 * Renders the name a convention gives in a context. Optional tokens missing from both the context and
 * `freeValues` stay as `{token}`.
 */
export function renderName(
  convention: NamingConvention,
  context: NamingContext,
  freeValues: Partial<Record<NamingToken, string>> = {},
): string {
  return convention.parts
    .map(part => {
      if (part.type === 'literal') {
        return part.text;
      }
      const value = tokenValue(part.token, context);
      if (value !== undefined) {
        return applyTokenCase(value, part.case);
      }
      // Free values come from the name being checked, already in the case the convention wants.
      return freeValues[part.token] ?? part.source;
    })
    .join('');
}
