import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, redisConnection } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { ApiModule } from '../api.module';
import { configureApi } from '../bootstrap';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

const REQUEST = { network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false };
const EVIL = 'https://evil.example';
const ALLOWED = 'https://case-desk.example';

/** The HTTP edge over real HTTP, PostgreSQL and Redis: security headers, CORS, rate limits, idempotency keys. */
describe('API hardening (e2e)', () => {
  /** The test environment's defaults: CORS closed, limits out of reach. */
  let app: ApiTestApp | undefined;
  /** CORS open to ALLOWED, 5 requests a minute per user and 8 per IP address, one trusted proxy (X-Forwarded-For). */
  let limited: ApiTestApp | undefined;
  /** A second API instance with `limited`'s configuration (same Redis, same database). */
  let twin: INestApplication | undefined;
  let env: TestEnvironment;

  beforeAll(async () => {
    [app, limited] = await Promise.all([
      startApiTestApp('hardening', { withWorker: false }),
      startApiTestApp('hardening_limits', {
        withWorker: false,
        config: { corsOrigins: [ALLOWED], rateLimitPerMinute: 5, rateLimitIpPerMinute: 8, trustProxyHops: 1 },
      }),
    ]);
    env = app.env;
    twin = await NestFactory.create(ApiModule.forRoot({ config: limited.api.get(AppConfig) }), { logger: false, bodyParser: false });
    configureApi(twin);
    await twin.init();
  }, 120_000);

  afterAll(async () => {
    await twin?.close();
    await Promise.all([stopApiTestApp(app), stopApiTestApp(limited)]);
  });

  const http = () => request(app!.api.getHttpServer());
  const requestCount = async (): Promise<number> => (await env.sql<{ n: number }>('select count(*)::int as n from mla_request'))[0].n;

  describe('security headers', () => {
    it("sets helmet's headers on answers and errors, with a CSP that allows nothing, and no X-Powered-By", async () => {
      const ok = await http()
        .get('/api/v1/requests')
        .set(await app!.auth('officer.ng'))
        .expect(200);
      const unauthorized = await http().get('/api/v1/requests').expect(401);
      for (const res of [ok, unauthorized]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
      expect(unauthorized.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('serves the Swagger UI at /docs under a CSP that lets it load its own scripts and styles', async () => {
      const page = await http().get('/docs/').expect(200);
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' https: 'unsafe-inline'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).not.toContain('upgrade-insecure-requests');
      // Every script is a file of the same origin (an inline script would be refused by script-src 'self').
      const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const attrs of scripts) expect(attrs).toMatch(/src="\.\//);
      const assets = [...page.text.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
      expect(assets).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js']));
      for (const asset of assets) {
        const res = await http().get(`/docs/${asset}`).expect(200);
        expect(res.headers['content-type']).toMatch(asset.endsWith('.js') ? /javascript/ : asset.endsWith('.css') ? /text\/css/ : /image\/png/);
      }
      const doc = await http().get('/docs-json').expect(200);
      expect(doc.body.info.title).toBe('Rogatory API');
    });

    it('refuses a URL longer than 8192 characters with 414 problem+json', async () => {
      const res = await http()
        .get(`/api/v1/requests?network=${'x'.repeat(8200)}`)
        .expect(414);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 414, code: 'URI_TOO_LONG', errors: [{ field: '(url)', reason: 'is longer than 8192 characters' }] });
    });
  });

  describe('CORS', () => {
    const corsHeaders = (res: request.Response): string[] => Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));

    it('is closed by default: no Access-Control-Allow-Origin on an answer, no CORS header on a preflight', async () => {
      const get = await http().get('/auth/dev/jwks.json').set('Origin', EVIL).expect(200);
      expect(corsHeaders(get)).toEqual([]);
      const preflight = await http()
        .options('/api/v1/requests')
        .set('Origin', EVIL)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(corsHeaders(preflight)).toEqual([]);
    });

    it('opens only to CORS_ORIGINS: the allowed origin gets its headers, another origin none', async () => {
      const server = limited!.api.getHttpServer();
      const get = await request(server).get('/auth/dev/jwks.json').set('Origin', ALLOWED).expect(200);
      expect(get.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(get.headers['access-control-expose-headers']).toBe('Location,ETag,Retry-After,Idempotent-Replayed,WWW-Authenticate');
      const preflight = await request(server)
        .options('/api/v1/requests')
        .set('Origin', ALLOWED)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(preflight.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,If-Match,Idempotency-Key');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

      const evilGet = await request(server).get('/auth/dev/jwks.json').set('Origin', EVIL).expect(200);
      expect(corsHeaders(evilGet)).toEqual([]);
      const evilPreflight = await request(server).options('/api/v1/requests').set('Origin', EVIL).set('Access-Control-Request-Method', 'POST');
      expect(corsHeaders(evilPreflight)).toEqual([]);
    });
  });

  describe('rate limits (5 a minute per user, 8 per IP address)', () => {
    const from = (ip: string, server = limited!.api.getHttpServer()) => ({
      get: (url: string) => request(server).get(url).set('X-Forwarded-For', ip),
    });

    it("refuses a user's 6th call within the minute with 429 RATE_LIMITED and Retry-After, while another user goes on", async () => {
      const ng = await limited!.auth('officer.ng');
      const client = from('10.0.0.1');
      for (let i = 1; i <= 5; i++) await client.get('/api/v1/requests').set(ng).expect(200);
      const refused = await client.get('/api/v1/requests').set(ng).expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: expect.stringContaining('more than 5 requests a minute by this user') });
      expect(refused.body.errors).toEqual([{ field: 'Authorization', reason: 'more than 5 requests a minute by this user' }]);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The same user from another address is still refused: the count is the user's.
      await from('10.0.0.9').get('/api/v1/requests').set(ng).expect(429);
      await client
        .get('/api/v1/requests')
        .set(await limited!.auth('officer.gh'))
        .expect(200);
    });

    it("refuses an address's 9th call with 429 (public routes and refused tokens count too); other addresses and health go on", async () => {
      const client = from('10.0.0.2');
      for (let i = 1; i <= 7; i++) await client.get('/auth/dev/jwks.json').expect(200);
      await client.get('/api/v1/requests').set('Authorization', 'Bearer not-a-token').expect(401);
      const refused = await client.get('/auth/dev/jwks.json').expect(429);
      expect(refused.body).toMatchObject({
        code: 'RATE_LIMITED',
        errors: [{ field: '(client address)', reason: 'more than 8 requests a minute from this IP address' }],
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Refused before the token is even looked at.
      const refusedToken = await client.get('/api/v1/requests').set('Authorization', 'Bearer not-a-token').expect(429);
      expect(refusedToken.body.code).toBe('RATE_LIMITED');
      await client.get('/health').expect(200);
      await from('10.0.0.3').get('/auth/dev/jwks.json').expect(200);
    });

    it('counts in Redis under the queue prefix, so API instances share the counts', async () => {
      const one = from('10.0.0.4');
      const two = from('10.0.0.4', twin!.getHttpServer());
      for (let i = 1; i <= 4; i++) {
        await one.get('/auth/dev/jwks.json').expect(200);
        await two.get('/auth/dev/jwks.json').expect(200);
      }
      await two.get('/auth/dev/jwks.json').expect(429);
      await one.get('/auth/dev/jwks.json').expect(429);
      const config = limited!.api.get(AppConfig);
      const redis = new Redis(redisConnection(config.redisUrl));
      try {
        const keys = await redis.keys(`${config.queuePrefix}:throttle:*`);
        expect(keys).toEqual(
          expect.arrayContaining([`${config.queuePrefix}:throttle:{10.0.0.4:ip}:hits`, `${config.queuePrefix}:throttle:{10.0.0.4:ip}:blocked`]),
        );
        expect(Number(await redis.get(`${config.queuePrefix}:throttle:{10.0.0.4:ip}:hits`))).toBe(10);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('Idempotency-Key on POST', () => {
    const tokens: Record<string, { Authorization: string }> = {};
    beforeAll(async () => {
      for (const login of ['officer.ng', 'officer.gh']) tokens[login] = await app!.auth(login);
    });
    const create = (key: string | null, body: object = REQUEST, login = 'officer.ng') => {
      const req = http().post('/api/v1/requests').set(tokens[login]);
      if (key !== null) req.set('Idempotency-Key', key);
      return req.send(body);
    };

    it('answers a retry with the same key and body with the first answer, without creating a second request', async () => {
      const before = await requestCount();
      const first = await create('create-1').expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      // Same body with its keys in another order: the same request.
      const reordered = Object.fromEntries(Object.entries(REQUEST).reverse());
      const again = await create('create-1', reordered).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.location).toBe(`/api/v1/requests/${first.body.id}`);
      expect(again.headers.etag).toBe('"1"');
      expect(again.headers['content-type']).toMatch(/^application\/json/);
      expect(await requestCount()).toBe(before + 1);
      expect(await env.sql(`select id from mla_request where id = $1`, [first.body.id])).toHaveLength(1);
    });

    it('refuses the same key with another body or on another path with 422 IDEMPOTENCY_KEY_REUSED, creating nothing', async () => {
      const first = await create('create-2').expect(201);
      const before = await requestCount();
      const other = await create('create-2', { ...REQUEST, urgent: true }).expect(422);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(other.body).toMatchObject({
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
        errors: [{ field: 'Idempotency-Key', reason: 'was used for another request' }],
      });
      const otherPath = await http()
        .post(`/api/v1/requests/${first.body.id}/events`)
        .set(tokens['officer.ng'])
        .set('If-Match', '"1"')
        .set('Idempotency-Key', 'create-2')
        .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
        .expect(422);
      expect(otherPath.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await requestCount()).toBe(before);
      expect(await env.sql(`select type from case_event where request_id = $1 and type = 'requestTransmitted'`, [first.body.id])).toEqual([]);
    });

    it('replays an event: a retried POST of an event gets its 201 again, not 409 for the version it moved', async () => {
      const created = await create(null).expect(201);
      const send = () =>
        http()
          .post(`/api/v1/requests/${created.body.id}/events`)
          .set(tokens['officer.ng'])
          .set('If-Match', '"1"')
          .set('Idempotency-Key', `transmit-${created.body.id}`)
          .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' });
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.body).toEqual(first.body);
      expect(await env.sql(`select type from case_event where request_id = $1`, [created.body.id])).toEqual([{ type: 'requestTransmitted' }]);
    });

    it('keeps a 4xx answer: a retry of a refused body gets the same problem again', async () => {
      const before = await requestCount();
      const bad = { ...REQUEST, requestedState: 'NG' };
      const first = await create('create-bad', bad).expect(400);
      const again = await create('create-bad', bad).expect(400);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.body).toEqual(first.body);
      expect(again.body.errors).toEqual([{ field: 'requestedState', reason: 'must differ from requestingState' }]);
      expect(await requestCount()).toBe(before);
    });

    it('lets concurrent calls with one key create one request: the others get 409 IDEMPOTENCY_IN_PROGRESS or the same answer', async () => {
      const before = await requestCount();
      const answers = await Promise.all(Array.from({ length: 6 }, () => create('create-concurrent')));
      const created = answers.filter((r) => r.status === 201);
      const busy = answers.filter((r) => r.status === 409);
      expect(created.length + busy.length).toBe(6);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      for (const r of busy) {
        expect(r.body).toMatchObject({
          status: 409,
          code: 'IDEMPOTENCY_IN_PROGRESS',
          errors: [{ field: 'Idempotency-Key', reason: 'its first request is still running' }],
        });
      }
      expect(await requestCount()).toBe(before + 1);
    });

    it.each([
      ['empty', ''],
      ['with a space', 'two words'],
      ['of 201 characters', 'k'.repeat(201)],
      ['not ASCII', 'clé'],
    ])('refuses a key %s with 400 naming Idempotency-Key, creating nothing', async (_, key) => {
      const before = await requestCount();
      const res = await create(key).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters (no spaces)' }],
      });
      expect(await requestCount()).toBe(before);
    });

    it('is documented in the OpenAPI document on every signed-in POST, and on no other method', async () => {
      const { body: doc } = await http().get('/docs-json').expect(200);
      const documented: string[] = [];
      const posts: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>)) {
        for (const [method, op] of Object.entries(item)) {
          // Public POSTs (the development issuer's token endpoint, under /auth/) take no key: no user to claim it for.
          if (method === 'post' && !path.startsWith('/auth/')) posts.push(path);
          if (op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header')) documented.push(`${method.toUpperCase()} ${path}`);
        }
      }
      expect(posts.length).toBeGreaterThanOrEqual(6);
      expect(documented.sort()).toEqual(posts.map((p) => `POST ${p}`).sort());
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
      expect(doc.info.description).toContain('Idempotency-Key');
    });

    it('accepts a key of 200 visible characters', async () => {
      const key = `${'k'.repeat(190)}!~"{}[]:;,`;
      const first = await create(key).expect(201);
      expect((await create(key).expect(201)).body.id).toBe(first.body.id);
    });

    it("keeps keys per user: another user's same key creates that user's own request", async () => {
      const ng = await create('shared-key').expect(201);
      const gh = await create('shared-key', { ...REQUEST, requestingState: 'GH', requestedState: 'NG' }, 'officer.gh').expect(201);
      expect(gh.headers['idempotent-replayed']).toBeUndefined();
      expect(gh.body.id).not.toBe(ng.body.id);
      expect(gh.body.requestingState).toBe('GH');
      const rows = await env.sql<{ login: string; status: number }>(
        `select u.login, r.status from idempotency_record r join app_user u on u.id = r.user_id where r.key = 'shared-key' order by u.login`,
      );
      expect(rows).toEqual([
        { login: 'officer.gh', status: 201 },
        { login: 'officer.ng', status: 201 },
      ]);
    });

    it('forgets a key after 24 hours: the same key and body then create a new request', async () => {
      const first = await create('create-old').expect(201);
      await env.sql(`update idempotency_record set created_at = created_at - interval '25 hours' where key = 'create-old'`);
      const later = await create('create-old').expect(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(later.body.id).not.toBe(first.body.id);
      expect(await env.sql(`select count(*)::int as n from idempotency_record where key = 'create-old'`)).toEqual([{ n: 1 }]);
    });
  });
});
