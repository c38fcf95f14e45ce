import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';

const TOKENS = ['project', 'component', 'env', 'envLong', 'environment'];

/** Checks a Parameter Store path pattern; returns an error message, or undefined when it is usable. */
export function pathPatternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) {
    return `must start with '/', got '${pattern}'`;
  }
  if (
    !pattern.includes('{env}') &&
    !pattern.includes('{envLong}') &&
    !pattern.includes('{environment}')
  ) {
    return `must hold the environment ({env}, {envLong} or {environment}) so each environment reads its own path, got '${pattern}'`;
  }
  const unknown = [...pattern.matchAll(/\{([^}]*)\}/g)]
    .map(m => m[1])
    .find(token => !TOKENS.includes(token));
  return unknown === undefined
    ? undefined
    : `has the unknown token {${unknown}}; the tokens are ${TOKENS.map(
        t => `{${t}}`,
      ).join(', ')}`;
}

/** The Parameter Store path of a service in an environment, ending in `/` (e.g. `/shop/prod/checkout-api/`). */
export function environmentPath(
  pattern: string,
  service: { project: string; component: string },
  environment: EnvironmentDefinition,
): string {
  const values: Record<string, string> = {
    project: service.project,
    component: service.component,
    env: environment.shortName,
    envLong: environment.longName,
    environment: environment.name,
  };
  const path = pattern.replace(/\{([^}]*)\}/g, (_, token) => values[token]);
  return path.endsWith('/') ? path : `${path}/`;
}

/** The secret name prefixes of a path: secrets are named with or without the leading slash. */
export function secretPrefixes(path: string): string[] {
  return [path, path.slice(1)];
}

/** A setting's name from a parameter's or secret's full name: its last segment. */
export function settingName(fullName: string): string {
  const segments = fullName.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? fullName;
}
