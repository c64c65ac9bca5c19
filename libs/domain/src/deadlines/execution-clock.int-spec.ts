import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ManualClock } from '../clock';
import { DirectoryService } from '../directory/directory.service';
import { DomainModule } from '../domain.module';
import { MlaRequestService } from '../requests/mla-request.service';
import { createTestEnvironment, type TestEnvironment } from '../testing';
import { DeadlineRunner } from './deadline-runner.service';

/**
 * The execution clock of DOMAIN.md §4 against PostgreSQL: 90 calendar days after acceptance, extended by
 * the days spent awaiting additional information (UNTOC art. 18(16)) or postponed (18(25)), and the
 * postponement reviewed every 60 calendar days. Requested State: Ghana.
 */
describe('execution clock: extensions and postponement reviews (PostgreSQL)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let requests: MlaRequestService;
  const clock = new ManualClock(new Date('2021-02-26T10:00:00Z'));
  const NG = { role: 'CENTRAL_AUTHORITY', state: 'NG' };
  const GH = { role: 'CENTRAL_AUTHORITY', state: 'GH' };

  beforeAll(async () => {
    env = await createTestEnvironment('execclock');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    await app.get(DirectoryService).seed();
    requests = app.get(MlaRequestService);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  const at = (iso: string) => clock.set(new Date(`${iso}T10:00:00Z`));
  const send = async (id: string, event: object) => (await requests.sendEvent(id, event)).request;
  const due = async (id: string, step: string) => (await requests.openDeadlines(id)).find((d) => d.step === step);

  async function accepted(reference: string): Promise<string> {
    const r = await requests.create({ reference, network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false });
    await send(r.id, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: NG });
    await send(r.id, { type: 'receiptAcknowledged', actor: GH });
    await send(r.id, { type: 'requestAccepted', actor: GH });
    return r.id;
  }

  it('extends the execution deadline by the calendar days paused, counted once from the base date', async () => {
    at('2021-03-01');
    const a = await accepted('CLOCK/A');
    const b = await accepted('CLOCK/B');
    const c = await accepted('CLOCK/C');
    // 1 March + 90 calendar days = Sunday 30 May, moved to Monday 31 May
    expect(await due(a, 'EXECUTION')).toMatchObject({ baseDueOn: '2021-05-30', dueOn: '2021-05-31' });
    at('2021-03-10');
    await send(a, { type: 'additionalInformationRequested', actor: GH });
    // UNTOC art. 18(26): consultation before a postponement (the execution clock runs on while consulting)
    await send(b, { type: 'consultationOpened', actor: GH });
    await send(b, { type: 'executionPostponed', reasons: 'ongoing domestic investigation', actor: GH });
    await send(c, { type: 'consultationOpened', actor: GH });
    await send(c, { type: 'executionPostponed', reasons: 'ongoing domestic investigation', actor: GH });
    expect(await due(a, 'EXECUTION')).toMatchObject({ status: 'PAUSED' });
    at('2021-03-15');
    await send(a, { type: 'additionalInformationProvided', actor: NG });
    await send(b, { type: 'executionResumed', actor: GH });
    // 30 May + 5 days paused = Friday 4 June
    expect(await due(a, 'EXECUTION')).toMatchObject({ status: 'OPEN', pausedDays: 5, dueOn: '2021-06-04' });
    at('2021-04-01');
    await send(b, { type: 'consultationOpened', actor: GH });
    await send(b, { type: 'executionPostponed', reasons: 'trial of a co-accused', actor: GH });
    at('2021-04-08');
    await send(b, { type: 'executionResumed', actor: GH });
    // 30 May + 5 + 7 days = Friday 11 June
    const e = await due(b, 'EXECUTION');
    expect(e).toMatchObject({ pausedDays: 12, dueOn: '2021-06-11' });
    expect(e!.stages.map((s) => `${s.stage}@${s.fireOn}`)[0]).toBe('REMINDER@2021-05-28'); // 10 business days before
  });

  it('reviews a postponement every 60 calendar days, reminding on each due day', async () => {
    const c = (await requests.list({ network: 'WACAP' })).items.find((r) => r.reference === 'CLOCK/C')!;
    const review = await due(c.id, 'POSTPONEMENT_REVIEW');
    // postponed 10 March + 60 = Sunday 9 May, moved to Monday 10 May
    expect(review).toMatchObject({ dueOn: '2021-05-10', nextStage: 'REMINDER' });
    clock.set(review!.nextFireAt!);
    expect(await app.get(DeadlineRunner).fire(review!.id, 'REMINDER')).toBe('notified');
    const next = await due(c.id, 'POSTPONEMENT_REVIEW');
    expect(next!.id).not.toBe(review!.id);
    expect(next).toMatchObject({ dueOn: '2021-07-09', nextStage: 'REMINDER' }); // 10 May + 60 days, a Friday
    const [row] = await env.sql<{ n: number }>(`select count(*)::int as n from outbox_email where request_id = $1 and step = 'POSTPONEMENT_REVIEW'`, [c.id]);
    expect(row.n).toBe(1);
  });
});
