import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ManualClock } from '../clock';
import { DomainModule } from '../domain.module';
import { ContactPoint, OutboxEmail } from '../entities';
import { DigestService } from '../notifications/digest.service';
import { NotificationModeService } from '../notifications/notification-mode.service';
import { parseAddress, parseRawEmail } from '../notifications/raw-email.testing';
import { MlaRequestService } from '../requests/mla-request.service';
import { createTestEnvironment, fireStagesDue, sendEmailsDue, testPrincipal, type TestEnvironment } from '../testing';
import { ContactPointAbsenceService } from './contact-point-absence.service';
import { DirectoryService } from './directory.service';

/**
 * A contact point's absence routes what it would receive to its delegate, through the real outbox and an
 * SMTP listener, on a simulated clock. Nigeria's requests to Senegal (WACAP) go unacknowledged; each
 * acknowledgement's level 2 escalation goes to the contact points of both States (DOMAIN.md §4), the only
 * stage contact points receive one by one. Senegal's two contact points are away from 22 to 26 March
 * 2021: contact point 2 names contact point 1, who names Cabo Verde's contact point 1 (Portuguese,
 * Atlantic/Cape_Verde, UTC-1): no other Senegalese contact point is available then.
 */
describe('absence of a contact point: reminders to its delegate, and back after it (PostgreSQL, SMTP)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let orm: MikroORM;
  let requests: MlaRequestService;
  let absences: ContactPointAbsenceService;
  const clock = new ManualClock(new Date('2021-03-01T10:00:00Z'));
  const ADMIN = testPrincipal({ role: 'ADMINISTRATOR', login: 'admin', state: null });
  const ids: Record<string, string> = {};
  const cp: Record<string, ContactPoint> = {};

  beforeAll(async () => {
    env = await createTestEnvironment('absence');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    await app.get(DirectoryService).seed();
    orm = app.get(MikroORM);
    requests = app.get(MlaRequestService);
    absences = app.get(ContactPointAbsenceService);
    for (const c of await orm.em.fork().find(ContactPoint, { network: { code: 'WACAP' }, state: { code: { $in: ['SN', 'CV', 'NG'] } } }))
      cp[c.email.replace(/\.wacap@example\.org$/, '')] = c;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  async function transmitted(reference: string): Promise<void> {
    const r = await requests.create({ reference, network: 'WACAP', requestingState: 'NG', requestedState: 'SN', requestType: 'MLA', urgent: false });
    await requests.sendEvent(r.id, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: 'NG' } }, r.version);
    ids[reference] = r.id;
  }

  /** Fires every open deadline stage due by `iso`, each at its own time in order (emails written, not sent). */
  const fireDue = (iso: string) => fireStagesDue(app, clock, new Date(iso));
  /** Sends every PENDING email due by now through SMTP, as the outbox worker would. */
  const sendDue = () => sendEmailsDue(app, clock);

  async function level2Rows(reference: string): Promise<OutboxEmail[]> {
    return orm.em.fork().find(OutboxEmail, { request: ids[reference], stage: 'LEVEL_2' }, { orderBy: { recipientEmail: 'asc' } });
  }

  /** Envelope recipients of the level 2 escalations of `reference` that reached the SMTP listener, sorted. */
  function level2To(reference: string): string[] {
    return env.smtp.received
      .filter((m) => /^X-Rogatory-Level: 2$/m.test(m.raw) && new RegExp(`^X-Rogatory-Reference: ${reference}$`, 'm').test(m.raw))
      .flatMap((m) => m.to)
      .sort();
  }

  it('re-addresses the escalation already waiting for the absent contact points when their absence is recorded, in the delegate’s language and time zone', async () => {
    await transmitted('ABS/1'); // Monday 1 March: acknowledgement due 8 March, level 2 on 22 March
    await fireDue('2021-03-02T10:00:00Z');
    await transmitted('ABS/2'); // level 2 on 23 March
    await fireDue('2021-03-15T10:00:00Z');
    await transmitted('ABS/3'); // level 2 after the absence
    await sendDue();
    const [d1] = await requests.openDeadlines(ids['ABS/1']);
    expect(d1.stages.find((s) => s.stage === 'LEVEL_2')).toMatchObject({ fireOn: '2021-03-22', fireAt: '2021-03-22T08:00:00.000Z' }); // 09:00 in Lagos

    // Level 2 of ABS/1 is written on 22 March, not yet sent: one email for each contact point of both States.
    await fireDue('2021-03-22T08:00:00Z');
    expect((await level2Rows('ABS/1')).map((r) => [r.recipientEmail, r.status])).toEqual([
      ['cp1.ng.wacap@example.org', 'PENDING'],
      ['cp1.sn.wacap@example.org', 'PENDING'],
      ['cp2.ng.wacap@example.org', 'PENDING'],
      ['cp2.sn.wacap@example.org', 'PENDING'],
    ]);

    // Contact point 2 of Senegal goes away, naming contact point 1, who has the same escalation: its copy is withdrawn.
    const sn2 = await absences.set(cp['cp2.sn'].id, { from: '2021-03-22', until: '2021-03-26', delegateId: cp['cp1.sn'].id }, ADMIN);
    expect(sn2).toMatchObject({
      from: '2021-03-22',
      until: '2021-03-26',
      delegate: { email: 'cp1.sn.wacap@example.org' },
      activeToday: true,
      readdressed: 0,
      withdrawn: 1,
    });
    // Then contact point 1 goes away too, naming Cabo Verde's (no Senegalese contact point is available): its email goes there.
    const sn1 = await absences.set(cp['cp1.sn'].id, { from: '2021-03-22', until: '2021-03-26', delegateId: cp['cp1.cv'].id }, ADMIN);
    expect(sn1).toMatchObject({ delegate: { email: 'cp1.cv.wacap@example.org', state: 'CV' }, readdressed: 1, withdrawn: 0 });

    const rows = await level2Rows('ABS/1');
    expect(rows.map((r) => r.recipientEmail)).toEqual(['cp1.cv.wacap@example.org', 'cp1.ng.wacap@example.org', 'cp2.ng.wacap@example.org']);
    const [toCv] = rows;
    expect(toCv).toMatchObject({
      recipientName: 'Contact point 1 of Cape Verde (WACAP)',
      language: 'pt',
      status: 'PENDING',
      dedupeKey: `deadline/${d1.id}/LEVEL_2/cp1.sn.wacap@example.org`, // still the absent one's place on the ladder
    });
    expect(toCv.dueAt.toISOString()).toBe('2021-03-22T10:00:00.000Z'); // 09:00 in Praia

    clock.set(new Date('2021-03-22T10:00:00Z'));
    await sendDue();
    expect(level2To('ABS/1')).toEqual(['cp1.cv.wacap@example.org', 'cp1.ng.wacap@example.org', 'cp2.ng.wacap@example.org']);
    const mail = env.smtp.received.find((m) => m.raw.includes(`<${toCv.id}@`))!;
    const parsed = parseRawEmail(mail.raw);
    expect(parseAddress(parsed.header('To')!)).toEqual({ name: 'Contact point 1 of Cape Verde (WACAP)', address: 'cp1.cv.wacap@example.org' });
    expect(parsed.header('Content-Language')).toBe('pt');
    expect(parsed.part('text/plain')).toContain('ABS/1');
    expect(env.smtp.received.filter((m) => m.to.some((t) => /^cp\d\.sn\./.test(t)))).toEqual([]);
  });

  it('routes an escalation written during the absence to the delegate, once, though both absent contact points lead to it', async () => {
    await fireDue('2021-03-23T08:00:00Z');
    expect((await level2Rows('ABS/2')).map((r) => [r.recipientEmail, r.dedupeKey.replace(/^.*\//, '')])).toEqual([
      ['cp1.cv.wacap@example.org', 'cp1.sn.wacap@example.org'],
      ['cp1.ng.wacap@example.org', 'cp1.ng.wacap@example.org'],
      ['cp2.ng.wacap@example.org', 'cp2.ng.wacap@example.org'],
    ]);
    clock.set(new Date('2021-03-23T10:00:00Z'));
    await sendDue();
    expect(level2To('ABS/2')).toEqual(['cp1.cv.wacap@example.org', 'cp1.ng.wacap@example.org', 'cp2.ng.wacap@example.org']);
  });

  it('sends the daily digest of an absent contact point to its delegate', async () => {
    const modes = app.get(NotificationModeService);
    await modes.setMode(cp['cp1.sn'].id, { mode: 'DAILY_DIGEST' });
    clock.set(new Date('2021-03-24T09:00:00Z')); // 09:00 in Dakar
    expect(await app.get(DigestService).writeDueDigests()).toEqual({ due: 1, written: 1, alreadyWritten: 0, nothingOverdue: 0 });
    await sendDue();
    const [digest] = env.smtp.received.filter((m) => /^X-Rogatory-Kind: DIGEST$/m.test(m.raw));
    expect(digest.to).toEqual(['cp1.cv.wacap@example.org']);
    const parsed = parseRawEmail(digest.raw);
    expect(parsed.header('Content-Language')).toBe('pt');
    for (const reference of ['ABS/1', 'ABS/2', 'ABS/3']) expect(parsed.part('text/plain')).toContain(reference); // Senegal's overdue acknowledgements
    const [row] = await env.sql<{ dedupe_key: string }>(`select dedupe_key from outbox_email where kind = 'DIGEST'`);
    expect(row.dedupe_key).toBe(`digest/${cp['cp1.sn'].id}/2021-03-24`);
    await modes.setMode(cp['cp1.sn'].id, { mode: 'EACH' });
  });

  it('after the last day of the absence, the escalations go to the contact points themselves again', async () => {
    const [d3] = await requests.openDeadlines(ids['ABS/3']);
    const level2 = d3.stages.find((s) => s.stage === 'LEVEL_2')!;
    expect(level2.fireOn > '2021-03-26').toBe(true);
    await fireDue(level2.fireAt);
    clock.set(new Date(new Date(level2.fireAt).getTime() + 2 * 3600_000));
    await sendDue();
    expect(level2To('ABS/3')).toEqual(['cp1.ng.wacap@example.org', 'cp1.sn.wacap@example.org', 'cp2.ng.wacap@example.org', 'cp2.sn.wacap@example.org']);
    expect((await level2Rows('ABS/3')).every((r) => r.dedupeKey.endsWith(`/${r.recipientEmail}`))).toBe(true);
    // the delegate got the two escalations and the digest of the absence, nothing after it
    expect(env.smtp.received.filter((m) => m.to.includes('cp1.cv.wacap@example.org'))).toHaveLength(3);
  });
});
