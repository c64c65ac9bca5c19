import { CaseAccessService, ManualClock } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/**
 * Contact points as active intermediaries (issue 5): a draft reviewed informally by the requested
 * State's contact point against UNTOC art. 18(15), amended, transmitted; the first facilitation dating
 * the case; and a request facilitated through a second network, which both networks then see.
 */
describe('informal consultation, completeness (18(15)) and facilitation through another network (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  // Monday 1 March 2021, 09:00 in Lagos and Accra (UTC+1 / UTC+0).
  const clock = new ManualClock(new Date('2021-03-01T08:00:00Z'));
  const http = () => request(app!.api.getHttpServer());
  const as = async (login: string) => app!.auth(login);

  beforeAll(async () => {
    app = await startApiTestApp('facilitation', { clock, withWorker: false });
    env = app.env;
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  async function post(login: string, id: string, version: number, body: Record<string, unknown>) {
    return http()
      .post(`/api/v1/requests/${id}/events`)
      .set(await as(login))
      .set('If-Match', `"${version}"`)
      .send(body);
  }

  async function amend(login: string, id: string, version: number, body: Record<string, unknown>) {
    return http()
      .patch(`/api/v1/requests/${id}`)
      .set(await as(login))
      .set('If-Match', `"${version}"`)
      .send(body);
  }

  describe('a draft reviewed by the contact point of the requested State, amended, then transmitted', () => {
    let id: string;
    /** Status of GET /requests/{id} for each of Ghana's officer and contact point, and Nigeria's officer. */
    const whoSees = async () =>
      Promise.all(
        ['officer.gh', 'cp1.gh.wacap', 'officer.ng'].map(
          async (login) =>
            (
              await http()
                .get(`/api/v1/requests/${id}`)
                .set(await as(login))
            ).status,
        ),
      );

    it('shows a new draft what article 18(15) requires and it lacks', async () => {
      const res = await http()
        .post('/api/v1/requests')
        .set(await as('officer.ng'))
        .send({
          reference: 'NG/EFCC/2021/7',
          network: 'WACAP',
          requestingState: 'NG',
          requestedState: 'GH',
          requestType: 'MLA',
          urgent: false,
          measures: ['FINANCIAL_RECORDS'],
          subject: 'Laundering of bribes through Accra accounts',
        })
        .expect(201);
      id = res.body.id;
      expect(res.body.completeness).toMatchObject({
        complete: false,
        missing: ['REQUESTING_AUTHORITY', 'INVESTIGATING_AUTHORITY', 'SUMMARY_OF_FACTS', 'PURPOSE'],
        recommended: ['PERSONS_CONCERNED'],
      });
      expect(res.body.completeness.items.find((i: { item: string }) => i.item === 'PURPOSE')).toMatchObject({
        paragraph: '18(15)(f)',
        required: true,
        present: false,
      });
      // A draft is the requesting side's: Ghana sees nothing of it yet.
      expect(await whoSees()).toEqual([404, 404, 200]);
    });

    it('the officer shares the draft; the contact point of Ghana reviews it with a checklist and what Ghana requires', async () => {
      expect((await post('officer.ng', id, 1, { type: 'draftShared' }).then((r) => r.body)).request.state).toBe('informalConsultation');
      // Shared for informal consultation: Ghana's contact point sees it; Ghana's central authority not before it is sent.
      expect(await whoSees()).toEqual([404, 200, 200]);
      clock.set(new Date('2021-03-02T10:00:00Z')); // 26 hours later
      const reviewed = await post('cp1.gh.wacap', id, 2, {
        type: 'draftReviewed',
        comments: 'Name the investigating unit and say what the bank records will prove.',
        checklist: { REQUESTING_AUTHORITY: 'MISSING', SUBJECT_AND_NATURE: 'OK', SUMMARY_OF_FACTS: 'MISSING', ASSISTANCE_SOUGHT: 'OK', PURPOSE: 'UNCLEAR' },
        requirements: 'English; through the central authority; certified copies of the court order.',
      });
      expect(reviewed.status).toBe(201);
      expect(reviewed.body.request).toMatchObject({ state: 'draft', milestones: expect.objectContaining({ facilitatedOn: '2021-03-02' }) });
      expect(reviewed.body.request.informalConsultations).toEqual([
        { sharedAt: '2021-03-01T08:00:00.000Z', reviewedAt: '2021-03-02T10:00:00.000Z', hours: 26 },
      ]);
      // Back in draft, the reviewer still sees what it facilitated.
      expect(await whoSees()).toEqual([404, 200, 200]);
      expect(reviewed.body.event.payload).toEqual({
        comments: 'Name the investigating unit and say what the bank records will prove.',
        checklist: { REQUESTING_AUTHORITY: 'MISSING', SUBJECT_AND_NATURE: 'OK', SUMMARY_OF_FACTS: 'MISSING', ASSISTANCE_SOUGHT: 'OK', PURPOSE: 'UNCLEAR' },
        requirements: 'English; through the central authority; certified copies of the court order.',
      });
    });

    it('refuses a checklist with an unknown item or mark, naming the field, and changes nothing', async () => {
      const before = await env.sql(`select version from mla_request where id = $1`, [id]);
      const res = await post('cp1.gh.wacap', id, 3, { type: 'draftReviewed', checklist: { PURPOSE: 'MAYBE', MOTIVE: 'OK' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'checklist.MOTIVE', reason: expect.stringContaining('is not a known field') },
          { field: 'checklist.PURPOSE', reason: '"MAYBE" is not one of OK, MISSING, UNCLEAR' },
        ]),
      );
      expect(await env.sql(`select version from mla_request where id = $1`, [id])).toEqual(before);
    });

    it('the officer amends the draft until it is complete; the history names the fields, never their values', async () => {
      const res = await amend('officer.ng', id, 3, {
        requestingAuthority: 'Economic and Financial Crimes Commission, Abuja',
        investigatingAuthority: 'EFCC Special Investigation Unit (investigating officer)',
        factsSummary: 'Between 2019 and 2020 a public official received USD 2 million through accounts in Accra.',
        purpose: 'To prove the flow of the bribes for the trial before the Federal High Court.',
        personsConcerned: [{ name: 'Chief Adebayo Okafor', nationality: 'NG', location: 'Lagos' }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"4"');
      expect(res.body.completeness).toMatchObject({ complete: true, missing: [], recommended: [] });
      expect(res.body).toMatchObject({ requestingAuthority: 'Economic and Financial Crimes Commission, Abuja', state: 'draft', version: 4 });
      const history = await http()
        .get(`/api/v1/requests/${id}/events`)
        .set(await as('officer.ng'))
        .expect(200);
      const amended = history.body.find((e: { type: string }) => e.type === 'draftAmended');
      expect(amended.payload).toEqual({ fields: ['factsSummary', 'investigatingAuthority', 'personsConcerned', 'purpose', 'requestingAuthority'] });
      const [row] = await env.sql<{ payload: unknown }>(`select payload from case_event where request_id = $1 and type = 'draftAmended'`, [id]);
      expect(JSON.stringify(row.payload)).not.toContain('Okafor');
      // The facts are encrypted at rest like those given at creation.
      const [stored] = await env.sql<{ facts_enc: string }>(`select facts_enc from mla_request where id = $1`, [id]);
      expect(stored.facts_enc).not.toContain('bribes');
    });

    it('refuses an amendment by another State, of the network or the States, or with a stale version, changing nothing', async () => {
      expect((await amend('officer.gh', id, 4, { purpose: 'x' })).status).toBe(404); // not sent: not Ghana's to see
      const fixed = await amend('officer.ng', id, 4, { requestedState: 'SN', network: 'CASC' });
      expect(fixed.status).toBe(400);
      expect(fixed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['network', 'requestedState']);
      expect((await amend('officer.ng', id, 3, { purpose: 'x' })).status).toBe(409);
      expect(
        (
          await http()
            .patch(`/api/v1/requests/${id}`)
            .set(await as('officer.ng'))
            .send({ purpose: 'x' })
        ).status,
      ).toBe(428);
      expect((await amend('cp1.gh.wacap', id, 4, { purpose: 'x' })).status).toBe(403);
      const [row] = await env.sql<{ version: number; purpose: string }>(`select version, purpose from mla_request where id = $1`, [id]);
      expect(row).toEqual({ version: 4, purpose: 'To prove the flow of the bribes for the trial before the Federal High Court.' });
    });

    it('transmits the completed draft; the draft, comments and checklist stay in its history; it can no longer be amended', async () => {
      expect((await post('officer.ng', id, 4, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })).status).toBe(201);
      expect(await whoSees()).toEqual([200, 200, 200]);
      expect((await amend('officer.ng', id, 5, { purpose: 'changed' })).status).toBe(422);
      const history = await http()
        .get(`/api/v1/requests/${id}/events`)
        .set(await as('officer.gh'))
        .expect(200);
      expect(history.body.map((e: { type: string }) => e.type)).toEqual(['draftShared', 'draftReviewed', 'draftAmended', 'requestTransmitted']);
      // The secretariat sees that there was a review, not what it said.
      const metadata = await http()
        .get(`/api/v1/requests/${id}/events`)
        .set(await as('secretariat.wacap'))
        .expect(200);
      expect(metadata.body[1]).toMatchObject({ type: 'draftReviewed', payload: {} });
      const view = await http()
        .get(`/api/v1/requests/${id}`)
        .set(await as('secretariat.wacap'))
        .expect(200);
      expect(view.body).toMatchObject({ completeness: null, requestingAuthority: null, purpose: null, factsSummary: null });
    });

    it('stalls; Ghana’s contact point chases, then escalates it to the secretariat, which takes it to a bilateral meeting at the plenary', async () => {
      clock.set(new Date('2021-04-12T09:00:00Z')); // no acknowledgement five weeks on
      const [{ version }] = await env.sql<{ version: number }>('select version from mla_request where id = $1', [id]);
      expect(
        (await post('cp1.gh.wacap', id, version, { type: 'facilitationRecorded', action: 'CHASED_REQUESTED_SIDE', note: 'Called the registry' })).status,
      ).toBe(201);
      expect(
        (await post('cp1.gh.wacap', id, version + 1, { type: 'facilitationRecorded', action: 'ESCALATED_TO_SECRETARIAT', note: 'For the plenary' })).status,
      ).toBe(201);
      const secretariat = await as('secretariat.wacap');
      const plenary = await http().post('/api/v1/networks/WACAP/plenaries').set(secretariat).send({ date: '2021-06-15', place: 'Accra' }).expect(201);
      const proposed = await http().post(`/api/v1/plenaries/${plenary.body.id}/bilateral-meetings/proposals`).set(secretariat).expect(200);
      const meeting = (
        proposed.body.meetings as Array<{ id: string; items: Array<{ requestId: string; reference: string; why: string[]; stepOwed: unknown }> }>
      ).find((m) => m.items.some((i) => i.requestId === id))!;
      expect(meeting.items.find((i) => i.requestId === id)).toMatchObject({
        reference: 'NG/EFCC/2021/7',
        why: ['FLAGGED'],
        stepOwed: { step: 'ACKNOWLEDGEMENT', owedByState: 'GH' },
      });
      const agenda = await http().get(`/api/v1/bilateral-meetings/${meeting.id}/agenda`).set(secretariat).expect(200);
      expect(JSON.stringify(agenda.body)).not.toMatch(/bribes|Okafor|Called the registry/); // no facts, persons or notes on an agenda
      clock.set(new Date('2021-06-15T15:00:00Z'));
      await http()
        .post(`/api/v1/bilateral-meetings/${meeting.id}/outcomes`)
        .set(secretariat)
        .send({ items: [{ requestId: id, outcome: 'ACTION_AGREED', note: 'Ghana acknowledges by 30 June' }] })
        .expect(201);
      const history = await http()
        .get(`/api/v1/requests/${id}/events`)
        .set(await as('officer.ng'))
        .expect(200);
      expect(history.body.slice(-3).map((e: { type: string; actor: { role: string } }) => [e.type, e.actor.role])).toEqual([
        ['facilitationRecorded', 'CONTACT_POINT'],
        ['facilitationRecorded', 'CONTACT_POINT'],
        ['bilateralMeetingHeld', 'SECRETARIAT'],
      ]);
      expect(history.body.at(-1).payload).toMatchObject({ outcome: 'ACTION_AGREED', note: 'Ghana acknowledges by 30 June' });
    });

    it('counts the case as facilitated in 2021 from the record (its first facilitation)', async () => {
      const stats = await http()
        .get('/api/v1/statistics/yearly?year=2021&network=WACAP')
        .set(await as('admin'))
        .expect(200);
      expect(stats.body.networks.WACAP).toMatchObject({ facilitated: 1, transmitted: 1 });
    });
  });

  describe('a SEAJust request facilitated through CASC to reach Uzbekistan', () => {
    let id: string;
    const sees = async (login: string) =>
      (
        await http()
          .get(`/api/v1/requests/${id}`)
          .set(await as(login))
      ).status;

    it('is seen by SEAJust alone until a contact point links CASC; then by CASC too', async () => {
      clock.set(new Date('2021-07-05T04:00:00Z'));
      const created = await http()
        .post('/api/v1/requests')
        .set(await as('officer.th'))
        .send({ network: 'SEAJUST', requestingState: 'TH', requestedState: 'UZ', requestType: 'MLA', urgent: true, measures: ['LOCATE_PERSONS'] })
        .expect(201);
      id = created.body.id;
      expect((await post('officer.th', id, 1, { type: 'requestTransmitted', channel: 'DIPLOMATIC' })).status).toBe(201);
      expect([await sees('secretariat.seajust'), await sees('secretariat.casc'), await sees('cp1.uz.casc')]).toEqual([200, 404, 404]);

      const linked = await post('cp1.th.seajust', id, 2, {
        type: 'facilitationRecorded',
        action: 'LINKED_OTHER_NETWORK',
        network: 'CASC',
        note: 'Asked CASC to reach the Uzbek CA',
      });
      expect(linked.status).toBe(201);
      expect(linked.body.request.linkedNetworks).toEqual(['CASC']);
      expect([
        await sees('secretariat.seajust'),
        await sees('secretariat.casc'),
        await sees('cp1.uz.casc'),
        await sees('secretariat.wacap'),
        await sees('cp1.kz.casc'),
      ]).toEqual([200, 200, 200, 404, 404]);
      const list = await http()
        .get('/api/v1/requests?network=SEAJUST')
        .set(await as('secretariat.casc'))
        .expect(200);
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    });

    it('row-level security agrees: the database itself shows the linked request to CASC, not to WACAP', async () => {
      const cases = app!.api.get(CaseAccessService);
      const visible = async (login: string) =>
        (await cases.withPrincipal(await app!.principal(login), (em) => em.execute<Array<{ id: string }>>('select id from mla_request where id = ?', [id])))
          .length;
      expect([await visible('secretariat.casc'), await visible('cp1.uz.casc'), await visible('secretariat.wacap'), await visible('cp1.kz.casc')]).toEqual([
        1, 1, 0, 0,
      ]);
    });

    it('refuses a link without a network, to its own network, or a network on another action', async () => {
      const [{ version }] = await env.sql<{ version: number }>(`select version from mla_request where id = $1`, [id]);
      const missing = await post('cp1.th.seajust', id, version, { type: 'facilitationRecorded', action: 'LINKED_OTHER_NETWORK' });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ field: 'network', reason: expect.stringContaining('is required') }]);
      const stray = await post('cp1.th.seajust', id, version, { type: 'facilitationRecorded', action: 'CHASED_REQUESTED_SIDE', network: 'CASC' });
      expect(stray.body.errors).toEqual([{ field: 'network', reason: 'is given only with action LINKED_OTHER_NETWORK' }]);
      expect((await post('cp1.th.seajust', id, version, { type: 'facilitationRecorded', action: 'LINKED_OTHER_NETWORK', network: 'SEAJUST' })).status).toBe(
        422,
      );
      // Only the request's own network reaches out, and only to a network of one of its States.
      const notMembers = await post('cp1.th.seajust', id, version, { type: 'facilitationRecorded', action: 'LINKED_OTHER_NETWORK', network: 'WACAP' });
      expect([notMembers.status, notMembers.body.detail]).toEqual([422, expect.stringContaining('WACAP counts neither TH nor UZ among its members')]);
      const linkedOnly = await post('secretariat.casc', id, version, { type: 'facilitationRecorded', action: 'LINKED_OTHER_NETWORK', network: 'OTHER' });
      expect([linkedOnly.status, linkedOnly.body.detail]).toEqual([422, expect.stringContaining("only the request's own network (SEAJUST) links it")]);
      expect(await env.sql(`select version from mla_request where id = $1`, [id])).toEqual([{ version }]);
    });

    it('counts in both networks and once in the total', async () => {
      const stats = await http()
        .get('/api/v1/statistics/yearly?year=2021')
        .set(await as('admin'))
        .expect(200);
      expect([stats.body.networks.SEAJUST.transmitted, stats.body.networks.CASC.transmitted, stats.body.networks.WACAP.transmitted]).toEqual([1, 1, 1]);
      expect(stats.body.total).toMatchObject({ transmitted: 2, facilitated: 2 });
    });
  });
});
