import type { INestApplication } from '@nestjs/common';
import { type TestEnvironment } from '@rogatory/domain/testing';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** GET /api/v1/contact-points and PUT /api/v1/contact-points/{id}/notification-mode, over real PostgreSQL. */
describe('API /api/v1/contact-points (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  /** Authorization headers of the seeded administrator, and of a contact point (not an administrator). */
  let ADMIN: { Authorization: string };
  let CONTACT_POINT: { Authorization: string };

  beforeAll(async () => {
    ({ env, api } = app = await startApiTestApp('api_contact_points', { withWorker: false }));
    ADMIN = await app.auth('admin');
    CONTACT_POINT = await app.auth('cp1.sn.wacap');
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());

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
      },
      expect.objectContaining({ email: 'cp2.sn.wacap@example.org', notificationMode: 'EACH' }),
    ]);
    const casc = await http().get('/api/v1/contact-points?network=CASC').set(ADMIN).expect(200);
    expect(casc.body.total).toBe(16); // 8 member States, 2 contact points each
    expect(new Set(casc.body.items.map((i: { network: string }) => i.network))).toEqual(new Set(['CASC']));
  });

  it('sets the notification mode and reads it back', async () => {
    const [cp] = (await http().get('/api/v1/contact-points?network=WACAP&state=CV').set(ADMIN).expect(200)).body.items;
    const put = await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).set(ADMIN).send({ mode: 'DAILY_DIGEST' }).expect(200);
    expect(put.body).toEqual({ ...cp, notificationMode: 'DAILY_DIGEST' });
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

  it('answers 404 for an unknown contact point, 401 without a valid token and 403 to another role than administrator', async () => {
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
    // its own entry included: a contact point does not set notification modes
    const forbidden = await http().put(`/api/v1/contact-points/${cp.id}/notification-mode`).set(CONTACT_POINT).send({ mode: 'DAILY_DIGEST' }).expect(403);
    expect(forbidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const [row] = await env.sql<{ notification_mode: string }>(`select notification_mode from contact_point where id = $1`, [cp.id]);
    expect(row.notification_mode).toBe('EACH');
  });
});
