import express from 'express';
import { InputError } from '@backstage/errors';
import { isImageDigest } from '@internal/backstage-plugin-environments-common';
import { MAX_LIST_LIMIT } from '../authorization/ServiceVisibility';
import { entityRefAt } from '../catalog/entityRefs';

// Reading the promotion routes' input: each helper throws an InputError saying what is wrong and where.

/** A request's JSON body. */
export type Body = Record<string, unknown>;

/** The JSON body as an object with only `allowed` keys; InputError naming what is wrong otherwise. */
export function readBody(req: express.Request, allowed: string[]): Body {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('The request body must be a JSON object');
  }
  const unknown = Object.keys(body).filter(key => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown field${
        unknown.length > 1 ? 's' : ''
      } in the request body: ${unknown.join(', ')} ` +
        `(allowed: ${allowed.join(', ') || 'none'})`,
    );
  }
  return body as Body;
}

export function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(
      `body.${key} is required and must be a non-empty string`,
    );
  }
  return value.trim();
}

export function optionalString(
  body: Body,
  key: string,
  maxLength = 2000,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`body.${key} must be a string`);
  }
  if (value.length > maxLength) {
    throw new InputError(
      `body.${key} must be at most ${maxLength} characters, got ${value.length}`,
    );
  }
  return value.trim() || undefined;
}

/** An optional image digest (`sha256:<64 hex>`), e.g. the one the user saw before requesting. */
export function optionalImageDigest(
  body: Body,
  key: string,
): string | undefined {
  const value = optionalString(body, key, 80);
  if (value !== undefined && !isImageDigest(value)) {
    throw new InputError(
      `body.${key} must be an image digest: sha256: and 64 lowercase hex digits, got '${value}'`,
    );
  }
  return value;
}

export function optionalBoolean(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new InputError(`body.${key} must be true or false`);
  }
  return value;
}

export function optionalQuery(
  req: express.Request,
  key: string,
): string | undefined {
  const value = req.query[key];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${key} must be given once`);
  }
  return value;
}

/** The name, when it is one of the configured environments; InputError naming `at` otherwise. */
export function environmentAt(
  name: string | undefined,
  at: string,
  environments: string[],
): string | undefined {
  if (name !== undefined && !environments.includes(name)) {
    throw new InputError(
      `${at}: no environment named '${name}'; the environments are ${environments.join(
        ', ',
      )}`,
    );
  }
  return name;
}

/** The `entityRef` query parameter as a full entity ref, when given. */
export function optionalEntityRefQuery(
  req: express.Request,
): string | undefined {
  const value = optionalQuery(req, 'entityRef');
  return value === undefined ? undefined : entityRefAt(value, 'entityRef');
}

/** A query parameter naming one of the configured environments, when given. */
export function optionalEnvironmentQuery(
  req: express.Request,
  key: string,
  environments: string[],
): string | undefined {
  return environmentAt(optionalQuery(req, key), key, environments);
}

/** The `limit` query parameter of a list: 1 to 500, or undefined (100). */
export function optionalLimit(req: express.Request): number | undefined {
  const limitParam = optionalQuery(req, 'limit');
  const limit = limitParam === undefined ? undefined : Number(limitParam);
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIST_LIMIT)
  ) {
    throw new InputError(
      `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got '${limitParam}'`,
    );
  }
  return limit;
}
