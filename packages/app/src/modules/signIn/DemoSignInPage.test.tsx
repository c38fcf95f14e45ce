import { discoveryApiRef, IdentityApi } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { DemoSignInPage, DemoUser } from './DemoSignInPage';

const users: DemoUser[] = [
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
    memberOf: ['group:default/team-platform', 'group:default/release-managers'],
  },
  {
    userEntityRef: 'user:default/guest',
    name: 'guest',
    memberOf: ['group:default/guests'],
  },
];

// What /api/auth/demo/refresh answers for a user (a JWT-shaped token, as the page decodes its expiry).
function session(userEntityRef: string) {
  const payload = Buffer.from(
    JSON.stringify({ sub: userEntityRef, exp: Date.now() / 1000 + 3600 }),
  ).toString('base64url');
  return {
    profile: { displayName: userEntityRef },
    backstageIdentity: {
      token: `header.${payload}.signature`,
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef],
      },
    },
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/** A backend whose demo provider knows `users` (or is off), recording the refresh requests. */
function fakeBackend(options: { demoOff?: boolean } = {}) {
  const refreshes: { url: string; user: string | null }[] = [];
  const fetchMock = jest.fn(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url === 'http://localhost:7007/api/auth/demo/users') {
        return options.demoOff
          ? json(
              { error: { name: 'NotFoundError', message: 'Not found' } },
              404,
            )
          : json({ users });
      }
      const refresh = /\/api\/auth\/(demo|guest)\/refresh$/.exec(url);
      if (refresh) {
        const user = new Headers(init?.headers).get('x-demo-user');
        refreshes.push({ url, user });
        return json(session(user ?? 'user:default/guest'));
      }
      return json({ error: { message: `unexpected ${url}` } }, 500);
    },
  );
  global.fetch = fetchMock as typeof fetch;
  return { refreshes };
}

function renderPage() {
  const onSignInSuccess = jest.fn<void, [IdentityApi]>();
  renderInTestApp(<DemoSignInPage onSignInSuccess={onSignInSuccess} />, {
    apis: [
      [
        discoveryApiRef,
        mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      ],
    ],
  });
  return onSignInSuccess;
}

describe('DemoSignInPage', () => {
  const originalFetch = global.fetch;
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('lists the demo users with their groups, guest among them rather than beside them', async () => {
    fakeBackend();
    renderPage();

    expect(await screen.findByText('Alice Martin')).toBeInTheDocument();
    expect(screen.getByText('Member of team-checkout')).toBeInTheDocument();
    expect(
      screen.getByText('Member of team-platform, release-managers'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as Dave Okafor' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as guest' }),
    ).toBeInTheDocument();
    // The guest provider's card is only the fallback for a backend without the demo provider.
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });

  it('signs in as the chosen user through the demo provider, and signs in again as them after a reload', async () => {
    const backend = fakeBackend();
    const onSignInSuccess = renderPage();

    fireEvent.click(
      await screen.findByRole('button', { name: 'Sign in as Alice Martin' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(backend.refreshes).toEqual([
      {
        url: 'http://localhost:7007/api/auth/demo/refresh',
        user: 'user:default/alice',
      },
    ]);
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/alice',
    );

    // A reload: the page signs in as alice again without asking.
    const afterReload = renderPage();
    await waitFor(() => expect(afterReload).toHaveBeenCalledTimes(1));
    expect(backend.refreshes.map(r => r.user)).toEqual([
      'user:default/alice',
      'user:default/alice',
    ]);
  });

  it('forgets the choice on sign-out, so the next visit asks again', async () => {
    fakeBackend();
    const onSignInSuccess = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sign in as Dave Okafor' }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());

    await onSignInSuccess.mock.calls[0][0].signOut();

    const nextVisit = renderPage();
    expect(
      await screen.findAllByRole('button', { name: 'Sign in as Dave Okafor' }),
    ).not.toHaveLength(0);
    expect(nextVisit).not.toHaveBeenCalled();
  });

  it('says the demo sign-in is off when the backend has no demo provider, and keeps the guest', async () => {
    const backend = fakeBackend({ demoOff: true });
    const onSignInSuccess = renderPage();

    expect(
      await screen.findByText(/The demo sign-in is off/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/auth\.providers\.demo\.<auth\.environment>/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Enter' }));

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    expect(backend.refreshes).toEqual([
      { url: 'http://localhost:7007/api/auth/guest/refresh', user: null },
    ]);
  });
});
