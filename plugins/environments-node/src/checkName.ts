/**
 * Checking a resource's name against a naming convention: as written, or else by the loosest reading
 * that matches, to say what is wrong (spelling of the environment, order, case, separators). Pure.
 */
import {
  applyTokenCase,
  NameCheckResult,
  NamingContext,
  NamingConvention,
  NamingPart,
  NamingProblem,
  NamingToken,
  renderName,
  tokenValue,
} from './naming';

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

/** A token of a convention, as parsed. */
type TokenPart = Extract<NamingPart, { type: 'token' }>;

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
    (part): part is TokenPart => part.type === 'token',
  );
  const identity = tokens.map((_, index) => index);
  const found = readName(name, convention, context, tokens, identity);
  if (!found) {
    const expected = renderName(convention, context);
    return violation(name, expected, convention, [
      {
        rule: 'naming.pattern',
        message: `does not follow the convention ${convention.pattern}`,
      },
    ]);
  }
  const { freeValues, caseProblems } = readTokens(found, tokens, context);
  const expected = renderName(convention, context, freeValues);
  if (expected === name) {
    return { ok: true, expected };
  }
  const problems = problemsOf(found, {
    convention,
    context,
    tokens,
    identity,
    caseProblems,
  });
  return violation(name, expected, convention, problems);
}

/** How the name reads against the convention: as written if it can, else the loosest reading needed. */
function readName(
  name: string,
  convention: NamingConvention,
  context: NamingContext,
  tokens: TokenPart[],
  identity: number[],
): Match | undefined {
  // Most names follow their convention: read them as written before trying every looser reading.
  const asWritten = matchVariant(convention, context, name, {
    order: identity,
    swappedSpelling: false,
    ignoreCase: false,
    anySeparator: false,
  });
  if (asWritten) {
    return asWritten;
  }
  for (const variant of looseVariants(tokens, identity, context)) {
    const found = matchVariant(convention, context, name, variant);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** The free tokens as the name spells them, in the case the convention wants, and the case mistakes. */
function readTokens(
  found: Match,
  tokens: TokenPart[],
  context: NamingContext,
): {
  freeValues: Partial<Record<NamingToken, string>>;
  caseProblems: string[];
} {
  const freeValues: Partial<Record<NamingToken, string>> = {};
  const caseProblems: string[] = [];
  found.variant.order.forEach((tokenIndex, position) => {
    const part = tokens[tokenIndex];
    const captured = found.captures[position];
    const known = variantValue(part, context, found.variant);
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
  return { freeValues, caseProblems };
}

/** What a name that reads only loosely does wrong: spelling, order, case, separators. */
function problemsOf(
  found: Match,
  options: {
    convention: NamingConvention;
    context: NamingContext;
    tokens: TokenPart[];
    identity: number[];
    caseProblems: string[];
  },
): NamingProblem[] {
  const { convention, context, tokens, identity, caseProblems } = options;
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
  return problems;
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
