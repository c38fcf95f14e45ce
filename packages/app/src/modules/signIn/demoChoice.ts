import { IdentityApi, ProfileInfo } from '@backstage/frontend-plugin-api';

/** The request header the backend's demo provider reads (packages/backend/src/auth/demoSignIn.ts). */
export const DEMO_USER_HEADER = 'x-demo-user';

/** Whom the person chose on the sign-in page: a demo user, or the guest provider. */
export type SignInChoice =
  | { provider: 'demo'; userEntityRef: string }
  | { provider: 'guest' };

// Kept across reloads so a page reload signs in again as the same person; cleared on sign-out.
const STORAGE_KEY = 'environments:sign-in-choice';

/** The choice remembered from an earlier visit, if any. */
export function readSignInChoice(): SignInChoice | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (value?.provider === 'guest') {
      return { provider: 'guest' };
    }
    if (value?.provider === 'demo' && typeof value.userEntityRef === 'string') {
      return { provider: 'demo', userEntityRef: value.userEntityRef };
    }
  } catch {
    // An unreadable value is no choice.
  }
  return undefined;
}

/** Remembers the choice for the next reload. */
export function rememberSignInChoice(choice: SignInChoice) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
}

/** Forgets the choice: the next visit shows the sign-in page again. */
export function forgetSignInChoice() {
  localStorage.removeItem(STORAGE_KEY);
}

// What sign-in pages hand over: older plugins still call these optional methods.
type SignedInIdentity = IdentityApi & {
  getUserId?(): string;
  getIdToken?(): Promise<string | undefined>;
  getProfile?(): ProfileInfo;
};

/** The identity as signed in, except that signing out also forgets whom one chose to be. */
export function forgettingOnSignOut(
  identity: SignedInIdentity,
): SignedInIdentity {
  return {
    getUserId: identity.getUserId && (() => identity.getUserId!()),
    getIdToken: identity.getIdToken && (() => identity.getIdToken!()),
    getProfile: identity.getProfile && (() => identity.getProfile!()),
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      forgetSignInChoice();
      await identity.signOut();
    },
  };
}
