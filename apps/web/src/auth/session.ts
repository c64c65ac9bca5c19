// Sign-in: OpenID Connect authorization code flow with PKCE (oidc-client-ts), against the provider the API
// names at /auth/config: the deployment's (OIDC_ISSUER) or, in development and the demo, the API's own
// development issuer (/auth/dev). Tokens stay in this browser's storage until they expire or the user signs
// out; the API decides who may see and do what from the token's person.
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { AuthConfig } from '../api/client';

let manager: UserManager | null = null;
let config: AuthConfig | null = null;

/** Reads /auth/config once and builds the OIDC client. Throws when the API cannot be reached. */
export async function authConfig(): Promise<AuthConfig> {
  if (config) return config;
  const res = await fetch('/auth/config', { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`/auth/config answered ${res.status}`);
  config = (await res.json()) as AuthConfig;
  manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/callback`,
    post_logout_redirect_uri: `${location.origin}/sign-in`,
    scope: config.scope,
    response_type: 'code',
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
    // The tokens are shared by the tabs of this browser (officers open requests in new tabs) and end with
    // the token's lifetime or on sign-out; the sign-in's state (PKCE verifier) stays in this tab.
    userStore: new WebStorageStateStore({ store: localStorage }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
  });
  return config;
}

function um(): UserManager {
  if (!manager) throw new Error('authConfig() first');
  return manager;
}

/**
 * Sends the browser to the provider's sign-in. `loginHint` names the person (the demo's sign-in links use
 * it: the development issuer then signs them in at once); `returnTo` is the page to come back to.
 */
export async function signIn(loginHint?: string, returnTo = '/'): Promise<void> {
  await authConfig();
  await um().signinRedirect({ login_hint: loginHint, state: { returnTo } });
}

/** Completes the sign-in on /callback; returns the page to go back to. Throws with the provider's reason. */
export async function completeSignIn(): Promise<string> {
  await authConfig();
  const user = await um().signinRedirectCallback();
  const state = user.state as { returnTo?: string } | undefined;
  return sameOriginPath(state?.returnTo);
}

/** `returnTo` as a path of this origin (`//host`, `/\\host` and absolute URLs elsewhere give `/`). */
export function sameOriginPath(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || !returnTo.startsWith('/')) return '/';
  try {
    const url = new URL(returnTo, location.origin);
    return url.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

/** The signed-in user's access token, or null when there is none or it has expired. */
export async function accessToken(): Promise<string | null> {
  await authConfig();
  const user: User | null = await um().getUser();
  if (!user || user.expired) return null;
  return user.access_token;
}

/** Forgets the tokens of this tab (the development issuer keeps no session to end). */
export async function signOut(): Promise<void> {
  await authConfig();
  await um().removeUser();
}
