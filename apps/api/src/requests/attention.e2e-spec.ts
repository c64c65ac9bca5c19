import type { INestApplication } from '@nestjs/common';
import { ManualClock } from '@rogatory/domain';
import { type TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { loginOf, startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/**
 * Requests stored by machine version 1 as the API shows them after an upgrade to version 2 (UNTOC art.
 * 18(26)): placed in memory to read, migrated by their next event; flagged for an administrator when they
 * cannot be placed (409 on every event, `attention` in the view, `?attention=true`).
 */
describe('API /api/v1/requests: machine versions and flagged requests (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  const clock = new ManualClock(new Date('2026-11-02T10:00:00Z'));
  const NG = { role: 'CENTRAL_AUTHORITY', state: 'NG' };
  const GH = { role: 'CENTRAL_AUTHORITY', state: 'GH' };
  const tokens: Record<string, { Authorization: string }> = {};

  beforeAll(async () => {
    ({ env, api } = app = await startApiTestApp('api_attention', { clock, withWorker: false }));
    for (const login of ['officer.ng', 'officer.gh']) tokens[login] = await app.auth(login);
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());
  /** GET as `login` (default Nigeria's officer, the requesting State of every request here). */
  const get = (url: string, login = 'officer.ng') => http().get(url).set(tokens[login]);
  /** Creates a request as Nigeria's officer. */
  const create = (body: object) => http().post('/api/v1/requests').set(tokens['officer.ng']).send(body);
  /** POSTs an event as its `actor` (the seeded user acting as it; the actor itself is not sent). */
  const post = (id: string, version: number, event: { actor: { role: string; state?: string | null }; [k: string]: unknown }) => {
    const { actor, ...rest } = event;
    return http().post(`/api/v1/requests/${id}/events`).set(tokens[loginOf(actor)]).set('If-Match', `"${version}"`).send(rest);
  };

  /** A request under assessment, then stored back as machine version 1 wrote it (no consultation fields). */
  async function storedByVersion1(reference: string, value?: string): Promise<string> {
    const res = await create({ reference, network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false }).expect(201);
    await post(res.body.id, 1, { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' }).expect(201);
    await post(res.body.id, 2, { type: 'receiptAcknowledged', actor: GH }).expect(201);
    await env.sql(
      `update mla_request set machine_version = 1, state = coalesce($2, state), snapshot = jsonb_build_object(
         'machineVersion', 1,
         'value', coalesce($2, snapshot->>'value'),
         'context', (snapshot->'context') - 'consultation' || jsonb_build_object('milestones', (snapshot->'context'->'milestones') - 'consultedOn'))
       where id = $1`,
      [res.body.id, value ?? null],
    );
    return res.body.id;
  }

  it('shows a version 1 request placed in version 2 and migrates it with its next event', async () => {
    const id = await storedByVersion1('V1/PLACED');
    const got = await get(`/api/v1/requests/${id}`).expect(200);
    expect(got.body).toMatchObject({ state: 'underAssessment', machineVersion: 1, attention: null, consultation: null });
    // the events of version 2: no refusal before a consultation (UNTOC art. 18(26))
    expect(got.body.allowedEvents.requestedCentralAuthority).toEqual([
      'additionalInformationRequested',
      'consultationOpened',
      'requestAccepted',
      'requestLapsed',
    ]);
    const res = await post(id, Number(got.headers.etag.replace(/"/g, '')), { type: 'consultationOpened', actor: GH, subject: 'conditions' }).expect(201);
    expect(res.body.request).toMatchObject({
      state: 'consultation',
      machineVersion: 2,
      consultation: { openedOn: '2026-11-02', subject: 'conditions' },
      milestones: { consultedOn: '2026-11-02' },
    });
    expect(res.body.request.allowedEvents.requestedCentralAuthority).toContain('requestRefused');
  });

  it('refuses every event of a request it cannot place with 409, shows why, and lists it with attention=true', async () => {
    const id = await storedByVersion1('V1/UNPLACEABLE', 'underReview');
    const before = await get(`/api/v1/requests/${id}`).expect(200);
    for (const event of [
      { type: 'requestAccepted', actor: GH },
      { type: 'requestWithdrawn', actor: NG },
    ]) {
      const res = await post(id, Number(before.headers.etag.replace(/"/g, '')), event).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'CONFLICT',
        detail: expect.stringMatching(/^request V1\/UNPLACEABLE is flagged for an administrator: .*state "underReview" is not a state of machine version 1$/),
      });
    }
    const got = await get(`/api/v1/requests/${id}`).expect(200);
    expect(got.body).toMatchObject({
      state: 'underReview',
      machineVersion: 1,
      attention: expect.stringContaining('cannot be placed'),
      attentionSince: '2026-11-02T10:00:00.000Z',
    });
    expect(Object.values(got.body.allowedEvents)).toEqual([[], [], [], []]);
    const flagged = await get('/api/v1/requests?attention=true').expect(200);
    expect(flagged.body.items.map((r: { reference: string; attention: string }) => [r.reference, r.attention !== null])).toEqual([['V1/UNPLACEABLE', true]]);
    expect((await get('/api/v1/requests?attention=false').expect(200)).body.items.map((r: { reference: string }) => r.reference)).toEqual(['V1/PLACED']);
    const bad = await get('/api/v1/requests?attention=yes').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'attention', reason: 'must be true or false' }]);
  });

  it('a current-version snapshot altered in the database is flagged at its next event, never answered with a 500', async () => {
    const res = await create({
      reference: 'V2/ALTERED',
      network: 'WACAP',
      requestingState: 'NG',
      requestedState: 'GH',
      requestType: 'MLA',
      urgent: false,
    }).expect(201);
    const id = res.body.id as string;
    await env.sql(`update mla_request set snapshot = jsonb_set(snapshot, '{value}', '"nonsense"') where id = $1`, [id]);
    const got = await get(`/api/v1/requests/${id}`).expect(200);
    expect(got.body.allowedEvents.requestingCentralAuthority).toEqual([]);
    const refused = await post(id, 1, { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' }).expect(409);
    expect(refused.body.detail).toContain('flagged for an administrator: snapshot cannot be placed in machine version 2');
    const [row] = await env.sql<{ attention: string; events: number }>(
      `select attention, (select count(*)::int from case_event e where e.request_id = r.id) as events from mla_request r where id = $1`,
      [id],
    );
    expect(row.attention).toContain('snapshot cannot be placed');
    expect(row.events).toBe(0); // the event itself wrote nothing; only the flag was recorded
    const listed = await get('/api/v1/requests?attention=true').expect(200);
    expect(listed.body.items.map((i: { reference: string }) => i.reference)).toContain('V2/ALTERED');
  });
});
