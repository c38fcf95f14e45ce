import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import authPlugin from '@backstage/plugin-auth-backend';
import authModuleDemoProvider, { readDemoSignInConfig } from './demoSignIn';

// As the catalog holds them after processing: memberOf relations are what ownership comes from.
function user(name: string, displayName: string, groups: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: {
      profile: { displayName, email: `${name}@example.com` },
      memberOf: groups,
    },
    relations: groups.map(group => ({
      type: 'memberOf',
      targetRef: `group:default/${group}`,
    })),
  };
}

const entities: Entity[] = [
  user('alice', 'Alice Martin', ['team-checkout']),
  user('dave', 'Dave Okafor', ['team-platform', 'release-managers']),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-checkout', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

async function startAuth(auth: object) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleDemoProvider,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          auth,
        },
      }),
    ],
  });
  return server;
}

function decodeClaims(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

// NODE_ENV is `test` under jest: the override stands in for `development` here.
const enabled = {
  environment: 'development',
  providers: {
    demo: { development: { dangerouslyAllowOutsideDevelopment: true } },
  },
};

describe('demo sign-in', () => {
  it('signs in as the chosen catalog user, with the groups the catalog gives', async () => {
    const server = await startAuth(enabled);

    const res = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'dave');

    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({
      displayName: 'Dave Okafor',
      email: 'dave@example.com',
    });
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/dave',
      ownershipEntityRefs: [
        'user:default/dave',
        'group:default/team-platform',
        'group:default/release-managers',
      ],
    });
    // The token other backends authenticate: its subject is the chosen user.
    expect(decodeClaims(res.body.backstageIdentity.token)).toMatchObject({
      sub: 'user:default/dave',
    });
  });

  it('accepts a full user entity ref', async () => {
    const server = await startAuth(enabled);
    const res = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'user:default/alice');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/alice',
    );
  });

  it('refuses users the catalog does not have, saying so', async () => {
    const server = await startAuth(enabled);
    const res = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'mallory');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'The catalog has no User user:default/mallory: the demo sign-in signs in only as users of the catalog',
    );
  });

  it('answers 400 naming the header when no user or a non-user is asked for', async () => {
    const server = await startAuth(enabled);
    const missing = await request(server).get('/api/auth/demo/refresh');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('x-demo-user header');

    const group = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'group:default/team-checkout');
    expect(group.status).toBe(400);
    expect(group.body.error.message).toBe(
      'The x-demo-user header "group:default/team-checkout" names a group, not a User',
    );
  });

  it('lists the users one can sign in as, for the sign-in page', async () => {
    const server = await startAuth(enabled);
    const res = await request(server).get('/api/auth/demo/users');
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([
      {
        userEntityRef: 'user:default/alice',
        name: 'alice',
        displayName: 'Alice Martin',
        email: 'alice@example.com',
        memberOf: ['group:default/team-checkout'],
      },
      {
        userEntityRef: 'user:default/dave',
        name: 'dave',
        displayName: 'Dave Okafor',
        email: 'dave@example.com',
        memberOf: [
          'group:default/team-platform',
          'group:default/release-managers',
        ],
      },
    ]);
  });

  it('is off unless configured for the current auth environment', async () => {
    const server = await startAuth({
      environment: 'production',
      providers: enabled.providers,
    });
    const refresh = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'alice');
    expect(refresh.status).toBe(404);
    const users = await request(server).get('/api/auth/demo/users');
    expect(users.status).toBe(404);
  });
});

describe('readDemoSignInConfig', () => {
  const config = (auth: object) => mockServices.rootConfig({ data: { auth } });

  it('is on in development when configured for the auth environment', () => {
    expect(
      readDemoSignInConfig(
        config({ providers: { demo: { development: {} } } }),
        'development',
      ),
    ).toEqual({ enabled: true });
  });

  it('stays off outside development unless explicitly overridden', () => {
    expect(
      readDemoSignInConfig(
        config({ providers: { demo: { development: {} } } }),
        'production',
      ),
    ).toEqual({
      enabled: false,
      reason:
        'the backend does not run in development (NODE_ENV=production); set auth.providers.demo.development.dangerouslyAllowOutsideDevelopment to override',
    });
  });

  it('names the missing key when not configured', () => {
    expect(
      readDemoSignInConfig(
        config({
          environment: 'production',
          providers: { demo: { development: {} } },
        }),
        'development',
      ),
    ).toEqual({
      enabled: false,
      reason: 'auth.providers.demo.production is not configured',
    });
  });
});
