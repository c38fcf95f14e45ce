import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  isImageDigest,
  PROMOTION_STATES,
  PromotionState,
  promotionApprovePermission,
  promotionRequestPermission,
  rollbackPermission,
} from '@internal/backstage-plugin-environments-common';
import {
  onlyVisible,
  ServiceVisibility,
  VisibleServices,
} from '../service/ServiceVisibility';
import { Actor, requirePermission } from './permissionChecks';
import { PromotionService } from './PromotionService';
import { RollbackService } from './RollbackService';

/** What the promotion routes need. */
export interface PromotionRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Who may see which service: requests and rollbacks of the others are not shown. */
  visibility: ServiceVisibility;
  promotions: PromotionService;
  rollbacks: RollbackService;
}

type Body = Record<string, unknown>;

/** The JSON body as an object with only `allowed` keys; InputError naming what is wrong otherwise. */
function readBody(req: express.Request, allowed: string[]): Body {
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

function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(
      `body.${key} is required and must be a non-empty string`,
    );
  }
  return value.trim();
}

function optionalString(
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
function optionalImageDigest(body: Body, key: string): string | undefined {
  const value = optionalString(body, key, 80);
  if (value !== undefined && !isImageDigest(value)) {
    throw new InputError(
      `body.${key} must be an image digest: sha256: and 64 lowercase hex digits, got '${value}'`,
    );
  }
  return value;
}

function optionalBoolean(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new InputError(`body.${key} must be true or false`);
  }
  return value;
}

function optionalQuery(req: express.Request, key: string): string | undefined {
  const value = req.query[key];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${key} must be given once`);
  }
  return value;
}

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 500;

/** The `limit` query parameter of a list: 1 to 500, or undefined (100). */
function optionalLimit(req: express.Request): number | undefined {
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

/**
 * How many records to read for a list: the limit asked for, or, when the caller sees only some
 * services, as many as a list may hold, so that the limit counts visible records (see firstVisible).
 */
export function listLimit(
  limit: number | undefined,
  visible: VisibleServices,
): number {
  return visible === 'all' ? limit ?? DEFAULT_LIST_LIMIT : MAX_LIST_LIMIT;
}

/** The first `limit` records about services the caller may see. */
export function firstVisible<T extends { entityRef: string }>(
  items: T[],
  visible: VisibleServices,
  limit: number | undefined,
): T[] {
  return onlyVisible(items, visible).slice(0, limit ?? DEFAULT_LIST_LIMIT);
}

/**
 * The promotion and rollback endpoints of the backend plugin. Mutating routes accept users only (a
 * service principal may not request, approve or roll back on its own; scaffolder actions call on behalf
 * of the user) and check their permission on the service's catalog entity first (403 otherwise).
 */
export function createPromotionRoutes(
  options: PromotionRoutesOptions,
): express.Router {
  const { httpAuth, permissions, visibility, promotions, rollbacks } = options;
  const reader = (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const router = Router();
  router.use(express.json());

  const actorOf = async (req: express.Request): Promise<Actor> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { userRef: credentials.principal.userEntityRef, credentials };
  };

  router.post('/promotions', async (req, res) => {
    const body = readBody(req, [
      'entityRef',
      'targetEnvironment',
      'sourceEnvironment',
      'comment',
      'overrideWindow',
      'digest',
    ]);
    const input = {
      entityRef: requiredString(body, 'entityRef'),
      targetEnvironment: requiredString(body, 'targetEnvironment'),
      sourceEnvironment: optionalString(body, 'sourceEnvironment', 255),
      digest: optionalImageDigest(body, 'digest'),
      comment: optionalString(body, 'comment'),
      overrideWindow: optionalBoolean(body, 'overrideWindow'),
    };
    const actor = await actorOf(req);
    await requirePermission(
      permissions,
      promotionRequestPermission,
      input.entityRef,
      actor,
    );
    res.status(201).json(await promotions.request(input, actor));
  });

  router.get('/promotions', async (req, res) => {
    const statusParam = optionalQuery(req, 'status');
    const statuses = statusParam?.split(',').map(s => s.trim()) as
      | PromotionState[]
      | undefined;
    const invalid = statuses?.filter(s => !PROMOTION_STATES.includes(s));
    if (invalid?.length) {
      throw new InputError(
        `Unknown status ${invalid.join(
          ', ',
        )}; one or more of ${PROMOTION_STATES.join(', ')}, comma-separated`,
      );
    }
    const awaiting = optionalQuery(req, 'awaitingMyApproval');
    if (awaiting !== undefined && awaiting !== 'true' && awaiting !== 'false') {
      throw new InputError(
        `awaitingMyApproval must be true or false, got '${awaiting}'`,
      );
    }
    const limit = optionalLimit(req);
    let awaitingApprovalBy: string | undefined;
    let credentials;
    if (awaiting === 'true') {
      const actor = await actorOf(req);
      awaitingApprovalBy = actor.userRef;
      credentials = actor.credentials;
    } else {
      credentials = await reader(req);
    }
    const visible = await visibility.visibleServices(credentials);
    const items = await promotions.list({
      entityRef: optionalQuery(req, 'entityRef'),
      targetEnvironment: optionalQuery(req, 'targetEnvironment'),
      statuses,
      awaitingApprovalBy,
      limit: listLimit(limit, visible),
    });
    res.json({ items: firstVisible(items, visible, limit) });
  });

  router.get('/promotion-windows', async (req, res) => {
    await reader(req);
    res.json({ items: promotions.windows() });
  });

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await reader(req);
    const record = await promotions.get(req.params.id);
    await visibility.assertVisible(record.entityRef, credentials);
    res.json(record);
  });

  /** The signed-in user, once they hold `permission` on the service the request is about. */
  async function actorWithPermissionOnRequest(
    req: express.Request<{ id: string }>,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<Actor> {
    const actor = await actorOf(req);
    const entityRef = await promotions.entityRefOf(req.params.id);
    await requirePermission(permissions, permission, entityRef, actor);
    return actor;
  }

  router.post('/promotions/:id/approve', async (req, res) => {
    const body = readBody(req, ['comment']);
    const actor = await actorWithPermissionOnRequest(
      req,
      promotionApprovePermission,
    );
    res.json(
      await promotions.approve(
        req.params.id,
        { comment: optionalString(body, 'comment') },
        actor,
      ),
    );
  });

  router.post('/promotions/:id/reject', async (req, res) => {
    const body = readBody(req, ['comment']);
    const actor = await actorWithPermissionOnRequest(
      req,
      promotionApprovePermission,
    );
    res.json(
      await promotions.reject(
        req.params.id,
        { comment: optionalString(body, 'comment') },
        actor,
      ),
    );
  });

  router.post('/promotions/:id/cancel', async (req, res) => {
    readBody(req, []);
    const actor = await actorWithPermissionOnRequest(
      req,
      promotionRequestPermission,
    );
    res.json(await promotions.cancel(req.params.id, actor));
  });

  router.post('/rollbacks', async (req, res) => {
    const body = readBody(req, [
      'entityRef',
      'environment',
      'targetVersion',
      'comment',
      'dryRun',
    ]);
    const input = {
      entityRef: requiredString(body, 'entityRef'),
      environment: requiredString(body, 'environment'),
      targetVersion: optionalString(body, 'targetVersion', 32),
      comment: optionalString(body, 'comment'),
      dryRun: optionalBoolean(body, 'dryRun'),
    };
    if (
      input.targetVersion !== undefined &&
      !/^\d+$/.test(input.targetVersion)
    ) {
      throw new InputError(
        `body.targetVersion must be a published version number, got '${input.targetVersion}'`,
      );
    }
    const actor = await actorOf(req);
    await requirePermission(
      permissions,
      rollbackPermission,
      input.entityRef,
      actor,
    );
    const record = await rollbacks.rollback(input, actor);
    res.status(input.dryRun ? 200 : 201).json(record);
  });

  router.get('/rollbacks', async (req, res) => {
    const limit = optionalLimit(req);
    const visible = await visibility.visibleServices(await reader(req));
    const items = await rollbacks.list({
      entityRef: optionalQuery(req, 'entityRef'),
      environment: optionalQuery(req, 'environment'),
      limit: listLimit(limit, visible),
    });
    res.json({ items: firstVisible(items, visible, limit) });
  });

  router.get('/rollbacks/:id', async (req, res) => {
    const credentials = await reader(req);
    const record = await rollbacks.get(req.params.id);
    await visibility.assertVisible(record.entityRef, credentials);
    res.json(record);
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/versions',
    async (req, res) => {
      const credentials = await reader(req);
      const { namespace, kind, name, environment } = req.params;
      const entityRef = `${kind}:${namespace}/${name}`;
      await visibility.assertVisible(entityRef, credentials);
      const items = await rollbacks.listVersions(entityRef, environment);
      res.json({ items });
    },
  );

  return router;
}
