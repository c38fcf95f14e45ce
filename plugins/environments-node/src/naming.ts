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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SEPARATORS = /[-_.\s]+/g;

function normaliseSeparators(text: string): string {
  return text.replace(SEPARATORS, '-');
}

interface Variant {
  order: number[];
  swappedSpelling: boolean;
  ignoreCase: boolean;
  anySeparator: boolean;
}

interface Match {
  variant: Variant;
  /** The text each token position of the permuted pattern matched. */
  captures: string[];
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) {
    return [items];
  }
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map(
      rest => [item, ...rest],
    ),
  );
}

/** Conventions with more tokens than this are not searched for a wrong order (n! variants). */
const MAX_TOKENS_FOR_ORDER = 6;

/** Renders a known token's value for a variant; undefined for a free token. */
function variantValue(
  part: Extract<NamingPart, { type: 'token' }>,
  context: NamingContext,
  variant: Variant,
): string | undefined {
  let token = part.token;
  if (variant.swappedSpelling && (token === 'env' || token === 'envLong')) {
    token = token === 'env' ? 'envLong' : 'env';
  }
  const value = tokenValue(token, context);
  return value === undefined ? undefined : applyTokenCase(value, part.case);
}

function matchVariant(
  convention: NamingConvention,
  context: NamingContext,
  name: string,
  variant: Variant,
): Match | undefined {
  const tokens = convention.parts.filter(
    (part): part is Extract<NamingPart, { type: 'token' }> =>
      part.type === 'token',
  );
  let tokenIndex = 0;
  const prepare = (text: string) =>
    variant.anySeparator ? normaliseSeparators(text) : text;
  const source = convention.parts
    .map(part => {
      if (part.type === 'literal') {
        return escapeRegExp(prepare(part.text));
      }
      const placed = tokens[variant.order[tokenIndex++]];
      const value = variantValue(placed, context, variant);
      return value === undefined
        ? '(.+?)'
        : `(${escapeRegExp(prepare(value))})`;
    })
    .join('');
  const match = new RegExp(`^${source}$`, variant.ignoreCase ? 'i' : '').exec(
    prepare(name),
  );
  return match ? { variant, captures: match.slice(1) } : undefined;
}

function describeOrder(convention: NamingConvention, order: number[]): string {
  const tokens = convention.parts.filter(part => part.type === 'token');
  let index = 0;
  return convention.parts
    .map(part =>
      part.type === 'literal'
        ? part.text
        : (tokens[order[index++]] as { source: string }).source,
    )
    .join('');
}

/** Every way of reading a name against a convention, the fewest deviations first. */
function looseVariants(
  tokens: Array<Extract<NamingPart, { type: 'token' }>>,
  identity: number[],
  context: NamingContext,
): Variant[] {
  const orders =
    tokens.length <= MAX_TOKENS_FOR_ORDER
      ? [
          identity,
          ...permutations(identity).filter(order =>
            order.some((v, i) => v !== i),
          ),
        ]
      : [identity];
  const spellingsDiffer =
    context.environment.shortName.toLowerCase() !==
      context.environment.longName.toLowerCase() &&
    tokens.some(part => part.token === 'env' || part.token === 'envLong');

  // Try the variants with the fewest deviations first, so the report names only what is really wrong.
  const variants: Variant[] = [];
  for (const anySeparator of [false, true]) {
    for (const ignoreCase of [false, true]) {
      for (const swappedSpelling of spellingsDiffer ? [false, true] : [false]) {
        for (const order of orders) {
          variants.push({ order, swappedSpelling, ignoreCase, anySeparator });
        }
      }
    }
  }
  const deviations = (v: Variant) =>
    Number(v.anySeparator) +
    Number(v.ignoreCase) +
    Number(v.swappedSpelling) +
    Number(v.order !== identity);
  variants.sort((a, b) => deviations(a) - deviations(b));

  return variants;
}

/**
 * Checks a resource name against a convention. Returns the expected name, and when the name breaks the
 * convention, which rules it breaks: the environment's other spelling (`production` for `prod`), the
 * right parts in the wrong order, the wrong letter case, other separators, or simply another pattern.
 */
export function checkName(
  name: string,
  convention: NamingConvention,
  context: NamingContext,
): NameCheckResult {
  const tokens = convention.parts.filter(
    (part): part is Extract<NamingPart, { type: 'token' }> =>
      part.type === 'token',
  );
  const identity = tokens.map((_, index) => index);
  // Most names follow their convention: read them as written before trying every looser reading.
  let found = matchVariant(convention, context, name, {
    order: identity,
    swappedSpelling: false,
    ignoreCase: false,
    anySeparator: false,
  });
  for (const variant of found ? [] : looseVariants(tokens, identity, context)) {
    found = matchVariant(convention, context, name, variant);
    if (found) {
      break;
    }
  }

  if (!found) {
    const expected = renderName(convention, context);
    return violation(name, expected, convention, [
      {
        rule: 'naming.pattern',
        message: `does not follow the convention ${convention.pattern}`,
      },
    ]);
  }

  // Read the free tokens from the name, in the case the convention wants them.
  const freeValues: Partial<Record<NamingToken, string>> = {};
  const caseProblems: string[] = [];
  found.variant.order.forEach((tokenIndex, position) => {
    const part = tokens[tokenIndex];
    const captured = found!.captures[position];
    const known = variantValue(part, context, found!.variant);
    if (known === undefined) {
      const wanted =
        part.case === 'capitalised'
          ? captured[0].toUpperCase() + captured.slice(1)
          : applyTokenCase(captured, part.case);
      freeValues[part.token] = wanted;
      if (wanted !== captured) {
        caseProblems.push(
          `${part.source} should be '${wanted}', found '${captured}'`,
        );
      }
    } else if (normaliseSeparators(known) !== normaliseSeparators(captured)) {
      // Only a case-insensitive variant gets here with different text: the letters are right, their case is not.
      caseProblems.push(
        `${part.source} should be '${known}', found '${captured}'`,
      );
    }
  });

  const expected = renderName(convention, context, freeValues);
  if (expected === name) {
    return { ok: true, expected };
  }

  const problems: NamingProblem[] = [];
  if (found.variant.swappedSpelling) {
    const usesLong = tokens.some(part => part.token === 'env');
    const { shortName, longName } = context.environment;
    problems.push({
      rule: 'naming.environment-spelling',
      message: usesLong
        ? `uses the long spelling '${longName}' of the environment where the convention wants the short '${shortName}' ({env})`
        : `uses the short spelling '${shortName}' of the environment where the convention wants the long '${longName}' ({envLong})`,
    });
  }
  if (found.variant.order !== identity) {
    problems.push({
      rule: 'naming.order',
      message: `has its parts in the wrong order: it reads ${describeOrder(
        convention,
        found.variant.order,
      )} where the convention is ${convention.pattern}`,
    });
  }
  if (caseProblems.length > 0) {
    problems.push({
      rule: 'naming.case',
      message: `has the wrong letter case: ${caseProblems.join(', ')}`,
    });
  }
  if (found.variant.anySeparator) {
    problems.push({
      rule: 'naming.separator',
      message: `uses other separators than the convention ${convention.pattern}`,
    });
  }
  if (problems.length === 0) {
    // Matched only loosely in a way none of the rules above explains (e.g. an env value written twice).
    problems.push({
      rule: 'naming.pattern',
      message: `does not follow the convention ${convention.pattern}`,
    });
  }
  return violation(name, expected, convention, problems);
}

function violation(
  actual: string,
  expected: string,
  convention: NamingConvention,
  problems: NamingProblem[],
): NameCheckResult {
  const details = problems.map(problem => problem.message).join('; ');
  return {
    ok: false,
    violation: {
      rule: problems[0].rule,
      problems,
      message: `'${actual}' breaks the naming convention ${convention.pattern}: it ${details}. Expected '${expected}'.`,
      expected,
      actual,
    },
  };
}
