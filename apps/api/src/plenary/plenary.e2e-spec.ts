import type { INestApplication } from '@nestjs/common';
import { CaseAccessService, DeadlineRunner, ManualClock } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** Planted in the facts, subject, persons concerned and notes of cases: no plenary, agenda or summary output may carry them. */
const CANARY = { facts: 'CANARY-PLEN-FACTS-5b1', subject: 'CANARY-PLEN-SUBJECT-5b2', person: 'CANARY-PLEN-PERSON-5b3', note: 'CANARY-PLEN-NOTE-5b4' };

/**
 * Plenary meetings, bilateral meetings and their agendas, outcomes, and the secretariat's summary of open
 * requests (DOMAIN.md §1 network secretariat, §4 level 4), through the API on a simulated clock: requests
 * created and transmitted by officers, level 4 reached through the deadline runner, a contact point's
 * flag through POST /events.
 */
describe('plenary meetings, bilateral meetings, agendas and outcomes (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  let runner: DeadlineRunner;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z')); // Monday
  const http = () => request(api.getHttpServer());
  const as = (login: string) => app!.auth(login);

  /** Request ids by name: R1 NG→GH (level 4 by the runner, canaries), R2 GH→NG (flagged), R3 SN→GH (confidential, listed), R4 CASC KZ→UZ, R5 NG→GH withdrawn. */
  const ids: Record<string, string> = {};
  const refs: Record<string, string> = {};
  let plenary1: string;
  let meetingGhNg: string;
  let meetingGhSn: string;

  /** Creates a request as `login` (an officer of the requesting State) and transmits it; returns its id. */
  async function transmitted(name: string, login: string, body: Record<string, unknown>): Promise<string> {
    const created = await http()
      .post('/api/v1/requests')
      .set(await as(login))
      .send({ requestType: 'MLA', urgent: false, ...body })
      .expect(201);
    await http()
      .post(`/api/v1/requests/${created.body.id}/events`)
      .set(await as(login))
      .set('If-Match', `"${created.body.version}"`)
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
    ids[name] = created.body.id;
    refs[name] = created.body.reference;
    return created.body.id;
  }

  async function versionOf(id: string, login: string): Promise<number> {
    return (
      await http()
        .get(`/api/v1/requests/${id}`)
        .set(await as(login))
        .expect(200)
    ).body.version;
  }

  /** Fires the due stages of `requestId`'s open deadline, each at its own time, until its LEVEL_4 has fired (DeadlineRunner, as the worker does). */
  async function fireUntilLevel4(requestId: string): Promise<string[]> {
    const fired: string[] = [];
    for (;;) {
      const [d] = await env.sql<{ id: string; next_stage: string; next_fire_at: Date }>(
        `select id, next_stage, next_fire_at from deadline where request_id = $1 and status = 'OPEN' and next_stage is not null order by next_fire_at limit 1`,
        [requestId],
      );
      if (!d) throw new Error(`no stage left to fire for ${requestId} after ${fired.join(', ')}`);
      if (d.next_fire_at > clock.now()) clock.set(d.next_fire_at);
      expect(await runner.fire(d.id, d.next_stage as never)).toBe('notified');
      fired.push(d.next_stage);
      if (d.next_stage === 'LEVEL_4') return fired;
    }
  }

  const fingerprint = () => env.fingerprint();

  /** Calendar days from `from` to `to` (YYYY-MM-DD). */
  const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

  beforeAll(async () => {
    app = await startApiTestApp('plenary', { clock, withWorker: false });
    ({ env, api } = app);
    runner = api.get(DeadlineRunner);
    await transmitted('R1', 'officer.ng', {
      reference: 'PLEN/NG-GH/1',
      network: 'WACAP',
      requestingState: 'NG',
      requestedState: 'GH',
      offences: ['CORRUPTION'],
      measures: ['FINANCIAL_RECORDS'],
      subject: CANARY.subject,
      factsSummary: `${CANARY.facts}: transfers through a bank in Accra`,
      personsConcerned: [{ name: CANARY.person, nationality: 'NG', location: 'Accra' }],
    });
    // The secretariat summary's own network: SEAJust, Malaysia ⇄ Singapore, transmitted on 2 March 2026.
    for (const [i, [from, to]] of [
      ['MY', 'SG'],
      ['MY', 'SG'],
      ['MY', 'SG'],
      ['SG', 'MY'],
    ].entries())
      await transmitted(`S${i + 1}`, `officer.${from.toLowerCase()}`, {
        reference: `PLEN/SUM/${i + 1}`,
        network: 'SEAJUST',
        requestingState: from,
        requestedState: to,
      });
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  it('the full story: level 4 through the deadline runner and a contact point’s flag → plenary → proposals → agenda per pair with days overdue → outcomes in each request’s history', async () => {
    // R1: Ghana owes the acknowledgement, due 5 business days after 2 March in Ghana: 3, 4, 5, (6 March
    // Independence Day), 9, 10 March. Level 4 is 40 business days of Ghana after the due date.
    const [ack] = await env.sql<{ due_on: string }>(`select due_on::text from deadline where request_id = $1 and step = 'ACKNOWLEDGEMENT'`, [ids.R1]);
    expect(ack.due_on).toBe('2026-03-10');
    expect(await fireUntilLevel4(ids.R1)).toEqual(['REMINDER', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4']);
    const r1 = await http()
      .get(`/api/v1/requests/${ids.R1}`)
      .set(await as('officer.gh'))
      .expect(200);
    expect(r1.body).toMatchObject({ listedForPlenary: true, state: 'awaitingAcknowledgement' });
    const levelFourOn = clock.now().toISOString().slice(0, 10);
    expect(levelFourOn < '2026-06-15').toBe(true);

    // R2: Ghana → Nigeria, transmitted now, flagged to the secretariat by Ghana's contact point through POST /events.
    await transmitted('R2', 'officer.gh', {
      reference: 'PLEN/GH-NG/2',
      network: 'WACAP',
      requestingState: 'GH',
      requestedState: 'NG',
      offences: ['CYBERCRIME'],
    });
    await http()
      .post(`/api/v1/requests/${ids.R2}/events`)
      .set(await as('cp1.gh.wacap'))
      .set('If-Match', `"${await versionOf(ids.R2, 'cp1.gh.wacap')}"`)
      .send({ type: 'facilitationRecorded', action: 'ESCALATED_TO_SECRETARIAT', note: CANARY.note })
      .expect(201);
    // R3 (Senegal → Ghana, confidential) listed for the plenary as a level-4 escalation would: set in the database.
    await transmitted('R3', 'officer.sn', {
      reference: 'PLEN/SN-GH/3',
      network: 'WACAP',
      requestingState: 'SN',
      requestedState: 'GH',
      confidential: true,
      offences: ['DRUG_TRAFFICKING'],
      measures: ['SEARCH_AND_SEIZURE'],
    });
    // R4 is another network's (CASC); R5 was withdrawn (closed): neither is proposed to WACAP.
    await transmitted('R4', 'officer.kz', { reference: 'PLEN/KZ-UZ/4', network: 'CASC', requestingState: 'KZ', requestedState: 'UZ' });
    await transmitted('R5', 'officer.ng', { reference: 'PLEN/NG-GH/5', network: 'WACAP', requestingState: 'NG', requestedState: 'GH' });
    await http()
      .post(`/api/v1/requests/${ids.R5}/events`)
      .set(await as('officer.ng'))
      .set('If-Match', `"${await versionOf(ids.R5, 'officer.ng')}"`)
      .send({ type: 'requestWithdrawn', reasons: 'no longer required' })
      .expect(201);
    // Listed as a level-4 escalation leaves them: the column and the snapshot's context (the next event rewrites the column from it).
    await env.sql(`update mla_request set listed_for_plenary = true, snapshot = jsonb_set(snapshot, '{context,listedForPlenary}', 'true') where id = any($1)`, [
      [ids.R3, ids.R4, ids.R5],
    ]);

    // The WACAP secretariat enters its plenary.
    const secretariat = await as('secretariat.wacap');
    const created = await http().post('/api/v1/networks/WACAP/plenaries').set(secretariat).send({ date: '2026-06-15', place: 'Abuja' }).expect(201);
    plenary1 = created.body.id;
    expect(created.headers.location).toBe(`/api/v1/plenaries/${plenary1}`);
    expect(created.body).toMatchObject({ network: 'WACAP', date: '2026-06-15', place: 'Abuja', createdBy: 'secretariat.wacap', bilateralMeetings: 0 });
    await http().post('/api/v1/networks/wacap/plenaries').set(secretariat).send({ date: '2026-06-15', place: 'Lagos' }).expect(409);
    const bad = await http()
      .post('/api/v1/networks/WACAP/plenaries')
      .set(secretariat)
      .send({ date: '2026-02-30', place: 'Abuja\nAccra', extra: 1 })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['date', 'extra', 'place']);

    // Proposals: one meeting per pair of States, whichever side requested.
    const proposed = await http().post(`/api/v1/plenaries/${plenary1}/bilateral-meetings/proposals`).set(secretariat).expect(200);
    expect(proposed.body).toMatchObject({ added: 3, updated: 0 });
    const meetings = proposed.body.meetings as Array<{ id: string; states: Array<{ code: string; name: string }>; items: Array<Record<string, unknown>> }>;
    expect(
      meetings.map((m) => `${m.states[0].code}-${m.states[1].code}: ${m.items.map((i) => `${i.reference} ${(i.why as string[]).join('+')}`).join(', ')}`),
    ).toEqual(['GH-NG: PLEN/NG-GH/1 LEVEL_4, PLEN/GH-NG/2 FLAGGED', 'GH-SN: PLEN/SN-GH/3 LEVEL_4']);
    expect(meetings[0].states).toEqual([
      { code: 'GH', name: 'Ghana' },
      { code: 'NG', name: 'Nigeria' },
    ]);
    [meetingGhNg, meetingGhSn] = meetings.map((m) => m.id);

    // The agenda of Ghana–Nigeria: days overdue to the plenary's date (in the future), most overdue first.
    const [ack2] = await env.sql<{ due_on: string }>(`select due_on::text from deadline where request_id = $1 and step = 'ACKNOWLEDGEMENT'`, [ids.R2]);
    const agenda = await http().get(`/api/v1/bilateral-meetings/${meetingGhNg}/agenda`).set(secretariat).expect(200);
    expect(agenda.body.plenary).toMatchObject({ id: plenary1, date: '2026-06-15', bilateralMeetings: 2, agendaItems: 3 });
    expect(agenda.body.meeting.items).toEqual([
      {
        requestId: ids.R1,
        reference: 'PLEN/NG-GH/1',
        network: 'WACAP',
        requestingState: 'NG',
        requestedState: 'GH',
        requestType: 'MLA',
        urgent: false,
        confidential: false,
        offences: ['CORRUPTION'],
        measures: ['FINANCIAL_RECORDS'],
        state: 'awaitingAcknowledgement',
        transmittedOn: '2026-03-02',
        stepOwed: { step: 'ACKNOWLEDGEMENT', owedByState: 'GH', dueOn: '2026-03-10' },
        daysOverdue: 97, // 10 March → 15 June 2026: 21 + 30 + 31 + 15 calendar days
        daysOverdueAsOf: '2026-06-15',
        escalationLevel: 4,
        listedForPlenary: true,
        why: ['LEVEL_4'],
        outcome: null,
      },
      expect.objectContaining({
        reference: 'PLEN/GH-NG/2',
        requestingState: 'GH',
        requestedState: 'NG',
        state: 'awaitingAcknowledgement',
        stepOwed: { step: 'ACKNOWLEDGEMENT', owedByState: 'NG', dueOn: ack2.due_on },
        daysOverdue: daysBetween(ack2.due_on, '2026-06-15'),
        escalationLevel: 0,
        listedForPlenary: false,
        why: ['FLAGGED'],
      }),
    ]);
    // The confidential request shows no offences or measures (UNTOC art. 18(20)).
    const ghSn = await http().get(`/api/v1/bilateral-meetings/${meetingGhSn}/agenda`).set(secretariat).expect(200);
    expect(ghSn.body.meeting.items).toEqual([
      expect.objectContaining({ reference: 'PLEN/SN-GH/3', confidential: true, offences: [], measures: [], why: ['LEVEL_4'] }),
    ]);

    // The printable page.
    const html = await http().get(`/api/v1/bilateral-meetings/${meetingGhNg}/agenda?format=html`).set(secretariat).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(html.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; frame-ancestors 'none'/);
    expect(html.text).toContain('<h1>Bilateral meeting Ghana (GH) – Nigeria (NG)</h1>');
    expect(html.text).toContain('<td>PLEN/NG-GH/1</td><td>NG</td><td>GH</td>');
    expect(html.text).toContain('<td>ACKNOWLEDGEMENT, owed by GH</td><td>2026-03-10</td><td class="num">97 (to 2026-06-15)</td><td class="num">4</td>');
    expect(html.text).not.toMatch(/<script|javascript:|\son\w+=/i);

    // Outcomes, recorded on the agenda and in each request's history.
    const recorded = await http()
      .post(`/api/v1/bilateral-meetings/${meetingGhNg}/outcomes`)
      .set(secretariat)
      .send({
        items: [
          { requestId: ids.R1, outcome: 'RESOLVED', note: `Ghana acknowledges by 30 June. ${CANARY.note}` },
          { requestId: ids.R2, outcome: 'action_agreed' },
        ],
      })
      .expect(201);
    const outcomes = Object.fromEntries(
      (recorded.body.meeting.items as Array<{ reference: string; outcome: { outcome: string; recordedBy: string; eventSeq: number } }>).map((i) => [
        i.reference,
        i.outcome,
      ]),
    );
    expect(outcomes).toEqual({
      'PLEN/NG-GH/1': { outcome: 'RESOLVED', recordedAt: clock.now().toISOString(), recordedBy: 'secretariat.wacap', eventSeq: expect.any(Number) },
      'PLEN/GH-NG/2': { outcome: 'ACTION_AGREED', recordedAt: clock.now().toISOString(), recordedBy: 'secretariat.wacap', eventSeq: expect.any(Number) },
    });
    expect(JSON.stringify(recorded.body)).not.toContain(CANARY.note);
    for (const login of ['officer.ng', 'officer.gh']) {
      const history = await http()
        .get(`/api/v1/requests/${ids.R1}/events`)
        .set(await as(login))
        .expect(200);
      const last = history.body[history.body.length - 1];
      expect(last).toMatchObject({
        seq: outcomes['PLEN/NG-GH/1'].eventSeq,
        type: 'bilateralMeetingHeld',
        actor: { role: 'SECRETARIAT', state: null, name: 'WACAP secretariat' },
        payload: { meetingId: meetingGhNg, outcome: 'RESOLVED', note: `Ghana acknowledges by 30 June. ${CANARY.note}` },
        fromState: 'awaitingAcknowledgement',
        toState: 'awaitingAcknowledgement',
      });
    }
    const r2History = await http()
      .get(`/api/v1/requests/${ids.R2}/events`)
      .set(await as('officer.gh'))
      .expect(200);
    expect(r2History.body[r2History.body.length - 1]).toMatchObject({
      type: 'bilateralMeetingHeld',
      payload: { meetingId: meetingGhNg, outcome: 'ACTION_AGREED' },
    });
    // The secretariat reads the history as metadata: the event is there, its note is not.
    const metaHistory = await http().get(`/api/v1/requests/${ids.R1}/events`).set(secretariat).expect(200);
    expect(metaHistory.body[metaHistory.body.length - 1]).toMatchObject({ type: 'bilateralMeetingHeld', payload: {} });
    // And the audit log has the change, by whom.
    const [audit] = await env.sql<{ entry: Record<string, unknown> }>(`select entry from audit_log where action = 'BILATERAL_OUTCOMES_RECORDED'`);
    expect(audit.entry).toMatchObject({ login: 'secretariat.wacap', role: 'SECRETARIAT', network: 'WACAP', detail: { meetingId: meetingGhNg } });
  }, 120_000);

  it("another network's secretariat gets 404 for WACAP's plenaries and meetings; officers and contact points 403; an administrator reads, but neither proposes nor records", async () => {
    const routes: Array<[string, (t: ReturnType<typeof http>) => request.Test]> = [
      ['GET plenaries', (t) => t.get('/api/v1/networks/WACAP/plenaries')],
      ['POST plenary', (t) => t.post('/api/v1/networks/WACAP/plenaries').send({ date: '2026-07-01', place: 'Dakar' })],
      ['GET summary', (t) => t.get('/api/v1/networks/WACAP/open-requests/summary')],
      ['GET plenary', (t) => t.get(`/api/v1/plenaries/${plenary1}`)],
      ['POST proposals', (t) => t.post(`/api/v1/plenaries/${plenary1}/bilateral-meetings/proposals`)],
      ['GET meetings', (t) => t.get(`/api/v1/plenaries/${plenary1}/bilateral-meetings`)],
      ['GET agenda', (t) => t.get(`/api/v1/bilateral-meetings/${meetingGhSn}/agenda`)],
      ['GET agenda html', (t) => t.get(`/api/v1/bilateral-meetings/${meetingGhSn}/agenda?format=html`)],
      ['POST outcomes', (t) => t.post(`/api/v1/bilateral-meetings/${meetingGhSn}/outcomes`).send({ items: [{ requestId: ids.R3, outcome: 'NO_PROGRESS' }] })],
    ];
    const expected: Record<string, Record<string, number>> = {
      'secretariat.casc': Object.fromEntries(routes.map(([name]) => [name, 404])),
      'officer.gh': Object.fromEntries(routes.map(([name]) => [name, 403])),
      'cp1.gh.wacap': Object.fromEntries(routes.map(([name]) => [name, 403])),
      admin: {
        'GET plenaries': 200,
        'POST plenary': 201,
        'GET summary': 200,
        'GET plenary': 200,
        'POST proposals': 403,
        'GET meetings': 200,
        'GET agenda': 200,
        'GET agenda html': 200,
        'POST outcomes': 403,
      },
    };
    const before = await fingerprint();
    const got: Record<string, Record<string, number>> = {};
    for (const login of Object.keys(expected)) {
      got[login] = {};
      for (const [name, call] of routes) got[login][name] = (await call(http()).set(await as(login))).status;
    }
    expect(got).toEqual(expected);
    // Only the administrator's plenary was written (and audit entries of the reads).
    const after = await fingerprint();
    const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
    expect(changed.sort()).toEqual(['audit_log', 'plenary_meeting']);
    expect(await env.sql(`select network, date::text, place, created_by from plenary_meeting order by date`)).toEqual([
      { network: 'WACAP', date: '2026-06-15', place: 'Abuja', created_by: 'secretariat.wacap' },
      { network: 'WACAP', date: '2026-07-01', place: 'Dakar', created_by: 'admin' },
    ]);
    // PostgreSQL's row-level security says the same underneath: raw queries as each principal, no application filter.
    const cases = api.get(CaseAccessService);
    const rows = async (login: string, table: string) => {
      const p = await app!.principal(login);
      const [{ n }] = await cases.withPrincipal(p, (em) => em.execute<Array<{ n: number }>>(`select count(*)::int as n from "${table}"`));
      return n;
    };
    const visible: Record<string, number[]> = {};
    for (const login of ['secretariat.wacap', 'admin', 'secretariat.casc', 'officer.gh', 'cp1.gh.wacap'])
      visible[login] = [await rows(login, 'plenary_meeting'), await rows(login, 'bilateral_meeting'), await rows(login, 'bilateral_meeting_item')];
    expect(visible).toEqual({
      'secretariat.wacap': [2, 2, 3],
      admin: [2, 2, 3],
      'secretariat.casc': [0, 0, 0],
      'officer.gh': [0, 0, 0],
      'cp1.gh.wacap': [0, 0, 0],
    });
    // A plenary id that does not exist, or is no UUID, is a 404 too.
    await http()
      .get('/api/v1/plenaries/00000000-0000-4000-8000-000000000000')
      .set(await as('secretariat.wacap'))
      .expect(404);
    await http()
      .get('/api/v1/bilateral-meetings/not-a-uuid/agenda')
      .set(await as('secretariat.wacap'))
      .expect(404);
    await http()
      .get('/api/v1/networks/NOPE/plenaries')
      .set(await as('admin'))
      .expect(404);
  });

  it('an outcome for a request not on the agenda is 400 naming items[i].requestId, a second outcome 409; neither changes a row', async () => {
    const secretariat = await as('secretariat.wacap');
    const post = (items: unknown) => http().post(`/api/v1/bilateral-meetings/${meetingGhSn}/outcomes`).set(secretariat).send({ items });
    const before = await fingerprint();
    // R3 is on this (Ghana–Senegal) agenda, R1 is not: nothing is recorded, not even R3's.
    const notOnAgenda = await post([
      { requestId: ids.R3, outcome: 'NOT_DISCUSSED' },
      { requestId: ids.R1, outcome: 'RESOLVED' },
    ]).expect(400);
    expect(notOnAgenda.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(notOnAgenda.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'items[1].requestId', reason: 'is not on the agenda of this bilateral meeting' }],
    });
    const malformed = await post([
      { requestId: ids.R3, outcome: 'SETTLED' },
      { requestId: ids.R3, outcome: 'RESOLVED', note: 7 },
    ]).expect(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(['items[0].outcome', 'items[1].requestId', 'items[1].note']);
    expect(await fingerprint()).toEqual(before);

    await post([{ requestId: ids.R3, outcome: 'NOT_DISCUSSED' }]).expect(201);
    const recorded = await fingerprint();
    const twice = await post([{ requestId: ids.R3, outcome: 'NO_PROGRESS' }]).expect(409);
    expect(twice.body).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'items[0].requestId', reason: expect.stringMatching(/^has its outcome already: NOT_DISCUSSED/) }],
    });
    expect(await fingerprint()).toEqual(recorded);
    const events = await env.sql<{ type: string; payload: Record<string, unknown> }>(
      `select type, payload from case_event where request_id = $1 and type = 'bilateralMeetingHeld'`,
      [ids.R3],
    );
    expect(events).toEqual([{ type: 'bilateralMeetingHeld', payload: { meetingId: meetingGhSn, outcome: 'NOT_DISCUSSED' } }]);
  });

  it('proposals are idempotent; a request resolved at an earlier plenary comes back only once it reaches level 4 again', async () => {
    const secretariat = await as('secretariat.wacap');
    const again = await http().post(`/api/v1/plenaries/${plenary1}/bilateral-meetings/proposals`).set(secretariat).send({}).expect(200);
    expect(again.body).toMatchObject({ added: 0, updated: 0, plenary: { bilateralMeetings: 2, agendaItems: 3 } });
    await http().post(`/api/v1/plenaries/${plenary1}/bilateral-meetings/proposals`).set(secretariat).send({ reason: 'x' }).expect(400);

    // A new flag on a Nigeria → Ghana request joins the existing Ghana–Nigeria meeting; nothing is duplicated.
    // And CASC's Kazakhstan → Uzbekistan request, once linked to WACAP (facilitated through it as well), gets a meeting of its own.
    await transmitted('R6', 'officer.ng', { reference: 'PLEN/NG-GH/6', network: 'WACAP', requestingState: 'NG', requestedState: 'GH' });
    await http()
      .post(`/api/v1/requests/${ids.R6}/events`)
      .set(await as('cp1.ng.wacap'))
      .set('If-Match', `"${await versionOf(ids.R6, 'cp1.ng.wacap')}"`)
      .send({ type: 'facilitationRecorded', action: 'ESCALATED_TO_SECRETARIAT' })
      .expect(201);
    await env.sql(`update mla_request set linked_networks = '{WACAP}' where id = $1`, [ids.R4]);
    const third = await http().post(`/api/v1/plenaries/${plenary1}/bilateral-meetings/proposals`).set(secretariat).expect(200);
    expect(third.body).toMatchObject({ added: 2, updated: 0 });
    expect(third.body.meetings.map((m: { id: string; items: Array<{ reference: string }> }) => [m.id, m.items.map((i) => i.reference).sort()])).toEqual([
      [meetingGhNg, ['PLEN/GH-NG/2', 'PLEN/NG-GH/1', 'PLEN/NG-GH/6']],
      [meetingGhSn, ['PLEN/SN-GH/3']],
      [expect.any(String), ['PLEN/KZ-UZ/4']],
    ]);
    expect(third.body.meetings[2].states.map((st: { code: string }) => st.code)).toEqual(['KZ', 'UZ']);
    expect(await env.sql(`select count(*)::int as meetings from bilateral_meeting where plenary_id = $1`, [plenary1])).toEqual([{ meetings: 3 }]);
    // CASC's secretariat still sees none of WACAP's plenary, though the request is also its own.
    await http()
      .get(`/api/v1/bilateral-meetings/${third.body.meetings[2].id}/agenda`)
      .set(await as('secretariat.casc'))
      .expect(404);

    // The next plenary: R1 was RESOLVED at the first, so it is not proposed; R2 (action agreed), R3 (not discussed) and R6 are.
    const next = await http().post('/api/v1/networks/WACAP/plenaries').set(secretariat).send({ date: '2026-11-20', place: 'Accra' }).expect(201);
    const first = await http().post(`/api/v1/plenaries/${next.body.id}/bilateral-meetings/proposals`).set(secretariat).expect(200);
    const listed = (body: { meetings: Array<{ items: Array<{ reference: string; why: string[] }> }> }) =>
      body.meetings.flatMap((m) => m.items.map((i) => `${i.reference} ${i.why.join('+')}`)).sort();
    expect(listed(first.body)).toEqual(['PLEN/GH-NG/2 FLAGGED', 'PLEN/KZ-UZ/4 LEVEL_4', 'PLEN/NG-GH/6 FLAGGED', 'PLEN/SN-GH/3 LEVEL_4']);

    // R1 moves on (acknowledged), then its assessment reaches level 4 in turn: it comes back, for level 4.
    await http()
      .post(`/api/v1/requests/${ids.R1}/events`)
      .set(await as('officer.gh'))
      .set('If-Match', `"${await versionOf(ids.R1, 'officer.gh')}"`)
      .send({ type: 'receiptAcknowledged' })
      .expect(201);
    expect(await fireUntilLevel4(ids.R1)).toEqual(['REMINDER', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4']);
    expect(clock.now().toISOString() < '2026-11-20').toBe(true);
    const back = await http().post(`/api/v1/plenaries/${next.body.id}/bilateral-meetings/proposals`).set(secretariat).expect(200);
    expect(back.body.added).toBe(1);
    expect(listed(back.body)).toEqual(['PLEN/GH-NG/2 FLAGGED', 'PLEN/KZ-UZ/4 LEVEL_4', 'PLEN/NG-GH/1 LEVEL_4', 'PLEN/NG-GH/6 FLAGGED', 'PLEN/SN-GH/3 LEVEL_4']);
    const r1 = back.body.meetings
      .flatMap((m: { items: Array<Record<string, unknown>> }) => m.items)
      .find((i: { reference: string }) => i.reference === 'PLEN/NG-GH/1');
    expect(r1).toMatchObject({ state: 'underAssessment', stepOwed: { step: 'ASSESSMENT', owedByState: 'GH' }, escalationLevel: 4 });

    // A contact point now flags R3, already on the agenda for level 4: its reasons are completed, not duplicated.
    await http()
      .post(`/api/v1/requests/${ids.R3}/events`)
      .set(await as('cp1.gh.wacap'))
      .set('If-Match', `"${await versionOf(ids.R3, 'cp1.gh.wacap')}"`)
      .send({ type: 'facilitationRecorded', action: 'ESCALATED_TO_SECRETARIAT' })
      .expect(201);
    const completed = await http().post(`/api/v1/plenaries/${next.body.id}/bilateral-meetings/proposals`).set(secretariat).expect(200);
    expect(completed.body).toMatchObject({ added: 0, updated: 1 });
    expect(listed(completed.body)).toContain('PLEN/SN-GH/3 LEVEL_4+FLAGGED');
    expect(await env.sql(`select count(*)::int as n from bilateral_meeting_item where request_id = $1`, [ids.R3])).toEqual([{ n: 2 }]); // one per plenary
  }, 60_000);

  it('a request closed since it was put on the agenda takes no outcome: 422 naming items[i].requestId, nothing written', async () => {
    await http()
      .post(`/api/v1/requests/${ids.R6}/events`)
      .set(await as('officer.ng'))
      .set('If-Match', `"${await versionOf(ids.R6, 'officer.ng')}"`)
      .send({ type: 'requestWithdrawn' })
      .expect(201);
    const before = await fingerprint();
    const res = await http()
      .post(`/api/v1/bilateral-meetings/${meetingGhNg}/outcomes`)
      .set(await as('secretariat.wacap'))
      .send({ items: [{ requestId: ids.R6, outcome: 'NO_PROGRESS' }] })
      .expect(422);
    expect(res.body).toMatchObject({ code: 'EVENT_NOT_ALLOWED', errors: [{ field: 'items[0].requestId' }] });
    expect(await fingerprint()).toEqual(before);
  });

  it('no canary of facts, subject, persons concerned or notes appears in any plenary, agenda or summary output', async () => {
    const plenaries = await http()
      .get('/api/v1/networks/WACAP/plenaries')
      .set(await as('admin'))
      .expect(200);
    const paths = ['/api/v1/networks/WACAP/plenaries', '/api/v1/networks/WACAP/open-requests/summary'];
    for (const p of plenaries.body as Array<{ id: string }>) {
      paths.push(`/api/v1/plenaries/${p.id}`, `/api/v1/plenaries/${p.id}/bilateral-meetings`);
      const meetings = await http()
        .get(`/api/v1/plenaries/${p.id}/bilateral-meetings`)
        .set(await as('admin'))
        .expect(200);
      for (const m of meetings.body.meetings as Array<{ id: string }>)
        paths.push(`/api/v1/bilateral-meetings/${m.id}/agenda`, `/api/v1/bilateral-meetings/${m.id}/agenda?format=html`);
    }
    expect(paths.length).toBeGreaterThan(10);
    for (const login of ['secretariat.wacap', 'admin'])
      for (const path of paths) {
        const res = await http()
          .get(path)
          .set(await as(login))
          .expect(200);
        for (const canary of Object.values(CANARY)) expect({ login, path, leaked: res.text.includes(canary) }).toEqual({ login, path, leaked: false });
      }
    // The positive control: the canaries are there for the requesting officer.
    const full = await http()
      .get(`/api/v1/requests/${ids.R1}`)
      .set(await as('officer.ng'))
      .expect(200);
    expect(full.body.subject).toBe(CANARY.subject);
  });

  it("the secretariat's summary counts open requests per State pair, step owed and age, with 1–2 suppressed; an administrator's is not", async () => {
    clock.set(new Date('2026-12-01T10:00:00Z'));
    // One more Malaysia → Singapore request, transmitted today; one still a draft (not counted).
    await transmitted('S5', 'officer.my', { reference: 'PLEN/SUM/5', network: 'SEAJUST', requestingState: 'MY', requestedState: 'SG' });
    await http()
      .post('/api/v1/requests')
      .set(await as('officer.my'))
      .send({ reference: 'PLEN/SUM/DRAFT', network: 'SEAJUST', requestingState: 'MY', requestedState: 'SG', requestType: 'MLA', urgent: false })
      .expect(201);
    const steps = {
      ACKNOWLEDGEMENT: 5,
      WRITTEN_CONFIRMATION: 0,
      ASSESSMENT: 0,
      ADDITIONAL_INFORMATION: 0,
      PROGRESS_ENQUIRY_REPLY: 0,
      EXECUTION: 0,
      POSTPONEMENT_REVIEW: 0,
      NONE: 0,
    };
    const s = await http()
      .get('/api/v1/networks/SEAJUST/open-requests/summary')
      .set(await as('secretariat.seajust'))
      .expect(200);
    // Four transmitted on 2 March (274 calendar days ago: 181–365), one today (0–30). The 4 beside the
    // hidden 1 is hidden too: 5 − 4 would give the 1 away (complementary suppression).
    expect(s.body).toEqual({
      network: 'SEAJUST',
      asOf: '2026-12-01',
      total: 5,
      byPair: [
        { requestingState: 'MY', requestedState: 'SG', count: null },
        { requestingState: 'SG', requestedState: 'MY', count: null },
      ],
      byStep: steps,
      byAge: { '0-30': null, '31-90': 0, '91-180': 0, '181-365': null, '>365': 0 },
      suppressed: ['byPair.SG-MY', 'byPair.MY-SG', 'byAge.0-30', 'byAge.181-365'],
      minCount: 3,
    });
    const a = await http()
      .get('/api/v1/networks/SEAJUST/open-requests/summary')
      .set(await as('admin'))
      .expect(200);
    expect(a.body).toMatchObject({
      total: 5,
      byPair: [
        { requestingState: 'MY', requestedState: 'SG', count: 4 },
        { requestingState: 'SG', requestedState: 'MY', count: 1 },
      ],
      byAge: { '0-30': 1, '181-365': 4 },
      suppressed: [],
      minCount: null,
    });
    // CASC's request linked to WACAP counts in WACAP's summary too (suppressed for the secretariat: one request).
    const w = await http()
      .get('/api/v1/networks/WACAP/open-requests/summary')
      .set(await as('admin'))
      .expect(200);
    expect(w.body.byPair).toEqual(expect.arrayContaining([{ requestingState: 'KZ', requestedState: 'UZ', count: 1 }]));
    const ws = await http()
      .get('/api/v1/networks/WACAP/open-requests/summary')
      .set(await as('secretariat.wacap'))
      .expect(200);
    expect(ws.body.byPair).toEqual(expect.arrayContaining([{ requestingState: 'KZ', requestedState: 'UZ', count: null }]));
    expect(ws.body.suppressed).toContain('byPair.KZ-UZ');
    await http()
      .get('/api/v1/networks/SEAJUST/open-requests/summary?network=CASC')
      .set(await as('admin'))
      .expect(400);
  });

  it('once the plenary has passed, days overdue count to today in the owing State', async () => {
    expect(clock.now().toISOString()).toBe('2026-12-01T10:00:00.000Z');
    const [due] = await env.sql<{ due_on: string }>(`select due_on::text from deadline where request_id = $1 and status = 'OPEN'`, [ids.R2]);
    const agenda = await http()
      .get(`/api/v1/bilateral-meetings/${meetingGhNg}/agenda`)
      .set(await as('secretariat.wacap'))
      .expect(200);
    const r2 = agenda.body.meeting.items.find((i: { reference: string }) => i.reference === 'PLEN/GH-NG/2');
    expect(r2).toMatchObject({ daysOverdueAsOf: '2026-12-01', daysOverdue: daysBetween(due.due_on, '2026-12-01') });
    expect(r2.daysOverdue).toBeGreaterThan(190);
  });

  it('the printable agenda escapes every value', async () => {
    await env.sql(`update mla_request set reference = $1 where id = $2`, ['PLEN/<script>alert(1)</script>&"3', ids.R3]);
    const html = await http()
      .get(`/api/v1/bilateral-meetings/${meetingGhSn}/agenda?format=html`)
      .set(await as('secretariat.wacap'))
      .expect(200);
    expect(html.text).toContain('<td>PLEN/&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;3</td>');
    expect(html.text).not.toMatch(/<script/i);
    expect(html.text).toContain('<td>confidential (UNTOC art. 18(20))</td>');
    await http()
      .get(`/api/v1/bilateral-meetings/${meetingGhSn}/agenda?format=pdf`)
      .set(await as('secretariat.wacap'))
      .expect(400);
  });
});
