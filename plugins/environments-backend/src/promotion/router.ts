import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  PROMOTION_STATES,
  PromotionState,
  promotionApprovePermission,
  promotionRequestPermission,
  rollbackPermission,
} from '@internal/backstage-plugin-environments-common';
import { ServiceVisibility } from '../authorization/ServiceVisibility';
import { Actor, requirePermission } from '../authorization/permissions';
import { PromotionService } from './PromotionService';
import { checkEntityRefParts, entityRefAt } from '../catalog/entityRefs';
import {
  environmentAt,
  firstVisible,
  listLimit,
  optionalBoolean,
  optionalEntityRefQuery,
  optionalEnvironmentQuery,
  optionalImageDigest,
  optionalLimit,
  optionalQuery,
  optionalString,
  readBody,
  requiredString,
} from '../api/requestInput';
import { RollbackService } from '../rollback/RollbackService';

export { firstVisible, listLimit } from '../api/requestInput';

/** What the promotion routes need. */
export interface PromotionRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Who may see which service: requests and rollbacks of the others are not shown. */
  visibility: ServiceVisibility;
  promotions: PromotionService;
  rollbacks: RollbackService;
  /** The configured environment names, in promotion order. */
  environments: string[];
}

/**
 * The promotion and rollback endpoints of the backend plugin. Every route answers in the same order:
 * 400 for input that is wrong (what and where), then 404 for a service or record that does not exist
 * or whose catalog entity the caller may not read (the same answer for both), then 403. Mutating routes
 * accept users only (a service principal may not request, approve or roll back on its own; scaffolder
 * actions call on behalf of the user) and check their permission on the service's catalog entity.
 */
export function createPromotionRoutes(
  options: PromotionRoutesOptions,
): express.Router {
  const { httpAuth, permissions, visibility, promotions, rollbacks } = options;
  const { environments } = options;
  const reader = (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const router = Router();
  router.use(express.json());

  /** The signed-in user, once they hold `permission` on the service (403 otherwise). */
  const actorWithPermission = async (
    req: express.Request<any, any, any, any>,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<Actor> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = { userRef: credentials.principal.userEntityRef, credentials };
    await requirePermission(permissions, permission, entityRef, actor);
    return actor;
  };

  /** The record, or the 404 of an unknown id when the caller may not read its service's entity. */
  const visibleRecord = async <T extends { entityRef: string }>(
    req: express.Request<any, any, any, any>,
    record: T,
    notFound: string,
  ): Promise<T> => {
    if (!(await visibility.isVisible(record.entityRef, await reader(req)))) {
      throw new NotFoundError(notFound);
    }
    return record;
  };
  const unknownPromotion = (id: string) =>
    `No promotion request with id '${id}'`;

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
      entityRef: entityRefAt(
        requiredString(body, 'entityRef'),
        'body.entityRef',
      ),
      targetEnvironment: environmentAt(
        requiredString(body, 'targetEnvironment'),
        'body.targetEnvironment',
        environments,
      )!,
      sourceEnvironment: environmentAt(
        optionalString(body, 'sourceEnvironment', 255),
        'body.sourceEnvironment',
        environments,
      ),
      digest: optionalImageDigest(body, 'digest'),
      comment: optionalString(body, 'comment'),
      overrideWindow: optionalBoolean(body, 'overrideWindow'),
    };
    await visibility.getVisibleEntity(input.entityRef, await reader(req));
    const actor = await actorWithPermission(
      req,
      promotionRequestPermission,
      input.entityRef,
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
        `Unknown status ${invalid
          .map(status => `'${status}'`)
          .join(', ')}; one or more of ${PROMOTION_STATES.join(
          ', ',
        )}, comma-separated`,
      );
    }
    const awaiting = optionalQuery(req, 'awaitingMyApproval');
    if (awaiting !== undefined && awaiting !== 'true' && awaiting !== 'false') {
      throw new InputError(
        `awaitingMyApproval must be true or false, got '${awaiting}'`,
      );
    }
    const limit = optionalLimit(req);
    const filter = {
      entityRef: optionalEntityRefQuery(req),
      targetEnvironment: optionalEnvironmentQuery(
        req,
        'targetEnvironment',
        environments,
      ),
      statuses,
    };
    let awaitingApprovalBy: string | undefined;
    let credentials;
    if (awaiting === 'true') {
      credentials = await httpAuth.credentials(req, { allow: ['user'] });
      awaitingApprovalBy = credentials.principal.userEntityRef;
    } else {
      credentials = await reader(req);
    }
    const visible = await visibility.visibleServices(credentials);
    const items = await promotions.list({
      ...filter,
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
    const { id } = req.params;
    res.json(
      await visibleRecord(req, await promotions.get(id), unknownPromotion(id)),
    );
  });

  /** The signed-in user acting on a request: 404 before 403, as for every route. */
  async function actorOnRequest(
    req: express.Request<{ id: string }>,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<Actor> {
    const { id } = req.params;
    const { entityRef } = await visibleRecord(
      req,
      { entityRef: await promotions.entityRefOf(id) },
      unknownPromotion(id),
    );
    return actorWithPermission(req, permission, entityRef);
  }

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/promotions/:id/${decision}`, async (req, res) => {
      const comment = optionalString(readBody(req, ['comment']), 'comment');
      const actor = await actorOnRequest(req, promotionApprovePermission);
      res.json(await promotions[decision](req.params.id, { comment }, actor));
    });
  }

  router.post('/promotions/:id/cancel', async (req, res) => {
    readBody(req, []);
    const actor = await actorOnRequest(req, promotionRequestPermission);
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
      entityRef: entityRefAt(
        requiredString(body, 'entityRef'),
        'body.entityRef',
      ),
      environment: environmentAt(
        requiredString(body, 'environment'),
        'body.environment',
        environments,
      )!,
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
    await visibility.getVisibleEntity(input.entityRef, await reader(req));
    const actor = await actorWithPermission(
      req,
      rollbackPermission,
      input.entityRef,
    );
    const record = await rollbacks.rollback(input, actor);
    res.status(input.dryRun ? 200 : 201).json(record);
  });

  router.get('/rollbacks', async (req, res) => {
    const limit = optionalLimit(req);
    const filter = {
      entityRef: optionalEntityRefQuery(req),
      environment: optionalEnvironmentQuery(req, 'environment', environments),
    };
    const visible = await visibility.visibleServices(await reader(req));
    const items = await rollbacks.list({
      ...filter,
      limit: listLimit(limit, visible),
    });
    res.json({ items: firstVisible(items, visible, limit) });
  });

  router.get('/rollbacks/:id', async (req, res) => {
    const { id } = req.params;
    res.json(
      await visibleRecord(
        req,
        await rollbacks.get(id),
        `No rollback with id '${id}'`,
      ),
    );
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/versions',
    async (req, res) => {
      const { namespace, kind, name, environment } = req.params;
      const ref = { kind, namespace, name };
      checkEntityRefParts(ref, part => `request/path/${part}`);
      const entityRef = stringifyEntityRef(ref);
      await visibility.getVisibleEntity(entityRef, await reader(req));
      const items = await rollbacks.listVersions(entityRef, environment);
      res.json({ items });
    },
  );

  return router;
}
