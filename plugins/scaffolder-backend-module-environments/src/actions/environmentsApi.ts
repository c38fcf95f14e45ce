import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EnvironmentMatrix,
  EnvironmentsApi,
  EnvironmentsClient,
  EnvironmentsRequestOptions,
} from '@internal/backstage-plugin-environments-common';

/** The services every Environments action needs to reach the backend plugin. */
export interface EnvironmentsActionDependencies {
  auth: AuthService;
  discovery: DiscoveryService;
}

/**
 * Reads `input.entityRef` of an action as a service reference (kind defaults to component, namespace to
 * default), failing with a message that names the action and the input.
 */
export function parseServiceRef(
  actionId: string,
  entityRef: string,
): CompoundEntityRef {
  try {
    return parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new Error(
      `${actionId}: input.entityRef '${entityRef}' is not an entity reference (${error})`,
    );
  }
}

/** Canonical string form of a service reference (kind and namespace lower-cased, as the catalog compares). */
export function serviceRefString(ref: CompoundEntityRef): string {
  return stringifyEntityRef(ref);
}

/**
 * Calls the Environments backend plugin through the client generated from its OpenAPI spec, with a token
 * for the given credentials. A failed call throws `<failure>: <the backend's message> (HTTP <status>)`,
 * so the task log says what the backend refused and why (e.g. a missing permission or a closed window).
 */
export async function callEnvironmentsApi<T>(
  deps: EnvironmentsActionDependencies,
  request: { credentials: BackstageCredentials; failure: string },
  call: (
    api: EnvironmentsApi,
    options: EnvironmentsRequestOptions,
  ) => Promise<T>,
): Promise<T> {
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: request.credentials,
    targetPluginId: 'environments',
  });
  const api = new EnvironmentsClient({ discoveryApi: deps.discovery });
  try {
    return await call(api, { token });
  } catch (error) {
    if (error instanceof ResponseError) {
      throw new Error(
        `${request.failure}: ${error.cause.message} (HTTP ${error.statusCode})`,
      );
    }
    throw error;
  }
}

/** Reads what runs in every environment of a service (`GET /services/{namespace}/{kind}/{name}/matrix`). */
export function readEnvironmentMatrix(
  deps: EnvironmentsActionDependencies,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<EnvironmentMatrix> {
  return callEnvironmentsApi(
    deps,
    {
      credentials,
      failure: `Could not read the environment matrix of ${serviceRefString(
        ref,
      )}`,
    },
    (api, options) => api.getMatrix(ref, options),
  );
}
