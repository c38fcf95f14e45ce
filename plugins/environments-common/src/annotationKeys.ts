import leven from 'leven';
import {
  ANNOTATION_PREFIX,
  COMPONENT_ANNOTATION,
  FUNCTION_NAME_ANNOTATION_PREFIX,
  PROJECT_ANNOTATION,
} from './annotations';
import {
  NAMING_CONVENTION_ANNOTATION,
  NAMING_RESOURCE_TYPES,
} from './compliance/annotations';
import { SMOKE_URL_ANNOTATION_PREFIX } from './promotion';
import type { EnvironmentDefinition, UnknownAnnotation } from './models';

/** How many edits (insert, delete, replace a character) a misspelt key may be from the one it means. */
const MAX_EDITS = 2;

const FIXED_KEYS = [
  PROJECT_ANNOTATION,
  COMPONENT_ANNOTATION,
  NAMING_CONVENTION_ANNOTATION,
  ...NAMING_RESOURCE_TYPES.map(
    type => `${NAMING_CONVENTION_ANNOTATION}.${type}`,
  ),
];
const PER_ENVIRONMENT_PREFIXES = [
  FUNCTION_NAME_ANNOTATION_PREFIX,
  SMOKE_URL_ANNOTATION_PREFIX,
];

/**
 * The one of `candidates` closest to `value`, ignoring case, when it is at most `maxEdits` edits
 * (insert, delete or replace a character) away: what a misspelt key is likely meant as. Shared by the
 * annotation check here and the backend's check of config keys.
 */
export function closestMatch(
  value: string,
  candidates: readonly string[],
  maxEdits: number,
): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = leven(value.toLowerCase(), candidate.toLowerCase());
    if (distance <= maxEdits && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** The closest of `candidates` to `value`, if within {@link MAX_EDITS}. */
function closest(value: string, candidates: string[]): string | undefined {
  return closestMatch(value, candidates, MAX_EDITS);
}

/**
 * The annotations of an entity that look meant for the Environments plugins (their prefix is, or is
 * close to, `environments.io/`) but are none they read, each with the key it is likely meant as:
 * `environments.io/projcet` → `environments.io/project`, `environments.io/fuction.prod` →
 * `environments.io/function.prod`, `environments.io/function.production` → `environments.io/function.prod`
 * (per-environment keys take the environment's `name`).
 */
export function findUnknownAnnotations(
  annotations: Record<string, string> | undefined,
  environments: Array<
    Pick<EnvironmentDefinition, 'name' | 'shortName' | 'longName'>
  >,
): UnknownAnnotation[] {
  const perEnvironmentKeys = PER_ENVIRONMENT_PREFIXES.flatMap(prefix =>
    environments.map(env => `${prefix}${env.name}`),
  );
  const known = new Set([...FIXED_KEYS, ...perEnvironmentKeys]);
  const unknown: UnknownAnnotation[] = [];
  for (const key of Object.keys(annotations ?? {})) {
    const prefix = key.split('/')[0];
    if (known.has(key) || !closest(prefix, [ANNOTATION_PREFIX])) {
      continue;
    }
    const perEnvironment = PER_ENVIRONMENT_PREFIXES.find(p =>
      key.startsWith(p),
    );
    if (perEnvironment) {
      unknown.push(unknownEnvironment(key, perEnvironment, environments));
      continue;
    }
    const likelyMeant = closest(key, [...known]);
    unknown.push({
      annotation: key,
      ...(likelyMeant ? { likelyMeant } : {}),
      message: likelyMeant
        ? `The annotation ${key} is not one the Environments plugins read: did you mean ${likelyMeant}?`
        : `The annotation ${key} is not one the Environments plugins read (see docs/annotations.md)`,
    });
  }
  return unknown;
}

/** A per-environment key (`environments.io/function.<env>`) whose environment is not configured. */
function unknownEnvironment(
  key: string,
  prefix: string,
  environments: Array<
    Pick<EnvironmentDefinition, 'name' | 'shortName' | 'longName'>
  >,
): UnknownAnnotation {
  const written = key.slice(prefix.length);
  const environment =
    environments.find(env =>
      [env.shortName, env.longName].some(
        spelling => spelling.toLowerCase() === written.toLowerCase(),
      ),
    )?.name ??
    closest(
      written,
      environments.map(env => env.name),
    );
  const likelyMeant = environment ? `${prefix}${environment}` : undefined;
  return {
    annotation: key,
    ...(likelyMeant ? { likelyMeant } : {}),
    message: `The annotation ${key} names no configured environment ('${written}'; the environments are ${environments
      .map(env => env.name)
      .join(', ')})${likelyMeant ? `: did you mean ${likelyMeant}?` : ''}`,
  };
}
