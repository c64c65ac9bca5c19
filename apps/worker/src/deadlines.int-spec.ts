import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DeadlineRunner,
  DirectoryService,
  JobDispatcher,
  JobName,
  jobIds,
  ManualClock,
  MlaRequestService,
  OutboxService,
  QueueName,
  redisConnection,
  StaleVersionError,
  StatisticsService,
  type MlaRequest,
} from '@rogatory/domain';
import { createTestEnvironment, expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import { OutboxProcessor } from './processors/outbox.processor';
import { waitForQueuesIdle } from './replay/register-replay';
import { WorkerModule } from './worker.module';

/**
 * The worker against real PostgreSQL, Redis and an SMTP listener, on a simulated clock: deadlines in
 * business days of the owing State, reminders and escalations by email at most once, the sweeper after
 * Redis loses its data, and concurrent events.
 */
describe('deadlines, reminders and escalations (worker, PostgreSQL, Redis, SMTP)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let clock: ManualClock;
  let requests: MlaRequestService;
  let runner: DeadlineRunner;

  const ng = (extra: object = {}) => ({ actor: { role: 'CENTRAL_AUTHORITY', state: 'NG', name: 'NG officer' }, ...extra });
  const gh = (extra: object = {}) => ({ actor: { role: 'CENTRAL_AUTHORITY', state: 'GH', name: 'GH officer' }, ...extra });

  beforeAll(async () => {
    env = await createTestEnvironment('deadlines');
    clock = new ManualClock(new Date('2021-05-11T10:00:00Z'));
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config, clock, schedulers: false }), { logger: false });
    await app.get(DirectoryService).seed();
    requests = app.get(MlaRequestService);
    runner = app.get(DeadlineRunner);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  /** A request from Ghana to Nigeria, transmitted now (the first test: Tuesday 11 May 2021, 10:00 UTC). */
  async function transmitted(reference: string): Promise<MlaRequest> {
    const r = await requests.create({ reference, network: 'WACAP', requestingState: 'GH', requestedState: 'NG', requestType: 'MLA', urgent: false });
    const out = await requests.sendEvent(
      r.id,
      { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: 'GH' } },
      r.version,
    );
    return out.request;
  }

  async function runTo(iso: string): Promise<void> {
    clock.set(new Date(iso));
    await runner.sweep();
    await waitForQueuesIdle(app, 20_000);
  }

  const mailsFor = (reference: string) => env.smtp.received.filter((m) => m.raw.includes(reference));

  it('counts the acknowledgement deadline in business days of Nigeria, across Eid al-Fitr and a weekend', async () => {
    const r = await transmitted('T/DEADLINE/1');
    const [ack] = await requests.openDeadlines(r.id);
    // 11 May + 5 business days: 12, 17, 18, 19, 20 (13–14 May Eid al-Fitr public holidays, 15–16 weekend)
    expect(ack).toMatchObject({ step: 'ACKNOWLEDGEMENT', owedByState: 'NG', dueOn: '2021-05-20', nextStage: 'REMINDER' });
    expect(ack.dueAt.toISOString()).toBe('2021-05-20T08:00:00.000Z'); // 09:00 in Lagos (UTC+1)
    expect(ack.stages.map((s) => `${s.stage}@${s.fireOn}`)).toEqual([
      'REMINDER@2021-05-20',
      'LEVEL_1@2021-05-21',
      'LEVEL_2@2021-06-04',
      'LEVEL_3@2021-06-21',
      'LEVEL_4@2021-07-19',
    ]);
  });

  it('sends the reminder at 09:00 local on the due day and each escalation level once, to the right people', async () => {
    const r = await transmitted('T/DEADLINE/2');
    await runTo('2021-05-20T07:59:00Z');
    expect(mailsFor('T/DEADLINE/2')).toHaveLength(0);
    await runTo('2021-05-20T08:00:00Z');
    const reminder = mailsFor('T/DEADLINE/2');
    expect(reminder).toHaveLength(1);
    expect(reminder[0].to).toEqual(['central-authority.ng@example.org']);
    expect(reminder[0].raw).toContain('Due date: Thursday, 20 May 2021 (time zone: Africa/Lagos)');
    await runTo('2021-06-04T08:00:00Z'); // level 1 (21 May) and level 2 (4 June) at 09:00 in Lagos
    // Level 2 goes to each contact point at 09:00 in its own State: Nigeria's now, Ghana's (UTC+0) an hour later.
    const byNine = mailsFor('T/DEADLINE/2').map((m) => m.to[0]);
    expect(byNine.slice(0, 2)).toEqual(['central-authority.ng@example.org', 'central-authority.ng@example.org']);
    expect(byNine.slice(2).sort()).toEqual(['cp1.ng.wacap@example.org', 'cp2.ng.wacap@example.org']); // sent concurrently
    await runTo('2021-06-04T09:00:00Z');
    const mails = mailsFor('T/DEADLINE/2');
    expect(mails.map((m) => m.raw.match(/X-Rogatory-Level: (\d)/)?.[1]).sort()).toEqual(['0', '1', '2', '2', '2', '2']);
    // level 2: the two contact points of Ghana and of Nigeria in WACAP
    expect(
      mails
        .filter((m) => m.raw.includes('X-Rogatory-Level: 2'))
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual(['cp1.gh.wacap@example.org', 'cp1.ng.wacap@example.org', 'cp2.gh.wacap@example.org', 'cp2.ng.wacap@example.org']);
    const history = await requests.history(r.id);
    expect(history.filter((e) => e.type === 'deadlineReached').map((e) => e.payload.stage)).toEqual(['REMINDER', 'LEVEL_1', 'LEVEL_2']);
  }, 30_000);

  it('a step that is done cancels its reminders', async () => {
    const r = await transmitted('T/DEADLINE/3');
    await requests.sendEvent(r.id, { type: 'receiptAcknowledged', ...ng() }, r.version);
    await runTo('2021-06-05T08:00:00Z');
    expect(mailsFor('T/DEADLINE/3')).toHaveLength(0);
    const open = await requests.openDeadlines(r.id);
    expect(open.map((d) => d.step)).toEqual(['ASSESSMENT']);
  }, 30_000);

  it('sends no second email when a job runs twice', async () => {
    const r = await transmitted('T/DEADLINE/4');
    const [d] = await requests.openDeadlines(r.id);
    await runTo(new Date(Date.parse(d.stages.find((s) => s.stage === 'LEVEL_2')!.fireAt) + 3_600_000).toISOString()); // reminder, level 1, level 2 are due, 09:00 in both States
    const before = mailsFor('T/DEADLINE/4').length;
    expect(before).toBe(6);
    // the same jobs again, through the queue and directly
    const queue = app.get<Queue>(getQueueToken(QueueName.Deadlines));
    for (const stage of ['REMINDER', 'LEVEL_1', 'LEVEL_2'] as const) {
      await queue.add(JobName.DeadlineDue, { deadlineId: d.id, stage }, { jobId: `again.${d.id}.${stage}` });
      expect(await runner.fire(d.id, stage)).toBe('skipped');
    }
    await waitForQueuesIdle(app);
    const [outbox] = await env.sql<{ n: number }>(`select count(*)::int as n from outbox_email where request_id = $1`, [r.id]);
    expect(outbox.n).toBe(6);
    expect(mailsFor('T/DEADLINE/4')).toHaveLength(before);
    // and sending an already sent email again is a no-op
    const [row] = await env.sql<{ id: string }>(`select id from outbox_email where request_id = $1 limit 1`, [r.id]);
    expect(await app.get(OutboxService).send(row.id)).toBe('skipped');
  }, 30_000);

  it('the sweeper re-enqueues a due deadline after Redis lost its jobs', async () => {
    const r = await transmitted('T/DEADLINE/5');
    const [d] = await requests.openDeadlines(r.id);
    clock.set(d.nextFireAt!);
    // the job is queued, then Redis loses everything before the worker takes it
    const queue = app.get<Queue>(getQueueToken(QueueName.Deadlines));
    await queue.pause();
    await app.get(JobDispatcher).enqueueDeadline(d.id, 'REMINDER', d.nextFireAt!);
    expect(await queue.getJobCounts('paused', 'waiting')).toEqual({ paused: 1, waiting: 0 });
    expect(await env.flushQueues()).toBeGreaterThan(0);
    await queue.resume();
    await new Promise((res) => setTimeout(res, 300));
    expect(mailsFor('T/DEADLINE/5')).toHaveLength(0);
    // the sweeper finds the row still due and queues it again
    const swept = await runner.sweep();
    expect(swept.deadlinesQueued).toBeGreaterThanOrEqual(1);
    await waitForQueuesIdle(app);
    await expectEventually(() => expect(mailsFor('T/DEADLINE/5').length).toBeGreaterThanOrEqual(1));
    expect(mailsFor('T/DEADLINE/5').filter((m) => m.raw.includes('X-Rogatory-Level: 0'))).toHaveLength(1);
  }, 30_000);

  it('the sweeper queues again an email whose job failed for good, and it is sent once', async () => {
    const r = await transmitted('T/REVIVE/1');
    const [d] = await requests.openDeadlines(r.id);
    const outbox = app.get<Queue>(getQueueToken(QueueName.Outbox));
    // the worker of this app stands aside; another worker fails every email job for good
    const outboxWorker = app.get(OutboxProcessor).worker;
    await outboxWorker.pause();
    const failing = new Worker(
      QueueName.Outbox,
      async () => {
        throw new UnrecoverableError('SMTP refused for good');
      },
      { connection: redisConnection(env.config.redisUrl), prefix: env.config.queuePrefix },
    );
    let rowId: string;
    try {
      clock.set(d.nextFireAt!);
      await runner.sweep();
      rowId = await expectEventually(async () => {
        const [row] = await env.sql<{ id: string; status: string }>(`select id, status from outbox_email where request_id = $1`, [r.id]);
        expect(row.status).toBe('PENDING');
        expect(await (await outbox.getJob(jobIds.sendEmail(row.id)))?.getState()).toBe('failed');
        return row.id;
      });
    } finally {
      await failing.close();
      outboxWorker.resume();
    }
    expect(mailsFor('T/REVIVE/1')).toHaveLength(0);
    await runner.sweep();
    await expectEventually(() => expect(mailsFor('T/REVIVE/1')).toHaveLength(1));
    // the SMTP server has it; the row is marked SENT right after the hand-over
    await expectEventually(async () => {
      const [sent] = await env.sql<{ status: string }>(`select status from outbox_email where id = $1`, [rowId]);
      expect(sent.status).toBe('SENT');
    });
    await runner.sweep();
    await waitForQueuesIdle(app);
    expect(mailsFor('T/REVIVE/1')).toHaveLength(1);
  });

  it('two concurrent events on the same version: one wins, the other is refused as stale, nothing lost', async () => {
    const r = await transmitted('T/CONCURRENT/1');
    const results = await Promise.allSettled([
      requests.sendEvent(r.id, { type: 'receiptAcknowledged', ...ng() }, r.version),
      requests.sendEvent(r.id, { type: 'requestWithdrawn', reasons: 'no longer required', ...gh() }, r.version),
    ]);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(StaleVersionError);
    const history = await requests.history(r.id);
    expect(history.map((e) => e.seq)).toEqual([1, 2]);
    const after = await requests.get(r.id);
    expect(after.version).toBe(r.version + 1);
    expect(['underAssessment', 'closed']).toContain(after.state);
    expect(history[1].toState).toBe(after.state);
  });

  it('without an expected version, concurrent events are serialised by optimistic locking: every accepted event is recorded', async () => {
    const r = await transmitted('T/CONCURRENT/2');
    await requests.sendEvent(r.id, { type: 'receiptAcknowledged', ...ng() }, r.version);
    const cp = (n: number) => ({
      type: 'facilitationRecorded',
      action: 'CHASED_REQUESTED_SIDE',
      note: `chase ${n}`,
      actor: { role: 'CONTACT_POINT', state: 'NG' },
    });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => requests.sendEvent(r.id, cp(n))));
    const accepted = results.filter((x) => x.status === 'fulfilled').length;
    for (const x of results) if (x.status === 'rejected') expect(x.reason).toBeInstanceOf(StaleVersionError);
    const history = await requests.history(r.id);
    expect(history.filter((e) => e.type === 'facilitationRecorded')).toHaveLength(accepted);
    expect((await requests.get(r.id)).version).toBe(3 + accepted);
  });

  it('emails the yearly statistics to each network secretariat once', async () => {
    const jobs = await app.get(StatisticsService).emailYearToSecretariats(2021);
    expect(jobs).toHaveLength(4);
    expect(await app.get(StatisticsService).emailYearToSecretariats(2021)).toHaveLength(0);
    await app.get(JobDispatcher).dispatch(jobs);
    await waitForQueuesIdle(app);
    const stats = env.smtp.received.filter((m) => m.raw.includes('statistics 2021'));
    expect(stats.map((m) => m.to[0]).sort()).toEqual([
      'secretariat.casc@example.org',
      'secretariat.other@example.org',
      'secretariat.seajust@example.org',
      'secretariat.wacap@example.org',
    ]);
  });
});
