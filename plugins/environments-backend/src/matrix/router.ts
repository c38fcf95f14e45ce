import { gzipSync } from 'node:zlib';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
} from '@internal/backstage-plugin-environments-common';
import express from 'express';
import { FunctionDiscovery } from './collector/FunctionDiscovery';
import { ServiceDescriptor } from './collector/types';
import { MatrixStore } from './MatrixStore';
import { StackDriftCheck } from '../compliance';
import { createOpenApiRouter } from '../schema/openapi';
import { ComplianceService, ServiceFindings } from '../compliance/ComplianceService';
import { RefreshService } from './RefreshService';
import { ServiceCatalog } from '../catalog/ServiceCatalog';
import { onlyVisible, ServiceVisibility } from '../authorization/ServiceVisibility';

/**
 * The HTTP API (src/schema/openapi.yaml): checks credentials, turns requests into calls of the
 * store and services. Requests are validated against the spec before they get here.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  environments: EnvironmentDefinition[];
  store: MatrixStore;
  catalog: ServiceCatalog;
  refresh: RefreshService;
  compliance: ComplianceService;
  visibility: ServiceVisibility;
  /** The rules the collector finds functions by: the API says where it looked. */
  discovery: FunctionDiscovery;
}): Promise<express.Router> {
  const {
    httpAuth,
    environments,
    store,
    catalog,
    refresh,
    compliance,
    visibility,
    discovery,
  } = options;
  const explain = (matrix: EnvironmentMatrix, service: ServiceDescriptor) =>
    explainMatrix(matrix, service, discovery, environments);
  const router = await createOpenApiRouter();

  // Typed routes narrow params and query; credentials only need the headers.
  const credentials = (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/environments', async (req, res) => {
    await credentials(req);
    res.json({ environments });
  });

  router.get('/services/:namespace/:kind/:name/matrix', async (req, res) => {
    const service = await catalog.getService(
      req.params,
      await credentials(req),
    );
    res.json(explain(await store.getMatrix(service.entityRef), service));
  });

  router.get(
    '/services/:namespace/:kind/:name/environments/:environment/history',
    async (req, res) => {
      const service = await catalog.getService(
        req.params,
        await credentials(req),
      );
      const { environment } = req.params;
      if (!environments.some(e => e.name === environment)) {
        throw new NotFoundError(
          `No environment named '${environment}'; the environments are ${environments
            .map(e => e.name)
            .join(', ')}`,
        );
      }
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

  // The store serves the same page object until the fleet changes: it is serialised (and its ETag
  // computed, as Express would) once per page instead of once per request.
  const fleetBodies = new WeakMap<
    object,
    { body: string; etag?: string; gzipped?: Buffer }
  >();
  router.get('/fleet', async (req, res) => {
    const visible = await visibility.visibleServices(await credentials(req));
    const page = await store.listFleet(
      req.query,
      visible === 'all' ? undefined : visible,
    );
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
    const response = (res as express.Response).type('json');
    response.vary('Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      // Compressed once per page too; the compression middleware leaves an encoded response alone.
      serialised.gzipped ??= gzipSync(serialised.body);
      response.set('Content-Encoding', 'gzip').send(serialised.gzipped);
    } else {
      response.send(serialised.body);
    }
  });

  router.get('/services/:namespace/:kind/:name/findings', async (req, res) => {
    const service = await catalog.getService(
      req.params,
      await credentials(req),
    );
    res.json(toApiFindings(await compliance.getFindings(service.entityRef)));
  });

  // Spends the CloudFormation quota of every account the service runs in: a person asks for it;
  // the scheduled check covers the fleet otherwise. An unknown service is a 404 before a service
  // principal's 403, as on every route.
  router.post(
    '/services/:namespace/:kind/:name/drift-check',
    async (req, res) => {
      const service = await catalog.getService(
        req.params,
        await credentials(req),
      );
      await httpAuth.credentials(req, { allow: ['user'] });
      res.json(toApiFindings(await compliance.checkDrift(service.entityRef)));
    },
  );

  router.get('/findings', async (req, res) => {
    const visible = await visibility.visibleServices(await credentials(req));
    const { kind, severity, environment } = req.query;
    if (environment && !environments.some(e => e.name === environment)) {
      throw new InputError(
        `request/query/environment: no environment named '${environment}'; the environments are ${environments
          .map(e => e.name)
          .join(', ')}`,
      );
    }
    const items = await compliance.listFindings({
      environment,
      kind: kind ? [kind] : undefined,
      severity: severity ? [severity] : undefined,
    });
    res.json({ items: onlyVisible(items, visible) });
  });

  router.get('/compliance', async (req, res) => {
    const visible = await visibility.visibleServices(await credentials(req));
    const items = await compliance.listSummaries(req.query);
    res.json({ items: onlyVisible(items, visible) });
  });

  return router;
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

/** The API's shape of a service's findings: drift checks without their resource details (the findings carry them). */
function toApiFindings(findings: ServiceFindings) {
  return {
    items: findings.items,
    summary: findings.summary,
    stacks: findings.stacks.map(toApiStackCheck),
  };
}

function toApiStackCheck(check: StackDriftCheck) {
  const { entityRef: _entityRef, resources, ...rest } = check;
  return {
    ...rest,
    ...(resources ? { driftedResources: resources.length } : {}),
  };
}
