import { ManualClock } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

interface Summary {
  id: string;
  reference: string;
  nextDeadline: { step: string; owedByState: string; dueOn: string; dueAt: string; overdue: boolean; status: string; level: string | null } | null;
}

/**
 * The request list as the web view reads it: `counterpartState` (the State on the other side), `sort=
 * nextDeadline` (what falls due first, one SQL query under the same scope) and each item's
 * `nextDeadline`, against requests transmitted a week apart so that their acknowledgement deadlines differ.
 */
describe('GET /api/v1/requests: counterpartState, sort=nextDeadline and nextDeadline (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  // Monday 5 October 2026, 07:00 UTC (08:00 in Lagos, 07:00 in Accra and Dakar).
  const clock = new ManualClock(new Date('2026-10-05T07:00:00Z'));
  const http = () => request(app!.api.getHttpServer());
  const ids: Record<string, string> = {};
  /** Reference → id, for readable expectations. */
  const refOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id;

  async function create(login: string, reference: string, body: Record<string, unknown>): Promise<void> {
    const res = await http()
      .post('/api/v1/requests')
      .set(await app!.auth(login))
      .send({ reference, requestType: 'MLA', urgent: false, ...body })
      .expect(201);
    ids[reference] = res.body.id;
  }

  async function transmit(login: string, reference: string): Promise<void> {
    await http()
      .post(`/api/v1/requests/${ids[reference]}/events`)
      .set(await app!.auth(login))
      .set('If-Match', '"1"')
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
  }

  async function list(login: string, query: Record<string, string> = {}): Promise<{ total: number; items: Summary[] }> {
    const res = await http()
      .get('/api/v1/requests')
      .query(query)
      .set(await app!.auth(login))
      .expect(200);
    return res.body;
  }

  beforeAll(async () => {
    app = await startApiTestApp('request_list', { clock, withWorker: false });
    env = app.env;
    // A: Nigeria → Ghana, sent on Monday 5 October.
    await create('officer.ng', 'LIST/A', { network: 'WACAP', requestingState: 'NG', requestedState: 'GH' });
    await transmit('officer.ng', 'LIST/A');
    clock.set(new Date('2026-10-12T07:00:00Z'));
    // D: Ghana → Nigeria, a week later.
    await create('officer.gh', 'LIST/D', { network: 'WACAP', requestingState: 'GH', requestedState: 'NG' });
    await transmit('officer.gh', 'LIST/D');
    // K: Kazakhstan → Uzbekistan (CASC), the same day: outside WACAP.
    await create('officer.kz', 'LIST/K', { network: 'CASC', requestingState: 'KZ', requestedState: 'UZ' });
    await transmit('officer.kz', 'LIST/K');
    clock.set(new Date('2026-10-19T07:00:00Z'));
    // B: Nigeria → Senegal, two weeks after A.
    await create('officer.ng', 'LIST/B', { network: 'WACAP', requestingState: 'NG', requestedState: 'SN' });
    await transmit('officer.ng', 'LIST/B');
    clock.set(new Date('2026-10-20T07:00:00Z'));
    // C: Nigeria → Ghana, a draft (no deadline), the newest.
    await create('officer.ng', 'LIST/C', { network: 'WACAP', requestingState: 'NG', requestedState: 'GH' });
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  it("gives each item its next deadline, as GET /requests/{id} shows it (step, owing State, due date and instant, overdue by the API's clock)", async () => {
    const { items } = await list('officer.ng');
    expect(items.map((i) => refOf(i.id))).toEqual(['LIST/C', 'LIST/B', 'LIST/D', 'LIST/A']);
    for (const item of items) {
      const one = await http()
        .get(`/api/v1/requests/${item.id}`)
        .set(await app!.auth('officer.ng'))
        .expect(200);
      const open = one.body.openDeadlines.filter((d: { status: string }) => d.status === 'OPEN');
      if (refOf(item.id) === 'LIST/C') {
        expect(open).toEqual([]);
        expect(item.nextDeadline).toBeNull();
        expect(one.body.nextDeadline).toBeNull();
        continue;
      }
      expect(open).toHaveLength(1);
      const expected = {
        step: 'ACKNOWLEDGEMENT',
        owedByState: one.body.requestedState,
        dueOn: open[0].dueOn,
        dueAt: open[0].dueAt,
        overdue: Date.parse(open[0].dueAt) < clock.now().getTime(),
        status: 'OPEN',
        level: null,
      };
      expect(item.nextDeadline).toEqual(expected);
      // The request view carries the same field.
      expect(one.body.nextDeadline).toEqual(expected);
    }
    // Five business days after each transmission (DOMAIN.md §4), 09:00 in the owing State.
    const next = Object.fromEntries(
      items.map((i) => [refOf(i.id), i.nextDeadline && { dueOn: i.nextDeadline.dueOn, dueAt: i.nextDeadline.dueAt, overdue: i.nextDeadline.overdue }]),
    );
    expect(next).toEqual({
      'LIST/A': { dueOn: '2026-10-12', dueAt: '2026-10-12T09:00:00.000Z', overdue: true },
      'LIST/D': { dueOn: '2026-10-19', dueAt: '2026-10-19T08:00:00.000Z', overdue: true },
      'LIST/B': { dueOn: '2026-10-26', dueAt: '2026-10-26T09:00:00.000Z', overdue: false },
      'LIST/C': null,
    });
  });

  it('with sort=nextDeadline lists what falls due first first, requests without an open deadline last (newest first)', async () => {
    const { items, total } = await list('officer.ng', { sort: 'nextDeadline' });
    expect(total).toBe(4);
    expect(items.map((i) => refOf(i.id))).toEqual(['LIST/A', 'LIST/D', 'LIST/B', 'LIST/C']);
    // The administrator sees every network's request, K (due 19 October, 09:00 in Tashkent) among them.
    const admin = await list('admin', { sort: 'nextDeadline' });
    expect(admin.items.map((i) => refOf(i.id))).toEqual(['LIST/A', 'LIST/K', 'LIST/D', 'LIST/B', 'LIST/C']);
    expect(admin.items[1].nextDeadline).toMatchObject({ owedByState: 'UZ', dueOn: '2026-10-19', dueAt: '2026-10-19T04:00:00.000Z' });
    // Paging keeps the order.
    const page = await list('admin', { sort: 'nextDeadline', limit: '2', offset: '2' });
    expect(page.items.map((i) => refOf(i.id))).toEqual(['LIST/D', 'LIST/B']);
    expect(page.total).toBe(5);
  });

  it('orders by OPEN deadlines only: once acknowledged, a request is ordered by the deadline of its next step', async () => {
    await http()
      .post(`/api/v1/requests/${ids['LIST/A']}/events`)
      .set(await app!.auth('officer.gh'))
      .set('If-Match', '"2"')
      .send({ type: 'receiptAcknowledged' })
      .expect(201);
    // Acknowledged, A now owes its assessment (20 business days from 20 October): after B's acknowledgement.
    const { items } = await list('officer.ng', { sort: 'nextDeadline' });
    expect(items.map((i) => refOf(i.id))).toEqual(['LIST/D', 'LIST/B', 'LIST/A', 'LIST/C']);
    expect(items[2].nextDeadline).toMatchObject({ step: 'ASSESSMENT', owedByState: 'GH', overdue: false, level: null });
    const [{ due }] = await env.sql<{ due: string }>(
      `select to_char(due_on, 'YYYY-MM-DD') as due from deadline where request_id = $1 and status = 'OPEN' and step = 'ASSESSMENT'`,
      [ids['LIST/A']],
    );
    expect(items[2].nextDeadline!.dueOn).toBe(due);
  });

  it('gives as level the furthest reminder or escalation already sent for the next deadline', async () => {
    // As the worker records them (deadline.service: notify), stage by stage.
    await env.sql(`update deadline set sent_stages = '{REMINDER,LEVEL_1}' where request_id = $1 and status = 'OPEN'`, [ids['LIST/D']]);
    const { items } = await list('officer.gh', { sort: 'nextDeadline' });
    expect(items.map((i) => [refOf(i.id), i.nextDeadline?.level])).toEqual([
      ['LIST/D', 'LEVEL_1'],
      ['LIST/A', null],
    ]);
  });

  it('filters by counterpartState: the requesting or the requested State is that one', async () => {
    const refs = async (login: string, query: Record<string, string>) => (await list(login, query)).items.map((i) => refOf(i.id)).sort();
    expect(await refs('officer.ng', { counterpartState: 'GH' })).toEqual(['LIST/A', 'LIST/C', 'LIST/D']);
    expect(await refs('officer.ng', { counterpartState: 'sn' })).toEqual(['LIST/B']);
    // Ghana's officer does not see Nigeria's draft C, whatever the filter.
    expect(await refs('officer.gh', { counterpartState: 'NG', sort: 'nextDeadline' })).toEqual(['LIST/A', 'LIST/D']);
    expect(await refs('admin', { counterpartState: 'UZ' })).toEqual(['LIST/K']);
    expect(await refs('admin', { counterpartState: 'NG', requestedState: 'GH' })).toEqual(['LIST/A', 'LIST/C']);
  });

  it('keeps each reader to its scope with these parameters: a secretariat its network, an unrelated officer nothing', async () => {
    const wacap = await list('secretariat.wacap', { sort: 'nextDeadline' });
    expect(wacap.items.map((i) => refOf(i.id))).toEqual(['LIST/D', 'LIST/B', 'LIST/A', 'LIST/C']);
    expect(wacap.total).toBe(4);
    expect((await list('secretariat.wacap', { counterpartState: 'UZ', sort: 'nextDeadline' })).total).toBe(0);
    expect((await list('secretariat.casc', { sort: 'nextDeadline' })).items.map((i) => refOf(i.id))).toEqual(['LIST/K']);
    const queries: Array<Record<string, string>> = [{ sort: 'nextDeadline' }, { counterpartState: 'NG' }, { counterpartState: 'GH', sort: 'nextDeadline' }];
    for (const query of queries) {
      expect(await list('officer.fr', query)).toMatchObject({ total: 0, items: [] });
    }
    // Senegal's officer sees B only, and Kazakhstan's contact point K only.
    expect((await list('officer.sn', { sort: 'nextDeadline' })).items.map((i) => refOf(i.id))).toEqual(['LIST/B']);
    expect((await list('cp1.kz.casc', { counterpartState: 'UZ' })).items.map((i) => refOf(i.id))).toEqual(['LIST/K']);
  });

  it('refuses an unknown sort and a counterpartState that is not a code, naming the parameter and what it accepts', async () => {
    const res = await http()
      .get('/api/v1/requests')
      .query({ sort: 'dueDate', counterpartState: 'GHA' })
      .set(await app!.auth('officer.ng'))
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { field: 'counterpartState', reason: 'must be an ISO 3166-1 alpha-2 code' },
      { field: 'sort', reason: 'must be one of createdAt, nextDeadline' },
    ]);
    const twice = await http()
      .get('/api/v1/requests?sort=createdAt&sort=nextDeadline')
      .set(await app!.auth('officer.ng'))
      .expect(400);
    expect(twice.body.errors).toEqual([{ field: 'sort', reason: 'give it once, as a plain value' }]);
  });

  it('types nextDeadline and the new parameters in the OpenAPI document', async () => {
    const { body: doc } = await http().get('/docs-json').expect(200);
    const params = doc.paths['/api/v1/requests'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['counterpartState', 'sort']));
    expect(doc.paths['/api/v1/requests'].get.parameters.find((p: { name: string }) => p.name === 'sort').schema.enum).toEqual(['createdAt', 'nextDeadline']);
    expect(doc.components.schemas.RequestSummaryView.properties.nextDeadline).toMatchObject({ nullable: true });
    expect(JSON.stringify(doc.components.schemas.RequestSummaryView.properties.nextDeadline)).toContain('#/components/schemas/NextDeadlineView');
    expect(Object.keys(doc.components.schemas.NextDeadlineView.properties).sort()).toEqual([
      'dueAt',
      'dueOn',
      'level',
      'overdue',
      'owedByState',
      'status',
      'step',
    ]);
  });
});
