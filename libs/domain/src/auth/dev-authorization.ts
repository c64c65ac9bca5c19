import { createHash } from 'node:crypto';

/**
 * The authorization request of the development OpenID Connect issuer (authorization code flow with PKCE,
 * RFC 6749 §4.1, RFC 7636, OpenID Connect Core §3.1), checked as pure functions: what the issuer's
 * `/authorize` accepts, and the PKCE transformation its `/token` verifies. Development only
 * (AUTH_DEV_ISSUER=true): a deployment signs in with its own identity provider.
 */

/** Scopes the development issuer grants (others requested are ignored); `openid` is required. */
export const DEV_SCOPES = ['openid', 'profile', 'email'] as const;

/** Lifetime of a development authorization code, seconds. */
export const DEV_CODE_TTL_SECONDS = 60;

/** `code_challenge` of RFC 7636 §4.2 as the issuer accepts it: 43 to 128 base64url characters (S256 gives 43). */
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;
/** `code_verifier` of RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** Longest `state`, `nonce` or `login_hint` accepted (characters). */
const MAX_OPAQUE = 1000;

/** A valid authorization request, as the sign-in page and the code carry it on. */
export interface DevAuthorizeRequest {
  clientId: string;
  /** Absolute URL on PUBLIC_URL's origin, exactly as given (the token request must repeat it). */
  redirectUri: string;
  /** The scopes granted, space-separated, in DEV_SCOPES order (e.g. `openid profile email`). */
  scope: string;
  /** The client's opaque `state`, sent back with the code; null when none was given. */
  state: string | null;
  /** BASE64URL(SHA-256(code_verifier)) (RFC 7636, method S256). */
  codeChallenge: string;
  /** OpenID Connect `nonce`, copied into the ID token; null when none was given. */
  nonce: string | null;
  /** `login_hint`: the login of the user to sign in as; null shows the list of users. */
  loginHint: string | null;
  /** `response_mode` when given (only `query` is supported), else null. */
  responseMode: 'query' | null;
}

/** Error codes of an authorization response (RFC 6749 §4.1.2.1). */
export type DevAuthorizeErrorCode = 'invalid_request' | 'unauthorized_client' | 'unsupported_response_type' | 'invalid_scope';

/**
 * The check of an authorization request: valid, or refused. `redirect: false` (a bad or missing
 * `redirect_uri` or `client_id`): the error is shown to the user and never sent to the redirect URI
 * (no open redirect, RFC 6749 §4.1.2.1). `redirect: true`: the client is told at its redirect URI
 * (`error`, `error_description`, its `state`).
 */
export type DevAuthorizeCheck =
  | { ok: true; request: DevAuthorizeRequest }
  | { ok: false; redirect: false; field: 'redirect_uri' | 'client_id'; error: 'invalid_request' | 'unauthorized_client'; description: string }
  | { ok: false; redirect: true; field: string; error: DevAuthorizeErrorCode; description: string; redirectUri: string; state: string | null };

/**
 * Checks the query of `GET /auth/dev/authorize` (`query`: Express's parsed query; a repeated parameter is
 * an array) against the issuer's client id and PUBLIC_URL. In order: `redirect_uri` (required, an absolute
 * http(s) URL without fragment whose origin is PUBLIC_URL's) and `client_id` (required, equal to
 * OIDC_CLIENT_ID), refused without redirect; then `response_type` (`code`), `response_mode` (`query` or
 * absent), `scope` (must contain `openid`; unknown scopes are ignored), `code_challenge` (43–128 base64url
 * characters), `code_challenge_method` (`S256`), and `state`, `nonce`, `login_hint` (optional, at most
 * 1,000 characters), refused at the redirect URI. Unknown parameters are ignored (RFC 6749 §3.1). A
 * parameter given more than once is refused (invalid_request naming it).
 */
export function checkDevAuthorizeRequest(query: Record<string, unknown>, expected: { clientId: string; publicUrl: string }): DevAuthorizeCheck {
  const repeated = (name: string) => Array.isArray(query[name]) || (query[name] !== undefined && typeof query[name] !== 'string');
  const one = (name: string): string | null => (typeof query[name] === 'string' && query[name] !== '' ? query[name] : null);

  const redirectUri = one('redirect_uri');
  const origin = new URL(expected.publicUrl).origin;
  const badRedirect = (description: string): DevAuthorizeCheck => ({
    ok: false,
    redirect: false,
    field: 'redirect_uri',
    error: 'invalid_request',
    description,
  });
  if (repeated('redirect_uri')) return badRedirect('redirect_uri is given more than once');
  if (redirectUri === null) return badRedirect('redirect_uri is required');
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return badRedirect('redirect_uri must be an absolute URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return badRedirect('redirect_uri must be an http or https URL');
  if (target.origin !== origin) return badRedirect(`redirect_uri must be on ${origin} (the origin of PUBLIC_URL)`);
  if (target.hash !== '' || redirectUri.includes('#')) return badRedirect('redirect_uri must not have a fragment');
  if (target.username !== '' || target.password !== '') return badRedirect('redirect_uri must not carry credentials');

  const clientId = one('client_id');
  if (repeated('client_id'))
    return { ok: false, redirect: false, field: 'client_id', error: 'invalid_request', description: 'client_id is given more than once' };
  if (clientId === null) return { ok: false, redirect: false, field: 'client_id', error: 'invalid_request', description: 'client_id is required' };
  if (clientId !== expected.clientId)
    return {
      ok: false,
      redirect: false,
      field: 'client_id',
      error: 'unauthorized_client',
      description: `client_id "${clientId}" is not a client of this issuer`,
    };

  const state = one('state');
  const refuse = (field: string, error: DevAuthorizeErrorCode, description: string): DevAuthorizeCheck => ({
    ok: false,
    redirect: true,
    field,
    error,
    description,
    redirectUri,
    state: repeated('state') ? null : state,
  });
  for (const name of ['response_type', 'response_mode', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'login_hint'])
    if (repeated(name)) return refuse(name, 'invalid_request', `${name} is given more than once`);
  for (const name of ['state', 'nonce', 'login_hint'])
    if ((one(name)?.length ?? 0) > MAX_OPAQUE) return refuse(name, 'invalid_request', `${name} is longer than ${MAX_OPAQUE} characters`);

  const responseType = one('response_type');
  if (responseType === null) return refuse('response_type', 'invalid_request', 'response_type is required (code)');
  if (responseType !== 'code') return refuse('response_type', 'unsupported_response_type', `response_type must be code, got "${responseType}"`);
  const responseMode = one('response_mode');
  if (responseMode !== null && responseMode !== 'query')
    return refuse('response_mode', 'invalid_request', `response_mode must be query, got "${responseMode}"`);
  const requested = (one('scope') ?? '').split(' ').filter(Boolean);
  if (!requested.includes('openid')) return refuse('scope', 'invalid_scope', 'scope must include openid');
  const codeChallenge = one('code_challenge');
  if (codeChallenge === null) return refuse('code_challenge', 'invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  if (!CODE_CHALLENGE.test(codeChallenge)) return refuse('code_challenge', 'invalid_request', 'code_challenge must be 43 to 128 base64url characters');
  const method = one('code_challenge_method');
  if (method !== 'S256') return refuse('code_challenge_method', 'invalid_request', `code_challenge_method must be S256, got "${method ?? ''}"`);

  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      scope: DEV_SCOPES.filter((s) => requested.includes(s)).join(' '),
      state,
      codeChallenge,
      nonce: one('nonce'),
      loginHint: one('login_hint'),
      responseMode: responseMode === 'query' ? 'query' : null,
    },
  };
}

/**
 * The query of an authorize URL for `request` (every parameter it was made with, `login_hint` when
 * given), so the sign-in page's links repeat the client's request for one user.
 */
export function devAuthorizeQuery(request: DevAuthorizeRequest, loginHint: string | null): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: request.clientId, redirect_uri: request.redirectUri, scope: request.scope });
  if (request.responseMode) q.set('response_mode', request.responseMode);
  if (request.state !== null) q.set('state', request.state);
  q.set('code_challenge', request.codeChallenge);
  q.set('code_challenge_method', 'S256');
  if (request.nonce !== null) q.set('nonce', request.nonce);
  if (loginHint !== null) q.set('login_hint', loginHint);
  return q.toString();
}

/** True when `verifier` is a code_verifier of RFC 7636 §4.1 (43–128 unreserved characters). */
export function isCodeVerifier(verifier: string): boolean {
  return CODE_VERIFIER.test(verifier);
}

/** The S256 code challenge of `verifier`: BASE64URL(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Error codes of the token endpoint that the development issuer answers (RFC 6749 §5.2). */
export type OAuthTokenErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_client';

/**
 * A refused token request (RFC 6749 §5.2): the API answers 400 `{ error, error_description }` as JSON
 * (not problem+json: OAuth clients read `error`).
 */
export class OAuthTokenError extends Error {
  constructor(
    readonly error: OAuthTokenErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthTokenError';
  }
}
