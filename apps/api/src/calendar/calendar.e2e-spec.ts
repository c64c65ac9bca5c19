import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DeadlineRunner, ManualClock } from '@rogatory/domain';
import { type TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { loginOf, startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/**
 * Administrators' holiday table and per-network deadline policies, through the API over real PostgreSQL
 * and Redis: the Maldives values of issue 3 (Fri+Sat weekend, no date-holidays data).
 */
describe('holidays and deadline policies (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  let worker: INestApplicationContext;
  // Wednesday 3 June 2026, 10:00 in Malé (UTC+5).
  const clock = new ManualClock(new Date('2026-06-03T05:00:00Z'));
  const TH = { role: 'CENTRAL_AUTHORITY', state: 'TH' };
  const MV = { role: 'CENTRAL_AUTHORITY', state: 'MV' };
  /** Authorization header of the seeded administrator; `tokens[login]` the headers of the other users. */
  let auth: string;
  const tokens: Record<string, { Authorization: string }> = {};

  beforeAll(async () => {
    app = await startApiTestApp('calendar', { clock });
    ({ env, api } = app);
    worker = app.worker!;
    for (const login of ['admin', 'officer.th', 'officer.mv']) tokens[login] = await app.auth(login);
    auth = tokens.admin.Authorization;
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());
  /** GET as `login` (default Thailand's officer, a party to every request of this suite). */
  const get = (url: string, login = 'officer.th') => http().get(url).set(tokens[login]);
  /** Creates a request as Thailand's officer (the requesting State). */
  const create = (body: object) => http().post('/api/v1/requests').set(tokens['officer.th']).send(body);
  /** POSTs an event as its `actor` (the seeded user acting as it; the actor itself is not sent). */
  const post = (id: string, etag: string, event: { actor: { role: string; state?: string | null }; [k: string]: unknown }) => {
    const { actor, ...rest } = event;
    return http().post(`/api/v1/requests/${id}/events`).set(tokens[loginOf(actor)]).set('If-Match', etag).send(rest);
  };

  /** A SEAJust request from Thailand to the Maldives, transmitted now; returns its id and acknowledgement deadline. */
  async function transmitted(reference: string) {
    const c = await create({ reference, network: 'SEAJUST', requestingState: 'TH', requestedState: 'MV', requestType: 'MLA', urgent: false }).expect(201);
    await post(c.body.id, c.headers.etag, { type: 'requestTransmitted', actor: TH, channel: 'CENTRAL_AUTHORITY' }).expect(201);
    const got = await get(`/api/v1/requests/${c.body.id}`).expect(200);
    return { id: c.body.id as string, ack: got.body.openDeadlines.find((d: { step: string }) => d.step === 'ACKNOWLEDGEMENT') };
  }

  it("refuses changes without an administrator's token, and names every bad field of a policy change", async () => {
    const none = await http().post('/api/v1/networks/SEAJUST/deadline-policy/versions').send({ note: 'x' }).expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="rogatory"');
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    await http()
      .post('/api/v1/networks/SEAJUST/deadline-policy/versions')
      .set('Authorization', 'Bearer wrong-token-0123456789')
      .send({ note: 'x' })
      .expect(401);
    await http().post('/api/v1/states/MV/holidays').send({ date: '2026-06-04', name: 'Eid' }).expect(401);
    const officer = await http().post('/api/v1/states/MV/holidays').set(tokens['officer.mv']).send({ date: '2026-06-04', name: 'Eid' }).expect(403);
    expect(officer.body.code).toBe('FORBIDDEN');
    expect(await env.sql(`select count(*)::int as n from state_holiday`)).toEqual([{ n: 0 }]);
    const bad = await http()
      .post('/api/v1/networks/SEAJUST/deadline-policy/versions')
      .set('Authorization', auth)
      .send({
        note: '',
        steps: { EXECUTION: { due: { days: 3 }, owedBy: 'REQUESTING' }, NOPE: {} },
        ladder: { LEVEL_1: 5, LEVEL_2: 4, LEVEL_3: 20, LEVEL_4: 40 },
      })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'note',
      'steps.EXECUTION.owedBy',
      'steps.EXECUTION.due',
      'steps.NOPE',
      'ladder.LEVEL_2',
    ]);
    const versions = await http().get('/api/v1/networks/SEAJUST/deadline-policy/versions').set('Authorization', auth).expect(200);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([0]);
    await http().get('/api/v1/networks/NOPE/deadline-policy').set('Authorization', auth).expect(404);
  });

  it('a new policy version applies to deadlines opened afterwards, and says so', async () => {
    const before = await transmitted('SEA/MV/1');
    expect([before.ack.dueOn, before.ack.policyVersion]).toEqual(['2026-06-10', 0]); // 5 business days: Sun 7 – Thu 11 less Fri/Sat → Wed 10

    const res = await http()
      .post('/api/v1/networks/SEAJUST/deadline-policy/versions')
      .set('Authorization', auth)
      .send({ note: 'Plenary decision: acknowledge within 2 business days', steps: { ACKNOWLEDGEMENT: { due: { businessDays: 2 } } } })
      .expect(201);
    expect(res.body.version).toMatchObject({ network: 'SEAJUST', version: 1, createdBy: 'administrator admin', createdAt: '2026-06-03T05:00:00.000Z' });
    expect(res.body.version.policy.steps.ACKNOWLEDGEMENT).toEqual({
      owedBy: 'REQUESTED',
      due: { businessDays: 2 },
      reminderBusinessDaysBefore: 0,
      escalates: true,
    });
    expect(res.body.openDeadlinesOnOlderVersions).toBe(1);
    expect(res.body.appliesTo).toBe(
      'deadlines opened from 2026-06-03T05:00:00.000Z on; the 1 open deadline(s) of SEAJUST keep the version they were opened with',
    );

    // Issue 3: 2 business days after Wednesday 3 June 2026 in the Maldives is Sunday 7 June, 09:00 Indian/Maldives.
    const after = await transmitted('SEA/MV/2');
    expect([after.ack.dueOn, after.ack.dueAt, after.ack.policyVersion]).toEqual(['2026-06-07', '2026-06-07T04:00:00.000Z', 1]);
    const kept = await get(`/api/v1/requests/${before.id}`).expect(200);
    expect(kept.body.openDeadlines[0]).toMatchObject({ dueOn: '2026-06-10', policyVersion: 0 });
  });

  it("an administrator's holiday moves the open deadlines it touches, records it on the case, and is listed with the State's days off", async () => {
    const [{ id }] = await env.sql<{ id: string }>(`select id from mla_request where reference = 'SEA/MV/2'`);
    const res = await http()
      .post('/api/v1/states/MV/holidays')
      .set('Authorization', auth)
      .send({ date: '2026-06-04', name: 'Eid al-Adha (announced)' })
      .expect(201);
    expect(res.body).toMatchObject({ added: 1, removed: 0 });
    // Issue 3: with 4 June a holiday, the acknowledgement is due on Monday 8 June. SEA/MV/1 (Wed 10 → Thu 11) moves too.
    const moved = res.body.deadlinesMoved.map((m: { reference: string; previousDueOn: string; dueOn: string }) => [m.reference, m.previousDueOn, m.dueOn]);
    expect(moved.sort()).toEqual([
      ['SEA/MV/1', '2026-06-10', '2026-06-11'],
      ['SEA/MV/2', '2026-06-07', '2026-06-08'],
    ]);
    const got = await get(`/api/v1/requests/${id}`).expect(200);
    expect(got.body.openDeadlines[0]).toMatchObject({
      step: 'ACKNOWLEDGEMENT',
      dueOn: '2026-06-08',
      dueAt: '2026-06-08T04:00:00.000Z',
      nextFireAt: '2026-06-08T04:00:00.000Z',
    });
    const history = await get(`/api/v1/requests/${id}/events`).expect(200);
    expect(history.body.at(-1)).toMatchObject({
      type: 'deadlineRecomputed',
      actor: { role: 'ADMINISTRATOR', state: null, name: 'administrator admin' },
      fromState: 'awaitingAcknowledgement',
      toState: 'awaitingAcknowledgement',
      payload: {
        step: 'ACKNOWLEDGEMENT',
        previousDueOn: '2026-06-07',
        dueOn: '2026-06-08',
        reason: 'holiday 2026-06-04 (Eid al-Adha (announced)) added to the calendar of MV',
      },
    });
    const list = await get('/api/v1/states/MV/holidays?year=2026', 'officer.mv').expect(200);
    expect(list.body).toMatchObject({ state: 'MV', weekend: ['FRI', 'SAT'], coveredByDateHolidays: false });
    expect(list.body.holidays).toEqual([expect.objectContaining({ date: '2026-06-04', name: 'Eid al-Adha (announced)', source: 'ADMINISTRATOR' })]);
    await http().post('/api/v1/states/MV/holidays').set('Authorization', auth).send({ date: '2026-06-04', name: 'again' }).expect(409);
    const bad = await http().post('/api/v1/states/MV/holidays').set('Authorization', auth).send({ date: '2026-02-30', name: '' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['date', 'name']);
    await http().post('/api/v1/states/XX/holidays').set('Authorization', auth).send({ date: '2026-06-05', name: 'x' }).expect(404);
  });

  it('never moves a deadline earlier once its reminder has gone out', async () => {
    const [d] = await env.sql<{ id: string }>(
      `select d.id from deadline d join mla_request r on r.id = d.request_id where r.reference = 'SEA/MV/2' and d.step = 'ACKNOWLEDGEMENT'`,
    );
    clock.set(new Date('2026-06-08T04:00:00Z'));
    expect(await worker.get(DeadlineRunner).fire(d.id, 'REMINDER')).toBe('notified');
    const res = await http().delete('/api/v1/states/MV/holidays/2026-06-04').set('Authorization', auth).expect(200);
    // SEA/MV/1's reminder (due day, Thu 11) has not gone out: it moves back to Wed 10. SEA/MV/2 stays on Mon 8.
    expect(res.body.deadlinesMoved.map((m: { reference: string; dueOn: string }) => [m.reference, m.dueOn])).toEqual([['SEA/MV/1', '2026-06-10']]);
    const [row] = await env.sql<{ due_on: string; sent_stages: string[] }>(
      `select to_char(due_on, 'YYYY-MM-DD') as due_on, sent_stages from deadline where id = $1`,
      [d.id],
    );
    expect(row).toEqual({ due_on: '2026-06-08', sent_stages: ['REMINDER'] });
    await http().delete('/api/v1/states/MV/holidays/2026-06-04').set('Authorization', auth).expect(404);
  });

  it('imports holidays from CSV all or nothing, naming the line and column of each error', async () => {
    const bad = await http()
      .post('/api/v1/holidays/import')
      .set('Authorization', auth)
      .set('Content-Type', 'text/csv')
      .send('state,date,name\nMV,2026-07-26,Independence Day\nZZ,2026-13-01,\nKG,2026-08-31,Independence Day\n')
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['line 3: state', 'line 3: date', 'line 3: name']);
    expect(await env.sql(`select count(*)::int as n from state_holiday`)).toEqual([{ n: 0 }]);
    await http().post('/api/v1/holidays/import').set('Authorization', auth).send({ csv: 'x' }).expect(415);
    const ok = await http()
      .post('/api/v1/holidays/import')
      .set('Authorization', auth)
      .set('Content-Type', 'text/csv')
      .send('state,date,name\nMV,2026-07-26,Independence Day\n"KG",2026-08-31,"Independence Day, Kyrgyz Republic"\n')
      .expect(201);
    expect(ok.body).toMatchObject({ added: 2, unchanged: 0 });
    const again = await http()
      .post('/api/v1/holidays/import')
      .set('Authorization', auth)
      .set('Content-Type', 'text/csv')
      .send('state,date,name\nMV,2026-07-26,Independence Day\n')
      .expect(201);
    expect(again.body).toMatchObject({ added: 0, unchanged: 1 });
    await http().get('/api/v1/states/KG/holidays?year=2026').expect(401);
    const kg = await get('/api/v1/states/KG/holidays?year=2026').expect(200);
    expect(kg.body.holidays).toEqual([expect.objectContaining({ date: '2026-08-31', name: 'Independence Day, Kyrgyz Republic', source: 'ADMINISTRATOR' })]);
  });

  describe('under concurrency', () => {
    const created = async (reference: string) => {
      const c = await create({ reference, network: 'SEAJUST', requestingState: 'TH', requestedState: 'MV', requestType: 'MLA', urgent: false }).expect(201);
      return { id: c.body.id as string, etag: c.headers.etag as string };
    };
    const transmit = (r: { id: string; etag: string }) => post(r.id, r.etag, { type: 'requestTransmitted', actor: TH, channel: 'CENTRAL_AUTHORITY' });
    const ackDueDates = (prefix: string) =>
      env.sql<{ due_on: string }>(
        `select to_char(d.due_on, 'YYYY-MM-DD') as due_on from deadline d join mla_request r on r.id = d.request_id
          where r.reference like $1 and d.step = 'ACKNOWLEDGEMENT' and d.status = 'OPEN' order by r.reference`,
        [`${prefix}%`],
      );

    it('30 events at once are all recorded (one database connection per transaction)', async () => {
      clock.set(new Date('2026-09-01T05:00:00Z')); // Tuesday 1 September 2026, 10:00 in Malé
      const requests = [];
      for (let i = 0; i < 30; i++) requests.push(await created(`RACE/A/${String(i).padStart(2, '0')}`));
      const started = Date.now();
      const answers = await Promise.all(requests.map(transmit));
      expect(answers.map((a) => a.status)).toEqual(requests.map(() => 201));
      expect(Date.now() - started).toBeLessThan(10_000);
      // SEAJust policy version 1: acknowledgement in 2 business days of the Maldives: Wed 2, Thu 3 September.
      expect(new Set((await ackDueDates('RACE/A/')).map((r) => r.due_on))).toEqual(new Set(['2026-09-03']));
    });

    it('two holidays added at the same moment both count: no deadline is recomputed with a stale calendar', async () => {
      const [a, b] = await Promise.all(
        ['2026-09-02', '2026-09-03'].map((date) =>
          http()
            .post('/api/v1/states/MV/holidays')
            .set('Authorization', auth)
            .send({ date, name: `Race ${date}` }),
        ),
      );
      expect([a.status, b.status]).toEqual([201, 201]);
      // Wed 2 and Thu 3 holidays, Fri 4 and Sat 5 weekend: Sun 6 (1), Mon 7 (2).
      expect(new Set((await ackDueDates('RACE/A/')).map((r) => r.due_on))).toEqual(new Set(['2026-09-07']));
    });

    it('a holiday added while events are being recorded is counted in every deadline, whichever committed first', async () => {
      const requests = [];
      for (let i = 0; i < 20; i++) requests.push(await created(`RACE/B/${String(i).padStart(2, '0')}`));
      const answers = await Promise.all([
        ...requests.slice(0, 10).map(transmit),
        http().post('/api/v1/states/MV/holidays').set('Authorization', auth).send({ date: '2026-09-07', name: 'Race 2026-09-07' }),
        ...requests.slice(10).map(transmit),
      ]);
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
      // Sun 6 (1), [Mon 7 holiday], Tue 8 (2): for the 20 new deadlines and the 30 earlier ones alike.
      expect(new Set((await ackDueDates('RACE/')).map((r) => r.due_on))).toEqual(new Set(['2026-09-08']));
      expect(await ackDueDates('RACE/')).toHaveLength(50);
    });

    it('the same CSV imported four times at once: one adds, the others find it unchanged', async () => {
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() =>
          http()
            .post('/api/v1/holidays/import')
            .set('Authorization', auth)
            .set('Content-Type', 'text/csv')
            .send('state,date,name\nMV,2027-06-01,x\nMV,2027-06-02,x\n'),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
      expect(answers.map((a) => a.body.added).sort()).toEqual([0, 0, 0, 2]);
    });
  });

  it('a suggested deadline and the days paused survive a holiday change, under a business-day execution policy', async () => {
    clock.set(new Date('2026-10-01T05:00:00Z')); // Thursday 1 October 2026 in Malé
    await http()
      .post('/api/v1/networks/SEAJUST/deadline-policy/versions')
      .set('Authorization', auth)
      .send({ note: 'execution in 60 business days', steps: { EXECUTION: { due: { businessDays: 60 }, reminderBusinessDaysBefore: 10 } } })
      .expect(201);
    const run = async (reference: string, transmission: object) => {
      const c = await create({ reference, network: 'SEAJUST', requestingState: 'TH', requestedState: 'MV', requestType: 'MLA', urgent: false }).expect(201);
      let etag = c.headers.etag as string;
      for (const event of [
        { type: 'requestTransmitted', actor: TH, channel: 'CENTRAL_AUTHORITY', ...transmission },
        { type: 'receiptAcknowledged', actor: MV },
        { type: 'requestAccepted', actor: MV },
      ]) {
        const res = await post(c.body.id, etag, event).expect(201);
        etag = res.headers.etag;
      }
      return { id: c.body.id as string, etag };
    };
    const execution = async (id: string) =>
      (await get(`/api/v1/requests/${id}`).expect(200)).body.openDeadlines.find((d: { step: string }) => d.step === 'EXECUTION');

    const suggested = await run('SUGGESTED/1', { suggestedDeadline: { date: '2027-03-31', reasons: 'the trial opens in April 2027' } });
    expect((await execution(suggested.id)).dueOn).toBe('2027-03-31');

    const paused = await run('PAUSED/1', {});
    const before = (await execution(paused.id)).dueOn;
    const res = await post(paused.id, paused.etag, { type: 'additionalInformationRequested', actor: MV }).expect(201);
    clock.set(new Date('2026-10-31T05:00:00Z')); // 30 calendar days later
    await post(paused.id, res.headers.etag, { type: 'additionalInformationProvided', actor: TH }).expect(201);
    const extended = (await execution(paused.id)).dueOn;
    expect(extended > before).toBe(true);

    await http().post('/api/v1/states/MV/holidays').set('Authorization', auth).send({ date: '2026-11-11', name: 'Republic Day' }).expect(201);
    expect((await execution(suggested.id)).dueOn).toBe('2027-03-31');
    const after = (await execution(paused.id)).dueOn;
    expect(after >= extended).toBe(true); // one business day later at most, never back to the unpaused date
    const [row] = await env.sql<{ paused_days: number }>(`select paused_days from deadline where request_id = $1 and step = 'EXECUTION'`, [paused.id]);
    expect(row.paused_days).toBe(30);
  });

  describe("ETag and If-Match on the administrators' changes", () => {
    const holidays = (state: string, year = 2026) => get(`/api/v1/states/${state}/holidays?year=${year}`, 'officer.th');
    const addHoliday = (state: string, date: string, ifMatch?: string) => {
      const req = http().post(`/api/v1/states/${state}/holidays`).set('Authorization', auth);
      return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ date, name: `Holiday ${date}` });
    };
    const removeHoliday = (state: string, date: string, ifMatch: string) =>
      http().delete(`/api/v1/states/${state}/holidays/${date}`).set('Authorization', auth).set('If-Match', ifMatch);
    const rows = (state: string) =>
      env.sql<{ date: string }>(`select to_char(date, 'YYYY-MM-DD') as date from state_holiday where state_code = $1 order by date`, [state]);
    const addVersion = (network: string, ifMatch: string | undefined, note: string) => {
      const req = http().post(`/api/v1/networks/${network}/deadline-policy/versions`).set('Authorization', auth);
      return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ note, steps: { EXECUTION: { due: { calendarDays: 90 } } } });
    };
    const versions = (network: string) =>
      env
        .sql<{ version: number }>(`select version from deadline_policy_version where network_code = $1 order by version`, [network])
        .then((r) => r.map((v) => v.version));
    /** A 412 answer as every changing endpoint gives it. */
    const expectPreconditionFailed = (res: request.Response) => {
      expect(res.status).toBe(412);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 412, title: 'Precondition Failed', code: 'PRECONDITION_FAILED' });
      expect(res.body.detail).toMatch(/has changed since you read it: reload it/);
      expect(res.body.errors).toEqual([{ field: 'If-Match', reason: expect.stringMatching(/is not the current ETag; reload/) }]);
    };

    it("a State's holiday table: GET gives its ETag; a change with it succeeds and gives a new one; the old one is refused with 412, changing nothing", async () => {
      const first = await holidays('KH').expect(200);
      const e0 = first.headers.etag as string;
      expect(e0).toMatch(/^"[0-9a-f]{32}"$/);
      expect((await holidays('KH', 2031).expect(200)).headers.etag).toBe(e0); // one tag for the table, every year

      const added = await addHoliday('KH', '2026-04-14', e0).expect(201);
      expect(added.body).toMatchObject({ added: 1, removed: 0 });
      const e1 = added.headers.etag as string;
      expect(e1).toMatch(/^"[0-9a-f]{32}"$/);
      expect(e1).not.toBe(e0);
      expect((await holidays('KH').expect(200)).headers.etag).toBe(e1);
      expect((await holidays('KH', 2031).expect(200)).headers.etag).toBe(e1);

      // another administrator still holding e0: refused, nothing written
      expectPreconditionFailed(await addHoliday('KH', '2026-04-15', e0));
      expectPreconditionFailed(await removeHoliday('KH', '2026-04-14', e0));
      expect(await rows('KH')).toEqual([{ date: '2026-04-14' }]);
      expect((await holidays('KH').expect(200)).headers.etag).toBe(e1);

      // a list of tags matches when one is current; a weak form of the current tag too
      const listed = await addHoliday('KH', '2026-04-15', `${e0}, ${e1}`).expect(201);
      const e2 = listed.headers.etag as string;
      expect(new Set([e0, e1, e2]).size).toBe(3);
      const removed = await removeHoliday('KH', '2026-04-15', `W/${e2}`).expect(200);
      expect(removed.body).toMatchObject({ added: 0, removed: 1 });
      // the table is as it was after the first change: so is its tag (the tag is of the content)
      expect(removed.headers.etag).toBe(e1);
      expect(await rows('KH')).toEqual([{ date: '2026-04-14' }]);

      // * matches whatever the table is; no If-Match at all is still accepted
      const star = await addHoliday('KH', '2026-04-16', '*').expect(201);
      expect(star.headers.etag).not.toBe(e1);
      const none = await addHoliday('KH', '2026-04-17').expect(201);
      expect(none.headers.etag).not.toBe(star.headers.etag);
      const gone = await removeHoliday('KH', '2026-04-17', '*').expect(200);
      expect(gone.headers.etag).toBe(star.headers.etag);
      expect(await rows('KH')).toEqual([{ date: '2026-04-14' }, { date: '2026-04-16' }]);

      // the precondition comes first: a stale tag on a date already there is a 412, not a 409
      expectPreconditionFailed(await addHoliday('KH', '2026-04-14', e0));
      await addHoliday('KH', '2026-04-14', gone.headers.etag).expect(409);
    });

    it('a malformed If-Match is a 400 naming If-Match, for both changes, and changes nothing', async () => {
      const { etag } = (await holidays('KH').expect(200)).headers;
      for (const bad of ['abc', etag.slice(1, -1), '"unterminated', 'W/', '"a" "b"', '"a",', ' ']) {
        for (const res of [await addHoliday('KH', '2026-05-01', bad), await removeHoliday('KH', '2026-04-14', bad)]) {
          expect({ bad, status: res.status, code: res.body.code, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
            bad,
            status: 400,
            code: 'VALIDATION_FAILED',
            fields: ['If-Match'],
          });
        }
      }
      expect(await rows('KH')).toEqual([{ date: '2026-04-14' }, { date: '2026-04-16' }]);
      expect((await holidays('KH').expect(200)).headers.etag).toBe(etag);
    });

    it("two administrators changing a State's table with the same ETag at the same moment: exactly one succeeds, the other gets 412", async () => {
      for (let round = 0; round < 5; round++) {
        const { etag } = (await holidays('LA').expect(200)).headers;
        const dates = [1, 2].map((d) => `2026-07-${String(2 * round + d).padStart(2, '0')}`);
        const answers = await Promise.all(dates.map((d) => addHoliday('LA', d, etag)));
        expect(answers.map((a) => a.status).sort()).toEqual([201, 412]);
        const winner = answers.find((a) => a.status === 201)!;
        expectPreconditionFailed(answers.find((a) => a.status === 412)!);
        expect((await rows('LA')).filter((r) => dates.includes(r.date))).toEqual([{ date: dates[answers.indexOf(winner)] }]);
        expect((await holidays('LA').expect(200)).headers.etag).toBe(winner.headers.etag);
      }
      // and an add racing a remove
      const { etag } = (await holidays('LA').expect(200)).headers;
      const [first] = await rows('LA');
      const [add, remove] = await Promise.all([addHoliday('LA', '2026-08-01', etag), removeHoliday('LA', first.date, etag)]);
      expect([add.status, remove.status]).toEqual(add.status === 201 ? [201, 412] : [412, 200]);
      expect(await rows('LA')).toHaveLength(add.status === 201 ? 6 : 4);
    });

    it('a network\'s deadline policy: ETag "<version>"; a version naming the current one is added, a stale one is 412; at the same moment one wins', async () => {
      const current = await http().get('/api/v1/networks/CASC/deadline-policy').set('Authorization', auth).expect(200);
      expect([current.headers.etag, current.body.version]).toEqual(['"0"', 0]);

      const v1 = await addVersion('CASC', '"0"', 'execution in 90 days').expect(201);
      expect(v1.headers.etag).toBe('"1"');
      expect(v1.body.version).toMatchObject({ network: 'CASC', version: 1 });
      expect((await http().get('/api/v1/networks/CASC/deadline-policy').set('Authorization', auth).expect(200)).headers.etag).toBe('"1"');

      expectPreconditionFailed(await addVersion('CASC', '"0"', 'read before version 1'));
      expect(await versions('CASC')).toEqual([1]);

      expect((await addVersion('CASC', '*', 'any version').expect(201)).headers.etag).toBe('"2"');
      expect((await addVersion('CASC', 'W/"2"', 'weak tag of the current one').expect(201)).headers.etag).toBe('"3"');
      for (const bad of ['3', 'v3', '"3', '']) {
        const res = await addVersion('CASC', bad, 'malformed').expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['If-Match']);
      }
      expect(await versions('CASC')).toEqual([1, 2, 3]);

      for (let round = 0; round < 5; round++) {
        const { etag } = (await http().get('/api/v1/networks/CASC/deadline-policy').set('Authorization', auth).expect(200)).headers;
        const answers = await Promise.all([addVersion('CASC', etag, `race ${round} a`), addVersion('CASC', etag, `race ${round} b`)]);
        expect(answers.map((a) => a.status).sort()).toEqual([201, 412]);
        expectPreconditionFailed(answers.find((a) => a.status === 412)!);
        expect(answers.find((a) => a.status === 201)!.headers.etag).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
      }
      expect(await versions('CASC')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const notes = await env.sql<{ note: string }>(`select note from deadline_policy_version where network_code = 'CASC' and version > 3 order by version`);
      expect(notes.map((n) => n.note.replace(/ [ab]$/, ''))).toEqual([0, 1, 2, 3, 4].map((r) => `race ${r}`));
    });

    it('only administrators change them, If-Match or not', async () => {
      const { etag } = (await holidays('KH').expect(200)).headers;
      await http().post('/api/v1/states/KH/holidays').set(tokens['officer.th']).set('If-Match', etag).send({ date: '2026-05-01', name: 'x' }).expect(403);
      await http().delete('/api/v1/states/KH/holidays/2026-04-14').set(tokens['officer.th']).set('If-Match', etag).expect(403);
      await http().post('/api/v1/networks/CASC/deadline-policy/versions').set(tokens['officer.th']).set('If-Match', '*').send({ note: 'x' }).expect(403);
      expect(await rows('KH')).toEqual([{ date: '2026-04-14' }, { date: '2026-04-16' }]);
    });
  });
});
