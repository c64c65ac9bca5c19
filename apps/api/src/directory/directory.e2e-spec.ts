import type { INestApplication } from '@nestjs/common';
import { ManualClock, readNetworksFile } from '@rogatory/domain';
import { type TestEnvironment } from '@rogatory/domain/testing';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

type Header = { Authorization: string };
interface ContactPointEntry {
  id: string;
  name: string;
  email: string;
  language: string;
  network: string;
  absence: null | { from: string; until: string; delegate: { id: string; email: string; state: string } };
  stale: boolean;
  lastConfirmedAt: string | null;
  lastConfirmedBy: string | null;
}
interface StateEntry {
  code: string;
  name: string;
  networks: string[];
  acceptedLanguages: string[];
  channels: string[];
  formalRequirements: string;
  etag: string;
  stale: boolean;
  staleSince: string | null;
  lastConfirmedAt: string | null;
  lastConfirmedBy: string | null;
  centralAuthority: { id: string; name: string; email: string; stale: boolean; lastConfirmedAt: string | null };
  competentAuthorities: Array<{ id: string; name: string; email: string; measures: string[]; etag: string; stale: boolean }>;
  contactPoints: ContactPointEntry[];
}

/**
 * The directory the contact points rely on (issue 5), over real PostgreSQL: search, confirmations and
 * staleness on a simulated clock, edits with If-Match, competent authorities, CSV export and import,
 * absences with a delegate. The directory is seeded on Monday 2 March 2026 at 10:00 UTC, every entry never
 * confirmed.
 */
describe('API /api/v1/directory (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  const SEEDED = new Date('2026-03-02T10:00:00Z');
  const clock = new ManualClock(SEEDED);
  let ADMIN: Header;
  let CP_GH: Header; // cp1.gh.wacap: Ghana's first WACAP contact point
  let CP_SN: Header; // cp1.sn.wacap
  let OFFICER: Header;
  let SECRETARIAT: Header;

  beforeAll(async () => {
    ({ env, api } = app = await startApiTestApp('api_directory', { clock, withWorker: false }));
    ADMIN = await app.auth('admin');
    CP_GH = await app.auth('cp1.gh.wacap');
    CP_SN = await app.auth('cp1.sn.wacap');
    OFFICER = await app.auth('officer.gh');
    SECRETARIAT = await app.auth('secretariat.casc');
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());
  const ETAG = /^"[0-9a-f]{32}"$/;
  const search = async (query: string, who: Header = OFFICER): Promise<StateEntry[]> =>
    (await http().get(`/api/v1/directory/states${query}`).set(who).expect(200)).body.items;
  const entry = async (code: string): Promise<StateEntry> => (await http().get(`/api/v1/directory/states/${code}`).set(OFFICER).expect(200)).body;
  const codes = (items: StateEntry[]) => items.map((s) => s.code);
  const cpOf = async (email: string): Promise<ContactPointEntry> => {
    const state = email.split('.')[1].toUpperCase();
    return (await entry(state)).contactPoints.find((c) => c.email === email)!;
  };
  /** Every row of the CSV export, as csv-parse reads it back (BOM skipped), keyed by column. */
  const exported = async (): Promise<{ raw: Buffer; rows: Array<Record<string, string>> }> => {
    const res = await http()
      .get('/api/v1/directory/export.csv')
      .set(ADMIN)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="directory.csv"');
    const raw = res.body as Buffer;
    return { raw, rows: parse(raw, { bom: true, columns: true }) as Array<Record<string, string>> };
  };
  const importCsv = (csv: string, who: Header = ADMIN) => http().post('/api/v1/directory/import').set(who).set('Content-Type', 'text/csv').send(csv);
  /** A CSV text of `rows` under the export's header (cells quoted when needed), LF line ends as a text editor may save it. */
  const csvOf = (rows: Array<Record<string, string>>): string => {
    const cols = ['kind', 'network', 'state', 'name', 'email', 'languages', 'measures', 'channels', 'requirements', 'lastConfirmedAt'];
    const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c] ?? '')).join(','))].join('\n') + '\n';
  };

  it('lists every State with its central authority and contact points, seeded with its languages and two channels, never confirmed (stale)', async () => {
    const all = await search('');
    expect(all).toHaveLength(Object.keys(readNetworksFile().states).length);
    expect(codes(all)).toEqual([...codes(all)].sort());
    const gh = all.find((s) => s.code === 'GH')!;
    expect(gh).toMatchObject({
      code: 'GH',
      name: 'Ghana',
      networks: ['WACAP'],
      languages: ['en'],
      acceptedLanguages: ['en'],
      channels: ['CENTRAL_AUTHORITY', 'DIPLOMATIC'],
      formalRequirements: '',
      lastConfirmedAt: null,
      lastConfirmedBy: null,
      stale: true,
      staleSince: SEEDED.toISOString(),
      centralAuthority: { name: 'Central authority of Ghana', email: 'central-authority.gh@example.org', stale: true, lastConfirmedAt: null },
      competentAuthorities: [],
    });
    expect(gh.etag).toMatch(ETAG);
    expect(gh.contactPoints.map((c) => [c.email, c.language, c.network, c.absence, c.stale])).toEqual([
      ['cp1.gh.wacap@example.org', 'en', 'WACAP', null, true],
      ['cp2.gh.wacap@example.org', 'en', 'WACAP', null, true],
    ]);
    // GET of one entry: the same, and its tag as ETag
    const one = await http().get('/api/v1/directory/states/gh').set(SECRETARIAT).expect(200);
    expect(one.body).toEqual(gh);
    expect(one.headers.etag).toBe(gh.etag);
    await http().get('/api/v1/directory/states/XX').set(OFFICER).expect(404);
    await http().get('/api/v1/directory/states/not-a-code').set(OFFICER).expect(404);
  });

  it('searches by network (its members, its contact points only), State, accepted language and measure; every signed-in role may', async () => {
    const casc = await search('?network=casc', SECRETARIAT);
    expect(codes(casc)).toEqual(['AM', 'AZ', 'GE', 'KG', 'KZ', 'TJ', 'TM', 'UZ']);
    for (const s of casc) {
      expect(s.networks).toContain('CASC');
      expect(s.contactPoints.map((c) => c.network)).toEqual(['CASC', 'CASC']);
    }
    // States accepting requests in French: those with French among their languages, as seeded
    const fr = Object.entries(readNetworksFile().states)
      .filter(([, s]) => s.languages.includes('fr'))
      .map(([c]) => c)
      .sort();
    expect(codes(await search('?language=fr', CP_GH))).toEqual(fr);
    expect(codes(await search('?network=WACAP&language=fr'))).toEqual(fr.filter((c) => !['BE', 'CH', 'FR'].includes(c)));
    expect(codes(await search('?state=sn&language=fr'))).toEqual(['SN']);
    expect(codes(await search('?state=gh&language=fr'))).toEqual([]);
    // no competent authority is seeded: nobody executes a measure yet
    expect(await search('?measure=FINANCIAL_RECORDS')).toEqual([]);
    // OTHER: the States member of no network
    const other = codes(await search('?network=OTHER'));
    expect(other).toEqual(expect.arrayContaining(['FR', 'BE', 'CH']));
    expect(other).not.toEqual(expect.arrayContaining(['GH']));

    const bad = await http().get('/api/v1/directory/states?network=NOPE&state=Ghana&language=EN&measure=TORTURE&colour=red').set(OFFICER).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'language', 'measure', 'network', 'state']);
    await http().get('/api/v1/directory/states').expect(401);
  });

  it('an administrator adds and changes competent authorities; the search finds States by the measures they execute', async () => {
    const created = await http()
      .post('/api/v1/directory/competent-authorities')
      .set(ADMIN)
      .send({ state: 'gh', name: 'Economic and Organised Crime Office', email: 'EOCO@example.org', measures: ['financial_records', 'TRACE_PROCEEDS'] })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'GH',
      name: 'Economic and Organised Crime Office',
      email: 'eoco@example.org',
      measures: ['FINANCIAL_RECORDS', 'TRACE_PROCEEDS'],
      etag: expect.stringMatching(ETAG),
      lastConfirmedAt: SEEDED.toISOString(),
      lastConfirmedBy: 'admin',
      stale: false,
      staleSince: null,
    });
    expect(created.headers.etag).toBe(created.body.etag);
    await http()
      .post('/api/v1/directory/competent-authorities')
      .set(ADMIN)
      .send({ state: 'SN', name: 'Pool judiciaire financier', email: 'pjf@example.org', measures: ['FREEZE_OR_SEIZE'] })
      .expect(201);

    expect(codes(await search('?measure=financial_records'))).toEqual(['GH']);
    expect(codes(await search('?measure=FREEZE_OR_SEIZE&language=fr'))).toEqual(['SN']);
    expect((await entry('GH')).competentAuthorities.map((c) => c.email)).toEqual(['eoco@example.org']);

    // the same address twice in a State: 409; a bad body: 400 naming each field, nothing added
    const dup = await http()
      .post('/api/v1/directory/competent-authorities')
      .set(ADMIN)
      .send({ state: 'GH', name: 'Again', email: 'eoco@example.org', measures: ['OTHER'] })
      .expect(409);
    expect(dup.body.code).toBe('CONFLICT');
    const bad = await http()
      .post('/api/v1/directory/competent-authorities')
      .set(ADMIN)
      .send({ state: 'XX', name: 'Evil\r\nBcc: x@example.org', email: 'not an address', measures: ['TORTURE'], colour: 'red' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['colour', 'state', 'name', 'email', 'measures[0]']);
    const [{ n }] = await env.sql<{ n: number }>(`select count(*)::int as n from competent_authority`);
    expect(n).toBe(2);

    // a change with the tag read; the old tag again: 412, nothing written
    const changed = await http()
      .put(`/api/v1/directory/competent-authorities/${created.body.id}`)
      .set(ADMIN)
      .set('If-Match', created.body.etag)
      .send({ name: 'EOCO', email: 'eoco@example.org', measures: ['FINANCIAL_RECORDS', 'ELECTRONIC_EVIDENCE'] })
      .expect(200);
    expect(changed.body).toMatchObject({ name: 'EOCO', measures: ['FINANCIAL_RECORDS', 'ELECTRONIC_EVIDENCE'] });
    expect(changed.body.etag).not.toBe(created.body.etag);
    const stale = await http()
      .put(`/api/v1/directory/competent-authorities/${created.body.id}`)
      .set(ADMIN)
      .set('If-Match', created.body.etag)
      .send({ name: 'Lost update', email: 'eoco@example.org', measures: ['OTHER'] })
      .expect(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect((await entry('GH')).competentAuthorities[0]).toMatchObject({ name: 'EOCO', measures: ['FINANCIAL_RECORDS', 'ELECTRONIC_EVIDENCE'] });
    expect(codes(await search('?measure=ELECTRONIC_EVIDENCE'))).toEqual(['GH']);
    await http()
      .put('/api/v1/directory/competent-authorities/00000000-0000-4000-8000-000000000000')
      .set(ADMIN)
      .send({ name: 'X', email: 'x@example.org', measures: ['OTHER'] })
      .expect(404);
    // administrators only
    for (const who of [CP_GH, OFFICER, SECRETARIAT])
      await http()
        .post('/api/v1/directory/competent-authorities')
        .set(who)
        .send({ state: 'GH', name: 'X', email: 'x@example.org', measures: ['OTHER'] })
        .expect(403);
  });

  it('answers concurrent additions of the same competent authority with one 201 and 409s, never a 500', async () => {
    const body = { state: 'NG', name: 'Federal High Court, Lagos', email: 'registry.fhc@example.org', measures: ['TAKING_EVIDENCE'] };
    const admin = await app!.auth('admin');
    const statuses = await Promise.all(
      [0, 1, 2, 3].map(async () => (await request(app!.api.getHttpServer()).post('/api/v1/directory/competent-authorities').set(admin).send(body)).status),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409]);
    const [{ n }] = await app!.env.sql<{ n: number }>(`select count(*)::int as n from competent_authority where email = 'registry.fhc@example.org'`);
    expect(n).toBe(1);
    await app!.env.sql(`delete from competent_authority where email = 'registry.fhc@example.org'`); // the later tests count the directory's rows
  });

  it("edits a State's accepted languages, channels and requirements (administrator, or that State's contact point) with If-Match; the edit confirms the entry", async () => {
    const before = await entry('GH');
    const body = {
      acceptedLanguages: ['en', 'fr'],
      channels: ['central_authority', 'INTERPOL', 'INTERPOL'],
      formalRequirements: 'Certified translation into English;\nsigned by a prosecutor.',
    };
    const put = await http().put('/api/v1/directory/states/gh').set(CP_GH).set('If-Match', before.etag).send(body).expect(200);
    expect(put.body).toMatchObject({
      code: 'GH',
      acceptedLanguages: ['en', 'fr'],
      channels: ['CENTRAL_AUTHORITY', 'INTERPOL'],
      formalRequirements: 'Certified translation into English;\nsigned by a prosecutor.',
      lastConfirmedAt: SEEDED.toISOString(),
      lastConfirmedBy: 'cp1.gh.wacap',
      stale: false,
      staleSince: null,
    });
    expect(put.headers.etag).toBe(put.body.etag);
    expect(put.body.etag).not.toBe(before.etag);
    expect(codes(await search('?language=fr&network=wacap'))).toContain('GH');

    // the tag read before the edit is stale: 412, nothing changes
    const stale = await http()
      .put('/api/v1/directory/states/GH')
      .set(ADMIN)
      .set('If-Match', before.etag)
      .send({ ...body, acceptedLanguages: ['en'] })
      .expect(412);
    expect(stale.body.errors[0].field).toBe('If-Match');
    expect((await entry('GH')).acceptedLanguages).toEqual(['en', 'fr']);

    // another State's contact point: 404, as if unknown; an officer or a secretariat: 403
    await http().put('/api/v1/directory/states/GH').set(CP_SN).send(body).expect(404);
    await http().put('/api/v1/directory/states/GH').set(OFFICER).send(body).expect(403);
    await http().put('/api/v1/directory/states/GH').set(SECRETARIAT).send(body).expect(403);

    // bad input: 400 naming each field, nothing written
    const bad = await http()
      .put('/api/v1/directory/states/SN')
      .set(ADMIN)
      .send({ acceptedLanguages: ['FR', 'xx', 'fra'], channels: ['PIGEON'], formalRequirements: 'a\u0000b', colour: 'red' })
      .expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'colour', reason: 'is not a known field (known: acceptedLanguages, channels, formalRequirements)' },
      { field: 'acceptedLanguages[0]', reason: '"FR" is not an ISO 639-1 code (two lower-case letters, e.g. "en")' },
      { field: 'acceptedLanguages[1]', reason: '"xx" is not an ISO 639-1 code (two lower-case letters, e.g. "en")' },
      { field: 'acceptedLanguages[2]', reason: '"fra" is not an ISO 639-1 code (two lower-case letters, e.g. "en")' },
      { field: 'channels[0]', reason: '"PIGEON" is not one of CENTRAL_AUTHORITY, DIPLOMATIC, INTERPOL, ORAL_URGENT' },
      { field: 'formalRequirements', reason: 'must be valid Unicode text without NUL characters or lone surrogates' },
    ]);
    const tooLong = await http()
      .put('/api/v1/directory/states/SN')
      .set(ADMIN)
      .send({ acceptedLanguages: [], channels: [], formalRequirements: 'x'.repeat(4001) })
      .expect(400);
    expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toEqual(['acceptedLanguages', 'channels', 'formalRequirements']);
    expect(
      (
        await http()
          .put('/api/v1/directory/states/SN')
          .set(ADMIN)
          .send({ acceptedLanguages: ['fr'] })
          .expect(400)
      ).body.errors.map((e: { field: string }) => e.field),
    ).toEqual(['channels', 'formalRequirements']);
    const [sn] = await env.sql<{ accepted_languages: string[]; formal_requirements: string; last_confirmed_at: Date | null }>(
      `select accepted_languages, formal_requirements, last_confirmed_at from state where code = 'SN'`,
    );
    expect(sn).toEqual({ accepted_languages: ['fr'], formal_requirements: '', last_confirmed_at: null });
  });

  it('confirms an entry: an administrator any; a contact point its own entry and its State’s; another State’s entry is 404, another role 403', async () => {
    const gh = await entry('GH');
    const sn = await entry('SN');
    const own = gh.contactPoints.find((c) => c.email === 'cp1.gh.wacap@example.org')!;
    const colleague = gh.contactPoints.find((c) => c.email === 'cp2.gh.wacap@example.org')!;
    const confirm = (who: Header, kind: string, id: string) => http().post(`/api/v1/directory/${kind}/${id}/confirmation`).set(who);

    const mine = await confirm(CP_GH, 'contact-points', own.id).expect(200);
    expect(mine.body).toEqual({
      kind: 'contact-points',
      id: own.id,
      state: 'GH',
      network: 'WACAP',
      name: own.name,
      email: own.email,
      lastConfirmedAt: SEEDED.toISOString(),
      lastConfirmedBy: 'cp1.gh.wacap',
      stale: false,
      staleSince: null,
    });
    await confirm(CP_GH, 'central-authorities', gh.centralAuthority.id).expect(200);
    await confirm(CP_GH, 'competent-authorities', gh.competentAuthorities[0].id).expect(200);
    expect((await confirm(CP_GH, 'states', 'gh').expect(200)).body).toMatchObject({ kind: 'states', id: 'GH', name: 'Ghana', email: null, stale: false });
    const after = await entry('GH');
    expect(after.centralAuthority).toMatchObject({ stale: false, lastConfirmedAt: SEEDED.toISOString() });
    expect(after.contactPoints.map((c) => c.stale)).toEqual([false, true]); // its colleague's entry is its colleague's to confirm

    // outside its scope: 404 as if unknown, nothing written
    for (const [kind, id] of [
      ['contact-points', colleague.id],
      ['states', 'SN'],
      ['central-authorities', sn.centralAuthority.id],
      ['competent-authorities', sn.competentAuthorities[0].id],
      ['contact-points', sn.contactPoints[0].id],
    ]) {
      const res = await confirm(CP_GH, kind, id);
      expect({ kind, status: res.status, code: res.body.code }).toEqual({ kind, status: 404, code: 'NOT_FOUND' });
    }
    // other roles may not confirm at all
    await confirm(OFFICER, 'states', 'GH').expect(403);
    await confirm(SECRETARIAT, 'states', 'GH').expect(403);
    await confirm(OFFICER, 'contact-points', colleague.id).expect(403);
    await http().post(`/api/v1/directory/states/GH/confirmation`).expect(401);
    // unknown kinds and ids
    await confirm(ADMIN, 'networks', 'WACAP').expect(404);
    await confirm(ADMIN, 'contact-points', 'not-a-uuid').expect(404);
    const [row] = await env.sql<{ last_confirmed_at: Date | null }>(`select last_confirmed_at from state where code = 'SN'`);
    expect(row.last_confirmed_at).toBeNull();

    // an administrator confirms any entry
    expect((await confirm(ADMIN, 'contact-points', colleague.id).expect(200)).body).toMatchObject({ lastConfirmedBy: 'admin', stale: false });
    expect((await confirm(ADMIN, 'states', 'sn').expect(200)).body).toMatchObject({ id: 'SN', lastConfirmedBy: 'admin' });
  });

  it('exports the directory as CSV (BOM, CRLF, RFC 4180) that csv-parse reads back to the same values, names with commas, quotes and accents included', async () => {
    // Names and requirements a directory holds: commas, quotes, accents, line breaks
    const pjf = (await entry('SN')).competentAuthorities[0];
    await http()
      .put(`/api/v1/directory/competent-authorities/${pjf.id}`)
      .set(ADMIN)
      .send({ name: 'Pool judiciaire financier, « Pôle » "PJF" de Dakar', email: 'pjf@example.org', measures: ['FREEZE_OR_SEIZE', 'CONFISCATION'] })
      .expect(200);
    const sn = await entry('SN');
    await http()
      .put('/api/v1/directory/states/SN')
      .set(CP_SN)
      .set('If-Match', sn.etag)
      .send({
        acceptedLanguages: ['fr', 'en'],
        channels: ['CENTRAL_AUTHORITY'],
        formalRequirements: 'Traduction certifiée, en français ;\r\n"signée" par un procureur',
      })
      .expect(200);

    const { raw, rows } = await exported();
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte order mark
    const text = raw.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFkind,network,state,name,email,languages,measures,channels,requirements,lastConfirmedAt');
    expect(text).toContain('"Pool judiciaire financier, « Pôle » ""PJF"" de Dakar"');

    const all = await search('');
    const cps = all.flatMap((s) => s.contactPoints);
    expect(rows).toHaveLength(all.length * 2 + 2 + cps.length); // a STATE and a CENTRAL_AUTHORITY row per State, 2 competent authorities
    const snRow = rows.find((r) => r.kind === 'STATE' && r.state === 'SN')!;
    expect(snRow).toEqual({
      kind: 'STATE',
      network: '',
      state: 'SN',
      name: 'Senegal',
      email: '',
      languages: 'fr en',
      measures: '',
      channels: 'CENTRAL_AUTHORITY',
      requirements: 'Traduction certifiée, en français ;\r\n"signée" par un procureur',
      lastConfirmedAt: SEEDED.toISOString(),
    });
    expect(rows.find((r) => r.kind === 'COMPETENT_AUTHORITY' && r.state === 'SN')).toEqual({
      kind: 'COMPETENT_AUTHORITY',
      network: '',
      state: 'SN',
      name: 'Pool judiciaire financier, « Pôle » "PJF" de Dakar',
      email: 'pjf@example.org',
      languages: '',
      measures: 'FREEZE_OR_SEIZE CONFISCATION',
      channels: '',
      requirements: '',
      lastConfirmedAt: SEEDED.toISOString(),
    });
    // every contact point and central authority, with the values the API gives
    for (const s of all) {
      expect(rows.find((r) => r.kind === 'CENTRAL_AUTHORITY' && r.state === s.code)).toMatchObject({
        name: s.centralAuthority.name,
        email: s.centralAuthority.email,
      });
      for (const c of s.contactPoints)
        expect(rows.find((r) => r.kind === 'CONTACT_POINT' && r.email === c.email)).toEqual({
          kind: 'CONTACT_POINT',
          network: c.network,
          state: s.code,
          name: c.name,
          email: c.email,
          languages: c.language,
          measures: '',
          channels: '',
          requirements: '',
          lastConfirmedAt: c.lastConfirmedAt ?? '',
        });
    }
    // administrators only
    await http().get('/api/v1/directory/export.csv').set(CP_GH).expect(403);
    await http().get('/api/v1/directory/export.csv').expect(401);
  });

  it('imports all rows or none: a bad line names line and column and changes nothing; the good file upserts and confirms what it changes', async () => {
    const { rows } = await exported();
    const byEmail = (email: string) => rows.find((r) => r.email === email)!;
    const edited = rows.map((r) => ({ ...r }));
    const set = (email: string, patch: Record<string, string>) =>
      Object.assign(
        edited.find((r) => r.email === email)!,
        patch,
      );
    set('cp2.gh.wacap@example.org', { name: 'Kwame Mensah, Esq. (Office of the A-G)' });
    set('central-authority.ci@example.org', { name: "Direction des Affaires civiles et du Sceau, Ministère de la Justice de Côte d'Ivoire" });
    Object.assign(
      edited.find((r) => r.kind === 'STATE' && r.state === 'CI')!,
      { languages: 'fr en', requirements: 'Traduction en français' },
    );
    edited.push(
      {
        kind: 'COMPETENT_AUTHORITY',
        network: '',
        state: 'CI',
        name: 'Pôle pénal économique et financier',
        email: 'ppef@example.org',
        measures: 'financial_records; freeze_or_seize',
      },
      { kind: 'CONTACT_POINT', network: 'WACAP', state: 'CI', name: 'Aïssatou Koné', email: 'a.kone@example.org', languages: 'fr' },
    );
    const bad = [
      ...edited,
      { kind: 'CONTACT_POINT', network: 'CASC', state: 'GH', name: 'Wrong network', email: 'x@example.org', languages: 'EN' },
      { kind: 'PRINCE', state: 'GH', name: 'x' },
      { kind: 'COMPETENT_AUTHORITY', state: 'GH', name: '', email: 'nope', measures: 'TORTURE' },
      { kind: 'CONTACT_POINT', network: 'WACAP', state: 'GH', name: 'Taken', email: 'cp1.sn.wacap@example.org', languages: 'en' },
    ];
    // physical lines of the good part (header included; two requirements span two lines): the first bad row is on the next
    const n = csvOf(edited).split('\n').length - 1;
    const refused = await importCsv(csvOf(bad)).expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([
      { field: `line ${n + 1}: network`, reason: 'GH is not a member of CASC' },
      { field: `line ${n + 1}: languages`, reason: 'a contact point reads one language: an ISO 639-1 code in lower case (e.g. fr), got "EN"' },
      { field: `line ${n + 2}: kind`, reason: '"PRINCE" is not one of STATE, CENTRAL_AUTHORITY, COMPETENT_AUTHORITY, CONTACT_POINT' },
      { field: `line ${n + 3}: name`, reason: 'must not be blank' },
      { field: `line ${n + 3}: email`, reason: '"nope" is not an email address (name@domain.tld, at most 254 characters)' },
      { field: `line ${n + 3}: measures[0]`, reason: expect.stringMatching(/^"TORTURE" is not one of TAKING_EVIDENCE, /) },
      { field: `line ${n + 4}: email`, reason: expect.stringMatching(/^the same entry as line \d+$/) }, // Senegal's own row holds that address
      { field: `line ${n + 4}: email`, reason: 'cp1.sn.wacap@example.org is the address of a contact point of SN in WACAP' },
    ]);
    // nothing written
    expect((await cpOf('cp2.gh.wacap@example.org')).name).toBe('Contact point 2 of Ghana (WACAP)');
    const [{ n: count }] = await env.sql<{ n: number }>(`select count(*)::int as n from competent_authority`);
    expect(count).toBe(2);
    expect((await entry('CI')).acceptedLanguages).toEqual(['fr']);

    // the good file: two entries created, three changed, the rest as they were
    const done = await importCsv(csvOf(edited)).expect(200);
    expect(done.body).toEqual({ created: 2, updated: 3, unchanged: rows.length - 3 });
    const ci = await entry('CI');
    expect(ci).toMatchObject({
      acceptedLanguages: ['fr', 'en'],
      formalRequirements: 'Traduction en français',
      lastConfirmedBy: 'admin',
      stale: false,
      centralAuthority: { name: "Direction des Affaires civiles et du Sceau, Ministère de la Justice de Côte d'Ivoire", stale: false },
    });
    expect(ci.competentAuthorities).toEqual([
      expect.objectContaining({
        name: 'Pôle pénal économique et financier',
        email: 'ppef@example.org',
        measures: ['FINANCIAL_RECORDS', 'FREEZE_OR_SEIZE'],
        stale: false,
      }),
    ]);
    expect(ci.contactPoints.find((c) => c.email === 'a.kone@example.org')).toMatchObject({
      name: 'Aïssatou Koné',
      language: 'fr',
      network: 'WACAP',
      stale: false,
    });
    expect(await cpOf('cp2.gh.wacap@example.org')).toMatchObject({ name: 'Kwame Mensah, Esq. (Office of the A-G)', lastConfirmedBy: 'admin', stale: false });
    // an unchanged row keeps its confirmation (never, here)
    expect(await cpOf('cp1.sn.wacap@example.org')).toMatchObject({ lastConfirmedAt: null, stale: true });
    expect(byEmail('cp1.sn.wacap@example.org').lastConfirmedAt).toBe('');

    // importing the exported file again, as it is, changes nothing (multi-line requirements included)
    const again = await exported();
    expect(again.rows.find((r) => r.kind === 'STATE' && r.state === 'GH')!.requirements).toBe('Certified translation into English;\nsigned by a prosecutor.');
    expect((await importCsv(again.raw.toString('utf8')).expect(200)).body).toEqual({ created: 0, updated: 0, unchanged: again.rows.length });

    // not a CSV, a wrong header, another Content-Type, another role
    expect((await importCsv('kind,network\n"open').expect(400)).body.errors[0].field).toBe('(file)');
    expect((await importCsv('state,date,name\nGH,2026-01-01,x\n').expect(400)).body.errors[0].field).toBe('line 1');
    await http().post('/api/v1/directory/import').set(ADMIN).send({ csv: 'x' }).expect(415);
    await importCsv(csvOf(edited), CP_GH).expect(403);
  });

  it('neutralises cells that a spreadsheet would run as formulas, and reads them back as they were', async () => {
    const evil = "=cmd|' /C calc'!A0";
    const { rows } = await exported();
    const edited = rows.map((r) => (r.email === 'cp2.sn.wacap@example.org' ? { ...r, name: evil } : r));
    edited.push({ kind: 'COMPETENT_AUTHORITY', network: '', state: 'SN', name: '@SUM(1+1)', email: 'sum@example.org', measures: 'OTHER' });
    expect((await importCsv(csvOf(edited)).expect(200)).body).toMatchObject({ created: 1, updated: 1 });
    expect((await cpOf('cp2.sn.wacap@example.org')).name).toBe(evil); // the API gives the value as entered

    const { raw, rows: back } = await exported();
    const text = raw.toString('utf8');
    expect(text).toContain(`,'${evil},`); // neutralised (a ' is no CSV quote: the cell needs none)
    expect(text).toContain(",'@SUM(1+1),");
    expect(text).not.toMatch(/(^|,)"?[=+@-]/m); // no cell starts a formula
    expect(back.find((r) => r.email === 'cp2.sn.wacap@example.org')!.name).toBe(`'${evil}`);
    // importing the exported file as it is gives back the values, not the quote
    expect((await importCsv(raw.toString('utf8')).expect(200)).body).toEqual({ created: 0, updated: 0, unchanged: back.length });
    expect((await cpOf('cp2.sn.wacap@example.org')).name).toBe(evil);
    expect((await entry('SN')).competentAuthorities.map((c) => c.name)).toContain('@SUM(1+1)');
  });

  it('records an absence with a delegate (the contact point itself, or an administrator), shows it in the directory, and ends it', async () => {
    const gh1 = await cpOf('cp1.gh.wacap@example.org');
    const gh2 = await cpOf('cp2.gh.wacap@example.org');
    const sn1 = await cpOf('cp1.sn.wacap@example.org');
    const kz1 = (await entry('KZ')).contactPoints[0];
    const url = (id: string) => `/api/v1/contact-points/${id}/absence`;

    const set = await http().put(url(gh1.id)).set(CP_GH).send({ from: '2026-03-02', until: '2026-03-20', delegateId: gh2.id }).expect(200);
    expect(set.body).toEqual({
      contactPointId: gh1.id,
      from: '2026-03-02',
      until: '2026-03-20',
      delegate: { id: gh2.id, name: gh2.name, email: gh2.email, state: 'GH', network: 'WACAP' },
      setBy: 'cp1.gh.wacap',
      activeToday: true,
      readdressed: 0,
      withdrawn: 0,
    });
    expect((await cpOf('cp1.gh.wacap@example.org')).absence).toEqual({
      from: '2026-03-02',
      until: '2026-03-20',
      delegate: { id: gh2.id, name: gh2.name, email: gh2.email, state: 'GH', network: 'WACAP' },
    });
    expect((await http().get(url(gh1.id)).set(ADMIN).expect(200)).body).toMatchObject({ delegate: { id: gh2.id }, activeToday: true });

    // the delegate: another contact point of the network, of the same State while one is available
    const refused = async (body: Record<string, unknown>, who: Header = ADMIN, id = gh1.id) =>
      (await http().put(url(id)).set(who).send(body).expect(400)).body.errors as Array<{ field: string; reason: string }>;
    expect(await refused({ from: '2026-04-01', until: '2026-04-10', delegateId: sn1.id })).toEqual([
      {
        field: 'delegateId',
        reason:
          'must be a contact point of GH in WACAP while one is available for these dates (cp2.gh.wacap@example.org); a contact point of another State stands in only when none is',
      },
    ]);
    expect((await refused({ from: '2026-04-01', until: '2026-04-10', delegateId: kz1.id }))[0].reason).toBe(
      "must be a contact point of WACAP, the absent contact point's network; cp1.kz.casc@example.org is of CASC",
    );
    expect((await refused({ from: '2026-04-01', until: '2026-04-10', delegateId: gh1.id }))[0].reason).toBe(
      'must be another contact point than the absent one',
    );
    expect((await refused({ from: '2026-04-01', until: '2026-04-10', delegateId: '00000000-0000-4000-8000-000000000000' }))[0].field).toBe('delegateId');
    expect(await refused({ from: '2026-02-30', until: '2026-03-01', delegateId: 'x', colour: 'red' })).toEqual([
      { field: 'colour', reason: 'is not a known field (known: from, until, delegateId)' },
      { field: 'from', reason: "is required: a calendar date YYYY-MM-DD of the contact point's State" },
      { field: 'delegateId', reason: 'is required: the id (uuid) of the contact point standing in' },
    ]);
    expect(await refused({ from: '2026-02-01', until: '2026-03-01', delegateId: gh2.id })).toEqual([
      { field: 'until', reason: "must not be before today (2026-03-02 in the contact point's State): the absence would be over" },
    ]);
    expect((await refused({ from: '2026-03-10', until: '2026-03-09', delegateId: gh2.id }))[0]).toEqual({
      field: 'until',
      reason: 'must not be before from (2026-03-10)',
    });
    expect((await refused({ from: '2026-03-10', until: '2027-03-11', delegateId: gh2.id }))[0].field).toBe('until');
    // nothing changed by the refusals
    expect((await cpOf('cp1.gh.wacap@example.org')).absence).toMatchObject({ until: '2026-03-20', delegate: { id: gh2.id } });

    // once Ghana's other contact point is away at the same time, a contact point of another member State may stand in
    await http().put(url(gh2.id)).set(ADMIN).send({ from: '2026-03-09', until: '2026-03-13', delegateId: gh1.id }).expect(200);
    const cross = await http().put(url(gh1.id)).set(CP_GH).send({ from: '2026-03-05', until: '2026-03-20', delegateId: sn1.id }).expect(200);
    expect(cross.body.delegate).toEqual({ id: sn1.id, name: sn1.name, email: sn1.email, state: 'SN', network: 'WACAP' });

    // scope: another contact point's absence is not found; officers and secretariats may not
    await http().put(url(gh2.id)).set(CP_GH).send({ from: '2026-03-09', until: '2026-03-13', delegateId: gh1.id }).expect(404);
    await http().delete(url(gh2.id)).set(CP_GH).expect(404);
    await http().get(url(gh2.id)).set(CP_SN).expect(404);
    await http().put(url(gh1.id)).set(OFFICER).send({ from: '2026-03-09', until: '2026-03-13', delegateId: gh2.id }).expect(403);
    await http().delete(url(gh1.id)).set(SECRETARIAT).expect(403);
    await http().delete(url(gh1.id)).expect(401);

    // ended: gone from the directory; ending again is 404
    await http().delete(url(gh1.id)).set(CP_GH).expect(204);
    await http().delete(url(gh2.id)).set(ADMIN).expect(204);
    expect((await cpOf('cp1.gh.wacap@example.org')).absence).toBeNull();
    await http().get(url(gh1.id)).set(CP_GH).expect(404);
    await http().delete(url(gh1.id)).set(CP_GH).expect(404);
    const [row] = await env.sql<{ absent_from: string | null; absence_delegate_id: string | null }>(
      `select absent_from, absence_delegate_id from contact_point where id = $1`,
      [gh1.id],
    );
    expect(row).toEqual({ absent_from: null, absence_delegate_id: null });
  });

  it('flags an entry stale a year (365 days) after its last confirmation, in every answer and in the list of stale entries', async () => {
    // Ghana's entry was confirmed at SEEDED; Senegal's contact point 1 never was.
    const staleList = async (query = '') => (await http().get(`/api/v1/directory/stale${query}`).set(ADMIN).expect(200)).body;
    const before = await staleList('?state=GH');
    expect(before.items.map((e: { kind: string; email: string | null }) => [e.kind, e.email])).toEqual([]);
    const sn = await staleList('?state=sn&kind=contact-points');
    expect(sn.items).toEqual([
      expect.objectContaining({
        kind: 'contact-points',
        email: 'cp1.sn.wacap@example.org',
        stale: true,
        staleSince: SEEDED.toISOString(),
        lastConfirmedAt: null,
      }),
    ]); // cp2.sn's name was changed by an import, which confirmed it
    expect((await staleList()).total).toBeGreaterThan(100);

    const yearLater = new Date(SEEDED.getTime() + 365 * 86_400_000);
    clock.set(new Date(yearLater.getTime() - 1000));
    expect((await entry('GH')).stale).toBe(false);
    expect((await staleList('?state=GH')).total).toBe(0);

    clock.set(yearLater);
    const gh = await entry('GH');
    expect(gh).toMatchObject({ stale: true, staleSince: yearLater.toISOString(), lastConfirmedAt: SEEDED.toISOString() });
    expect(gh.centralAuthority.stale).toBe(true);
    expect(gh.contactPoints.every((c) => c.stale)).toBe(true);
    expect((await search('?state=GH'))[0].stale).toBe(true);
    const now = await staleList('?state=GH');
    expect(now.items.map((e: { kind: string; staleSince: string }) => [e.kind, e.staleSince])).toEqual([
      ['states', yearLater.toISOString()],
      ['central-authorities', yearLater.toISOString()],
      ['competent-authorities', yearLater.toISOString()],
      ['contact-points', yearLater.toISOString()],
      ['contact-points', yearLater.toISOString()],
    ]);
    // confirming it again clears the flag
    await http().post('/api/v1/directory/states/GH/confirmation').set(CP_GH).expect(200);
    expect(await entry('GH')).toMatchObject({ stale: false, lastConfirmedAt: yearLater.toISOString(), lastConfirmedBy: 'cp1.gh.wacap' });
    // the list is the administrators'
    await http().get('/api/v1/directory/stale').set(CP_GH).expect(403);
    expect(
      (await http().get('/api/v1/directory/stale?kind=networks&colour=red').set(ADMIN).expect(400)).body.errors.map((e: { field: string }) => e.field),
    ).toEqual(['colour', 'kind']);
  });
});
