import express from 'express';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  PROMOTION_STATES,
  PromotionState,
} from '@internal/backstage-plugin-environments-common';
import { readerCredentials } from '../api/openApiRouter';
import {
  environmentAt,
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
import {
  AuthorizedPromotionService,
  PromotionQuery,
} from '../authorization/AuthorizedPromotionService';
import { CreatePromotionInput } from './newRequest';
import { entityRefAt } from '../catalog/entityRefs';

/**
 * The promotion routes (validated here until they are in src/schema/openapi.yaml): each parses its
 * input (400, saying what is wrong and where) and calls the authorized service, which answers 404 for
 * a service or request the caller may not read, then 403. Mutating routes take users only: a service
 * principal may not request, approve or cancel on its own; scaffolder actions call on behalf of the user.
 */
export function addPromotionRoutes(
  router: express.Router,
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
    const input = promotionInput(req, environments);
    res.status(201).json(await promotions.request(input, await reader(req)));
  });

  router.get('/promotions', async (req, res) => {
    const query = promotionQuery(req, environments);
    res.json({ items: await promotions.list(query, await reader(req)) });
  });

  router.get('/promotion-windows', async (req, res) => {
    await reader(req);
    res.json({ items: promotions.windows() });
  });

  router.get('/promotions/:id', async (req, res) => {
    res.json(await promotions.get(req.params.id, await reader(req)));
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/promotions/:id/${decision}`, async (req, res) => {
      const comment = optionalString(readBody(req, ['comment']), 'comment');
      res.json(
        await promotions[decision](
          req.params.id,
          { comment },
          await reader(req),
        ),
      );
    });
  }

  router.post('/promotions/:id/cancel', async (req, res) => {
    readBody(req, []);
    res.json(await promotions.cancel(req.params.id, await reader(req)));
  });
}

/** The body of `POST /promotions`, checked: InputError saying what is wrong and where. */
function promotionInput(
  req: express.Request,
  environments: string[],
): CreatePromotionInput {
  const body = readBody(req, [
    'entityRef',
    'targetEnvironment',
    'sourceEnvironment',
    'comment',
    'overrideWindow',
    'digest',
  ]);
  return {
    entityRef: entityRefAt(requiredString(body, 'entityRef'), 'body.entityRef'),
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
}

/** The query of `GET /promotions`, checked: InputError saying what is wrong and where. */
function promotionQuery(
  req: express.Request,
  environments: string[],
): PromotionQuery {
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
  return {
    limit: optionalLimit(req),
    entityRef: optionalEntityRefQuery(req),
    targetEnvironment: optionalEnvironmentQuery(
      req,
      'targetEnvironment',
      environments,
    ),
    statuses,
    awaitingMyApproval: awaiting === 'true',
  };
}
