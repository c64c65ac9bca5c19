import type { INestApplication } from '@nestjs/common';
import { CaseAccessService, ManualClock, TokenService } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import { importJWK, SignJWT, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** Strings planted in the facts, persons, subject and notes of a case: no METADATA reader may ever receive them. */
const CANARY = { facts: 'CANARY-FACTS-7f3a9', person: 'CANARY-PERSON-Zoë', subject: 'CANARY-SUBJECT-11', note: 'CANARY-NOTE-42' };

/** Who signs in for the matrix, and whether each sees request R (WACAP, Nigeria → Ghana) and C (CASC, Kazakhstan → Uzbekistan). */
const USERS: Array<{ login: string; seesR: boolean; seesC: boolean; full: boolean }> = [
  { login: 'officer.ng', seesR: true, seesC: false, full: true },
  { login: 'officer.gh', seesR: true, seesC: false, full: true },
  { login: 'officer.kz', seesR: false, seesC: true, full: true },
  { login: 'officer.fr', seesR: false, seesC: false, full: true },
  { login: 'cp1.gh.wacap', seesR: true, seesC: false, full: true },
  { login: 'cp1.kz.casc', seesR: false, seesC: true, full: true },
  { login: 'secretariat.wacap', seesR: true, seesC: false, full: false },
  { login: 'secretariat.casc', seesR: false, seesC: true, full: false },
  { login: 'admin', seesR: true, seesC: true, full: false },
];

describe('who may see and do what: tokens, scope, metadata views, row-level security (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const auth: Record<string, { Authorization: string }> = {};
  let R: string;
  let C: string;
  const http = () => request(api.getHttpServer());

  beforeAll(async () => {
    app = await startApiTestApp('access', { clock, withWorker: false });
    ({ env, api } = app);
    for (const u of USERS) auth[u.login] = await app.auth(u.login);
    const r = await http()
      .post('/api/v1/requests')
      .set(auth['officer.ng'])
      .send({
        network: 'WACAP',
        requestingState: 'NG',
        requestedState: 'GH',
        requestType: 'MLA',
        urgent: false,
        confidential: true,
        offences: ['CORRUPTION'],
        measures: ['FINANCIAL_RECORDS'],
        subject: CANARY.subject,
        factsSummary: `${CANARY.facts}: transfers through a Ghanaian bank`,
        personsConcerned: [{ name: CANARY.person, nationality: 'NG', location: 'Accra' }],
      })
      .expect(201);
    R = r.body.id;
    await http()
      .post(`/api/v1/requests/${R}/events`)
      .set(auth['officer.ng'])
      .set('If-Match', '"1"')
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
    await http()
      .post(`/api/v1/requests/${R}/events`)
      .set(auth['cp1.gh.wacap'])
      .set('If-Match', '"2"')
      .send({ type: 'facilitationRecorded', action: 'CHASED_REQUESTED_SIDE', note: CANARY.note })
      .expect(201);
    const c = await http()
      .post('/api/v1/requests')
      .set(auth['officer.kz'])
      .send({ network: 'CASC', requestingState: 'KZ', requestedState: 'UZ', requestType: 'MLA', urgent: false })
      .expect(201);
    C = c.body.id;
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  it('every role × every case route × a request inside and outside its scope answers the expected status', async () => {
    const results: string[] = [];
    const expected: string[] = [];
    // Ghana's first WACAP contact point: cp1.gh.wacap's own entry, another's for cp1.kz.casc
    const [{ contact_point_id: G }] = await env.sql<{ contact_point_id: string }>(`select contact_point_id from app_user where login = 'cp1.gh.wacap'`);
    for (const u of USERS) {
      for (const [id, sees] of [
        [R, u.seesR],
        [C, u.seesC],
      ] as const) {
        const routes: Array<[string, () => request.Test, number]> = [
          ['GET request', () => http().get(`/api/v1/requests/${id}`), 200],
          ['GET events', () => http().get(`/api/v1/requests/${id}/events`), 200],
          // a stale If-Match: in scope the version check answers 409, out of scope 404, and nothing is written
          [
            'POST event',
            () => http().post(`/api/v1/requests/${id}/events`).set('If-Match', '"999"').send({ type: 'facilitationRecorded', action: 'OTHER' }),
            409,
          ],
        ];
        for (const [name, call, inScope] of routes) {
          const res = await call().set(auth[u.login]);
          results.push(`${u.login} ${name} ${id === R ? 'R' : 'C'} → ${res.status}`);
          expected.push(`${u.login} ${name} ${id === R ? 'R' : 'C'} → ${sees ? inScope : 404}`);
        }
        const list = await http().get('/api/v1/requests?limit=500').set(auth[u.login]).expect(200);
        results.push(`${u.login} list ${id === R ? 'R' : 'C'} → ${list.body.items.some((i: { id: string }) => i.id === id)}`);
        expected.push(`${u.login} list ${id === R ? 'R' : 'C'} → ${sees}`);
      }
      for (const path of ['/api/v1/admin/incidents', '/api/v1/admin/metrics', '/metrics', '/api/v1/contact-points', '/api/v1/networks/WACAP/deadline-policy']) {
        const res = await http().get(path).set(auth[u.login]);
        results.push(`${u.login} GET ${path} → ${res.status}`);
        expected.push(`${u.login} GET ${path} → ${u.login === 'admin' ? 200 : 403}`);
      }
      const create = await http().post('/api/v1/requests').set(auth[u.login]).send({ network: 'WACAP' });
      results.push(`${u.login} POST requests (incomplete) → ${create.status}`);
      expected.push(`${u.login} POST requests (incomplete) → ${u.login.startsWith('officer.') ? 400 : 403}`);
      const stats = await http().get('/api/v1/statistics/yearly?year=2026').set(auth[u.login]);
      results.push(`${u.login} GET statistics → ${stats.status}`);
      expected.push(`${u.login} GET statistics → 200`);
      const isCp = u.login.startsWith('cp');
      const me = await http().get('/api/v1/contact-points/me').set(auth[u.login]);
      results.push(`${u.login} GET contact-points/me → ${me.status}`);
      expected.push(`${u.login} GET contact-points/me → ${isCp ? 200 : 403}`);
      // changes with a stale If-Match: where the role may make them, 412 (404 for another contact point's entry); nothing is written
      const changes: Array<[string, () => request.Test, number]> = [
        [
          'PUT notification-mode of G',
          () => http().put(`/api/v1/contact-points/${G}/notification-mode`).send({ mode: 'DAILY_DIGEST' }),
          u.login === 'admin' || u.login === 'cp1.gh.wacap' ? 412 : isCp ? 404 : 403,
        ],
        ['POST holiday', () => http().post('/api/v1/states/GH/holidays').send({ date: '2026-06-04', name: 'x' }), u.login === 'admin' ? 412 : 403],
        ['POST policy version', () => http().post('/api/v1/networks/WACAP/deadline-policy/versions').send({ note: 'x' }), u.login === 'admin' ? 412 : 403],
      ];
      for (const [name, call, status] of changes) {
        const res = await call().set(auth[u.login]).set('If-Match', '"stale"');
        results.push(`${u.login} ${name} → ${res.status}`);
        expected.push(`${u.login} ${name} → ${status}`);
      }
    }
    expect(results).toEqual(expected);
    // nothing written by the matrix: R keeps its transmission and its facilitation
    expect(await env.sql(`select count(*)::int as n from case_event`)).toEqual([{ n: 2 }]);
    expect(await env.sql(`select notification_mode from contact_point where id = $1`, [G])).toEqual([{ notification_mode: 'EACH' }]);
    expect(await env.sql(`select (select count(*)::int from state_holiday) as h, (select count(*)::int from deadline_policy_version) as p`)).toEqual([
      { h: 0, p: 0 },
    ]);
  });

  it('every route but health, the OpenAPI document, the sign-in configuration and the development issuer needs a token', async () => {
    const doc = await http().get('/docs-json').expect(200);
    for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{[^}]+\}/g, (m) => (m === '{state}' ? 'GH' : m === '{network}' ? 'WACAP' : m === '{date}' ? '2026-01-01' : R));
        const res = await (http() as unknown as Record<string, (u: string) => request.Test>)[method](url);
        const open = path === '/health' || path === '/auth/config' || path.startsWith('/auth/dev/');
        expect({ method, path, status: open ? 'open' : res.status }).toEqual({ method, path, status: open ? 'open' : 401 });
      }
    }
    await http().get('/health').expect(200);
    const jwks = await http().get('/auth/dev/jwks.json').expect(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('a secretariat or administrator never receives a field of case facts: canaries checked across every GET route', async () => {
    const readers = USERS.filter((u) => !u.full);
    const paths = [
      `/api/v1/requests/${R}`,
      `/api/v1/requests/${R}/events`,
      '/api/v1/requests?limit=500',
      '/api/v1/statistics/yearly?year=2026',
      '/api/v1/statistics/yearly?year=2026&format=csv',
    ];
    const doc = await http().get('/docs-json').expect(200);
    for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>))
      if ('get' in methods && !path.includes('{')) paths.push(path);
    for (const u of readers)
      for (const path of paths) {
        const res = await http().get(path).set(auth[u.login]);
        for (const canary of Object.values(CANARY))
          expect({ login: u.login, path, leaked: res.text.includes(canary) }).toEqual({ login: u.login, path, leaked: false });
      }
    // the confidential request shows the secretariat no offences or measures either (UNTOC art. 18(20))
    const meta = await http().get(`/api/v1/requests/${R}`).set(auth['secretariat.wacap']).expect(200);
    expect(meta.body).toMatchObject({
      view: 'METADATA',
      confidential: true,
      offences: [],
      measures: [],
      subject: null,
      factsSummary: null,
      personsConcerned: null,
    });
    expect(meta.body.reference).toBeTruthy();
    // the positive control: the requested State's officer reads them all, decrypted
    const full = await http().get(`/api/v1/requests/${R}`).set(auth['officer.gh']).expect(200);
    expect(full.body).toMatchObject({
      view: 'FULL',
      subject: CANARY.subject,
      factsSummary: `${CANARY.facts}: transfers through a Ghanaian bank`,
      personsConcerned: [{ name: CANARY.person, nationality: 'NG', location: 'Accra' }],
      offences: ['CORRUPTION'],
    });
    // at rest, the facts and persons are ciphertext
    const [row] = await env.sql<{ facts_enc: string; persons_enc: string }>('select facts_enc, persons_enc from mla_request where id = $1', [R]);
    expect(row.facts_enc).toMatch(/^v1:dev:/);
    expect(row.facts_enc).not.toContain(CANARY.facts);
    expect(row.persons_enc).not.toContain(CANARY.person);
  });

  it('refuses every kind of forged token with 401', async () => {
    const tokens = api.get(TokenService);
    const good = auth['officer.gh'].Authorization.slice(7);
    const [header, payload, signature] = good.split('.');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const [{ private_jwk: devJwk }] = await env.sql<{ private_jwk: JWK }>('select private_jwk from dev_issuer_key');
    const devKey = await importJWK(devJwk, 'RS256');
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
    const sign = (key: Parameters<SignJWT['sign']>[0], c: Record<string, unknown>, alg = 'RS256') => new SignJWT(c).setProtectedHeader({ alg, kid }).sign(key);
    const now = Math.floor(clock.now().getTime() / 1000);
    const forged: Record<string, string> = {
      expired: await tokens.mintDevToken('officer.gh', -120),
      'altered signature': `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      'altered claims (another subject, same signature)': `${header}.${b64({ ...claims, sub: 'officer.ng' })}.${signature}`,
      'signed by another key with the issuer kid': await sign(otherKey, claims),
      'wrong audience': await sign(devKey, { ...claims, aud: 'another-service' }),
      'unknown issuer': await sign(devKey, { ...claims, iss: 'https://idp.example.org' }),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'HS256 with the public key as secret': await sign(new TextEncoder().encode(JSON.stringify(devJwk.n)), claims, 'HS256'),
      'unknown user': await sign(devKey, { ...claims, sub: 'nobody' }),
      'no expiry': await sign(devKey, { ...claims, exp: undefined }),
      'not yet valid': await sign(devKey, { ...claims, nbf: now + 3600 }),
    };
    for (const [kind, token] of Object.entries(forged)) {
      const res = await http().get(`/api/v1/requests/${R}`).set('Authorization', `Bearer ${token}`);
      expect({ kind, status: res.status, code: res.body.code }).toEqual({ kind, status: 401, code: 'UNAUTHENTICATED' });
      expect(res.body.errors[0].field).toBe('Authorization');
    }
    await env.sql(`update app_user set active = false where login = 'officer.gh'`);
    const inactive = await http().get(`/api/v1/requests/${R}`).set(auth['officer.gh']).expect(401);
    expect(inactive.body.detail).toBe('this user is deactivated');
    await env.sql(`update app_user set active = true where login = 'officer.gh'`);
    await http().get(`/api/v1/requests/${R}`).set(auth['officer.gh']).expect(200);
  });

  it('PostgreSQL enforces the scope too: row-level security and column privileges under the principal', async () => {
    const cases = api.get(CaseAccessService);
    const principal = (login: string) => app!.principal(login);
    // raw queries without any application filter: the database itself limits the rows
    const count = (login: string) =>
      principal(login).then((p) =>
        cases.withPrincipal(p, (em) => em.execute<Array<{ reference: string }>>('select reference from mla_request order by reference')),
      );
    expect((await count('officer.kz')).length).toBe(1);
    expect((await count('officer.fr')).length).toBe(0);
    expect((await count('secretariat.wacap')).length).toBe(1);
    expect((await count('cp1.gh.wacap')).length).toBe(1);
    // the metadata role may not read facts, the subject or event payloads at all
    for (const column of ['facts_enc', 'persons_enc', 'subject']) {
      const p = await principal('secretariat.wacap');
      await expect(cases.withPrincipal(p, (em) => em.execute(`select ${column} from mla_request`))).rejects.toThrow(/permission denied/);
    }
    await expect(cases.withPrincipal(await principal('admin'), (em) => em.execute('select payload from case_event'))).rejects.toThrow(/permission denied/);
    // and no application role may rewrite the audit log
    await expect(cases.withPrincipal(await principal('officer.ng'), (em) => em.execute('delete from audit_log'))).rejects.toThrow(/permission denied/);
  });

  it('audits every read and change of a case with who, role, State, when, what and from where', async () => {
    await http().get(`/api/v1/requests/${R}`).set(auth['officer.gh']).set('User-Agent', 'audit-check/1.0').expect(200);
    const rows = await env.sql<{ entry: Record<string, unknown> }>(`select entry from audit_log where request_id = $1 order by seq desc limit 1`, [R]);
    expect(rows[0].entry).toMatchObject({
      login: 'officer.gh',
      role: 'CENTRAL_AUTHORITY',
      state: 'GH',
      action: 'REQUEST_READ',
      requestId: R,
      userAgent: 'audit-check/1.0',
      at: clock.now().toISOString(),
    });
    expect(rows[0].entry.ip).toMatch(/127\.0\.0\.1|::1/);
    const actions = await env.sql<{ action: string }>(`select distinct action from audit_log order by action`);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['EVENT_RECORDED', 'HISTORY_READ', 'REQUEST_CREATED', 'REQUEST_LISTED', 'REQUEST_READ', 'STATISTICS_EXPORTED', 'STATISTICS_READ']),
    );
    // a refused change leaves no audit entry of a change and no row
    const before = await env.sql(`select count(*)::int as n from audit_log where action = 'EVENT_RECORDED'`);
    await http().post(`/api/v1/requests/${R}/events`).set(auth['officer.gh']).set('If-Match', '"3"').send({ type: 'requestWithdrawn' }).expect(422);
    expect(await env.sql(`select count(*)::int as n from audit_log where action = 'EVENT_RECORDED'`)).toEqual(before);
  });

  it("suppresses small counts in a secretariat's statistics, not in an officer's", async () => {
    const s = await http().get('/api/v1/statistics/yearly?year=2026').set(auth['secretariat.wacap']).expect(200);
    expect(Object.keys(s.body.networks)).toEqual(['WACAP']);
    expect(s.body.networks.WACAP).toMatchObject({ facilitated: null, transmitted: null, pendingAtYearEnd: null, acknowledged: 0 });
    expect(s.body.suppressed).toEqual(expect.arrayContaining(['networks.WACAP.transmitted', 'networks.WACAP.facilitated', 'total.transmitted']));
    expect(s.body.minCount).toBe(3);
    await http().get('/api/v1/statistics/yearly?year=2026&network=CASC').set(auth['secretariat.wacap']).expect(404);
    const o = await http().get('/api/v1/statistics/yearly?year=2026').set(auth['officer.ng']).expect(200);
    expect(o.body.networks.WACAP).toMatchObject({ facilitated: 1, transmitted: 1, pendingAtYearEnd: 1 });
    expect(o.body.networks.CASC).toMatchObject({ transmitted: 0 });
  });
});
