import { assertEnvironmentInPath } from '../api/requestInput';
import { gzipSync } from 'node:zlib';
import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
} from '@internal/backstage-plugin-environments-common';
import express from 'express';
import { ApiRouter, readerCredentials } from '../api/openApiRouter';
import { ServiceVisibility } from '../authorization/ServiceVisibility';
import { ServiceCatalog } from '../catalog/ServiceCatalog';
import { FunctionDiscovery } from './collector/FunctionDiscovery';
import { ServiceDescriptor } from './collector/types';
import { FleetPage, FleetQuery, MatrixStore } from './MatrixStore';
import { RefreshService } from './RefreshService';

/** What the matrix reads are made of: the same for the routes and the actions (api/actions). */
export interface MatrixReadOptions {
  environments: EnvironmentDefinition[];
  store: MatrixStore;
  catalog: ServiceCatalog;
  visibility: ServiceVisibility;
  /** The rules the collector finds functions by: the API says where it looked. */
  discovery: FunctionDiscovery;
}

/** A service's matrix as the API gives it; 404 when the caller may not read the service. */
export async function readServiceMatrix(
  options: MatrixReadOptions,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<EnvironmentMatrix> {
  const service = await options.catalog.getService(ref, credentials);
  return explainMatrix(
    await options.store.getMatrix(service.entityRef),
    service,
    options.discovery,
    options.environments,
  );
}

/** One page of the fleet view, of the services the caller may see. */
export async function readFleetPage(
  options: MatrixReadOptions,
  query: FleetQuery,
  credentials: BackstageCredentials,
): Promise<FleetPage> {
  const visible = await options.visibility.visibleServices(credentials);
  return options.store.listFleet(
    query,
    visible === 'all' ? undefined : visible,
  );
}

/**
 * The matrix routes of the API (src/schema/openapi.yaml): the environments, a service's matrix and
 * history, an on-demand refresh, and the fleet view. Requests are validated against the spec before
 * they get here; a service the caller may not read is a 404, as the catalog answers.
 */
export function registerMatrixRoutes(
  router: ApiRouter,
  options: MatrixReadOptions & {
    httpAuth: HttpAuthService;
    refresh: RefreshService;
  },
): void {
  const { httpAuth, environments, store, catalog, refresh } = options;
  const explain = (matrix: EnvironmentMatrix, service: ServiceDescriptor) =>
    explainMatrix(matrix, service, options.discovery, environments);
  const credentials = readerCredentials(httpAuth);

  router.get('/environments', async (req, res) => {
    await credentials(req);
    res.json({ environments });
  });

  router.get('/services/:namespace/:kind/:name/matrix', async (req, res) => {
    res.json(
      await readServiceMatrix(options, req.params, await credentials(req)),
    );
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/history',
    async (req, res) => {
      const service = await catalog.getService(
        req.params,
        await credentials(req),
      );
      const { environment } = req.params;
      assertEnvironmentInPath(environment, environments);
      res.json({
        items: await store.getHistory(service.entityRef, environment),
      });
    },
  );

  router.post('/services/:namespace/:kind/:name/refresh', async (req, res) => {
    const service = await catalog.getService(
      req.params,
      await credentials(req),
    );
    res.json(explain(await refresh.refreshService(service), service));
  });

  router.get('/fleet', async (req, res) => {
    const page = await readFleetPage(
      options,
      req.query,
      await credentials(req),
    );
    sendFleetPage(page, req, res as express.Response);
  });
}

// The store serves the same page object until the fleet changes: it is serialised (and its ETag
// computed, as Express would) once per page instead of once per request.
const fleetBodies = new WeakMap<
  object,
  { body: string; etag?: string; gzipped?: Buffer }
>();

/** Sends a fleet page serialised, and gzipped when asked, once per page. */
function sendFleetPage(
  page: FleetPage,
  req: express.Request<any, any, any, any>,
  res: express.Response,
): void {
  let serialised = fleetBodies.get(page);
  if (!serialised) {
    const body = JSON.stringify(page);
    const etagOf: ((body: string, encoding: string) => string) | undefined =
      req.app.get('etag fn');
    serialised = { body, etag: etagOf?.(body, 'utf8') };
    fleetBodies.set(page, serialised);
  }
  if (serialised.etag) {
    res.set('ETag', serialised.etag);
  }
  // The typed response takes only the page object; the text is that page, serialised.
  const response = res.type('json');
  response.vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    // Compressed once per page too; the compression middleware leaves an encoded response alone.
    serialised.gzipped ??= gzipSync(serialised.body);
    response.set('Content-Encoding', 'gzip').send(serialised.gzipped);
  } else {
    response.send(serialised.body);
  }
}

/**
 * The matrix as the API gives it: in each environment where nothing was found, where the collector
 * looked (names, tags, accounts and regions); and the entity's annotations that look meant for these
 * plugins but are none they read.
 */
function explainMatrix(
  matrix: EnvironmentMatrix,
  service: ServiceDescriptor,
  discovery: FunctionDiscovery,
  environments: EnvironmentDefinition[],
): EnvironmentMatrix {
  const definitions = new Map(environments.map(e => [e.name, e]));
  return {
    ...matrix,
    environments: matrix.environments.map(state => {
      const definition = definitions.get(state.environment);
      return state.status === 'missing' && definition
        ? {
            ...state,
            searched: discovery.describe(discovery.search(service, definition)),
          }
        : state;
    }),
    ...(service.unknownAnnotations?.length
      ? { unknownAnnotations: service.unknownAnnotations }
      : {}),
  };
}
