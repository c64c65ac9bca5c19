import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DeadlineRunner, ManualClock } from '@rogatory/domain';
import { expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { loginOf, startApiTestApp, stopApiTestApp, type ApiTestApp } from './testing/api-test-app';

/** The API booted over real PostgreSQL and Redis, with the worker running and an SMTP listener. */
describe('API /api/v1 (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  let worker: INestApplicationContext;
  const clock = new ManualClock(new Date('2021-03-01T10:00:00Z'));
  const NG = { role: 'CENTRAL_AUTHORITY', state: 'NG' };
  const GH = { role: 'CENTRAL_AUTHORITY', state: 'GH' };
  const tokens: Record<string, { Authorization: string }> = {};
  const body = {
    network: 'WACAP',
    requestingState: 'NG',
    requestedState: 'GH',
    requestType: 'MLA',
    urgent: false,
    offences: ['CORRUPTION'],
    measures: ['FINANCIAL_RECORDS'],
  };

  beforeAll(async () => {
    app = await startApiTestApp('api', { clock });
    ({ env, api } = app);
    worker = app.worker!;
    for (const login of ['officer.ng', 'officer.gh', 'officer.kz', 'officer.uz', 'cp1.gh.wacap', 'secretariat.wacap', 'admin'])
      tokens[login] = await app.auth(login);
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());
  /** GET as `login` (default the Nigerian officer). */
  const get = (url: string, login = 'officer.ng') => http().get(url).set(tokens[login]);
  /** POST an event as its `actor` (the seeded user acting as it; the actor itself is not sent). */
  const post = (id: string, version: number | string, event: { actor?: { role: string; state?: string | null }; [k: string]: unknown }) => {
    const { actor, ...rest } = event;
    return http()
      .post(`/api/v1/requests/${id}/events`)
      .set(tokens[loginOf(actor ?? NG)])
      .set('If-Match', `"${version}"`)
      .send(rest);
  };
  const create = (b: object, login = 'officer.ng') => http().post('/api/v1/requests').set(tokens[login]).send(b);

  async function created(extra: { requestingState?: string; [k: string]: unknown } = {}): Promise<{ id: string; version: number }> {
    const res = await create({ ...body, ...extra }, `officer.${(extra.requestingState ?? 'NG').toLowerCase()}`).expect(201);
    return { id: res.body.id, version: Number(res.headers.etag.replace(/"/g, '')) };
  }

  it('creates a request in draft with Location and ETag, and gets it back with the events each party may send', async () => {
    const res = await create({ ...body, reference: 'E2E/2021/1', requestingState: 'ng' }).expect(201);
    expect(res.headers.location).toBe(`/api/v1/requests/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    const got = await get(res.headers.location).expect(200);
    expect(got.body).toMatchObject({ reference: 'E2E/2021/1', requestingState: 'NG', requestedState: 'GH', state: 'draft', version: 1, openDeadlines: [] });
    expect(got.body.allowedEvents.requestingCentralAuthority).toEqual(['draftShared', 'draftAmended', 'requestTransmitted']);
    expect(got.body.allowedEvents.requestedCentralAuthority).toEqual([]);
  });

  it('answers bad input with problem+json naming each field, and writes nothing', async () => {
    const before = await env.sql<{ n: number }>('select count(*)::int as n from mla_request');
    const res = await create({ ...body, requestedState: 'NG', requestType: 'LETTER', measures: ['X'], extra: 1 }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([
      { field: 'extra', reason: expect.stringContaining('is not a known field') },
      { field: 'requestedState', reason: 'must differ from requestingState' },
      { field: 'requestType', reason: '"LETTER" is not one of MLA, EXTRADITION, ASSET_RECOVERY' },
      { field: 'measures[0]', reason: expect.stringContaining('"X" is not one of') },
    ]);
    const malformed = await http().post('/api/v1/requests').set(tokens['officer.ng']).set('content-type', 'application/json').send('{"network":').expect(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    expect(await env.sql('select count(*)::int as n from mla_request')).toEqual(before);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const a = await get('/api/v1/requests/6f1c1f2e-0000-4000-8000-000000000000').expect(404);
    expect(a.body.code).toBe('NOT_FOUND');
    await get('/api/v1/requests/not-a-uuid').expect(404);
    await get('/api/v1/requests/not-a-uuid/events').expect(404);
  });

  it('runs a request through its lifecycle to closed EXECUTED, with history and deadlines', async () => {
    const r = await created({ reference: 'E2E/2021/LIFE' });
    let v = r.version;
    const step = async (event: Parameters<typeof post>[2], state: string) => {
      const res = await post(r.id, v, event).expect(201);
      expect(res.body.request.state).toBe(state);
      v = res.body.request.version;
      expect(res.headers.etag).toBe(`"${v}"`);
      return res.body;
    };
    const t = await step(
      { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY', suggestedDeadline: { date: '2021-06-30', reasons: 'trial opens in July' } },
      'awaitingAcknowledgement',
    );
    // transmitted Monday 1 March 2021: 5 business days of Ghana; 6 March (Independence Day) is a Saturday, observed Monday 8 March
    expect(t.request.openDeadlines).toEqual([
      expect.objectContaining({ step: 'ACKNOWLEDGEMENT', owedByState: 'GH', dueOn: '2021-03-09', dueAt: '2021-03-09T09:00:00.000Z', nextStage: 'REMINDER' }),
    ]);
    await step({ type: 'receiptAcknowledged', actor: GH }, 'underAssessment');
    await step({ type: 'additionalInformationRequested', actor: GH, questions: 'Which accounts?' }, 'awaitingAdditionalInformation');
    await step({ type: 'additionalInformationProvided', actor: NG }, 'underAssessment');
    const accepted = await step({ type: 'requestAccepted', actor: GH, executingAuthority: 'EOCO' }, 'inExecution');
    expect(accepted.request.openDeadlines).toEqual([expect.objectContaining({ step: 'EXECUTION', dueOn: '2021-06-30' })]);
    await step(
      { type: 'facilitationRecorded', actor: { role: 'CONTACT_POINT', state: 'GH' }, action: 'CHASED_REQUESTED_SIDE', note: 'called the EOCO' },
      'inExecution',
    );
    await step({ type: 'executionCompleted', actor: GH, partial: false }, 'executed');
    const closed = await step({ type: 'caseClosed', actor: NG }, 'closed');
    expect(closed.request).toMatchObject({
      outcome: 'EXECUTED',
      openDeadlines: [],
      allowedEvents: { requestingCentralAuthority: [], requestedCentralAuthority: [] },
    });
    expect(closed.request.milestones).toMatchObject({
      transmittedOn: '2021-03-01',
      acknowledgedOn: '2021-03-01',
      facilitatedOn: '2021-03-01',
      closedOn: '2021-03-01',
    });
    const history = await get(`/api/v1/requests/${r.id}/events`).expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'requestTransmitted',
      'receiptAcknowledged',
      'additionalInformationRequested',
      'additionalInformationProvided',
      'requestAccepted',
      'facilitationRecorded',
      'executionCompleted',
      'caseClosed',
    ]);
    expect(history.body[1]).toMatchObject({
      seq: 2,
      actor: { role: 'CENTRAL_AUTHORITY', state: 'GH', name: 'Officer of the central authority of Ghana' },
      fromState: 'awaitingAcknowledgement',
      toState: 'underAssessment',
      occurredOn: '2021-03-01',
    });
  });

  it('requires If-Match, answers 409 for a stale version and 422 naming the allowed events; a refused call changes nothing', async () => {
    const r = await created();
    const noIfMatch = await http()
      .post(`/api/v1/requests/${r.id}/events`)
      .set(tokens['officer.ng'])
      .send({ type: 'requestTransmitted', channel: 'DIPLOMATIC' })
      .expect(428);
    expect(noIfMatch.body.errors).toEqual([{ field: 'If-Match', reason: 'is required' }]);
    await post(r.id, r.version, { type: 'requestTransmitted', actor: NG, channel: 'DIPLOMATIC' }).expect(201);
    const stale = await post(r.id, r.version, { type: 'receiptAcknowledged', actor: GH }).expect(409);
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION', current: 2 });
    const notAllowed = await post(r.id, 2, { type: 'requestRefused', actor: GH, ground: 'ESSENTIAL_INTERESTS', reasons: 'security' }).expect(422);
    expect(notAllowed.body).toMatchObject({
      code: 'EVENT_NOT_ALLOWED',
      state: 'awaitingAcknowledgement',
      allowedEvents: ['receiptAcknowledged', 'requestLapsed'],
    });
    const wrongSide = await post(r.id, 2, { type: 'requestWithdrawn', actor: GH }).expect(422);
    expect(wrongSide.body.allowedEvents).not.toContain('requestWithdrawn');
    const badRefusal = await post(r.id, 2, { type: 'requestRefused', actor: GH, ground: 'BECAUSE' }).expect(400);
    expect(badRefusal.body.errors).toEqual([
      { field: 'ground', reason: '"BECAUSE" is not one of NON_CONFORMITY, ESSENTIAL_INTERESTS, DOMESTIC_LAW_PROHIBITS, CONTRARY_TO_LEGAL_SYSTEM' },
      { field: 'reasons', reason: 'is required' },
    ]);
    const after = await get(`/api/v1/requests/${r.id}`).expect(200);
    expect(after.body).toMatchObject({ state: 'awaitingAcknowledgement', version: 2 });
    expect((await get(`/api/v1/requests/${r.id}/events`)).body).toHaveLength(1);
  });

  it('two concurrent events on the same version: one 201, one 409', async () => {
    const r = await created();
    await post(r.id, r.version, { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' }).expect(201);
    const [a, b] = await Promise.all([post(r.id, 2, { type: 'receiptAcknowledged', actor: GH }), post(r.id, 2, { type: 'requestWithdrawn', actor: NG })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const history = (await get(`/api/v1/requests/${r.id}/events`)).body;
    expect(history).toHaveLength(2);
  });

  it('lists with filters: network, States, state and overdue', async () => {
    const r = await created({ network: 'CASC', requestingState: 'KZ', requestedState: 'UZ', reference: 'E2E/CASC/1' });
    await post(r.id, r.version, { type: 'requestTransmitted', actor: { role: 'CENTRAL_AUTHORITY', state: 'KZ' }, channel: 'CENTRAL_AUTHORITY' }).expect(201);
    const byNetwork = await get('/api/v1/requests?network=casc', 'officer.kz').expect(200);
    expect(byNetwork.body).toMatchObject({ total: 1, items: [{ reference: 'E2E/CASC/1', state: 'awaitingAcknowledgement' }] });
    expect((await get('/api/v1/requests?requestedState=UZ&state=awaitingAcknowledgement', 'officer.kz')).body.total).toBe(1);
    expect((await get('/api/v1/requests?requestingState=UZ', 'officer.kz')).body.total).toBe(0);
    expect((await get('/api/v1/requests?overdue=true&network=CASC', 'officer.kz')).body.total).toBe(0);
    // the filter narrows the scope, never widens it: Nigeria's officer does not see the Kazakh request
    expect((await get('/api/v1/requests?network=CASC')).body.total).toBe(0);
    clock.set(new Date('2021-04-01T10:00:00Z'));
    expect((await get('/api/v1/requests?overdue=true&network=CASC', 'officer.uz')).body.items.map((i: { reference: string }) => i.reference)).toEqual([
      'E2E/CASC/1',
    ]);
    const bad = await get('/api/v1/requests?overdue=maybe&limit=0&colour=red').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'limit', 'overdue']);
  });

  it('sends the reminder by email once the worker fires the deadline', async () => {
    const listed = (await get('/api/v1/requests?network=CASC', 'officer.kz')).body.items[0];
    await worker.get(DeadlineRunner).sweep();
    // 1 April: the reminder, level 1 and level 2 (+10 business days) of the acknowledgement are past
    await expectEventually(() => expect(env.smtp.received.filter((m) => m.raw.includes('E2E/CASC/1'))).toHaveLength(6));
    const got = await get(`/api/v1/requests/${listed.id}`, 'officer.uz').expect(200);
    expect(got.body.openDeadlines[0]).toMatchObject({
      step: 'ACKNOWLEDGEMENT',
      overdue: true,
      sentStages: ['REMINDER', 'LEVEL_1', 'LEVEL_2'],
      nextStage: 'LEVEL_3',
    });
    const levels = env.smtp.received.filter((m) => m.raw.includes('E2E/CASC/1') && m.raw.includes('X-Rogatory-Level: 2')).flatMap((m) => m.to);
    expect(levels.sort()).toEqual(['cp1.kz.casc@example.org', 'cp1.uz.casc@example.org', 'cp2.kz.casc@example.org', 'cp2.uz.casc@example.org']);
    expect(env.smtp.received.find((m) => m.raw.includes('E2E/CASC/1'))!.to).toEqual(['central-authority.uz@example.org']);
  });

  it('serves yearly statistics as JSON and CSV, and validates the query', async () => {
    const res = await get('/api/v1/statistics/yearly?year=2021', 'admin').expect(200);
    expect(Object.keys(res.body)).toEqual(['year', 'networks', 'total']);
    expect(Object.keys(res.body.networks)).toEqual(['WACAP', 'SEAJUST', 'CASC', 'OTHER']);
    expect(res.body.networks.WACAP).toMatchObject({ facilitated: 1, transmitted: 3, closed: expect.objectContaining({ EXECUTED: 1 }) });
    expect(res.body.networks.CASC).toMatchObject({ transmitted: 1, pendingAtYearEnd: 1 });
    const csv = await get('/api/v1/statistics/yearly?year=2021&format=csv', 'admin').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^\uFEFFyear,network,facilitated/); // UTF-8 BOM, CRLF (export/csv.ts)
    const bad = await get('/api/v1/statistics/yearly?year=21&network=EU').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'year', reason: 'is required, a year YYYY' }]);
  });

  it('refuses hostile or out-of-range input with 4xx naming the field, and writes nothing', async () => {
    const count = async () =>
      (
        await env.sql<{ n: number }>(
          'select ((select count(*) from mla_request) + (select count(*) from case_event) + (select count(*) from deadline))::int as n',
        )
      )[0].n;
    const before = await count();
    const nul = await create({ ...body, subject: 'a\u0000b' }).expect(400);
    expect(nul.body.errors).toEqual([{ field: 'subject', reason: 'must not contain NUL characters' }]);
    const text = await http().post('/api/v1/requests').set(tokens['officer.ng']).set('content-type', 'text/plain').send('network=WACAP').expect(415);
    expect(text.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'Content-Type', reason: 'must be application/json' }] });
    await create({ ...body, reference: 'E2E/DUP' }).expect(201);
    const dup = await create({ ...body, reference: 'E2E/DUP' }).expect(409);
    expect(dup.body.errors).toEqual([{ field: 'reference', reason: 'exists already' }]);
    const r = await created();
    const past = await post(r.id, r.version, {
      type: 'requestTransmitted',
      actor: NG,
      channel: 'CENTRAL_AUTHORITY',
      suggestedDeadline: { date: '2000-01-01', reasons: 'trial' },
    }).expect(400);
    expect(past.body.errors).toEqual([
      { field: 'suggestedDeadline.date', reason: expect.stringMatching(/^must be on or after the transmission date \(\d{4}-\d{2}-\d{2}\)$/) },
    ]);
    const far = await post(r.id, r.version, {
      type: 'requestTransmitted',
      actor: NG,
      channel: 'CENTRAL_AUTHORITY',
      suggestedDeadline: { date: '9999-12-31', reasons: 'trial' },
    }).expect(400);
    expect(far.body.errors).toEqual([{ field: 'suggestedDeadline.date', reason: 'must be in this century' }]);
    // the actor is the signed-in user: one in the body is refused, whoever it names
    const impersonating = await http()
      .post(`/api/v1/requests/${r.id}/events`)
      .set(tokens['officer.ng'])
      .set('If-Match', `"${r.version}"`)
      .send({
        type: 'requestTransmitted',
        channel: 'CENTRAL_AUTHORITY',
        actor: { role: 'CENTRAL_AUTHORITY', state: 'NG', name: 'Officer\r\nBcc: x@example.org' },
      })
      .expect(400);
    expect(impersonating.body.errors).toEqual([{ field: 'actor', reason: 'is not accepted: the actor is the signed-in user (bearer token)' }]);
    const secretariat = await post(r.id, r.version, {
      type: 'requestTransmitted',
      actor: { role: 'SECRETARIAT' },
      channel: 'CENTRAL_AUTHORITY',
    } as never).expect(422);
    expect(secretariat.body.allowedEvents).toEqual(['facilitationRecorded', 'bilateralMeetingHeld']);
    for (const q of ['network=CASC&network=CASC', 'network=NOPE', 'state=nonsense', 'network=%00', 'limit=99999999999']) {
      const res = await get(`/api/v1/requests?${q}`).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await get('/api/v1/statistics/yearly?year=2021&foo=1').expect(400)).body.errors).toEqual([
      { field: 'foo', reason: 'is not a parameter (year, network, format)' },
    ]);
    expect(await count()).toBe(before + 2); // the two requests created on purpose above
  });

  it('an executed request can only be closed: withdrawal is refused', async () => {
    const r = await created();
    let v = r.version;
    for (const e of [
      { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' },
      { type: 'receiptAcknowledged', actor: GH },
      { type: 'requestAccepted', actor: GH },
      { type: 'executionCompleted', actor: GH, partial: true },
    ]) {
      v = (await post(r.id, v, e).expect(201)).body.request.version;
    }
    const res = await post(r.id, v, { type: 'requestWithdrawn', actor: NG }).expect(422);
    expect(res.body.allowedEvents).toEqual(['caseClosed']);
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await http().get('/health').expect(200)).body.status).toBe('ok');
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/requests', '/api/v1/requests/{id}', '/api/v1/requests/{id}/events', '/api/v1/statistics/yearly', '/health']),
    );
  });
});
