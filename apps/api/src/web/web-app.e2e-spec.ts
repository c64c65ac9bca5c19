import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

const INDEX = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Rogatory</title><script type="module" crossorigin src="/assets/app-abc123.js"></script></head>
  <body><div id="root"></div></body>
</html>
`;
/** Over compression's 1 KB threshold. */
const SCRIPT = `export const lines = [\n${'  "Rogatory: mutual legal assistance requests between States",\n'.repeat(60)}];\n`;
const ISSUER = 'https://id.example.org/realms/mla';
const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self' https://id.example.org",
  "form-action 'self' https://id.example.org",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');
const JSON_CSP = "default-src 'none';frame-ancestors 'none'";
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/**
 * The web view served by the API from WEB_DIR (a temporary folder standing for dist/web): its pages at every
 * path of its router, its hashed assets cached for good and compressed, the API's own paths untouched; 503
 * when the web view is not built.
 */
describe('web view served by the API (e2e)', () => {
  let app: ApiTestApp | undefined;
  /** WEB_DIR without index.html (the web view not built), listening on a port of 127.0.0.1. */
  let unbuilt: ApiTestApp | undefined;
  let webDir: string;
  let emptyDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(path.join(tmpdir(), 'rogatory-web-'));
    mkdirSync(path.join(webDir, 'assets'));
    writeFileSync(path.join(webDir, 'index.html'), INDEX);
    writeFileSync(path.join(webDir, 'assets', 'app-abc123.js'), SCRIPT);
    emptyDir = mkdtempSync(path.join(tmpdir(), 'rogatory-web-empty-'));
    [app, unbuilt] = await Promise.all([
      startApiTestApp('web_app', { withWorker: false, config: { webDir, oidcIssuer: ISSUER, oidcJwksUrl: `${ISSUER}/certs` } }),
      startApiTestApp('web_app_unbuilt', { withWorker: false, listen: true, config: { webDir: emptyDir } }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopApiTestApp(app), stopApiTestApp(unbuilt)]);
    rmSync(webDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  });

  const http = () => request(app!.api.getHttpServer());

  it.each([
    '/',
    '/sign-in?as=officer.ng',
    '/callback?code=x&state=y',
    '/requests',
    '/requests/new',
    '/requests/1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    '/secretariat',
    '/directory',
  ])('answers %s with the single page, revalidated on every use, under the web view CSP', async (url) => {
    const res = await http().get(url).set('Accept', HTML).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    expect(res.headers['vary']).toMatch(/Accept\b/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers HEAD without a body and a conditional GET with 304', async () => {
    const head = await http().head('/requests').set('Accept', HTML).expect(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    expect(head.text ?? '').toBe('');
    const first = await http().get('/').set('Accept', HTML).expect(200);
    expect(first.headers['etag']).toBeDefined();
    await http().get('/').set('Accept', HTML).set('If-None-Match', first.headers['etag']).expect(304);
  });

  it('serves a hashed asset as immutable for a year, compressed when the client asks (gzip or brotli)', async () => {
    const gzip = await http().get('/assets/app-abc123.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(gzip.headers['content-type']).toMatch(/^text\/javascript/);
    expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['vary']).toMatch(/Accept-Encoding/);
    expect(gzip.headers['content-security-policy']).toBe(WEB_CSP);
    expect(gzip.text).toBe(SCRIPT);
    const br = await http().get('/assets/app-abc123.js').set('Accept-Encoding', 'br, gzip').expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.text).toBe(SCRIPT);
    const plain = await http().get('/assets/app-abc123.js').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    const head = await http().head('/assets/app-abc123.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
  });

  it('answers a missing asset with a 404 problem, never the page', async () => {
    for (const url of ['/assets/missing.js', '/assets/', '/assets']) {
      const res = await http().get(url).set('Accept', HTML);
      expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({ url, status: 404, type: 'application/problem+json; charset=utf-8' });
      expect(res.headers['content-security-policy']).toBe(JSON_CSP);
    }
  });

  it("leaves the API's own paths alone, and gives the page only to a GET or HEAD that prefers HTML", async () => {
    const unauthorized = await http().get('/api/v1/requests').set('Accept', HTML).expect(401);
    expect(unauthorized.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unauthorized.headers['content-security-policy']).toBe(JSON_CSP);
    expect(unauthorized.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const unknown = await http().get('/api/v2/anything').set('Accept', HTML).expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    const json = await http().get('/requests').set('Accept', 'application/json').expect(404);
    expect(json.headers['content-type']).toMatch(/^application\/problem\+json/);
    await http().post('/requests').set('Accept', HTML).expect(404);
    const health = await http().get('/health').set('Accept', HTML).expect(200);
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    await http().get('/metrics').set('Accept', HTML).expect(401);
    // Express routes case-insensitively: an upper-case API path is still the API, never the page
    for (const url of ['/API/v1/requests', '/Api/v1/me', '/HEALTH', '/Auth/config']) {
      const res = await http().get(url).set('Accept', '*/*');
      expect({ url, type: res.headers['content-type'] }).toEqual({ url, type: expect.stringMatching(/^application\/(problem\+)?json/) });
    }
  });

  it('keeps /docs working, and compresses JSON answers too', async () => {
    const docs = await http().get('/docs/').set('Accept', HTML).expect(200);
    expect(docs.text).toContain('swagger-ui');
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' https: 'unsafe-inline'");
    const doc = await http().get('/docs-json').set('Accept', HTML).set('Accept-Encoding', 'gzip').expect(200);
    expect(doc.headers['content-encoding']).toBe('gzip');
    expect(doc.body.info.title).toBe('Rogatory API');
  });

  it('answers 503 with what to run when the web view is not built, over real HTTP on the test app port', async () => {
    expect(unbuilt!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${unbuilt!.baseUrl}/`, { headers: { Accept: HTML } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('npm run build:web');
    // The API still runs, and its development issuer is named after the address a browser reaches.
    const discovery = await fetch(`${unbuilt!.baseUrl}/auth/dev/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${unbuilt!.baseUrl}/auth/dev`);
  });
});
