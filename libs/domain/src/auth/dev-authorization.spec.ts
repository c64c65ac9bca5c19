import { checkDevAuthorizeRequest, devAuthorizeQuery, isCodeVerifier, pkceS256 } from './dev-authorization';

const EXPECTED = { clientId: 'rogatory-web', publicUrl: 'https://rogatory.example.org/app' };
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const GOOD = {
  response_type: 'code',
  client_id: 'rogatory-web',
  redirect_uri: 'https://rogatory.example.org/app/auth/callback',
  scope: 'openid email offline_access profile',
  state: 's',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

describe('the development issuer’s authorization request', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(pkceS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(CHALLENGE);
    expect(isCodeVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(true);
    expect(isCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isCodeVerifier(`${'a'.repeat(42)}+`)).toBe(false);
  });

  it('accepts a valid request, granting the known scopes in their order and ignoring unknown parameters', () => {
    expect(checkDevAuthorizeRequest({ ...GOOD, prompt: 'login', nonce: 'n' }, EXPECTED)).toEqual({
      ok: true,
      request: {
        clientId: 'rogatory-web',
        redirectUri: GOOD.redirect_uri,
        scope: 'openid profile email',
        state: 's',
        codeChallenge: CHALLENGE,
        nonce: 'n',
        loginHint: null,
        responseMode: null,
      },
    });
  });

  it.each([
    ['no redirect_uri', { redirect_uri: undefined }, 'redirect_uri is required'],
    ['a relative redirect_uri', { redirect_uri: '/auth/callback' }, 'redirect_uri must be an absolute URL'],
    ['another origin', { redirect_uri: 'https://evil.example.org/app/cb' }, 'redirect_uri must be on https://rogatory.example.org (the origin of PUBLIC_URL)'],
    [
      'another port',
      { redirect_uri: 'https://rogatory.example.org:8443/app/cb' },
      'redirect_uri must be on https://rogatory.example.org (the origin of PUBLIC_URL)',
    ],
    [
      'another scheme',
      { redirect_uri: 'http://rogatory.example.org/app/cb' },
      'redirect_uri must be on https://rogatory.example.org (the origin of PUBLIC_URL)',
    ],
    ['credentials in it', { redirect_uri: 'https://a:b@rogatory.example.org/cb' }, 'redirect_uri must not carry credentials'],
    ['a fragment', { redirect_uri: 'https://rogatory.example.org/cb#x' }, 'redirect_uri must not have a fragment'],
    ['javascript:', { redirect_uri: 'javascript:alert(1)' }, 'redirect_uri must be an http or https URL'],
    ['redirect_uri twice', { redirect_uri: [GOOD.redirect_uri, GOOD.redirect_uri] }, 'redirect_uri is given more than once'],
  ])('refuses %s without redirecting (redirect_uri)', (_, change, description) => {
    expect(checkDevAuthorizeRequest({ ...GOOD, ...change }, EXPECTED)).toEqual({
      ok: false,
      redirect: false,
      field: 'redirect_uri',
      error: 'invalid_request',
      description,
    });
  });

  it('refuses another client without redirecting (client_id)', () => {
    expect(checkDevAuthorizeRequest({ ...GOOD, client_id: 'x' }, EXPECTED)).toMatchObject({
      ok: false,
      redirect: false,
      field: 'client_id',
      error: 'unauthorized_client',
    });
    expect(checkDevAuthorizeRequest({ ...GOOD, client_id: undefined }, EXPECTED)).toMatchObject({
      ok: false,
      redirect: false,
      field: 'client_id',
      error: 'invalid_request',
    });
  });

  it.each([
    ['response_type=token', { response_type: 'token' }, 'response_type', 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'response_type', 'invalid_request'],
    ['response_mode=fragment', { response_mode: 'fragment' }, 'response_mode', 'invalid_request'],
    ['a scope without openid', { scope: 'profile' }, 'scope', 'invalid_scope'],
    ['no code_challenge', { code_challenge: undefined }, 'code_challenge', 'invalid_request'],
    ['a 42-character code_challenge', { code_challenge: 'x'.repeat(42) }, 'code_challenge', 'invalid_request'],
    ['a padded code_challenge', { code_challenge: `${'x'.repeat(42)}=` }, 'code_challenge', 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'code_challenge_method', 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'code_challenge_method', 'invalid_request'],
    ['nonce twice', { nonce: ['a', 'b'] }, 'nonce', 'invalid_request'],
    ['a login_hint over 1,000 characters', { login_hint: 'x'.repeat(1001) }, 'login_hint', 'invalid_request'],
  ])('refuses %s at the redirect URI, with the state', (_, change, field, error) => {
    expect(checkDevAuthorizeRequest({ ...GOOD, ...change }, EXPECTED)).toMatchObject({
      ok: false,
      redirect: true,
      field,
      error,
      redirectUri: GOOD.redirect_uri,
      state: 's',
    });
  });

  it('rebuilds the request with a login_hint for the sign-in page’s links', () => {
    const check = checkDevAuthorizeRequest({ ...GOOD, response_mode: 'query' }, EXPECTED);
    if (!check.ok) throw new Error('expected a valid request');
    expect(Object.fromEntries(new URLSearchParams(devAuthorizeQuery(check.request, 'officer.gh')))).toEqual({
      ...GOOD,
      scope: 'openid profile email',
      response_mode: 'query',
      login_hint: 'officer.gh',
    });
  });
});
