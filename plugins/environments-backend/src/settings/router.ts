import { assertEnvironmentInPath } from '../api/requestInput';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { ApiRouter, readerCredentials } from '../api/openApiRouter';
import { ComplianceFactsSource } from '../compliance/ComplianceService';
import { ServiceCatalog } from '../catalog/ServiceCatalog';
import { SettingsConfig } from './config';
import { settingsMatrix } from './settingsMatrix';
import { SettingsService } from './SettingsService';

/**
 * The configuration matrix's routes (src/schema/openapi.yaml): a service's matrix and the promotion
 * gate of one of its environments, for callers who may see the service. Requests are validated against
 * the spec before they get here.
 */
export function registerSettingsRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    environments: EnvironmentDefinition[];
    catalog: ServiceCatalog;
    facts: ComplianceFactsSource;
    settings: SettingsService;
    config: SettingsConfig;
  },
): void {
  const { httpAuth, environments, catalog, settings } = options;
  const credentials = readerCredentials(httpAuth);

  // The catalog is asked as the caller first: a service they may not see is a 404, as on every route.
  const factsOf = async (
    params: { namespace: string; kind: string; name: string },
    caller: Awaited<ReturnType<typeof credentials>>,
  ) => {
    const service = await catalog.getService(params, caller);
    const facts = await options.facts.getServiceFacts(service.entityRef);
    if (!facts) {
      throw new NotFoundError(
        `${service.entityRef} is not a service of the fleet`,
      );
    }
    return facts;
  };

  router.get('/services/:namespace/:kind/:name/settings', async (req, res) => {
    const facts = await factsOf(req.params, await credentials(req));
    const read = await settings.read(facts);
    res.json(
      settingsMatrix(facts.entityRef, environments, read, options.config),
    );
  });

  router.get(
    '/services/:namespace/:kind/:name/settings/gate/:environment',
    async (req, res) => {
      const { environment } = req.params;
      assertEnvironmentInPath(environment, environments);
      const facts = await factsOf(req.params, await credentials(req));
      res.json(await settings.gate(facts, environment));
    },
  );
}
