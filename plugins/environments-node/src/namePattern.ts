/**
 * A naming convention with one service's known tokens filled in: the names it allows for that service
 * in one environment. Free tokens (`{purpose}`, `{stack}`, …) stay open and match any text, so the
 * pattern finds `billing-prod-api-handler` for `{project}-{env}-{component}-{purpose}`. Pure.
 */
import {
  NamingContext,
  NamingConvention,
  applyTokenCase,
  tokenValue,
} from './naming';

/** The names a convention allows for a service in an environment. */
export interface NamePattern {
  /** The convention's pattern, e.g. `{project}-{env}-{component}-{purpose}`. */
  convention: string;
  /** The pattern as users read it, free tokens kept: `billing-prod-api-{purpose}`. */
  text: string;
  /** True when the convention has no free token: `text` is the one name it allows. */
  exact: boolean;
  /** The text every allowed name starts with (up to the first free token). */
  prefix: string;
  /** The text every allowed name ends with (after the last free token). */
  suffix: string;
  /** Characters fixed by literals and known tokens: where two patterns allow a name, the larger wins. */
  fixedLength: number;
  /** Whether the convention allows this name, letter case included. */
  matches(name: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The names `convention` allows for the service and environment of `context`. */
export function namePattern(
  convention: NamingConvention,
  context: NamingContext,
): NamePattern {
  // Each part as fixed text, or undefined for a free token.
  const pieces = convention.parts.map(part => {
    if (part.type === 'literal') {
      return { fixed: part.text, shown: part.text };
    }
    const value = tokenValue(part.token, context);
    return value === undefined
      ? { fixed: undefined, shown: part.source }
      : { fixed: applyTokenCase(value, part.case), shown: undefined };
  });
  const text = pieces.map(p => p.fixed ?? p.shown).join('');
  const firstFree = pieces.findIndex(p => p.fixed === undefined);
  if (firstFree === -1) {
    return {
      convention: convention.pattern,
      text,
      exact: true,
      prefix: text,
      suffix: text,
      fixedLength: text.length,
      matches: name => name === text,
    };
  }
  let lastFree = pieces.length - 1;
  while (pieces[lastFree].fixed !== undefined) {
    lastFree--;
  }
  const fixedText = (from: number, to: number) =>
    pieces
      .slice(from, to)
      .map(p => p.fixed)
      .join('');
  const prefix = fixedText(0, firstFree);
  const suffix = fixedText(lastFree + 1, pieces.length);
  let regex: RegExp | undefined;
  // One free token: the name is the prefix, some text, the suffix; more need a regular expression,
  // compiled on first use (a refresh builds a pattern per service and environment).
  const matches =
    firstFree === lastFree
      ? (name: string) =>
          name.length > prefix.length + suffix.length &&
          name.startsWith(prefix) &&
          name.endsWith(suffix)
      : (name: string) => {
          regex ??= new RegExp(
            `^${pieces
              .map(p =>
                p.fixed === undefined ? '(.+?)' : escapeRegExp(p.fixed),
              )
              .join('')}$`,
          );
          return regex.test(name);
        };
  return {
    convention: convention.pattern,
    text,
    exact: false,
    prefix,
    suffix,
    fixedLength: pieces.reduce((sum, p) => sum + (p.fixed?.length ?? 0), 0),
    matches,
  };
}

/**
 * The values a service's resource names are built from in an environment; `{service}` names the same
 * thing as `{component}` in conventions that call it so.
 */
export function serviceNamingContext(
  service: { project: string; component: string },
  environment: { shortName: string; longName: string },
): NamingContext {
  return {
    project: service.project,
    component: service.component,
    service: service.component,
    environment: {
      shortName: environment.shortName,
      longName: environment.longName,
    },
  };
}
