import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ProxiedSignInPage,
  WarningPanel,
} from '@backstage/core-components';
import {
  configApiRef,
  discoveryApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  DEMO_USER_HEADER,
  SignInChoice,
  forgetSignInChoice,
  forgettingOnSignOut,
  readSignInChoice,
  rememberSignInChoice,
} from './demoChoice';

/** A user the backend's demo provider offers (GET /api/auth/demo/users). */
export interface DemoUser {
  userEntityRef: string;
  name: string;
  displayName?: string;
  email?: string;
  memberOf: string[];
}

type DemoUsers =
  | { state: 'loading' }
  | { state: 'loaded'; users: DemoUser[] }
  | { state: 'off' }
  | { state: 'failed'; message: string };

function useDemoUsers(): DemoUsers {
  const discoveryApi = useApi(discoveryApiRef);
  const [result, setResult] = useState<DemoUsers>({ state: 'loading' });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      // Plain fetch: nobody is signed in yet, so there is no token to send (the route needs none).
      const response = await fetch(
        `${await discoveryApi.getBaseUrl('auth')}/demo/users`,
      );
      if (response.status === 404) {
        return { state: 'off' } as const;
      }
      if (!response.ok) {
        return {
          state: 'failed',
          message: `${response.status} ${response.statusText}`,
        } as const;
      }
      const body = await response.json();
      return { state: 'loaded', users: body.users as DemoUser[] } as const;
    })().then(
      value => !cancelled && setResult(value),
      error =>
        !cancelled && setResult({ state: 'failed', message: `${error}` }),
    );
    return () => {
      cancelled = true;
    };
  }, [discoveryApi]);
  return result;
}

function groupNames(refs: string[]) {
  return refs.map(ref => ref.replace(/^group:(default\/)?/, '')).join(', ');
}

function UserCard(props: { user: DemoUser; onChoose: () => void }) {
  const { user, onChoose } = props;
  const title = user.displayName ?? user.name;
  return (
    <Grid item xs={12} sm={6} md={4} lg={3} component="li">
      <InfoCard
        title={title}
        subheader={user.userEntityRef}
        variant="fullHeight"
        actions={
          <Button color="primary" variant="outlined" onClick={onChoose}>
            Sign in as {title}
          </Button>
        }
      >
        <Typography variant="body2">
          {user.memberOf.length > 0
            ? `Member of ${groupNames(user.memberOf)}`
            : 'Member of no group'}
        </Typography>
        {user.email && (
          <Typography variant="body2" color="textSecondary">
            {user.email}
          </Typography>
        )}
      </InfoCard>
    </Grid>
  );
}

function DemoUsersMessage(props: { users: DemoUsers }) {
  const { users } = props;
  if (users.state === 'loading') {
    return <Progress />;
  }
  if (users.state === 'off') {
    return (
      <WarningPanel
        title="The demo sign-in is off"
        defaultExpanded
        message="This backend has no demo sign-in provider: it is configured with auth.providers.demo.<auth.environment> and works only while the backend runs in development (docs/sign-in.md). The guest provider below may still work."
      />
    );
  }
  if (users.state === 'failed') {
    return (
      <WarningPanel
        title="Could not list the demo users"
        defaultExpanded
        message={users.message}
      />
    );
  }
  return null;
}

function UserPicker(props: { onChoose: (choice: SignInChoice) => void }) {
  const { onChoose } = props;
  const configApi = useApi(configApiRef);
  const users = useDemoUsers();
  return (
    <Page themeId="home">
      <Header title={configApi.getOptionalString('app.title') ?? 'Backstage'} />
      <Content>
        <ContentHeader title="Sign in as a demo user" />
        <Typography variant="body1" paragraph>
          Local development only: pick a person of the demo organisation and act
          as them, with their groups, to see what they may do (a request by one
          person, an approval by another).
        </Typography>
        <DemoUsersMessage users={users} />
        <Grid
          container
          spacing={2}
          component="ul"
          style={{ listStyle: 'none', padding: 0 }}
        >
          {users.state === 'loaded' &&
            users.users.map(user => (
              <UserCard
                key={user.userEntityRef}
                user={user}
                onChoose={() =>
                  onChoose({
                    provider: 'demo',
                    userEntityRef: user.userEntityRef,
                  })
                }
              />
            ))}
          {/* With the demo list, guest is one of the people; without it, the guest provider remains. */}
          {(users.state === 'off' || users.state === 'failed') && (
            <Grid item xs={12} sm={6} md={4} lg={3} component="li">
              <InfoCard
                title="Guest"
                subheader="the guest provider"
                variant="fullHeight"
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() => onChoose({ provider: 'guest' })}
                  >
                    Enter
                  </Button>
                }
              >
                <Typography variant="body2">
                  Sign in without choosing anyone.
                </Typography>
              </InfoCard>
            </Grid>
          )}
        </Grid>
      </Content>
    </Page>
  );
}

function SignInFailed(props: {
  choice: SignInChoice;
  error?: Error;
  onBack: () => void;
}) {
  const who =
    props.choice.provider === 'demo' ? props.choice.userEntityRef : 'guest';
  return (
    <Page themeId="home">
      <Content>
        <WarningPanel
          severity="error"
          title={`Could not sign in as ${who}`}
          message={props.error?.message}
          defaultExpanded
        />
        <Button color="primary" variant="outlined" onClick={props.onBack}>
          Choose someone else
        </Button>
      </Content>
    </Page>
  );
}

/**
 * The sign-in page of the demo: lists the catalog's users that the backend's demo provider can sign
 * in as (the guest provider instead when the backend has no demo provider). The choice survives reloads
 * and is forgotten on sign-out.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  const [choice, setChoice] = useState(readSignInChoice);

  if (!choice) {
    return (
      <UserPicker
        onChoose={chosen => {
          rememberSignInChoice(chosen);
          setChoice(chosen);
        }}
      />
    );
  }
  return (
    <ProxiedSignInPage
      // A new choice is a new session: remount rather than reuse the previous one.
      key={choice.provider === 'demo' ? choice.userEntityRef : 'guest'}
      provider={choice.provider}
      headers={
        choice.provider === 'demo'
          ? { [DEMO_USER_HEADER]: choice.userEntityRef }
          : undefined
      }
      onSignInSuccess={identity =>
        onSignInSuccess(forgettingOnSignOut(identity))
      }
      ErrorComponent={({ error }) => (
        <SignInFailed
          choice={choice}
          error={error}
          onBack={() => {
            forgetSignInChoice();
            setChoice(undefined);
          }}
        />
      )}
    />
  );
}
