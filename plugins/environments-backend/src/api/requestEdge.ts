import express from 'express';
import Router from 'express-promise-router';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { spec } from '../schema/openapi';

/** The largest JSON body the API accepts, in bytes: its requests carry a few short fields. */
export const REQUEST_BODY_LIMIT = 100 * 1024;

/** A request body over {@link REQUEST_BODY_LIMIT}: answered 413. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413 as const;
}

/** A method the spec does not list on a path it describes: answered 405. */
export class MethodNotAllowedError extends CustomErrorBase {
  name = 'MethodNotAllowedError' as const;
  statusCode = 405 as const;
}

// Unicode control characters (C0, DEL, C1). PostgreSQL refuses NUL in text; none belongs in an
// identifier. Free text in a body (a comment) may hold tabs and line breaks.
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/**
 * The checks every request of the plugin passes before any route sees it: the JSON body is parsed
 * with a size limit (413 beyond it), no string of the body, the query or the path may hold a control
 * character (400 naming the field; path parameters are named after the OpenAPI spec's paths), and a
 * path of the spec answers 405 to a method the spec does not list on it.
 */
export function createRequestEdge(): express.Router {
  const templates = Object.entries(spec.paths).map(([path, operations]) => ({
    segments: path.split('/'),
    methods: Object.keys(operations).map(m => m.toUpperCase()),
  }));
  const router = Router();
  router.use(express.json({ limit: REQUEST_BODY_LIMIT }));
  router.use(
    (
      error: unknown,
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => next(bodyError(error)),
  );
  router.use((req, res, next) => {
    const segments = req.path.split('/');
    const template = templates.find(t => matches(t.segments, segments));
    checkPath(segments, template?.segments);
    checkStrings(req.query, 'request/query', CONTROL);
    checkStrings(req.body, 'request/body', CONTROL_BUT_LINE_BREAKS);
    if (template && !allows(template.methods, req.method)) {
      // RFC 9110: a method the resource does not support is a 405 listing those it does.
      res.set('Allow', template.methods.join(', '));
      throw new MethodNotAllowedError(
        `${req.method} is not supported on ${
          req.path
        }; use ${template.methods.join(' or ')}`,
      );
    }
    next();
  });
  return router;
}

function matches(template: string[], segments: string[]): boolean {
  return (
    template.length === segments.length &&
    template.every((part, i) => part.startsWith('{') || part === segments[i])
  );
}

/** HEAD goes with GET, and Express answers OPTIONS itself. */
function allows(methods: string[], method: string): boolean {
  return (
    methods.includes(method) ||
    method === 'OPTIONS' ||
    (method === 'HEAD' && methods.includes('GET'))
  );
}

/** body-parser's errors as the API's: 413 with the limit, 400 saying the JSON is broken. */
function bodyError(error: unknown): unknown {
  const { type, length } = error as { type?: string; length?: number };
  if (type === 'entity.too.large') {
    return new PayloadTooLargeError(
      `The request body ${
        length ? `is ${formatBytes(length)}` : 'is too large'
      }; the limit is ${formatBytes(REQUEST_BODY_LIMIT)}`,
    );
  }
  if (type === 'entity.parse.failed') {
    return new InputError(
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  return error;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} kB`;
}

/** Throws InputError naming the first string (or key) under `value` holding a control character. */
function checkStrings(value: unknown, at: string, forbidden: RegExp): void {
  if (typeof value === 'string') {
    rejectControl(value, at, forbidden);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkStrings(item, `${at}/${i}`, forbidden));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      rejectControl(key, `${at} (a field name)`, CONTROL);
      checkStrings(item, `${at}/${key}`, forbidden);
    }
  }
}

function rejectControl(text: string, at: string, forbidden: RegExp) {
  const match = forbidden.exec(text);
  if (match) {
    const code = match[0].charCodeAt(0).toString(16).toUpperCase();
    throw new InputError(
      `${at} must not contain control characters; found U+${code.padStart(
        4,
        '0',
      )} at position ${match.index}`,
    );
  }
}

/** Each decoded path segment; a segment is named after its parameter when a template matches. */
function checkPath(segments: string[], template: string[] | undefined): void {
  segments.forEach((segment, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new InputError(
        `request/path: '${segment}' is not valid percent-encoding`,
      );
    }
    const part = template?.[i];
    const name = part?.startsWith('{')
      ? `request/path/${part.slice(1, -1)}`
      : `request/path (segment ${i})`;
    rejectControl(decoded, name, CONTROL);
  });
}
