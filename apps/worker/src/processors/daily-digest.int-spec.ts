import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DeadlineRunner,
  DirectoryService,
  JobName,
  ManualClock,
  MlaRequestService,
  NotificationModeService,
  QueueName,
  type DigestRunResult,
  type MlaRequest,
} from '@rogatory/domain';
import { createTestEnvironment, expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import type { Queue } from 'bullmq';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { decodeWords, parseAddress, parseRawEmail } from '../../../../libs/domain/src/notifications/raw-email.testing';
import { waitForQueuesIdle } from '../replay/register-replay';
import { WorkerModule } from '../worker.module';

/**
 * The daily digest of a contact point that chose DAILY_DIGEST, through the worker (maintenance queue,
 * outbox, real SMTP listener) on a simulated clock: no per-item email, one digest at 09:00 local time
 * listing what its State owes overdue in its network, and nothing more when the job runs again that day.
 * Senegal (Africa/Dakar, UTC+0) owes the steps; its contact point 1 in WACAP reads French.
 */
describe('daily digest of contact points (worker, PostgreSQL, Redis, SMTP)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let requests: MlaRequestService;
  let maintenance: Queue;
  const clock = new ManualClock(new Date('2021-03-01T10:00:00Z'));
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnvironment('digest');
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config, clock, schedulers: false }), { logger: false });
    await app.get(DirectoryService).seed();
    requests = app.get(MlaRequestService);
    maintenance = app.get<Queue>(getQueueToken(QueueName.Maintenance));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  async function transmitted(reference: string, network: string, requestingState: string, requestedState: string): Promise<MlaRequest> {
    const r = await requests.create({ reference, network, requestingState, requestedState, requestType: 'MLA', urgent: false });
    const out = await requests.sendEvent(
      r.id,
      { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: requestingState } },
      r.version,
    );
    ids[reference] = r.id;
    return out.request;
  }

  async function runTo(iso: string): Promise<void> {
    clock.set(new Date(iso));
    await app.get(DeadlineRunner).sweep();
    await waitForQueuesIdle(app, 20_000);
  }

  /** Runs the digest job once on the maintenance queue, as the hourly scheduler does; returns its result once its emails are sent. */
  async function runDigestJob(): Promise<DigestRunResult> {
    const job = await maintenance.add(JobName.DailyDigest, {});
    const result = await expectEventually(async () => {
      // State first, then the job: a job read while still active carries no return value yet.
      expect(await maintenance.getJobState(job.id!)).toBe('completed');
      const j = await maintenance.getJob(job.id!);
      return j!.returnvalue as DigestRunResult;
    }, 15_000);
    await waitForQueuesIdle(app, 20_000);
    return result;
  }

  const digests = () => env.smtp.received.filter((m) => /^X-Rogatory-Kind: DIGEST$/m.test(m.raw));
  const level2For = (reference: string) =>
    env.smtp.received.filter((m) => /^X-Rogatory-Level: 2$/m.test(m.raw) && new RegExp(`^X-Rogatory-Reference: ${reference}$`, 'm').test(m.raw));

  it('sends no per-item email to a contact point on DAILY_DIGEST, and still to the others', async () => {
    const modes = app.get(NotificationModeService);
    const [cp1sn] = await modes.list({ network: 'WACAP', state: 'SN' });
    expect(cp1sn.email).toBe('cp1.sn.wacap@example.org');
    expect(await modes.setMode(cp1sn.id, { mode: 'DAILY_DIGEST' })).toMatchObject({ email: 'cp1.sn.wacap@example.org', notificationMode: 'DAILY_DIGEST' });
    const gh = (await modes.list({ network: 'wacap', state: 'gh' }))[0];
    await modes.setMode(gh.id, { mode: 'daily_digest' }); // Ghana owes nothing in this test: no digest for it

    await transmitted('DIG/1', 'WACAP', 'NG', 'SN'); // Senegal owes the acknowledgement: overdue
    await transmitted('DIG/2', 'WACAP', 'SN', 'NG'); // Nigeria owes it: not in Senegal's digest
    await transmitted('DIG/3', 'OTHER', 'NG', 'SN'); // Senegal owes it, but outside WACAP
    const r4 = await transmitted('DIG/4', 'WACAP', 'GH', 'SN'); // acknowledged in time: the assessment is not yet due
    clock.set(new Date('2021-03-02T10:00:00Z'));
    await requests.sendEvent(r4.id, { type: 'receiptAcknowledged', actor: { role: 'CENTRAL_AUTHORITY', state: 'SN' } }, r4.version);

    const [ack] = await requests.openDeadlines(ids['DIG/1']);
    expect(ack).toMatchObject({ owedByState: 'SN', dueOn: '2021-03-08' });
    expect(ack.stages.find((s) => s.stage === 'LEVEL_2')!.fireOn).toBe('2021-03-22'); // +10 business days
    await runTo('2021-03-08T09:00:00Z'); // reminder
    await runTo('2021-03-09T09:00:00Z'); // level 1
    await runTo('2021-03-22T08:00:00Z'); // level 2: 09:00 in Lagos
    await runTo('2021-03-22T09:00:00Z'); // 09:00 in Dakar
    const to = level2For('DIG/1').flatMap((m) => m.to);
    expect(to.sort()).toEqual(['cp1.ng.wacap@example.org', 'cp2.ng.wacap@example.org', 'cp2.sn.wacap@example.org']);
    expect(env.smtp.received.filter((m) => m.to.includes('cp1.sn.wacap@example.org'))).toEqual([]);
    const [row] = await env.sql<{ n: number }>(`select count(*)::int as n from outbox_email where recipient_email = 'cp1.sn.wacap@example.org'`);
    expect(row.n).toBe(0);
  }, 60_000);

  it('writes one digest at 09:00 local time listing the overdue step, in French, and nothing more the same day', async () => {
    await runTo('2021-03-23T08:00:00Z'); // 08:00 in Dakar and Accra
    expect(await runDigestJob()).toEqual({ due: 0, written: 0, alreadyWritten: 0, nothingOverdue: 0 });
    expect(digests()).toHaveLength(0);

    await runTo('2021-03-23T09:00:00Z');
    expect(await runDigestJob()).toEqual({ due: 2, written: 1, alreadyWritten: 0, nothingOverdue: 1 });
    const sent = digests();
    expect(sent.map((m) => m.to)).toEqual([['cp1.sn.wacap@example.org']]);
    const mail = parseRawEmail(sent[0].raw);
    expect(parseAddress(mail.header('To')!)).toEqual({ name: 'Contact point 1 of Senegal (WACAP)', address: 'cp1.sn.wacap@example.org' });
    expect(decodeWords(mail.header('Subject')!)).toBe('[Rogatory] Récapitulatif quotidien des échéances dépassées : Sénégal, WACAP, 23 mars 2021');
    expect(mail.header('Content-Language')).toBe('fr');
    const text = mail.part('text/plain')!;
    const html = mail.part('text/html')!;
    expect(text).toContain(
      [
        'Référence : DIG/1',
        '  Diligence attendue : accusé de réception',
        '  Échéance : 8 mars 2021',
        '  Jours de retard : 15',
        `  Dossier : ${env.config.publicUrl}/requests/${ids['DIG/1']}`,
      ].join('\n'),
    );
    expect(text).toContain('Diligences en retard : 1');
    expect(text).toContain('Les jours de retard sont comptés en jours calendaires');
    expect(html).toContain(
      `<tr><td>DIG/1</td><td>accusé de réception</td><td>8 mars 2021</td><td align="right">15</td><td><a href="${env.config.publicUrl}/requests/${ids['DIG/1']}">`,
    );
    for (const body of [text, html]) for (const other of ['DIG/2', 'DIG/3', 'DIG/4']) expect(body).not.toContain(other);

    const rows = await env.sql<{ dedupe_key: string; kind: string; request_id: string | null; language: string; status: string }>(
      `select dedupe_key, kind, request_id, language, status from outbox_email where kind = 'DIGEST'`,
    );
    const [cp] = await app.get(NotificationModeService).list({ network: 'WACAP', state: 'SN' });
    expect(rows).toEqual([{ dedupe_key: `digest/${cp.id}/2021-03-23`, kind: 'DIGEST', request_id: null, language: 'fr', status: 'SENT' }]);

    await runTo('2021-03-23T09:30:00Z'); // the job runs again the same day (a retry, or a second scheduler)
    expect(await runDigestJob()).toEqual({ due: 2, written: 0, alreadyWritten: 1, nothingOverdue: 1 });
    expect(digests()).toHaveLength(1);
  }, 60_000);
});
