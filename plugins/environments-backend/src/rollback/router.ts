import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ApiRouter, readerCredentials } from '../api/openApiRouter';
import {
  environmentAt,
  optionalEntityRefAt,
  recordedText,
} from '../api/requestInput';
import { AuthorizedRollbackService } from '../authorization/AuthorizedRollbackService';
import { entityRefAt } from '../catalog/entityRefs';

/**
 * The rollback routes of the API (src/schema/openapi.yaml): the spec checks each request's form (400);
 * here, what it cannot say, then the authorized service (404 for a service the caller may not read,
 * then 403). `POST /rollbacks` answers the record: 200 for a dry run's plan, 202 while it still runs,
 * 201 once it has ended.
 */
export function registerRollbackRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    rollbacks: AuthorizedRollbackService;
    /** The configured environment names, in promotion order. */
    environments: string[];
  },
): void {
  const { rollbacks, environments } = options;
  const reader = readerCredentials(options.httpAuth);

  router.post('/rollbacks', async (req, res) => {
    const body = req.body;
    const input = {
      entityRef: entityRefAt(body.entityRef, 'body.entityRef'),
      environment: environmentAt(
        body.environment,
        'body.environment',
        environments,
      ),
      targetVersion: body.targetVersion,
      comment: recordedText(body.comment),
      dryRun: body.dryRun,
    };
    const record = await rollbacks.rollback(input, await reader(req));
    res.status(rollbackStatusCode(record.status)).json(record);
  });

  router.get('/rollbacks', async (req, res) => {
    const query = {
      limit: req.query.limit,
      entityRef: optionalEntityRefAt(req.query.entityRef, 'entityRef'),
      environment: environmentAt(
        req.query.environment,
        'environment',
        environments,
      ),
    };
    res.json({ items: await rollbacks.list(query, await reader(req)) });
  });

  router.get('/rollbacks/:id', async (req, res) => {
    res.json(await rollbacks.get(req.params.id, await reader(req)));
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/versions',
    async (req, res) => {
      const { namespace, kind, name, environment } = req.params;
      const ref = { kind, namespace, name };
      const items = await rollbacks.listVersions(
        stringifyEntityRef(ref),
        environment,
        await reader(req),
      );
      res.json({ items });
    },
  );
}

/** 200 for a plan that changed nothing, 202 for a rollback still running, 201 for one that ended. */
function rollbackStatusCode(status: string): 200 | 201 | 202 {
  if (status === 'planned') {
    return 200;
  }
  return status === 'running' ? 202 : 201;
}
