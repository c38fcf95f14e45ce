/*
 * The demo sign-in: a person picks one of the catalog's users and is signed in as that user, with the
 * user's group memberships, without a password. It exists so that a request by one person and an
 * approval by another can be shown and tested on a laptop. For local development only: it is on only
 * when `auth.providers.demo.<auth.environment>` is configured AND the backend runs in development
 * (NODE_ENV=development, what `backstage-cli package start` sets). Documented in docs/sign-in.md.
 */
import {
  AuthService,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_MEMBER_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AuthResolverContext,
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';

/** The provider id: the frontend signs in through /api/auth/demo/refresh. */
export const DEMO_PROVIDER_ID = 'demo';

/** The request header that names the user to sign in as: a user name or a user entity ref. */
export const DEMO_USER_HEADER = 'x-demo-user';

/** A user the demo sign-in page offers, as GET /api/auth/demo/users returns it. */
export interface DemoUser {
  userEntityRef: string;
  name: string;
  displayName?: string;
  email?: string;
  /** Refs of the groups the user is a member of (what ownership is resolved from). */
  memberOf: string[];
}

/**
 * The demo provider's settings for the current auth environment, or why it is off.
 * Reads `auth.environment` (default `development`) and `auth.providers.demo.<environment>`.
 */
export function readDemoSignInConfig(
  config: Config,
  nodeEnv: string | undefined,
): { enabled: true } | { enabled: false; reason: string } {
  const environment =
    config.getOptionalString('auth.environment') ?? 'development';
  const key = `auth.providers.${DEMO_PROVIDER_ID}.${environment}`;
  const settings = config.getOptionalConfig(key);
  if (!settings) {
    return { enabled: false, reason: `${key} is not configured` };
  }
  if (
    nodeEnv !== 'development' &&
    settings.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true
  ) {
    // Anyone who can reach the backend could sign in as anyone: never by accident in production.
    return {
      enabled: false,
      reason: `the backend does not run in development (NODE_ENV=${nodeEnv}); set ${key}.dangerouslyAllowOutsideDevelopment to override`,
    };
  }
  return { enabled: true };
}

/** Reads the user the request asks for; bad or missing input is a 400 naming the header. */
export function requestedUserRef(header: string | string[] | undefined) {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) {
    throw new InputError(
      `The demo sign-in needs the user to sign in as in the ${DEMO_USER_HEADER} header, e.g. "alice" or "user:default/alice"`,
    );
  }
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `The ${DEMO_USER_HEADER} header "${value}" is not a user entity ref: ${error}`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new InputError(
      `The ${DEMO_USER_HEADER} header "${value}" names a ${ref.kind}, not a User`,
    );
  }
  return stringifyEntityRef(ref);
}

async function findDemoUser(
  userEntityRef: string,
  ctx: AuthResolverContext,
): Promise<Entity> {
  try {
    return (await ctx.findCatalogUser({ entityRef: userEntityRef })).entity;
  } catch (error) {
    if ((error as Error)?.name === 'NotFoundError') {
      throw new NotFoundError(
        `The catalog has no User ${userEntityRef}: the demo sign-in signs in only as users of the catalog`,
      );
    }
    throw error;
  }
}

const demoAuthenticator = createProxyAuthenticator({
  initialize() {},
  async authenticate({ req }) {
    return {
      result: {
        userEntityRef: requestedUserRef(req.headers[DEMO_USER_HEADER]),
      },
    };
  },
  // The profile the app shows (name, e-mail) comes from the user's catalog entity.
  async defaultProfileTransform(result, ctx) {
    const entity = await findDemoUser(result.userEntityRef, ctx);
    const profile = (entity.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
      picture?: string;
    };
    return {
      profile: {
        displayName: profile.displayName ?? entity.metadata.name,
        email: profile.email,
        picture: profile.picture,
      },
    };
  },
});

async function listDemoUsers(
  catalog: CatalogService,
  auth: AuthService,
): Promise<DemoUser[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'user' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.profile',
        'relations',
      ],
      order: { field: 'metadata.name', order: 'asc' },
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items.map(entity => {
    const profile = (entity.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
    };
    return {
      userEntityRef: stringifyEntityRef(entity),
      name: entity.metadata.name,
      displayName: profile.displayName,
      email: profile.email,
      memberOf: (entity.relations ?? [])
        .filter(r => r.type === RELATION_MEMBER_OF)
        .map(r => r.targetRef),
    };
  });
}

/** The `auth` backend module that adds the demo sign-in provider (see the file comment). */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ providers, config, logger, httpRouter, catalog, auth }) {
        const settings = readDemoSignInConfig(config, process.env.NODE_ENV);
        if (!settings.enabled) {
          // Not registered at all: /api/auth/demo/* answers 404, as for any unknown provider.
          logger.info(`The demo sign-in is off: ${settings.reason}`);
          return;
        }
        logger.warn(
          'The demo sign-in is ON: anyone who reaches this backend can sign in as any catalog user. Local development only.',
        );
        providers.registerProvider({
          providerId: DEMO_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            async signInResolver({ result }, ctx) {
              // Issues the token from the catalog entity, so ownership follows its groups.
              return ctx.signInWithCatalogUser({
                entityRef: result.userEntityRef,
              });
            },
          }),
        });

        // The sign-in page lists whom one can be; the auth plugin's routes are all unauthenticated.
        const usersPath = `/${DEMO_PROVIDER_ID}/users`;
        httpRouter.use((req, res, next) => {
          if (req.method !== 'GET' || req.path !== usersPath) {
            next();
            return;
          }
          listDemoUsers(catalog, auth).then(
            users => res.json({ users }),
            error => next(error),
          );
        });
      },
    });
  },
});

export default authModuleDemoProvider;
