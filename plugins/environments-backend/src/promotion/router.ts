import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ApiRouter, readerCredentials } from '../api/openApiRouter';
import {
  environmentAt,
  optionalEntityRefAt,
  recordedText,
} from '../api/requestInput';
import { AuthorizedPromotionService } from '../authorization/AuthorizedPromotionService';
import { entityRefAt } from '../catalog/entityRefs';

/**
 * The promotion routes of the API (src/schema/openapi.yaml): the spec checks each request's form (400);
 * here, what it cannot say (a configured environment, the catalog's rules for a ref), then the
 * authorized service answers 404 for a service or request the caller may not read, then 403. Mutating
 * routes take users only: the service asks a user of every actor (scaffolder actions call on behalf of one).
 */
export function registerPromotionRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    promotions: AuthorizedPromotionService;
    /** The configured environment names, in promotion order. */
    environments: string[];
  },
): void {
  const { promotions, environments } = options;
  const reader = readerCredentials(options.httpAuth);

  router.post('/promotions', async (req, res) => {
    const body = req.body;
    const input = {
      entityRef: entityRefAt(body.entityRef, 'body.entityRef'),
      targetEnvironment: environmentAt(
        body.targetEnvironment,
        'body.targetEnvironment',
        environments,
      ),
      sourceEnvironment: environmentAt(
        body.sourceEnvironment,
        'body.sourceEnvironment',
        environments,
      ),
      digest: body.digest,
      comment: recordedText(body.comment),
      overrideWindow: body.overrideWindow,
    };
    res.status(201).json(await promotions.request(input, await reader(req)));
  });

  router.get('/promotions', async (req, res) => {
    const { status, awaitingMyApproval, limit } = req.query;
    const query = {
      limit,
      entityRef: optionalEntityRefAt(req.query.entityRef, 'entityRef'),
      targetEnvironment: environmentAt(
        req.query.targetEnvironment,
        'targetEnvironment',
        environments,
      ),
      statuses: status,
      awaitingMyApproval: awaitingMyApproval === true,
    };
    res.json({ items: await promotions.list(query, await reader(req)) });
  });

  router.get('/promotion-windows', async (req, res) => {
    await reader(req);
    res.json({ items: promotions.windows() });
  });

  router.get('/promotions/:id', async (req, res) => {
    res.json(await promotions.get(req.params.id, await reader(req)));
  });

  router.post('/promotions/:id/approve', async (req, res) => {
    const decision = { comment: recordedText(req.body?.comment) };
    const { id } = req.params;
    res.json(await promotions.approve(id, decision, await reader(req)));
  });

  router.post('/promotions/:id/reject', async (req, res) => {
    const decision = { comment: recordedText(req.body?.comment) };
    const { id } = req.params;
    res.json(await promotions.reject(id, decision, await reader(req)));
  });

  router.post('/promotions/:id/cancel', async (req, res) => {
    res.json(await promotions.cancel(req.params.id, await reader(req)));
  });
}
