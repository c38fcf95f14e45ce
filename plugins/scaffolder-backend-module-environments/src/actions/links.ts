import { RootConfigService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';

/**
 * The app's base URL for links in step outputs. Without `app.baseUrl` the links stay relative, which the
 * scaffolder's output panel still opens inside the app.
 */
export function appBaseUrl(config: RootConfigService): string {
  return (config.getOptionalString('app.baseUrl') ?? '').replace(/\/+$/, '');
}

/** Link to a service's page in the catalog (kind and namespace lower case, as the catalog's routes write them). */
export function entityPageUrl(baseUrl: string, ref: CompoundEntityRef): string {
  return `${baseUrl}/catalog/${[
    ref.namespace.toLocaleLowerCase('en-US'),
    ref.kind.toLocaleLowerCase('en-US'),
    ref.name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** Link to a promotion request's page in the Environments plugin. */
export function promotionPageUrl(baseUrl: string, requestId: string): string {
  return `${baseUrl}/environments/promotions/${encodeURIComponent(requestId)}`;
}
