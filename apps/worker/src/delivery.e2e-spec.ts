import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DirectoryService,
  DomainModule,
  HolidayService,
  jobIds,
  MlaRequestService,
  QueueName,
  redisConnection,
  SmtpListener,
  type MlaRequest,
} from '@rogatory/domain';
import { createTestEnvironment, expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { WorkerModule } from './worker.module';

const ROOT = path.resolve(__dirname, '../../..');
/** This suite's own Redis database: FLUSHDB on it removes every key Rogatory has, as FLUSHALL would, without touching other users of a shared Redis. */
const REDIS_DB = 13;

/**
 * Reminders and escalations at most once and never lost (issue 3), on real time with real processes:
 * a worker killed with SIGKILL during the SMTP hand-over, Redis flushed with 50 deadlines pending, 200
 * deadlines falling due in the same minute, and a worker that was down for a day.
 */
describe('delivery under failures (worker processes, PostgreSQL, Redis, SMTP)', () => {
  let env: TestEnvironment;
  let setup: INestApplicationContext;
  let requests: MlaRequestService;
  let redisUrl: string;
  let seq = 0;

  beforeAll(async () => {
    env = await createTestEnvironment('delivery');
    redisUrl = `${env.config.redisUrl.replace(/\/\d*$/, '')}/${REDIS_DB}`;
    // The API's side: requests are created and transmitted with no worker running.
    setup = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config.with({ redisUrl }) }), { logger: false });
    await setup.get(DirectoryService).seed();
    requests = setup.get(MlaRequestService);
  }, 60_000);

  afterAll(async () => {
    env.smtp.onReceived = null;
    await setup?.close();
    const redis = new Redis(redisConnection(redisUrl));
    await redis.flushdb();
    redis.disconnect();
    await env?.dispose();
  });

  /** A CASC request from Armenia to Georgia, transmitted now; returns it and its acknowledgement deadline id. */
  async function transmitted(prefix: string): Promise<{ request: MlaRequest; deadlineId: string }> {
    const reference = `${prefix}/${++seq}`;
    const r = await requests.create({ reference, network: 'CASC', requestingState: 'AM', requestedState: 'GE', requestType: 'MLA', urgent: false });
    await requests.sendEvent(r.id, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: 'AM' } }, r.version);
    const [d] = await requests.openDeadlines(r.id);
    return { request: r, deadlineId: d.id };
  }

  const mailsFor = (prefix: string) => env.smtp.received.filter((m) => m.raw.includes(`${prefix}/`));

  /** The worker as `npm run worker` starts it, sweeping every second. */
  function startWorkerProcess(): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/worker/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: env.config.databaseUrl,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: env.config.queuePrefix,
        SMTP_URL: env.config.smtpUrl,
        SWEEP_SECONDS: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    return { child, exited };
  }

  async function startWorkerInProcess(): Promise<INestApplicationContext> {
    return NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config.with({ redisUrl, sweepSeconds: 1 }) }), { logger: false });
  }

  async function queueCounts(app: INestApplicationContext, name: QueueName) {
    return app.get<Queue>(getQueueToken(name)).getJobCounts('active', 'waiting', 'delayed', 'failed', 'prioritized');
  }

  it('a worker killed with SIGKILL right after the SMTP server took a reminder: exactly one message, never resent; an incident after the time-out', async () => {
    const { request, deadlineId } = await transmitted('KILL');
    const first = startWorkerProcess();
    env.smtp.onReceived = (mail) => {
      if (mail.raw.includes(request.reference)) first.child.kill('SIGKILL'); // before the worker hears "250" and records SENT
    };
    await env.makeStageDue(deadlineId, new Date(Date.now() - 1000));
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    env.smtp.onReceived = null;
    expect(mailsFor('KILL')).toHaveLength(1);
    const [row] = await env.sql<{ id: string; status: string }>(`select id, status from outbox_email where request_id = $1`, [request.id]);
    expect(row.status).toBe('SENDING'); // handed over, outcome not recorded

    // Restarted: BullMQ finds the job the dead worker held (stalled) and runs it again; the outbox row is not PENDING, so nothing is sent.
    const second = startWorkerProcess();
    try {
      const probe = await startWorkerInProcessQueuesOnly();
      try {
        await expectEventually(async () => expect(await queueCounts(probe, QueueName.Outbox)).toMatchObject({ active: 0, waiting: 0, failed: 0 }), 60_000, 500);
      } finally {
        await probe.close();
      }
      expect(mailsFor('KILL')).toHaveLength(1);
      // Ten minutes later the sweeper records the unknown outcome as an incident, still without resending.
      await env.sql(`update outbox_email set last_attempt_at = now() - interval '11 minutes' where id = $1`, [row.id]);
      await expectEventually(
        async () =>
          expect(await env.sql(`select status, last_error from outbox_email where id = $1`, [row.id])).toEqual([
            { status: 'UNKNOWN', last_error: expect.stringContaining('outcome unknown') },
          ]),
        10_000,
        200,
      );
      expect(mailsFor('KILL')).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  /** A context with the queues only (no processors), to read job counts. */
  async function startWorkerInProcessQueuesOnly(): Promise<INestApplicationContext> {
    return NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config.with({ redisUrl }) }), { logger: false });
  }

  it('Redis flushed with 50 deadlines pending: every one is still delivered, once', async () => {
    const pending = [];
    for (let i = 0; i < 50; i++) pending.push(await transmitted('FLUSH'));
    const redis = new Redis(redisConnection(redisUrl));
    try {
      expect(await redis.keys(`${env.config.queuePrefix}:deadlines:*`)).not.toHaveLength(0); // the 50 delayed reminder jobs
      await redis.flushdb();
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
    const dueAt = new Date(Date.now() + 2000);
    for (const p of pending) await env.makeStageDue(p.deadlineId, dueAt);
    const worker = await startWorkerInProcess();
    try {
      await expectEventually(() => expect(mailsFor('FLUSH')).toHaveLength(50), 30_000, 200);
      await new Promise((r) => setTimeout(r, 3000)); // further sweeps find nothing more to send
      const refs = mailsFor('FLUSH').map((m) => m.raw.match(/X-Rogatory-Reference: (\S+)/)?.[1]);
      expect(new Set(refs).size).toBe(50);
      expect(mailsFor('FLUSH')).toHaveLength(50);
      const [counts] = await env.sql<{ sent: number; rows: number }>(
        `select count(*) filter (where o.status = 'SENT')::int as sent, count(*)::int as rows from outbox_email o join mla_request r on r.id = o.request_id where r.reference like 'FLUSH/%'`,
      );
      expect(counts).toEqual({ sent: 50, rows: 50 });
    } finally {
      await worker.close();
    }
  }, 120_000);

  it('200 deadlines falling due in the same minute: all sent within a minute, none twice', async () => {
    const batch = [];
    for (let i = 0; i < 200; i++) batch.push(await transmitted('BULK'));
    const worker = await startWorkerInProcess();
    try {
      const dueAt = new Date(Date.now() + 3000);
      for (const b of batch) await env.makeStageDue(b.deadlineId, dueAt);
      await expectEventually(() => expect(mailsFor('BULK')).toHaveLength(200), 60_000, 200);
      const lastSent = await env.sql<{ last: Date }>(
        `select max(o.sent_at) as last from outbox_email o join mla_request r on r.id = o.request_id where r.reference like 'BULK/%'`,
      );
      const seconds = (lastSent[0].last.getTime() - dueAt.getTime()) / 1000;
      expect(seconds).toBeLessThan(60);
      await new Promise((r) => setTimeout(r, 3000));
      const ids = mailsFor('BULK').map((m) => m.raw.match(/Message-ID: (\S+)/i)?.[1]);
      expect(new Set(ids).size).toBe(200);
      expect(mailsFor('BULK')).toHaveLength(200);
    } finally {
      await worker.close();
    }
  }, 180_000);

  it('SMTP down: the reminder waits PENDING and retries, and is delivered once when the server is back', async () => {
    const { request, deadlineId } = await transmitted('SMTPDOWN');
    // An SMTP server of its own, on a port that refuses connections while it is down.
    const probe = new SmtpListener();
    await probe.start();
    const url = probe.url;
    const port = Number(new URL(url).port);
    await probe.stop();
    const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config.with({ redisUrl, sweepSeconds: 1, smtpUrl: url }) }), {
      logger: false,
    });
    const back = new SmtpListener();
    try {
      await env.makeStageDue(deadlineId, new Date(Date.now() - 1000));
      const [row] = await expectEventually(async () => {
        const rows = await env.sql<{ id: string; status: string; attempts: number; last_error: string }>(
          `select id, status, attempts, last_error from outbox_email where request_id = $1`,
          [request.id],
        );
        expect(rows).toEqual([expect.objectContaining({ status: 'PENDING', last_error: expect.stringMatching(/ECONNREFUSED|connect/i) })]);
        expect(rows[0].attempts).toBeGreaterThanOrEqual(2); // retried with backoff
        return rows;
      }, 20_000);
      await back.start(port);
      await expectEventually(() => expect(back.received.filter((m) => m.raw.includes(request.reference))).toHaveLength(1), 40_000, 200);
      await expectEventually(async () => expect(await env.sql(`select status from outbox_email where id = $1`, [row.id])).toEqual([{ status: 'SENT' }]));
      await new Promise((r) => setTimeout(r, 3000));
      expect(back.received.filter((m) => m.raw.includes(request.reference))).toHaveLength(1);
    } finally {
      await worker.close();
      await back.stop().catch(() => undefined);
    }
  }, 90_000);

  it("a closed deadline's delayed job is dropped, and a stage moved by a holiday replaces its job", async () => {
    const { request, deadlineId } = await transmitted('JOBS');
    const deadlines = setup.get<Queue>(getQueueToken(QueueName.Deadlines));
    expect(await (await deadlines.getJob(jobIds.deadlineDue(deadlineId, 'REMINDER')))?.getState()).toBe('delayed');
    const [{ version }] = await env.sql<{ version: number }>(`select version from mla_request where id = $1`, [request.id]);
    await requests.sendEvent(request.id, { type: 'receiptAcknowledged', actor: { role: 'CENTRAL_AUTHORITY', state: 'GE' } }, version);
    expect(await deadlines.getJob(jobIds.deadlineDue(deadlineId, 'REMINDER'))).toBeUndefined();

    const [assessment] = await requests.openDeadlines(request.id);
    const job = await deadlines.getJob(jobIds.deadlineDue(assessment.id, 'REMINDER'));
    const runsAt = (j: typeof job) => j!.timestamp + j!.delay;
    expect(Math.abs(runsAt(job) - assessment.nextFireAt!.getTime())).toBeLessThan(1000);
    // A holiday on the first business day after the step opened (Georgia) moves the due date and the reminder one business day later.
    const ge = (await setup.get(DirectoryService).calendarRegistry()).forState('GE');
    const day = ge.addBusinessDays(ge.localDate(assessment.openedAt), 1); // the opening date in Tbilisi, not in UTC
    const moved = await setup.get(HolidayService).add('GE', { date: day, name: 'Test holiday' }, 'test');
    const move = moved.deadlinesMoved.find((m) => m.deadlineId === assessment.id)!;
    expect(move.dueOn > move.previousDueOn).toBe(true);
    const [after] = await requests.openDeadlines(request.id);
    expect(after.nextFireAt!.getTime()).toBeGreaterThan(assessment.nextFireAt!.getTime());
    const replaced = await deadlines.getJob(jobIds.deadlineDue(assessment.id, 'REMINDER'));
    expect(Math.abs(runsAt(replaced) - after.nextFireAt!.getTime())).toBeLessThan(1000);
  });

  it('a worker down for a day sends on restart what fell due, once each, marked late', async () => {
    const { request, deadlineId } = await transmitted('DOWN');
    // The reminder and level 1 fell due yesterday and this morning while no worker ran.
    const yesterday = new Date(Date.now() - 86_400_000);
    await env.makeStageDue(deadlineId, yesterday);
    await env.sql(
      `update deadline set stages = (select jsonb_agg(case when s->>'stage' = 'LEVEL_1' then s || jsonb_build_object('fireAt', $2::text, 'fireOn', $3::text) else s end order by i)
                                     from jsonb_array_elements(stages) with ordinality as x(s, i)) where id = $1`,
      [deadlineId, new Date(Date.now() - 3_600_000).toISOString(), yesterday.toISOString().slice(0, 10)],
    );
    const worker = await startWorkerInProcess();
    try {
      await expectEventually(() => expect(mailsFor('DOWN')).toHaveLength(2), 20_000, 200);
      await new Promise((r) => setTimeout(r, 3000));
      expect(mailsFor('DOWN')).toHaveLength(2);
      const rows = await env.sql<{ stage: string; late: boolean; subject: string; status: string }>(
        `select stage, late, subject, status from outbox_email where request_id = $1 order by level`,
        [request.id],
      );
      expect(rows.map((r) => [r.stage, r.late, r.status])).toEqual([
        ['REMINDER', true, 'SENT'],
        ['LEVEL_1', true, 'SENT'],
      ]);
      for (const r of rows) expect(r.subject).toMatch(/^\[late\] /);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
