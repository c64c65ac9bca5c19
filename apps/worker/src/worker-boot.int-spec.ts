import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DirectoryService, jobIds, MlaRequestService, QueueName } from '@rogatory/domain';
import { createTestEnvironment, expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import type { Queue } from 'bullmq';
import { WorkerModule } from './worker.module';

/** The worker as deployed: real clock, schedulers registered, the sweeper running on its own. */
describe('worker start-up (Redis, PostgreSQL)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;

  beforeAll(async () => {
    env = await createTestEnvironment('boot');
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config.with({ sweepSeconds: 1 }) }), { logger: false });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('registers the sweeper and the 1 January statistics schedulers', async () => {
    const q = app.get<Queue>(getQueueToken(QueueName.Maintenance));
    const schedulers = await q.getJobSchedulers();
    expect(
      schedulers.map((s) => ({ key: s.key, every: s.every ?? null, pattern: s.pattern ?? null, tz: s.tz ?? null })).sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { key: 'daily-digest', every: null, pattern: '0 * * * *', tz: 'UTC' },
      { key: 'sweep', every: 1000, pattern: null, tz: null },
      { key: 'yearly-statistics', every: null, pattern: '0 6 1 1 *', tz: 'UTC' },
    ]);
  });

  it('runs the sweeper by itself: a due stage whose job Redis lost is sent within seconds', async () => {
    await app.get(DirectoryService).seed();
    const requests = app.get(MlaRequestService);
    const r = await requests.create({ reference: 'BOOT/1', network: 'CASC', requestingState: 'AM', requestedState: 'GE', requestType: 'MLA', urgent: false });
    await requests.sendEvent(r.id, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: 'AM' } }, r.version);
    const [d] = await requests.openDeadlines(r.id);
    // the reminder's delayed job disappears from Redis, and the stage is made due now
    const deadlines = app.get<Queue>(getQueueToken(QueueName.Deadlines));
    expect(await deadlines.remove(jobIds.deadlineDue(d.id, 'REMINDER'))).toBe(1);
    await env.makeStageDue(d.id, new Date(Date.now() - 1000));
    await expectEventually(
      () => expect(env.smtp.received.filter((m) => m.raw.includes('BOOT/1')).map((m) => m.to[0])).toEqual(['central-authority.ge@example.org']),
      15_000,
    );
    const [row] = await env.sql<{ sent_stages: string[]; next_stage: string }>(`select sent_stages, next_stage from deadline where id = $1`, [d.id]);
    expect(row).toEqual({ sent_stages: ['REMINDER'], next_stage: 'LEVEL_1' });
  });
});
