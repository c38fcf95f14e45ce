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
import { EnvironmentMatrix } from '@internal/backstage-plugin-environments-common';

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

/** The `{namespace}/{kind}/{name}` path of a service in the backend's routes. */
export function servicePath(ref: CompoundEntityRef): string {
  return [ref.namespace, ref.kind, ref.name].map(encodeURIComponent).join('/');
}

/** Canonical string form of a service reference, as the backend expects in request bodies. */
export function serviceRefString(ref: CompoundEntityRef): string {
  return stringifyEntityRef(ref);
}

/**
 * Calls the Environments backend plugin (`/api/environments`) with a token for the given credentials and
 * returns the JSON body. A failed call throws `<failure>: <the backend's message>`, so the task log says
 * what the backend refused and why (e.g. a missing permission or a closed window).
 */
export async function callEnvironmentsApi<T>(
  deps: EnvironmentsActionDependencies,
  request: {
    credentials: BackstageCredentials;
    method?: 'GET' | 'POST';
    path: string;
    body?: unknown;
    failure: string;
    signal?: AbortSignal;
  },
): Promise<T> {
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: request.credentials,
    targetPluginId: 'environments',
  });
  const baseUrl = await deps.discovery.getBaseUrl('environments');
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(request.body !== undefined && { 'Content-Type': 'application/json' }),
    },
    body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
    signal: request.signal,
  });
  if (!response.ok) {
    const error = await ResponseError.fromResponse(response);
    throw new Error(
      `${request.failure}: ${error.cause.message} (HTTP ${response.status})`,
    );
  }
  // Parsed here rather than with response.json(): Node's fetch builds objects in its own realm, and the
  // scaffolder's template engine refuses arrays whose prototype is not this realm's (seen under jest).
  return JSON.parse(await response.text()) as T;
}

/** Reads what runs in every environment of a service (`GET /services/{namespace}/{kind}/{name}/matrix`). */
export function readEnvironmentMatrix(
  deps: EnvironmentsActionDependencies,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
  signal?: AbortSignal,
): Promise<EnvironmentMatrix> {
  return callEnvironmentsApi<EnvironmentMatrix>(deps, {
    credentials,
    path: `/services/${servicePath(ref)}/matrix`,
    failure: `Could not read the environment matrix of ${serviceRefString(
      ref,
    )}`,
    signal,
  });
}
