import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { ApiRouter, readerCredentials } from '../api/openApiRouter';
import {
  onlyVisible,
  ServiceVisibility,
} from '../authorization/ServiceVisibility';
import { ServiceCatalog } from '../catalog/ServiceCatalog';
import { ComplianceService, ServiceFindings } from './ComplianceService';
import { StackDriftCheck } from './types';

/**
 * The compliance routes of the API (src/schema/openapi.yaml): a service's findings and its on-demand
 * CloudFormation drift check, and the findings and summaries of the fleet, of the services the caller
 * may see. Requests are validated against the spec before they get here.
 */
export function registerComplianceRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    environments: EnvironmentDefinition[];
    catalog: ServiceCatalog;
    compliance: ComplianceService;
    visibility: ServiceVisibility;
  },
): void {
  const { httpAuth, environments, catalog, compliance, visibility } = options;
  const credentials = readerCredentials(httpAuth);

  router.get('/services/:namespace/:kind/:name/findings', async (req, res) => {
    res.json(
      await readServiceFindings(options, req.params, await credentials(req)),
    );
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
}

/** A service's findings as the API gives them (routes and actions); 404 when the caller may not read it. */
export async function readServiceFindings(
  options: { catalog: ServiceCatalog; compliance: ComplianceService },
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
) {
  const service = await options.catalog.getService(ref, credentials);
  return toApiFindings(await options.compliance.getFindings(service.entityRef));
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
