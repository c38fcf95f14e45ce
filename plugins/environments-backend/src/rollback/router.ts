import express from 'express';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { readerCredentials } from '../api/openApiRouter';
import {
  environmentAt,
  optionalBoolean,
  optionalEntityRefQuery,
  optionalEnvironmentQuery,
  optionalLimit,
  optionalString,
  readBody,
  requiredString,
} from '../api/requestInput';
import { AuthorizedRollbackService } from '../authorization/AuthorizedRollbackService';
import { checkEntityRefParts, entityRefAt } from '../catalog/entityRefs';

/**
 * The rollback routes (validated here until they are in src/schema/openapi.yaml): each parses its input
 * (400) and calls the authorized service (404 for a service the caller may not read, then 403).
 */
export function addRollbackRoutes(
  router: express.Router,
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
    const record = await rollbacks.rollback(input, await reader(req));
    res.status(input.dryRun ? 200 : 201).json(record);
  });

  router.get('/rollbacks', async (req, res) => {
    const query = {
      limit: optionalLimit(req),
      entityRef: optionalEntityRefQuery(req),
      environment: optionalEnvironmentQuery(req, 'environment', environments),
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
      checkEntityRefParts(ref, part => `request/path/${part}`);
      const entityRef = stringifyEntityRef(ref);
      const items = await rollbacks.listVersions(
        entityRef,
        environment,
        await reader(req),
      );
      res.json({ items });
    },
  );
}
