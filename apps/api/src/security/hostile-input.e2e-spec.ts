import { INCIDENT_NOTE_MAX, INCIDENT_RESOLUTIONS, ManualClock, NOTIFICATION_MODES, USER_EVENT_TYPES } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import { CHANNELS, LEGAL_BASES, MEASURES, NETWORK_CODES, OFFENCES, REQUEST_TYPES } from '@rogatory/workflow';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/**
 * What a field of a body accepts, so that a mutation can be made that the field surely refuses:
 * `line` one line of text (at most `max`), `text` several lines, `code` one of `allowed` (any case),
 * `codes` an array of them, `state` a known ISO code, `date` YYYY-MM-DD, `object` a JSON object with its
 * own rules, `persons` the persons concerned, `forbidden` a field no value of which is accepted.
 */
type FieldKind =
  | { kind: 'line'; max: number; pattern?: RegExp }
  | { kind: 'text'; max: number }
  /** An optional code (`required` false) takes a blank string as no value. */
  | { kind: 'code'; allowed: readonly string[]; required?: boolean }
  | { kind: 'codes'; allowed: readonly string[] }
  | { kind: 'bool' }
  | { kind: 'state' }
  | { kind: 'date' }
  | { kind: 'object' }
  | { kind: 'persons' }
  | { kind: 'forbidden' };

/** A write endpoint, a body it accepts (checked at the end), and what each field of that body accepts. */
interface WriteEndpoint {
  name: string;
  method: 'post' | 'put' | 'delete';
  path: () => string;
  login: string;
  headers?: () => Record<string, string>;
  base: Record<string, unknown>;
  fields: Record<string, FieldKind>;
}

/** Strings that try to get out of their field: SQL, header and path injection, template and prototype keys. */
const SQL_AND_FRIENDS = [
  "' OR '1'='1",
  "'; DROP TABLE mla_request; --",
  '"; DELETE FROM audit_log; --',
  '1); TRUNCATE case_event CASCADE; --',
  '$1',
  '\\x00',
  '../../etc/passwd',
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '%00',
  'W\u0410CAP', // Cyrillic А: looks like WACAP
  'G\u041d', // Cyrillic Н: looks like GH
];

/** Single-line strings that a one-line field must refuse: CR/LF header injection, NUL, C1, bidi overrides, line separators. */
const NOT_ONE_LINE = [
  'x\r\nBcc: victim@example.org',
  'x\nX-Injected: yes',
  'x\rSubject: spoofed',
  'nul\u0000byte',
  'bell\u0007',
  'c1\u0085next line',
  'abc\u202Egnp.exe',
  'iso\u2066late',
  'line\u2028sep',
];

/** Strings no text field accepts: lone surrogates and NUL (PostgreSQL text cannot hold NUL; UTF-8 cannot encode a lone surrogate). */
const NEVER_TEXT = ['lone \uD800 high', 'lone \uDC00 low', '\uDFFF', 'nul \u0000 inside'];

/** Values of the wrong JSON type for a field of `kind`. */
function wrongType(kind: FieldKind['kind']): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(fc.integer(), fc.double(), fc.constant(0), fc.constant(-1), fc.constant(1e308));
  const containers = fc.oneof(fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { minKeys: 1, maxKeys: 3 }));
  switch (kind) {
    case 'bool':
      return fc.oneof(scalar, fc.constantFrom('true', 'false', 'yes', ''), containers, fc.constant([]), fc.constant({}));
    case 'codes':
    case 'persons':
      return fc.oneof(scalar, fc.boolean(), fc.string(), fc.dictionary(fc.string(), fc.string()));
    case 'object':
      return fc.oneof(scalar, fc.boolean(), fc.string(), fc.array(fc.integer(), { minLength: 1 }));
    default:
      return fc.oneof(scalar, fc.boolean(), containers, fc.constant([]), fc.constant({}));
  }
}

const upper = (v: string) => v.trim().toUpperCase();

/** Values that a field of `spec` surely refuses. */
function invalidValue(spec: FieldKind): fc.Arbitrary<unknown> {
  const notIn = (allowed: readonly string[], blankIsNone = false) =>
    fc
      .oneof(fc.constantFrom(...SQL_AND_FRIENDS), fc.string({ unit: 'binary', maxLength: 40 }), fc.constant(''))
      .filter((s) => !allowed.includes(upper(s)) && !(blankIsNone && s === ''));
  switch (spec.kind) {
    case 'line': {
      const hostile = [fc.constantFrom(...NOT_ONE_LINE, ...NEVER_TEXT), fc.string({ minLength: spec.max + 1, maxLength: spec.max + 300 })];
      if (spec.pattern) hostile.push(fc.constantFrom(...SQL_AND_FRIENDS).filter((s) => !spec.pattern!.test(s)));
      return fc.oneof(wrongType('line'), ...hostile);
    }
    case 'text':
      return fc.oneof(wrongType('text'), fc.constantFrom(...NEVER_TEXT), fc.string({ minLength: spec.max + 1, maxLength: spec.max + 300 }));
    case 'code':
      return fc.oneof(wrongType('code'), notIn(spec.allowed, spec.required === false));
    case 'codes':
      return fc.oneof(
        wrongType('codes'),
        notIn(spec.allowed).map((bad) => [spec.allowed[0], bad]),
        fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.constant({})), { minLength: 1, maxLength: 3 }),
      );
    case 'state':
      return fc.oneof(
        wrongType('state'),
        // not 'gh ': codes are trimmed and upper-cased by design, so that one is GH, a valid code
        fc.constantFrom(...SQL_AND_FRIENDS, 'ZZ', 'XK1', 'GHA', 'g h', ''),
        fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !/^[A-Za-z]{2}$/.test(s)),
      );
    case 'date':
      return fc.oneof(
        wrongType('date'),
        fc.constantFrom('2026-02-30', '2026-13-01', '2026-6-4', "2026-06-04' OR '1'='1", '2026-06-04T00:00:00Z', '04/06/2026', '99999-01-01', ''),
        fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
      );
    case 'bool':
      return wrongType('bool');
    case 'object':
      return wrongType('object');
    case 'persons':
      return fc.oneof(
        wrongType('persons'),
        fc.constant([{}]),
        fc.constant([{ name: 'A', role: 'suspect' }]),
        invalidValue({ kind: 'line', max: 200 }).map((name) => [{ name }]),
        invalidValue({ kind: 'state' }).map((nationality) => [{ name: 'A', nationality }]),
      );
    case 'forbidden':
      return fc.oneof(fc.string(), fc.integer(), fc.constant({ role: 'ADMINISTRATOR', state: null, name: 'x' }));
  }
}

/** Keys no body knows, among them those that pollute prototypes when merged carelessly. */
const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'version', 'createdAt', '$where', 'toString'),
  fc.string({ minLength: 1 }),
);

/**
 * A body that `endpoint` must refuse, with the reason it is made so: the valid base with one to three
 * fields replaced by values they refuse, and/or an unknown key; or a body that is not an object at all.
 * Serialised to JSON by hand so that `__proto__` travels as a key, not as the prototype of the literal.
 */
function hostileBody(endpoint: WriteEndpoint): fc.Arbitrary<string> {
  const fieldNames = Object.keys(endpoint.fields);
  const mutated = fc
    .record({
      replaced: fc
        .uniqueArray(fc.constantFrom(...fieldNames), { minLength: 1, maxLength: Math.min(3, fieldNames.length) })
        .chain((names) => fc.tuple(...names.map((n) => invalidValue(endpoint.fields[n]).map((v) => [n, v] as const)))),
      extra: fc.option(fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
    })
    .map(({ replaced, extra }) => {
      const entries: Array<[string, unknown]> = Object.entries(endpoint.base).filter(([k]) => !replaced.some(([n]) => n === k));
      for (const [n, v] of replaced) entries.push([n, v]);
      if (extra && !(extra[0] in endpoint.fields) && !(extra[0] in endpoint.base)) entries.push([extra[0], extra[1]]);
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v === undefined ? null : v)}`).join(',')}}`;
    });
  const unknownOnly = fc
    .tuple(unknownKey, fc.jsonValue({ maxDepth: 2 }))
    .filter(([k]) => !(k in endpoint.fields) && !(k in endpoint.base))
    .map(([k, v]) => `{${JSON.stringify(k)}:${JSON.stringify(v)},${JSON.stringify(endpoint.base).slice(1)}`);
  const notAnObject = fc.oneof(fc.array(fc.jsonValue()), fc.string(), fc.integer(), fc.boolean(), fc.constant(null)).map((v) => JSON.stringify(v));
  const anything = fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: unknownOnly },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: anything },
  );
}

/**
 * Hostile input at every write endpoint (OWASP API Security Top 10 2023 API8, ASVS 5.0 V1/V2): bodies
 * generated by fast-check that each endpoint must refuse get a 4xx (a 400 naming the field), the
 * process keeps answering, not one row of the database changes, and no prototype is polluted. Each
 * endpoint's valid base body is sent last and succeeds, so the mutations were what was refused.
 */
describe('hostile input at every write endpoint (e2e, fast-check)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let requestId: string;
  let contactPointId: string;
  const http = () => request(app!.api.getHttpServer());

  const fingerprint = () => env.fingerprint();

  const ENDPOINTS: WriteEndpoint[] = [
    {
      name: 'POST /api/v1/requests',
      method: 'post',
      path: () => '/api/v1/requests',
      login: 'officer.ng',
      base: {
        network: 'WACAP',
        requestingState: 'NG',
        requestedState: 'GH',
        requestType: 'MLA',
        urgent: false,
        legalBasis: 'UNTOC',
        offences: ['CORRUPTION'],
        measures: ['FINANCIAL_RECORDS'],
        subject: 'Bank records',
        confidential: false,
        factsSummary: 'Transfers through a bank in Accra.',
        personsConcerned: [{ name: 'A. Mensah', nationality: 'GH', location: 'Accra' }],
      },
      fields: {
        reference: { kind: 'line', max: 100, pattern: /^[\p{L}\p{N}][\p{L}\p{N} ./_-]*$/u },
        network: { kind: 'code', allowed: NETWORK_CODES },
        requestingState: { kind: 'state' },
        requestedState: { kind: 'state' },
        requestType: { kind: 'code', allowed: REQUEST_TYPES },
        urgent: { kind: 'bool' },
        legalBasis: { kind: 'code', allowed: LEGAL_BASES, required: false },
        offences: { kind: 'codes', allowed: OFFENCES },
        measures: { kind: 'codes', allowed: MEASURES },
        subject: { kind: 'line', max: 500 },
        confidential: { kind: 'bool' },
        factsSummary: { kind: 'text', max: 20_000 },
        personsConcerned: { kind: 'persons' },
      },
    },
    {
      name: 'POST /api/v1/requests/{id}/events',
      method: 'post',
      path: () => `/api/v1/requests/${requestId}/events`,
      login: 'officer.ng',
      headers: () => ({ 'If-Match': '"1"' }),
      base: { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', suggestedDeadline: { date: '2026-09-01', reasons: 'Trial date' } },
      fields: {
        type: { kind: 'code', allowed: USER_EVENT_TYPES.map((t) => t.toUpperCase()) },
        channel: { kind: 'code', allowed: CHANNELS },
        suggestedDeadline: { kind: 'object' },
        actor: { kind: 'forbidden' },
      },
    },
    {
      name: 'PUT /api/v1/contact-points/{id}/notification-mode',
      method: 'put',
      path: () => `/api/v1/contact-points/${contactPointId}/notification-mode`,
      login: 'admin',
      base: { mode: 'DAILY_DIGEST' },
      fields: { mode: { kind: 'code', allowed: NOTIFICATION_MODES } },
    },
    {
      name: 'POST /api/v1/admin/incidents/{id}/resolution',
      method: 'post',
      path: () => `/api/v1/admin/incidents/${randomUUID()}/resolution`,
      login: 'admin',
      base: { resolution: 'DISMISSED', note: 'Address closed' },
      fields: { resolution: { kind: 'code', allowed: INCIDENT_RESOLUTIONS.map((r) => r.toUpperCase()) }, note: { kind: 'text', max: INCIDENT_NOTE_MAX } },
    },
    {
      name: 'POST /api/v1/networks/{network}/deadline-policy/versions',
      method: 'post',
      path: () => '/api/v1/networks/WACAP/deadline-policy/versions',
      login: 'admin',
      base: { note: 'Plenary 2026', steps: { EXECUTION: { due: { calendarDays: 60 }, reminderBusinessDaysBefore: 5 } } },
      fields: { note: { kind: 'text', max: 500 }, steps: { kind: 'object' }, ladder: { kind: 'object' } },
    },
    {
      name: 'POST /api/v1/states/{state}/holidays',
      method: 'post',
      path: () => '/api/v1/states/GH/holidays',
      login: 'admin',
      base: { date: '2026-06-04', name: 'Day of prayer' },
      fields: { date: { kind: 'date' }, name: { kind: 'line', max: 200 } },
    },
  ];

  beforeAll(async () => {
    app = await startApiTestApp('hostile', { withWorker: false, clock: new ManualClock(new Date('2026-03-02T10:00:00Z')) });
    env = app.env;
    const created = await http()
      .post('/api/v1/requests')
      .set(await app.auth('officer.ng'))
      .send({ reference: 'HOSTILE/1', network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false })
      .expect(201);
    requestId = created.body.id;
    [{ id: contactPointId }] = await env.sql<{ id: string }>(`select id from contact_point order by email limit 1`);
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  /** Sends `body` (raw JSON text) to `endpoint` as its user. */
  async function send(endpoint: WriteEndpoint, body: string, path = endpoint.path(), contentType = 'application/json') {
    return http()
      [endpoint.method](path)
      .set(await app!.auth(endpoint.login))
      .set(endpoint.headers?.() ?? {})
      .set('Content-Type', contentType)
      .send(body);
  }

  /**
   * A refusal as the API promises it: a 4xx (one of `statuses` when given), problem+json, and for a 400
   * every error naming a field.
   */
  function expectRefused(res: request.Response, what: string, statuses?: number[]): void {
    const refused = statuses ? statuses.includes(res.status) : res.status >= 400 && res.status <= 499 && res.status !== 429;
    if (!refused) throw new Error(`${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (res.status === 400) {
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String), reason: expect.any(String) })]));
    }
  }

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.name}: 200 generated hostile bodies each get a 400 naming the field, and no row changes`, async () => {
      const before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(hostileBody(endpoint), async (body) => {
          // 400, never a 404 or 409 of a body that got past validation (the base body's own answer, see the last test).
          expectRefused(await send(endpoint, body), `${endpoint.name} ${body.slice(0, 300)}`, [400]);
        }),
        { numRuns: 200 },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
      await http().get('/health').expect(200);
      expect(await fingerprint()).toEqual(before);
    }, 180_000);
  }

  it('every write endpoint refuses what is not JSON, too big, or a prototype-polluting object, and changes nothing', async () => {
    const before = await fingerprint();
    for (const endpoint of ENDPOINTS) {
      const base = JSON.stringify(endpoint.base);
      const cases: Array<[string, string, string]> = [
        ['broken JSON', base.slice(0, -1), 'application/json'],
        ['form encoding', 'mode=EACH&network=WACAP', 'application/x-www-form-urlencoded'],
        ['XML', '<request><network>WACAP</network></request>', 'application/xml'],
        ['plain text', base, 'text/plain'],
        ['over the 100 KB limit', JSON.stringify({ ...endpoint.base, padding: 'x'.repeat(120_000) }), 'application/json'],
        ['nested 5,000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
        ['__proto__ key', `{"__proto__":{"polluted":"yes"},${base.slice(1)}`, 'application/json'],
        ['constructor.prototype key', `{"constructor":{"prototype":{"polluted":"yes"}},${base.slice(1)}`, 'application/json'],
      ];
      for (const [what, body, type] of cases) {
        const res = await send(endpoint, body, endpoint.path(), type);
        expectRefused(res, `${endpoint.name} ${what}`);
        if (what.endsWith('key')) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(what.split(' ')[0].split('.')[0]);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await fingerprint()).toEqual(before);
  }, 120_000);

  it('hostile path parameters (ids, State codes, dates) answer 4xx and change nothing', async () => {
    const before = await fingerprint();
    const segment = fc.oneof(
      fc.constantFrom(
        ...SQL_AND_FRIENDS,
        '..',
        '%2e%2e',
        'null',
        'undefined',
        '0',
        '-1',
        '00000000-0000-0000-0000-000000000000',
        randomUUID().toUpperCase() + 'x',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
    );
    const admin: WriteEndpoint = { ...ENDPOINTS.find((e) => e.login === 'admin')!, method: 'post' };
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        const A = encodeURIComponent(a);
        const B = encodeURIComponent(b);
        const calls: Array<[WriteEndpoint, string]> = [
          [ENDPOINTS[1], `/api/v1/requests/${A}/events`],
          [ENDPOINTS[2], `/api/v1/contact-points/${A}/notification-mode`],
          [ENDPOINTS[3], `/api/v1/admin/incidents/${A}/resolution`],
          [ENDPOINTS[4], `/api/v1/networks/${A}/deadline-policy/versions`],
          [ENDPOINTS[5], `/api/v1/states/${A}/holidays`],
          [{ ...admin, method: 'delete' }, `/api/v1/states/${A}/holidays/${B}`],
        ];
        for (const [endpoint, path] of calls) {
          // A State code or network that exists, written the way it is, is a valid path: skip it.
          if (/^[A-Za-z]{2}$/.test(a) || /^(wacap|seajust|casc|other)$/i.test(a)) continue;
          expectRefused(await send(endpoint, JSON.stringify(endpoint.base), path), `${endpoint.method.toUpperCase()} ${path}`);
        }
      }),
      { numRuns: 60 },
    );
    expect(await fingerprint()).toEqual(before);
  }, 180_000);

  it('POST /api/v1/holidays/import refuses generated hostile CSV files whole, and changes nothing', async () => {
    const before = await fingerprint();
    const admin: WriteEndpoint = { ...ENDPOINTS.find((e) => e.login === 'admin')!, method: 'post' };
    const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const badRow = fc.oneof(
      fc.tuple(
        invalidValue({ kind: 'state' }).filter((v) => typeof v === 'string'),
        fc.constant('2026-06-04'),
        fc.constant('Day'),
      ),
      fc.tuple(
        fc.constant('GH'),
        invalidValue({ kind: 'date' }).filter((v) => typeof v === 'string'),
        fc.constant('Day'),
      ),
      fc.tuple(fc.constant('GH'), fc.constant('2026-06-04'), fc.constantFrom(...NOT_ONE_LINE, '', 'x'.repeat(300))),
    ) as fc.Arbitrary<[string, string, string]>;
    const file = fc.oneof(
      // A good row and a bad one: all or nothing.
      badRow.map((r) => `state,date,name\nGH,2026-06-05,Good day\n${r.map(csvCell).join(',')}\n`),
      // Not this file's header.
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !s.trim().toLowerCase().startsWith('state,date,name')),
      fc.constantFrom('=cmd|" /C calc"!A0,2026-06-04,x', 'state,date,name,extra\nGH,2026-06-04,x,y\n', 'state,date,name\n"GH,2026-06-04,unclosed\n'),
    );
    await fc.assert(
      fc.asyncProperty(file, async (csv) => {
        expectRefused(await send(admin, csv, '/api/v1/holidays/import', 'text/csv'), `import ${JSON.stringify(csv).slice(0, 200)}`, [400]);
      }),
      { numRuns: 100 },
    );
    expect(await fingerprint()).toEqual(before);
  }, 180_000);

  it('refuses a reference that would add a header to the emails it reaches (CR/LF), naming the field', async () => {
    const before = await fingerprint();
    for (const reference of ['NG/1\r\nBcc: victim@example.org', 'NG/1\nSubject: spoofed', 'NG/1\u2028X: y']) {
      const res = await send(ENDPOINTS[0], JSON.stringify({ ...ENDPOINTS[0].base, reference }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'reference', reason: 'must be one line without control or direction-override characters' }]);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('keeps SQL metacharacters, scripts and any script of the world verbatim where free text is allowed, and the tables intact', async () => {
    const subject = "Robert'); DROP TABLE mla_request; -- «Ёлка» 王小明 مرحبا";
    const factsSummary = "1' OR '1'='1; DELETE FROM audit_log; --\n<script>alert(1)</script>\nZoë, Nguyễn Văn A, 👩🏽‍⚖️, e\u0301, עברית";
    const person = { name: 'O\'Brien "Bob" Ñúñez', nationality: 'xk', location: 'Prishtinë; Kosovë' };
    const created = await send(ENDPOINTS[0], JSON.stringify({ ...ENDPOINTS[0].base, subject, factsSummary, personsConcerned: [person] }));
    expect(created.status).toBe(201);
    const read = await http()
      .get(`/api/v1/requests/${created.body.id}`)
      .set(await app!.auth('officer.ng'))
      .expect(200);
    expect(read.body).toMatchObject({ subject, factsSummary, personsConcerned: [{ ...person, nationality: 'XK' }] });
    const [{ n }] = await env.sql<{ n: number }>(`select count(*)::int as n from mla_request where id = $1`, [created.body.id]);
    expect(n).toBe(1);
    // A filter value is a value, never SQL.
    const filtered = await http()
      .get('/api/v1/requests')
      .query({ requestingState: "NG' OR '1'='1" })
      .set(await app!.auth('officer.ng'));
    expect(filtered.status).toBe(400);
    expect(filtered.body.errors).toEqual([{ field: 'requestingState', reason: 'must be an ISO 3166-1 alpha-2 code' }]);
  });

  it("each endpoint's base body is accepted (so every refusal above was the mutation's)", async () => {
    const statuses: Record<string, number> = {};
    for (const endpoint of ENDPOINTS) statuses[endpoint.name] = (await send(endpoint, JSON.stringify(endpoint.base))).status;
    expect(statuses).toEqual({
      'POST /api/v1/requests': 201,
      'POST /api/v1/requests/{id}/events': 201,
      'PUT /api/v1/contact-points/{id}/notification-mode': 200,
      // The body is valid; the generated id names no email.
      'POST /api/v1/admin/incidents/{id}/resolution': 404,
      'POST /api/v1/networks/{network}/deadline-policy/versions': 201,
      'POST /api/v1/states/{state}/holidays': 201,
    });
    const admin: WriteEndpoint = { ...ENDPOINTS.find((e) => e.login === 'admin')!, method: 'post' };
    expect((await send(admin, 'state,date,name\nGH,2026-06-05,Good day\n', '/api/v1/holidays/import', 'text/csv')).status).toBe(201);
    expect((await send({ ...admin, method: 'delete' }, '', '/api/v1/states/GH/holidays/2026-06-05')).status).toBe(200);
  });
});
