import { ManualClock } from '@rogatory/domain';
import fc from 'fast-check';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { InMemoryWebStorage, OidcClient, WebStorageStateStore } from 'oidc-client-ts';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** A free TCP port on loopback (the API must know its own URL before it starts: PUBLIC_URL names the issuer). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A PKCE pair of RFC 7636: a 43-character verifier and its S256 challenge. */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * Signing in from a browser (issue: the web view): GET /api/v1/me, GET /auth/config, and the development
 * issuer as a real OpenID Connect provider of the authorization code flow with PKCE — its sign-in page,
 * codes that are short-lived, single-use and bound to the client, its redirect URI and its PKCE
 * challenge, and the token endpoint's RFC 6749 errors; then the browser library oidc-client-ts signing in
 * against it end to end.
 */
describe('sign-in: /api/v1/me, /auth/config and the development issuer (authorization code + PKCE) (e2e)', () => {
  let app: ApiTestApp | undefined;
  let off: ApiTestApp | undefined;
  let base: string;
  let issuer: string;
  let callback: string;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const http = () => request(app!.api.getHttpServer());

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    issuer = `${base}/auth/dev`;
    callback = `${base}/auth/callback`;
    app = await startApiTestApp('sign_in', { clock, withWorker: false, config: { publicUrl: base } });
    await app.api.listen(port, '127.0.0.1');
    off = await startApiTestApp('sign_in_off', {
      withWorker: false,
      config: { devIssuer: false, oidcIssuer: 'https://idp.example.org/realms/rogatory', oidcJwksUrl: 'https://idp.example.org/realms/rogatory/jwks' },
    });
  }, 120_000);

  afterAll(async () => {
    await stopApiTestApp(app);
    await stopApiTestApp(off);
  });

  /** The authorize URL's query for `challenge`, with `extra` parameters (or overrides; undefined removes one). */
  function authorizeQuery(challenge: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
    const q: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: 'rogatory-web',
      redirect_uri: callback,
      scope: 'openid profile email',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'n-1',
      ...extra,
    };
    return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>;
  }

  /** Signs in as `login` at /authorize and returns the code from the redirect (asserting the redirect). */
  async function codeFor(login: string, challenge: string, extra: Record<string, string | undefined> = {}): Promise<string> {
    const res = await http()
      .get('/auth/dev/authorize')
      .query(authorizeQuery(challenge, { login_hint: login, ...extra }))
      .expect(302);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    return location.searchParams.get('code')!;
  }

  function exchange(form: Record<string, string>) {
    return http().post('/auth/dev/token').type('form').send(form);
  }

  describe('GET /api/v1/me', () => {
    it("gives an officer's login, role, State, its time zone and languages from the directory", async () => {
      const res = await http()
        .get('/api/v1/me')
        .set(await app!.auth('officer.gh'))
        .expect(200);
      expect(res.body).toEqual({
        login: 'officer.gh',
        name: 'Officer of the central authority of Ghana',
        email: 'officer.gh@example.org',
        role: 'CENTRAL_AUTHORITY',
        state: 'GH',
        network: null,
        contactPointId: null,
        timeZone: 'Africa/Accra',
        languages: ['en'],
      });
    });

    it("gives a contact point's network and directory entry, in its State's zone and languages", async () => {
      const [row] = await app!.env.sql<{ contact_point_id: string; name: string; email: string }>(
        `select contact_point_id, name, email from app_user where login = 'cp1.kz.casc'`,
      );
      const res = await http()
        .get('/api/v1/me')
        .set(await app!.auth('cp1.kz.casc'))
        .expect(200);
      expect(res.body).toEqual({
        login: 'cp1.kz.casc',
        name: row.name,
        email: row.email,
        role: 'CONTACT_POINT',
        state: 'KZ',
        network: 'CASC',
        contactPointId: row.contact_point_id,
        timeZone: 'Asia/Almaty',
        languages: ['kk', 'ru'],
      });
    });

    it("gives a secretariat and the administrator, who have no State, 'UTC' and no languages", async () => {
      const secretariat = await http()
        .get('/api/v1/me')
        .set(await app!.auth('secretariat.wacap'))
        .expect(200);
      expect(secretariat.body).toMatchObject({
        login: 'secretariat.wacap',
        role: 'SECRETARIAT',
        state: null,
        network: 'WACAP',
        timeZone: 'UTC',
        languages: [],
      });
      const admin = await http()
        .get('/api/v1/me')
        .set(await app!.auth('admin'))
        .expect(200);
      expect(admin.body).toEqual({
        login: 'admin',
        name: 'Administrator',
        email: 'admin@example.org',
        role: 'ADMINISTRATOR',
        state: null,
        network: null,
        contactPointId: null,
        timeZone: 'UTC',
        languages: [],
      });
    });

    it('is 401 problem+json without a token', async () => {
      const res = await http().get('/api/v1/me').expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('GET /auth/config', () => {
    it('names the development issuer when no OIDC_ISSUER is configured, without a token', async () => {
      const res = await http().get('/auth/config').expect(200);
      expect(res.body).toEqual({ authority: issuer, clientId: 'rogatory-web', scope: 'openid profile email', devIssuer: true });
    });

    it("names OIDC_ISSUER when it is configured (and the development issuer's routes are then 404)", async () => {
      const server = off!.api.getHttpServer();
      expect((await request(server).get('/auth/config').expect(200)).body).toEqual({
        authority: 'https://idp.example.org/realms/rogatory',
        clientId: 'rogatory-web',
        scope: 'openid profile email',
        devIssuer: false,
      });
      const { challenge } = pkce();
      await request(server).get('/auth/dev/.well-known/openid-configuration').expect(404);
      await request(server).get('/auth/dev/jwks.json').expect(404);
      await request(server)
        .get('/auth/dev/authorize')
        .query(authorizeQuery(challenge, { login_hint: 'officer.gh' }))
        .expect(404);
      const token = await request(server)
        .post('/auth/dev/token')
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: callback, client_id: 'rogatory-web', code_verifier: 'v'.repeat(43) })
        .expect(404);
      expect(token.body.code).toBe('NOT_FOUND');
    });
  });

  describe('the development issuer', () => {
    it('publishes an authorization-code discovery document', async () => {
      const res = await http().get('/auth/dev/.well-known/openid-configuration').expect(200);
      expect(res.body).toMatchObject({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'profile', 'email'],
        token_endpoint_auth_methods_supported: ['none'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    });

    it('without login_hint shows the sign-in page: the users by role, each a link to the same request with its login_hint; no script', async () => {
      const { challenge } = pkce();
      const res = await http().get('/auth/dev/authorize').query(authorizeQuery(challenge)).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      const html = res.text;
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<html lang="en">');
      expect(html).toMatch(/<title>Development sign-in · Rogatory<\/title>/);
      expect(html).toContain('<h1>Development sign-in</h1>');
      expect(html).toContain('AUTH_DEV_ISSUER=true');
      for (const heading of ['Central authority officers, by State', 'Contact points, by network', 'Network secretariats', 'Administrator'])
        expect(html).toContain(`>${heading}</h2>`);
      expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
      const links = [...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1].replace(/&amp;/g, '&'), text: m[2] }));
      const ghana = links.find((l) => l.text === 'Ghana (GH)')!;
      expect(ghana).toBeDefined();
      const q = new URLSearchParams(ghana.href.replace(/^\?/, ''));
      expect(Object.fromEntries(q)).toEqual({ ...authorizeQuery(challenge), login_hint: 'officer.gh' });
      expect(links.map((l) => l.text)).toEqual(expect.arrayContaining(['cp1.gh.wacap', 'secretariat.wacap', 'admin']));
      // One link per active user of the development issuer.
      const [{ n }] = await app!.env.sql<{ n: number }>(`select count(*)::int as n from app_user where active and issuer = $1`, [issuer]);
      expect(links).toHaveLength(n);
    });

    it('escapes what the request carries, and shows why an unknown login_hint was not signed in', async () => {
      const { challenge } = pkce();
      const hostile = '"><script>alert(1)</script>';
      const res = await http()
        .get('/auth/dev/authorize')
        .query(authorizeQuery(challenge, { login_hint: `nobody${hostile}`, state: hostile, redirect_uri: `${callback}?next=${hostile}` }))
        .expect(200);
      expect(res.text).not.toMatch(/<script/i);
      expect(res.text).toContain('there is no active user &quot;nobody&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot; of the development issuer');
      expect(res.text).toContain(`<code>${callback}?next=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>`);
    });

    it('with the login_hint of an active user redirects to redirect_uri with a code, the state and the issuer', async () => {
      const { challenge } = pkce();
      const res = await http()
        .get('/auth/dev/authorize')
        .query(authorizeQuery(challenge, { login_hint: 'officer.gh', state: 'a b&c' }))
        .expect(302);
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(callback);
      expect(location.searchParams.get('state')).toBe('a b&c');
      expect(location.searchParams.get('iss')).toBe(issuer);
      const code = decodeJwt(location.searchParams.get('code')!);
      expect(code).toMatchObject({
        iss: issuer,
        sub: 'officer.gh',
        aud: `${issuer}#code`,
        client_id: 'rogatory-web',
        redirect_uri: callback,
        code_challenge: challenge,
        nonce: 'n-1',
        scope: 'openid profile email',
      });
      expect(code.exp! - code.iat!).toBe(60);
    });

    it('exchanges a code and its PKCE verifier for an access token that /api/v1/me accepts, and an ID token', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('officer.gh', challenge);
      const res = await exchange({ grant_type: 'authorization_code', code, redirect_uri: callback, client_id: 'rogatory-web', code_verifier: verifier }).expect(
        200,
      );
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        id_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: app!.env.config.tokenTtlSeconds,
        scope: 'openid profile email',
      });
      const me = await http().get('/api/v1/me').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
      expect(me.body).toMatchObject({ login: 'officer.gh', role: 'CENTRAL_AUTHORITY', state: 'GH', timeZone: 'Africa/Accra' });
      const keys = createLocalJWKSet((await http().get('/auth/dev/jwks.json').expect(200)).body);
      const { payload, protectedHeader } = await jwtVerify(res.body.id_token, keys, { issuer, audience: 'rogatory-web', currentDate: clock.now() });
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toMatchObject({
        sub: 'officer.gh',
        nonce: 'n-1',
        name: 'Officer of the central authority of Ghana',
        email: 'officer.gh@example.org',
        preferred_username: 'officer.gh',
      });
      expect(payload.exp! - payload.iat!).toBe(app!.env.config.tokenTtlSeconds);
    });

    it('refuses a code used twice (invalid_grant)', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('officer.ng', challenge);
      const form = { grant_type: 'authorization_code', code, redirect_uri: callback, client_id: 'rogatory-web', code_verifier: verifier };
      await exchange(form).expect(200);
      const again = await exchange(form).expect(400);
      expect(again.headers['content-type']).toMatch(/^application\/json/);
      expect(again.headers['cache-control']).toBe('no-store');
      expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'the code was used already' });
    });

    it('refuses a wrong code_verifier, another redirect_uri, another client_id, an unknown grant type and missing parameters (RFC 6749 §5.2)', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('officer.gh', challenge);
      const good = { grant_type: 'authorization_code', code, redirect_uri: callback, client_id: 'rogatory-web', code_verifier: verifier };
      const cases: Array<[Record<string, string | undefined>, string, string]> = [
        [{ code_verifier: pkce().verifier }, 'invalid_grant', 'code_verifier does not match the code_challenge (PKCE)'],
        [{ redirect_uri: `${base}/elsewhere` }, 'invalid_grant', 'redirect_uri is not the one the code was issued for'],
        [{ client_id: 'another-app' }, 'invalid_client', 'client_id "another-app" is not a client of this issuer'],
        [{ grant_type: 'password' }, 'unsupported_grant_type', 'grant_type must be authorization_code, got "password"'],
        [{ code_verifier: undefined, redirect_uri: undefined }, 'invalid_request', 'redirect_uri, code_verifier are required'],
        [{ code_verifier: 'short' }, 'invalid_request', 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)'],
        [{ code: 'not-a-code' }, 'invalid_grant', 'the code is not valid'],
      ];
      for (const [change, error, description] of cases) {
        const form = Object.fromEntries(Object.entries({ ...good, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const res = await exchange(form);
        expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error, error_description: description } });
      }
      // None of these used the code up: with its verifier, redirect_uri and client_id it still works once.
      await exchange(good).expect(200);
    });

    it('refuses a code after its 60 seconds (invalid_grant), by the API clock', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('officer.gh', challenge);
      clock.set(new Date(clock.now().getTime() + 61_000));
      const res = await exchange({ grant_type: 'authorization_code', code, redirect_uri: callback, client_id: 'rogatory-web', code_verifier: verifier }).expect(
        400,
      );
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'the code has expired' });
    });

    it('never accepts a code as a bearer token', async () => {
      const { challenge } = pkce();
      const code = await codeFor('officer.gh', challenge);
      const res = await http().get('/api/v1/me').set('Authorization', `Bearer ${code}`).expect(401);
      expect(res.body.errors).toEqual([{ field: 'Authorization', reason: expect.stringContaining('"aud" claim') }]);
    });

    it('takes only a urlencoded form at the token endpoint (415 for JSON), and answers a broken one in RFC 6749 form', async () => {
      const json = await http().post('/auth/dev/token').send({ grant_type: 'authorization_code' }).expect(415);
      expect(json.body.errors).toEqual([{ field: 'Content-Type', reason: 'must be application/x-www-form-urlencoded' }]);
      const big = await http()
        .post('/auth/dev/token')
        .type('form')
        .send(`grant_type=authorization_code&code=${'x'.repeat(11_000)}`)
        .expect(400);
      expect(big.body).toEqual({ error: 'invalid_request', error_description: 'the body is larger than 10 KB' });
      const empty = await http().post('/auth/dev/token').type('form').send('').expect(400);
      expect(empty.body).toEqual({ error: 'invalid_request', error_description: 'grant_type is required (authorization_code)' });
    });

    it('never redirects to a foreign redirect_uri or for an unknown client: 400 naming the parameter, as HTML or JSON', async () => {
      const { challenge } = pkce();
      for (const redirect of [
        'https://evil.example.org/auth/callback',
        `${base.replace('127.0.0.1', 'localhost')}/cb`,
        '/auth/callback',
        'javascript:alert(1)',
      ]) {
        const res = await http()
          .get('/auth/dev/authorize')
          .query(authorizeQuery(challenge, { login_hint: 'officer.gh', redirect_uri: redirect }))
          .expect(400);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<strong>redirect_uri:</strong>');
        expect(res.text).not.toMatch(/<script/i);
      }
      const json = await http()
        .get('/auth/dev/authorize')
        .set('Accept', 'application/json')
        .query(authorizeQuery(challenge, { login_hint: 'officer.gh', redirect_uri: 'https://evil.example.org/cb' }))
        .expect(400);
      expect(json.body).toEqual({ error: 'invalid_request', error_description: `redirect_uri must be on ${base} (the origin of PUBLIC_URL)` });
      const client = await http()
        .get('/auth/dev/authorize')
        .query(authorizeQuery(challenge, { login_hint: 'officer.gh', client_id: 'another-app' }))
        .expect(400);
      expect(client.headers.location).toBeUndefined();
      expect(client.text).toContain('<strong>client_id:</strong> client_id &quot;another-app&quot; is not a client of this issuer');
    });

    it('tells the client at its redirect_uri when the rest of the request is wrong (no PKCE, plain, another response type, no openid)', async () => {
      const { challenge } = pkce();
      const cases: Array<[Record<string, string | undefined>, string, string]> = [
        [{ code_challenge: undefined }, 'invalid_request', 'code_challenge is required (PKCE, RFC 7636)'],
        [{ code_challenge_method: 'plain' }, 'invalid_request', 'code_challenge_method must be S256, got "plain"'],
        [{ code_challenge: 'too-short' }, 'invalid_request', 'code_challenge must be 43 to 128 base64url characters'],
        [{ response_type: 'token' }, 'unsupported_response_type', 'response_type must be code, got "token"'],
        [{ scope: 'profile email' }, 'invalid_scope', 'scope must include openid'],
      ];
      for (const [change, error, description] of cases) {
        const res = await http()
          .get('/auth/dev/authorize')
          .query(authorizeQuery(challenge, { login_hint: 'officer.gh', ...change }))
          .expect(302);
        const location = new URL(res.headers.location);
        expect(`${location.origin}${location.pathname}`).toBe(callback);
        expect(Object.fromEntries(location.searchParams)).toEqual({ error, error_description: description, state: 'st-1', iss: issuer });
      }
    });

    it('answers generated hostile token requests with an RFC 6749 error (400 JSON), never anything else, and changes no row', async () => {
      const { challenge } = pkce();
      const realCode = await codeFor('officer.gh', challenge);
      // After the first code: the development key is created at first use.
      const before = await app!.env.fingerprint();
      const value = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.constantFrom(
          "' OR '1'='1",
          '__proto__',
          'constructor',
          'authorization_code',
          'rogatory-web',
          callback,
          realCode,
          `${realCode}x`,
          'v'.repeat(43),
          '',
        ),
      );
      const name = fc.constantFrom('grant_type', 'code', 'redirect_uri', 'client_id', 'code_verifier', '__proto__', 'constructor[prototype][polluted]', 'x');
      const form = fc.array(fc.tuple(name, value), { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString());
      const raw = fc.string({ unit: 'binary', maxLength: 300 });
      await fc.assert(
        fc.asyncProperty(fc.oneof(form, raw), async (body) => {
          const res = await http().post('/auth/dev/token').type('form').send(body);
          const what = `${res.status} ${JSON.stringify(res.body)} for ${JSON.stringify(body).slice(0, 200)}`;
          if (res.status !== 400 || !['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_client'].includes(res.body.error))
            throw new Error(what);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(typeof res.body.error_description).toBe('string');
        }),
        { numRuns: 200 },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await app!.env.fingerprint()).toEqual(before);
    }, 120_000);

    it('never redirects off PUBLIC_URL’s origin, whatever the authorization request (generated), and never fails', async () => {
      const { challenge } = pkce();
      const redirect = fc.oneof(
        fc.constantFrom(
          callback,
          `${callback}?a=1`,
          'https://evil.example.org/cb',
          `${base}.evil.example.org/cb`,
          `${base}@evil.example.org/cb`,
          `//evil.example.org/cb`,
          `${base.replace('http:', 'https:')}/cb`,
          `${callback}#frag`,
          'data:text/html,<script>alert(1)</script>',
        ),
        fc.webUrl(),
        fc.string({ unit: 'binary', maxLength: 80 }),
      );
      const anyValue = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.constantFrom('code', 'S256', 'plain', 'openid', 'rogatory-web', 'officer.gh', challenge),
      );
      const query = fc.record(
        {
          response_type: anyValue,
          client_id: fc.oneof(fc.constant('rogatory-web'), anyValue),
          redirect_uri: redirect,
          scope: fc.oneof(fc.constant('openid profile email'), anyValue),
          state: anyValue,
          code_challenge: fc.oneof(fc.constant(challenge), anyValue),
          code_challenge_method: fc.oneof(fc.constant('S256'), anyValue),
          nonce: anyValue,
          login_hint: fc.oneof(fc.constant('officer.gh'), anyValue),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const res = await http().get(`/auth/dev/authorize?${new URLSearchParams(q as Record<string, string>).toString()}`);
          const what = `${res.status} ${res.headers.location ?? ''} for ${JSON.stringify(q).slice(0, 300)}`;
          if (![200, 302, 400].includes(res.status)) throw new Error(what);
          if (res.status === 302 && !res.headers.location.startsWith(`${base}/`)) throw new Error(what);
          if (res.status !== 302) expect(res.text).not.toMatch(/<script/i);
        }),
        { numRuns: 200 },
      );
    }, 120_000);

    it('signs the browser library oidc-client-ts in, as against any provider, and its token opens /api/v1/me', async () => {
      const client = new OidcClient({
        authority: issuer,
        client_id: 'rogatory-web',
        redirect_uri: callback,
        scope: 'openid profile email',
        stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      });
      // A nonce as an application may set it: oidc-client-ts then refuses an ID token without it.
      const signin = await client.createSigninRequest({ state: { returnTo: '/requests' }, nonce: 'browser-nonce', login_hint: 'cp1.gh.wacap' });
      const target = new URL(signin.url);
      expect(`${target.origin}${target.pathname}`).toBe(`${issuer}/authorize`);
      const redirect = await http().get(`${target.pathname}${target.search}`).expect(302);
      const response = await client.processSigninResponse(redirect.headers.location);
      expect(response.profile).toMatchObject({ sub: 'cp1.gh.wacap', preferred_username: 'cp1.gh.wacap', aud: 'rogatory-web', iss: issuer });
      expect(response.userState).toEqual({ returnTo: '/requests' });
      expect(response.token_type).toBe('Bearer');
      const me = await http().get('/api/v1/me').set('Authorization', `Bearer ${response.access_token}`).expect(200);
      expect(me.body).toMatchObject({ login: 'cp1.gh.wacap', role: 'CONTACT_POINT', state: 'GH', network: 'WACAP', timeZone: 'Africa/Accra' });
    });
  });

  it('types the new routes in the OpenAPI document', async () => {
    const { body: doc } = await http().get('/docs-json').expect(200);
    expect(doc.paths['/api/v1/me'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MeView' });
    expect(doc.paths['/auth/config'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AuthConfigView' });
    expect(doc.paths['/auth/dev/token'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DevTokenView' });
    expect(Object.keys(doc.paths['/auth/dev/token'].post.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(doc.components.schemas.MeView.required).toEqual(
      expect.arrayContaining(['login', 'name', 'email', 'role', 'state', 'network', 'contactPointId', 'timeZone', 'languages']),
    );
  });
});
