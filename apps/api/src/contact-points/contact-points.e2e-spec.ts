import type { INestApplication } from '@nestjs/common';
import { type TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** GET /api/v1/contact-points, GET /api/v1/contact-points/me and PUT /api/v1/contact-points/{id}/notification-mode, over real PostgreSQL. */
describe('API /api/v1/contact-points (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  /** Authorization headers of the seeded administrator, of Senegal's first WACAP contact point, of a secretariat and of an officer. */
  let ADMIN: { Authorization: string };
  let CONTACT_POINT: { Authorization: string };
  let SECRETARIAT: { Authorization: string };
  let OFFICER: { Authorization: string };

  beforeAll(async () => {
    ({ env, api } = app = await startApiTestApp('api_contact_points', { withWorker: false }));
    ADMIN = await app.auth('admin');
    CONTACT_POINT = await app.auth('cp1.sn.wacap');
    SECRETARIAT = await app.auth('secretariat.wacap');
    OFFICER = await app.auth('officer.gh');
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());
  const ETAG = /^"[0-9a-f]{32}"$/;
  const modeUrl = (id: string) => `/api/v1/contact-points/${id}/notification-mode`;
  /** PUT of a notification mode as `who`, with `If-Match` when given. */
  const putMode = (who: { Authorization: string }, id: string, mode: string, ifMatch?: string) => {
    const req = http().put(modeUrl(id)).set(who);
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ mode });
  };
  /** The contact points of `state` in WACAP, as the administrator lists them. */
  const listed = async (state: string) =>
    (await http().get(`/api/v1/contact-points?network=WACAP&state=${state}`).set(ADMIN).expect(200)).body.items as Array<{
      id: string;
      email: string;
      notificationMode: string;
      etag: string;
    }>;
  const modeInDb = async (id: string) =>
    (await env.sql<{ notification_mode: string }>(`select notification_mode from contact_point where id = $1`, [id]))[0].notification_mode;

  it('lists the contact points of a network and State, with their notification mode', async () => {
    const res = await http().get('/api/v1/contact-points?network=wacap&state=sn').set(ADMIN).expect(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Contact point 1 of Senegal (WACAP)',
        email: 'cp1.sn.wacap@example.org',
        network: 'WACAP',
        state: 'SN',
        language: 'fr',
        notificationMode: 'EACH',
        etag: expect.stringMatching(ETAG),
      },
      expect.objectContaining({ email: 'cp2.sn.wacap@example.org', notificationMode: 'EACH', etag: expect.stringMatching(ETAG) }),
    ]);
    expect(res.body.items[0].etag).not.toBe(res.body.items[1].etag);
    const casc = await http().get('/api/v1/contact-points?network=CASC').set(ADMIN).expect(200);
    expect(casc.body.total).toBe(16); // 8 member States, 2 contact points each
    expect(new Set(casc.body.items.map((i: { network: string }) => i.network))).toEqual(new Set(['CASC']));
  });

  it('sets the notification mode and reads it back', async () => {
    const [cp] = (await http().get('/api/v1/contact-points?network=WACAP&state=CV').set(ADMIN).expect(200)).body.items;
    const put = await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).set(ADMIN).send({ mode: 'DAILY_DIGEST' }).expect(200);
    expect(put.body).toEqual({ ...cp, notificationMode: 'DAILY_DIGEST', etag: expect.stringMatching(ETAG) });
    expect(put.body.etag).not.toBe(cp.etag);
    expect(put.headers.etag).toBe(put.body.etag);
    const again = (await http().get('/api/v1/contact-points?network=WACAP&state=CV').set(ADMIN).expect(200)).body.items;
    expect(again.map((i: { notificationMode: string }) => i.notificationMode)).toEqual(['DAILY_DIGEST', 'EACH']);
    const [row] = await env.sql<{ notification_mode: string }>(`select notification_mode from contact_point where id = $1`, [cp.id]);
    expect(row.notification_mode).toBe('DAILY_DIGEST');
    await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).set(ADMIN).send({ mode: 'EACH' }).expect(200);
  });

  it('answers bad input with 400 problem+json naming the field, and changes nothing', async () => {
    const [cp] = (await http().get('/api/v1/contact-points?network=WACAP&state=GH').set(ADMIN).expect(200)).body.items;
    const url = `/api/v1/contact-points/${cp.id}/notification-mode`;
    const bad = await http().put(url).set(ADMIN).send({ mode: 'WEEKLY' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'mode', reason: '"WEEKLY" is not one of EACH, DAILY_DIGEST' }],
    });
    expect((await http().put(url).set(ADMIN).send({}).expect(400)).body.errors).toEqual([{ field: 'mode', reason: 'is required, one of EACH, DAILY_DIGEST' }]);
    expect((await http().put(url).set(ADMIN).send({ mode: 1, colour: 'red' }).expect(400)).body.errors).toEqual([
      { field: 'colour', reason: 'is not a known field (known: mode)' },
      { field: 'mode', reason: 'must be a string, one of EACH, DAILY_DIGEST' },
    ]);
    expect((await http().put(url).set(ADMIN).send(['DAILY_DIGEST']).expect(400)).body.errors[0].field).toBe('(body)');
    const list = await http().get('/api/v1/contact-points?network=NOPE&state=Senegal&colour=red').set(ADMIN).expect(400);
    expect(list.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'network', 'state']);
    const [row] = await env.sql<{ notification_mode: string }>(`select notification_mode from contact_point where id = $1`, [cp.id]);
    expect(row.notification_mode).toBe('EACH');
  });

  it('answers 404 for an unknown contact point, 401 without a valid token and 403 to a secretariat or an officer', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await http().put(`/api/v1/contact-points/${id}/notification-mode`).set(ADMIN).send({ mode: 'EACH' }).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: `contact point ${id} not found` });
    }
    const none = await http().get('/api/v1/contact-points').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="rogatory"');
    expect(none.body.code).toBe('UNAUTHENTICATED');
    await http().get('/api/v1/contact-points').set({ Authorization: 'Bearer wrong-token-0123456789' }).expect(401);
    const [cp] = (await http().get('/api/v1/contact-points?state=SN').set(ADMIN).expect(200)).body.items;
    const denied = await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).send({ mode: 'DAILY_DIGEST' }).expect(401);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const who of [SECRETARIAT, OFFICER]) {
      const forbidden = await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).set(who).send({ mode: 'DAILY_DIGEST' }).expect(403);
      expect(forbidden.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      await http().get('/api/v1/contact-points/me').set(who).expect(403);
      await http().get('/api/v1/contact-points').set(who).expect(403);
    }
    // the directory stays the administrators'; /me is a contact point's
    await http().get('/api/v1/contact-points').set(CONTACT_POINT).expect(403);
    await http().get('/api/v1/contact-points/me').set(ADMIN).expect(403);
    await http().get('/api/v1/contact-points/me').expect(401);
    expect(await modeInDb(cp.id)).toBe('EACH');
  });

  it('the ETag of a contact point: a change with the current one succeeds and gives a new one; the old one is refused with 412, changing nothing', async () => {
    const [cp] = await listed('NG');
    expect(cp.etag).toMatch(ETAG);
    const changed = await putMode(ADMIN, cp.id, 'DAILY_DIGEST', cp.etag).expect(200);
    expect(changed.body).toMatchObject({ id: cp.id, notificationMode: 'DAILY_DIGEST' });
    expect(changed.headers.etag).toBe(changed.body.etag);
    expect(changed.body.etag).toMatch(ETAG);
    expect(changed.body.etag).not.toBe(cp.etag);
    expect((await listed('NG'))[0].etag).toBe(changed.body.etag);

    // someone still holding the old tag: 412 problem+json naming If-Match, and the mode stays
    const stale = await putMode(ADMIN, cp.id, 'EACH', cp.etag).expect(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ status: 412, title: 'Precondition Failed', code: 'PRECONDITION_FAILED' });
    expect(stale.body.detail).toBe(`contact point ${cp.id} has changed since you read it: reload it and apply your change again`);
    expect(stale.body.errors).toEqual([{ field: 'If-Match', reason: `${cp.etag} is not the current ETag; reload to get it` }]);
    expect(await modeInDb(cp.id)).toBe('DAILY_DIGEST');

    // *, a list holding the current tag, and its weak form match; no If-Match is still accepted
    const star = await putMode(ADMIN, cp.id, 'EACH', '*').expect(200);
    expect(star.body.etag).toBe(cp.etag); // the entry is as it was first read, and so is its tag
    const inList = await putMode(ADMIN, cp.id, 'DAILY_DIGEST', `"0123", ${star.body.etag}`).expect(200);
    const weak = await putMode(ADMIN, cp.id, 'EACH', `W/${inList.body.etag}`).expect(200);
    await putMode(ADMIN, cp.id, 'DAILY_DIGEST').expect(200);
    expect(await modeInDb(cp.id)).toBe('DAILY_DIGEST');
    expect(weak.body.etag).toBe(cp.etag);

    // a malformed If-Match: 400 naming it, nothing written
    const { etag } = (await listed('NG'))[0];
    for (const bad of ['abc', etag.slice(1, -1), '"open', 'W/', `${etag} ${etag}`, `${etag},`, ' ']) {
      const res = await putMode(ADMIN, cp.id, 'EACH', bad);
      expect({ bad, status: res.status, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ bad, status: 400, fields: ['If-Match'] });
    }
    expect(await modeInDb(cp.id)).toBe('DAILY_DIGEST');
    // the precondition is checked on the contact point asked for: an unknown one is still 404
    await putMode(ADMIN, '00000000-0000-4000-8000-000000000000', 'EACH', etag).expect(404);
  });

  it('two changes with the same ETag at the same moment: exactly one succeeds, the other gets 412', async () => {
    // Mali's first WACAP contact point and an administrator, both holding the tag they read
    const [cp] = await listed('ML');
    expect(cp.email).toBe('cp1.ml.wacap@example.org');
    const itself = await app!.auth('cp1.ml.wacap');
    for (let round = 0; round < 6; round++) {
      const before = (await listed('ML'))[0];
      const mode = before.notificationMode === 'EACH' ? 'DAILY_DIGEST' : 'EACH';
      const answers = await Promise.all([putMode(ADMIN, cp.id, mode, before.etag), putMode(itself, cp.id, mode, before.etag)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
      const winner = answers.find((a) => a.status === 200)!;
      expect(answers.find((a) => a.status === 412)!.body.code).toBe('PRECONDITION_FAILED');
      expect(await modeInDb(cp.id)).toBe(mode);
      expect((await listed('ML'))[0].etag).toBe(winner.body.etag);
    }
  });

  it("a contact point reads its own entry and sets its own notification mode, not another's", async () => {
    const me = await http().get('/api/v1/contact-points/me').set(CONTACT_POINT).expect(200);
    const [own, other] = await listed('SN');
    expect(me.body).toEqual(own);
    expect(me.body).toMatchObject({ email: 'cp1.sn.wacap@example.org', network: 'WACAP', state: 'SN', notificationMode: 'EACH' });
    expect(me.headers.etag).toBe(own.etag);

    const set = await putMode(CONTACT_POINT, own.id, 'DAILY_DIGEST', me.headers.etag).expect(200);
    expect(set.body).toMatchObject({ id: own.id, notificationMode: 'DAILY_DIGEST' });
    expect(set.headers.etag).not.toBe(me.headers.etag);
    // the administrators see it in the directory, and /me shows it
    expect((await listed('SN'))[0]).toEqual(set.body);
    expect((await http().get('/api/v1/contact-points/me').set(CONTACT_POINT).expect(200)).body).toEqual(set.body);
    // its old tag is stale for it as for anyone
    await putMode(CONTACT_POINT, own.id, 'EACH', me.headers.etag).expect(412);
    expect(await modeInDb(own.id)).toBe('DAILY_DIGEST');

    // another contact point's entry, even of its own State and with that entry's tag, is not found, like an unknown one
    const denied = await putMode(CONTACT_POINT, other.id, 'DAILY_DIGEST', other.etag).expect(404);
    expect(denied.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: `contact point ${other.id} not found` });
    await putMode(CONTACT_POINT, other.id, 'DAILY_DIGEST').expect(404);
    expect(await modeInDb(other.id)).toBe('EACH');
  });
});
