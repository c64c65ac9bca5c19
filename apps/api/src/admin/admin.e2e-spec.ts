import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { ManualClock, QueueName } from '@rogatory/domain';
import { expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One `name{labels} value` line of a Prometheus text exposition, as a number (NaN when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

/** The administration routes over real PostgreSQL, Redis and SMTP, with the worker running. */
describe('administration: queue dashboard, metrics, email incidents (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  // Monday 22 February 2021
  const clock = new ManualClock(new Date('2021-02-22T10:00:00Z'));
  const ids = {
    pending: randomUUID(),
    sending: randomUUID(),
    sentLate1: randomUUID(),
    sentLate2: randomUUID(),
    sentOnTime: randomUUID(),
    unknownOpen: randomUUID(),
    unknownConfirmed: randomUUID(),
    failedOpenLate: randomUUID(),
    failedDismissed: randomUUID(),
    unknownResentAgain: randomUUID(),
  };
  /** Authorization header of the seeded administrator, and of an officer (not an administrator). */
  let BEARER: string;
  let OFFICER: string;
  let requestA: { id: string; reference: string; dueOn: string };
  let requestC: { id: string; reference: string; dueOn: string };

  beforeAll(async () => {
    app = await startApiTestApp('admin', { clock });
    ({ env, api } = app);
    BEARER = (await app.auth('admin')).Authorization;
    OFFICER = (await app.auth('officer.ng')).Authorization;
  }, 60_000);

  afterAll(() => stopApiTestApp(app));

  const http = () => request(api.getHttpServer());

  /** Creates a request and transmits it through the API; returns its open ACKNOWLEDGEMENT deadline's due date. */
  async function transmitted(network: string, from: string, to: string): Promise<{ id: string; reference: string; dueOn: string }> {
    const created = await http()
      .post('/api/v1/requests')
      .set(await app!.auth(`officer.${from.toLowerCase()}`))
      .send({ network, requestingState: from, requestedState: to, requestType: 'MLA', urgent: false })
      .expect(201);
    const res = await http()
      .post(`/api/v1/requests/${created.body.id}/events`)
      .set('If-Match', created.headers.etag)
      .set(await app!.auth(`officer.${from.toLowerCase()}`))
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
    expect(res.body.request.openDeadlines).toEqual([expect.objectContaining({ step: 'ACKNOWLEDGEMENT', owedByState: to })]);
    return { id: created.body.id, reference: created.body.reference, dueOn: res.body.request.openDeadlines[0].dueOn };
  }

  async function insertEmail(
    id: string,
    status: string,
    extra: { late?: boolean; resolution?: string; lastAttemptAt?: string; requestId?: string; attempts?: number; lastError?: string } = {},
  ): Promise<void> {
    await env.sql(
      `insert into outbox_email (id, request_id, dedupe_key, kind, step, stage, level, recipient_name, recipient_email, subject, text_body,
         html_body, language, late, status, due_at, attempts, last_attempt_at, last_error, incident_resolution, incident_resolved_at)
       values ($1, $2, $3, 'REMINDER', 'ACKNOWLEDGEMENT', 'REMINDER', 0, 'Central authority of GH', $4, $5, 'Reminder: acknowledgement owed.',
         null, 'en', $6, $7, '2021-03-01T09:00:00Z', $8, $9, $10, $11, case when $11::text is null then null else now() end)`,
      [
        id,
        extra.requestId ?? null,
        `test/${id}`,
        `${status.toLowerCase()}@example.org`,
        `[Rogatory] test ${id}`,
        extra.late ?? false,
        status,
        extra.attempts ?? (status === 'PENDING' ? 0 : 1),
        extra.lastAttemptAt ?? null,
        extra.lastError ?? null,
        extra.resolution ?? null,
      ],
    );
  }

  it('answers 401 with WWW-Authenticate: Bearer on every administration route without a valid token, 403 to an officer', async () => {
    const wrong = [undefined, 'Bearer not-the-admin-token-at-all', basic('admin', 'not-the-admin-token-at-all'), `Token ${BEARER.slice(7)}`];
    const routes: Array<[method: 'get' | 'post', path: string]> = [
      ['get', '/metrics'],
      ['get', '/admin/queues'],
      ['get', '/admin/queues/api/queues'],
      ['get', '/api/v1/admin/metrics'],
      ['get', '/api/v1/admin/incidents'],
      ['post', `/api/v1/admin/incidents/${ids.unknownOpen}/resolution`],
    ];
    for (const [method, path] of routes) {
      for (const authorization of wrong) {
        const req = http()[method](path);
        if (authorization) void req.set('Authorization', authorization);
        if (method === 'post') void req.send({ resolution: 'DISMISSED' });
        const res = await req;
        expect({ path, authorization, status: res.status }).toEqual({ path, authorization, status: 401 });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="rogatory"');
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(res.text)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', errors: [{ field: 'Authorization' }] });
      }
      const req = http()[method](path).set('Authorization', OFFICER);
      if (method === 'post') void req.send({ resolution: 'DISMISSED' });
      const res = await req;
      expect({ path, status: res.status, code: JSON.parse(res.text).code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }
  });

  it("serves the queue dashboard with an administrator's bearer token, listing the three queues", async () => {
    const page = await http().get('/admin/queues').set('Authorization', BEARER).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Rogatory queues</title>');
    const queues = await http().get('/admin/queues/api/queues').set('Authorization', BEARER).expect(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['deadlines', 'maintenance', 'outbox']);
  });

  it('leaves the API as it was: OpenAPI at /docs, the JSON body limit and problem+json errors', async () => {
    expect((await http().get('/docs').expect(200)).headers['content-type']).toMatch(/^text\/html/);
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/requests', '/metrics', '/api/v1/admin/metrics', '/api/v1/admin/incidents', '/api/v1/admin/incidents/{id}/resolution']),
    );
    const big = await http()
      .post('/api/v1/requests')
      .set('Authorization', OFFICER)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ subject: 'x'.repeat(150_000) }))
      .expect(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    const missing = await http().get(`/api/v1/requests/${randomUUID()}`).set('Authorization', OFFICER).expect(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('counts open, overdue and due-today deadlines (by the owing State’s date), emails per status, late ones, incidents and queue jobs', async () => {
    // A: Ghana owes the acknowledgement 5 business days after Monday 22 February 2021
    requestA = await transmitted('WACAP', 'NG', 'GH');
    expect(requestA.dueOn).toBe('2021-03-01');
    // C: Cambodia (weekends only, UTC+7) owes it 5 business days after Monday 1 March
    clock.set(new Date('2021-03-01T10:00:00Z'));
    requestC = await transmitted('SEAJUST', 'TH', 'KH');
    expect(requestC.dueOn).toBe('2021-03-08');
    // Sunday 7 March 18:00 UTC: still the 7th in Accra, already Monday 8 March 01:00 in Phnom Penh
    clock.set(new Date('2021-03-07T18:00:00Z'));

    await insertEmail(ids.pending, 'PENDING');
    await insertEmail(ids.sending, 'SENDING');
    await insertEmail(ids.sentLate1, 'SENT', { late: true });
    await insertEmail(ids.sentLate2, 'SENT', { late: true });
    await insertEmail(ids.sentOnTime, 'SENT');
    await insertEmail(ids.unknownOpen, 'UNKNOWN', {
      requestId: requestA.id,
      lastAttemptAt: '2021-03-05T12:00:00Z',
      lastError: 'connection closed after DATA',
    });
    await insertEmail(ids.unknownConfirmed, 'UNKNOWN', { resolution: 'CONFIRMED_DELIVERED', lastAttemptAt: '2021-03-05T13:00:00Z' });
    await insertEmail(ids.failedOpenLate, 'FAILED', { late: true, lastAttemptAt: '2021-03-05T10:00:00Z', lastError: '550 mailbox unavailable' });
    await insertEmail(ids.failedDismissed, 'FAILED', { resolution: 'DISMISSED', lastAttemptAt: '2021-03-05T14:00:00Z' });
    await insertEmail(ids.unknownResentAgain, 'UNKNOWN', { resolution: 'RESENT', attempts: 2, lastAttemptAt: '2021-03-05T11:00:00Z' });

    const maintenance = api.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    await maintenance.add('sweep', {}, { jobId: 'admin-e2e-delayed', delay: 3_600_000 });
    try {
      const res = await http().get('/metrics').set('Authorization', BEARER).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      const m = res.text;
      expect(sample(m, 'rogatory_deadlines_open{step="ACKNOWLEDGEMENT",owed_by_state="GH"}')).toBe(1);
      expect(sample(m, 'rogatory_deadlines_open{step="ACKNOWLEDGEMENT",owed_by_state="KH"}')).toBe(1);
      expect(m.match(/^rogatory_deadlines_open\{/gm)).toHaveLength(2);
      expect(sample(m, 'rogatory_deadlines_overdue{step="ACKNOWLEDGEMENT"}')).toBe(1);
      expect(sample(m, 'rogatory_deadlines_overdue{step="EXECUTION"}')).toBe(0);
      expect(sample(m, 'rogatory_deadlines_due_today')).toBe(1);
      expect(m).toMatch(/# HELP rogatory_deadlines_overdue .*time zone/);
      expect(['PENDING', 'SENDING', 'SENT', 'UNKNOWN', 'FAILED'].map((s) => [s, sample(m, `rogatory_emails{status="${s}"}`)])).toEqual([
        ['PENDING', 1],
        ['SENDING', 1],
        ['SENT', 3],
        ['UNKNOWN', 3],
        ['FAILED', 2],
      ]);
      expect(m).toMatch(/# TYPE rogatory_emails_sent_late_total counter/);
      expect(sample(m, 'rogatory_emails_sent_late_total')).toBe(2);
      expect(sample(m, 'rogatory_email_incidents_open')).toBe(3);
      expect(sample(m, 'rogatory_queue_jobs{queue="maintenance",state="delayed"}')).toBe(1);
      for (const queue of ['deadlines', 'outbox', 'maintenance'])
        for (const state of ['waiting', 'active', 'delayed', 'failed'])
          if (!(queue === 'maintenance' && state === 'delayed'))
            expect({ queue, state, n: sample(m, `rogatory_queue_jobs{queue="${queue}",state="${state}"}`) }).toEqual({ queue, state, n: 0 });

      const json = await http().get('/api/v1/admin/metrics').set('Authorization', BEARER).expect(200);
      expect(json.body).toEqual({
        at: '2021-03-07T18:00:00.000Z',
        deadlines: {
          open: [
            { step: 'ACKNOWLEDGEMENT', owedByState: 'GH', count: 1 },
            { step: 'ACKNOWLEDGEMENT', owedByState: 'KH', count: 1 },
          ],
          openTotal: 2,
          overdue: expect.objectContaining({ ACKNOWLEDGEMENT: 1, ASSESSMENT: 0, EXECUTION: 0 }),
          dueToday: 1,
        },
        emails: { byStatus: { PENDING: 1, SENDING: 1, SENT: 3, UNKNOWN: 3, FAILED: 2 }, sentLate: 2, incidentsOpen: 3 },
        queues: {
          deadlines: { waiting: 0, active: 0, delayed: 0, failed: 0 },
          outbox: { waiting: 0, active: 0, delayed: 0, failed: 0 },
          maintenance: { waiting: 0, active: 0, delayed: 1, failed: 0 },
        },
      });
    } finally {
      await maintenance.remove('admin-e2e-delayed');
    }
  });

  it('lists the open incidents, most recent attempt first, with the request reference', async () => {
    const res = await http().get('/api/v1/admin/incidents').set('Authorization', BEARER).expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 100, offset: 0 });
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([ids.unknownOpen, ids.unknownResentAgain, ids.failedOpenLate]);
    expect(res.body.items[0]).toEqual({
      id: ids.unknownOpen,
      requestId: requestA.id,
      reference: requestA.reference,
      kind: 'REMINDER',
      step: 'ACKNOWLEDGEMENT',
      stage: 'REMINDER',
      level: 0,
      recipientEmail: 'unknown@example.org',
      subject: `[Rogatory] test ${ids.unknownOpen}`,
      status: 'UNKNOWN',
      attempts: 1,
      lastError: 'connection closed after DATA',
      lastAttemptAt: '2021-03-05T12:00:00.000Z',
      dueAt: '2021-03-01T09:00:00.000Z',
      previousResolution: null,
      previousResolvedAt: null,
    });
    expect(res.body.items[1]).toMatchObject({ status: 'UNKNOWN', reference: null, previousResolution: 'RESENT' });
    expect(res.body.items[2]).toMatchObject({ status: 'FAILED', lastError: '550 mailbox unavailable' });
    const page = await http().get('/api/v1/admin/incidents?limit=1&offset=2').set('Authorization', BEARER).expect(200);
    expect(page.body).toMatchObject({ total: 3, items: [{ id: ids.failedOpenLate }] });
    const bad = await http().get('/api/v1/admin/incidents?limit=0&colour=red').set('Authorization', BEARER).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'limit']);
  });

  it('refuses a bad resolution body with 400 naming the field, an unknown email with 404, and changes nothing', async () => {
    const url = `/api/v1/admin/incidents/${ids.unknownOpen}/resolution`;
    const bad = await http().post(url).set('Authorization', BEARER).send({ resolution: 'MAYBE', note: 42 }).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'resolution', reason: '"MAYBE" is not one of CONFIRMED_DELIVERED, RESENT, DISMISSED' },
        { field: 'note', reason: 'must be a string, got number' },
      ],
    });
    const missing = await http().post(url).set('Authorization', BEARER).send({ note: 'checked with the recipient' }).expect(400);
    expect(missing.body.errors).toEqual([{ field: 'resolution', reason: 'is required' }]);
    const extra = await http().post(url).set('Authorization', BEARER).send({ resolution: 'DISMISSED', by: 'me' }).expect(400);
    expect(extra.body.errors).toEqual([{ field: 'by', reason: 'is not a known field (resolution, note)' }]);
    const unknown = await http()
      .post(`/api/v1/admin/incidents/${randomUUID()}/resolution`)
      .set('Authorization', BEARER)
      .send({ resolution: 'DISMISSED' })
      .expect(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    await http().post('/api/v1/admin/incidents/not-a-uuid/resolution').set('Authorization', BEARER).send({ resolution: 'DISMISSED' }).expect(404);
    const [row] = await env.sql<{ status: string; incident_resolution: string | null }>('select status, incident_resolution from outbox_email where id = $1', [
      ids.unknownOpen,
    ]);
    expect(row).toEqual({ status: 'UNKNOWN', incident_resolution: null });
  });

  it('RESENT puts the email back to PENDING and the worker delivers it exactly once; a second resolution is 409', async () => {
    const url = `/api/v1/admin/incidents/${ids.unknownOpen}/resolution`;
    const before = env.smtp.received.length;
    const res = await http().post(url).set('Authorization', BEARER).send({ resolution: 'RESENT', note: 'recipient says nothing arrived' }).expect(200);
    expect(res.body).toEqual({ id: ids.unknownOpen, resolution: 'RESENT', resolvedAt: expect.any(String), status: 'PENDING', queued: true });
    const delivered = await expectEventually(async () => {
      const [row] = await env.sql<{ status: string; attempts: number; incident_resolution: string; incident_note: string }>(
        'select status, attempts, incident_resolution, incident_note from outbox_email where id = $1',
        [ids.unknownOpen],
      );
      expect(row).toEqual({ status: 'SENT', attempts: 2, incident_resolution: 'RESENT', incident_note: 'recipient says nothing arrived' });
      return env.smtp.received.filter((m) => m.raw.includes(`Message-ID: <${ids.unknownOpen}@`));
    });
    // the send job is done, none is left waiting or retrying, and that one message is all that went out
    await expectEventually(async () =>
      expect((await http().get('/api/v1/admin/metrics').set('Authorization', BEARER)).body.queues.outbox).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      }),
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0].to).toEqual(['unknown@example.org']);
    expect(delivered[0].raw).toContain(`Subject: [Rogatory] test ${ids.unknownOpen}`);
    expect(env.smtp.received.length - before).toBe(1);

    const again = await http().post(url).set('Authorization', BEARER).send({ resolution: 'RESENT' }).expect(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', status: 409, id: ids.unknownOpen, emailStatus: 'SENT', incidentResolution: 'RESENT' });
    const confirmedAlready = await http()
      .post(`/api/v1/admin/incidents/${ids.unknownConfirmed}/resolution`)
      .set('Authorization', BEARER)
      .send({ resolution: 'DISMISSED' })
      .expect(409);
    expect(confirmedAlready.body.detail).toContain('already resolved (CONFIRMED_DELIVERED)');
    await http().post(`/api/v1/admin/incidents/${ids.sentOnTime}/resolution`).set('Authorization', BEARER).send({ resolution: 'DISMISSED' }).expect(409);
    // nothing else went out
    expect(env.smtp.received.length - before).toBe(1);
  });

  it('two administrators settling one incident at once: one 200, one 409, and the winner’s resolution stays', async () => {
    const url = `/api/v1/admin/incidents/${ids.failedOpenLate}/resolution`;
    const [a, b] = await Promise.all([
      http().post(url).set('Authorization', BEARER).send({ resolution: 'CONFIRMED_DELIVERED' }),
      http().post(url).set('Authorization', BEARER).send({ resolution: 'DISMISSED' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = (a.status === 200 ? a : b).body;
    expect(winner).toMatchObject({ status: 'FAILED', queued: false });
    const [row] = await env.sql<{ status: string; incident_resolution: string; resolved: boolean }>(
      'select status, incident_resolution, incident_resolved_at is not null as resolved from outbox_email where id = $1',
      [ids.failedOpenLate],
    );
    expect(row).toEqual({ status: 'FAILED', incident_resolution: winner.resolution, resolved: true });

    // the resent email that failed again is the one incident left
    const list = await http().get('/api/v1/admin/incidents').set('Authorization', BEARER).expect(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: ids.unknownResentAgain }] });
    const m = (await http().get('/metrics').set('Authorization', BEARER).expect(200)).text;
    expect(sample(m, 'rogatory_email_incidents_open')).toBe(1);
    expect(sample(m, 'rogatory_emails{status="SENT"}')).toBe(4);
    expect(sample(m, 'rogatory_emails{status="UNKNOWN"}')).toBe(2);
    expect(sample(m, 'rogatory_emails_sent_late_total')).toBe(2);
  });
});
