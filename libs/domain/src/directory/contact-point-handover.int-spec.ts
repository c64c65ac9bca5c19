import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CaseAccessService } from '../access/case-access.service';
import { principalOfUser, type Principal } from '../access/principal';
import { UserService } from '../auth/user.service';
import { ManualClock } from '../clock';
import { DomainModule } from '../domain.module';
import { AppUser, ContactPoint, Network, OutboxEmail, StateEntity } from '../entities';
import { NotFoundError } from '../errors';
import { MlaRequestService } from '../requests/mla-request.service';
import { createTestEnvironment, fireStagesDue, sendEmailsDue, testPrincipal, type TestEnvironment } from '../testing';
import { ContactPointAbsenceService } from './contact-point-absence.service';
import { ContactPointHandoverService } from './contact-point-handover.service';
import { routeToStandIn } from './absence-routing';
import { DirectoryEntryService } from './directory-entry.service';
import { DirectoryService } from './directory.service';

/**
 * A contact point leaves and hands over to a successor (issue 5), through the real outbox and an SMTP
 * listener on a simulated clock. Senegal's first WACAP contact point has facilitated two requests from
 * Nigeria and has their level 2 escalations (due 22 March 2021) still waiting in the outbox when it leaves
 * on Tuesday 23 March, 10:00 UTC; its successor is a new person with a sign-in of their own.
 */
describe('handover of a contact point to its successor: scope, waiting and future emails, sign-in (PostgreSQL, SMTP)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let orm: MikroORM;
  let requests: MlaRequestService;
  let cases: CaseAccessService;
  const clock = new ManualClock(new Date('2021-03-01T10:00:00Z'));
  const ADMIN = testPrincipal({ role: 'ADMINISTRATOR', login: 'admin', state: null });
  const ids: Record<string, string> = {};
  let leaving: ContactPoint;
  let successor: ContactPoint;

  beforeAll(async () => {
    env = await createTestEnvironment('handover');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    await app.get(DirectoryService).seed();
    await app.get(UserService).seedDevUsers();
    orm = app.get(MikroORM);
    requests = app.get(MlaRequestService);
    cases = app.get(CaseAccessService);
    leaving = await orm.em.fork().findOneOrFail(ContactPoint, { email: 'cp1.sn.wacap@example.org' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  async function principal(login: string): Promise<Principal> {
    return principalOfUser(await orm.em.fork().findOneOrFail(AppUser, { login }), '127.0.0.1', null);
  }

  async function transmitted(reference: string, network = 'WACAP'): Promise<void> {
    const r = await requests.create({ reference, network, requestingState: 'NG', requestedState: 'SN', requestType: 'MLA', urgent: false });
    await requests.sendEvent(r.id, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: 'NG' } }, r.version);
    ids[reference] = r.id;
  }

  async function facilitatedBy(login: string, reference: string): Promise<void> {
    const [{ version }] = await env.sql<{ version: number }>('select version from mla_request where id = $1', [ids[reference]]);
    await cases.sendEvent(await principal(login), ids[reference], { type: 'facilitationRecorded', action: 'CHASED_REQUESTED_SIDE' }, version);
  }

  const fireDue = (iso: string) => fireStagesDue(app, clock, new Date(iso));
  const sendDue = () => sendEmailsDue(app, clock);

  const senegalLevel2 = async (reference: string) =>
    (
      await orm.em
        .fork()
        .find(OutboxEmail, { request: ids[reference], stage: 'LEVEL_2', recipientEmail: { $like: '%sn%' } }, { orderBy: { recipientEmail: 'asc' } })
    ).map((r) => [r.recipientEmail, r.status]);

  it('before the handover: the leaving contact point facilitated two requests and has an escalation waiting', async () => {
    await transmitted('HO/1'); // Monday 1 March: acknowledgement due 8 March, level 2 on 22 March
    await transmitted('HO/1B');
    await facilitatedBy('cp1.sn.wacap', 'HO/1');
    await facilitatedBy('cp1.sn.wacap', 'HO/1B');
    await fireDue('2021-03-22T08:00:00Z');
    expect(await senegalLevel2('HO/1')).toEqual([
      ['cp1.sn.wacap@example.org', 'PENDING'],
      ['cp2.sn.wacap@example.org', 'PENDING'],
    ]);
  });

  /** The successor, a new person, entered in the directory on the day of the handover with a sign-in of their own. */
  async function enterSuccessor(): Promise<void> {
    const em = orm.em.fork();
    successor = new ContactPoint(
      await em.findOneOrFail(Network, { code: 'WACAP' }),
      await em.findOneOrFail(StateEntity, { code: 'SN' }),
      'Awa Diop',
      'awa.diop@justice.gouv.sn',
      'fr',
    );
    em.persist(successor);
    const { issuer } = await em.findOneOrFail(AppUser, { login: 'cp1.sn.wacap' });
    em.persist(
      new AppUser({
        login: 'awa.diop',
        issuer,
        subject: 'awa.diop',
        name: 'Awa Diop',
        email: successor.email,
        role: 'CONTACT_POINT',
        state: 'SN',
        network: 'WACAP',
        contactPointId: successor.id,
      }),
    );
    await em.flush();
  }

  it('hands over in one step: the waiting escalations go to the successor, the old sign-in stops, the facilitated requests move', async () => {
    // The day after the escalations fell due: they wait in the outbox (the mail server was down, say).
    clock.set(new Date('2021-03-23T10:00:00Z'));
    await enterSuccessor();
    const result = await app.get(ContactPointHandoverService).handover(leaving.id, { successorId: successor.id }, ADMIN);
    expect(result).toMatchObject({
      predecessor: { email: 'cp1.sn.wacap@example.org' },
      successor: { email: 'awa.diop@justice.gouv.sn', name: 'Awa Diop' },
      network: 'WACAP',
      state: 'SN',
      handedOverAt: '2021-03-23T10:00:00.000Z',
      openFacilitatedRequests: 2,
      emailsReaddressed: 2,
      emailsWithdrawn: 0,
      usersDeactivated: 1,
    });
    for (const reference of ['HO/1', 'HO/1B'])
      expect(await senegalLevel2(reference)).toEqual([
        ['awa.diop@justice.gouv.sn', 'PENDING'],
        ['cp2.sn.wacap@example.org', 'PENDING'],
      ]);
    expect(
      (await env.sql<{ n: number }>(`select count(*)::int as n from outbox_email where status = 'PENDING' and recipient_email = 'cp1.sn.wacap@example.org'`))[0]
        .n,
    ).toBe(0);
    expect((await orm.em.fork().findOneOrFail(AppUser, { login: 'cp1.sn.wacap' })).active).toBe(false);
    // The directory shows who left and to whom.
    const [senegal] = await app.get(DirectoryEntryService).search({ state: 'SN', network: 'WACAP' });
    expect(senegal.contactPoints.map((c) => [c.email, c.handedOverTo?.email ?? null])).toEqual([
      ['awa.diop@justice.gouv.sn', null],
      ['cp1.sn.wacap@example.org', 'awa.diop@justice.gouv.sn'],
      ['cp2.sn.wacap@example.org', null],
    ]);
    // The successor reads the requests the predecessor facilitated, as does the database (row-level
    // security); the history still names who did each step.
    expect((await cases.get(await principal('awa.diop'), ids['HO/1B'])).request.reference).toBe('HO/1B');
    const awa = await principal('awa.diop');
    const facilitated = await cases.withPrincipal(awa, (em) =>
      em.execute<Array<{ reference: string }>>(`select reference from mla_request where id in (select rogatory_facilitated_by(?::uuid)) order by reference`, [
        awa.userId,
      ]),
    );
    expect(facilitated.map((r) => r.reference)).toEqual(['HO/1', 'HO/1B']);
    const [step] = await env.sql<{ actor_name: string }>(`select actor_name from case_event where request_id = $1 and type = 'facilitationRecorded'`, [
      ids['HO/1B'],
    ]);
    expect(step.actor_name).toBe('Contact point 1 of Senegal (WACAP)');
  });

  it('sends the waiting escalations to the successor only, and every later one once (routed from the predecessor, and its own)', async () => {
    await sendDue();
    await transmitted('HO/2'); // Monday 22 March: level 2 ten business days after 29 March, Easter Monday off in Senegal
    await fireDue('2021-04-14T10:00:00Z');
    expect(await senegalLevel2('HO/2')).toEqual([
      ['awa.diop@justice.gouv.sn', 'PENDING'],
      ['cp2.sn.wacap@example.org', 'PENDING'],
    ]);
    await sendDue();
    const to = env.smtp.received.flatMap((m) => m.to);
    expect(to.filter((a) => a === 'awa.diop@justice.gouv.sn')).toHaveLength(3);
    expect(to).not.toContain('cp1.sn.wacap@example.org');
  });

  it('refuses a contact point who has left as a delegate or as absent, and counts it out of the colleagues available', async () => {
    const absences = app.get(ContactPointAbsenceService);
    const sn2 = await orm.em.fork().findOneOrFail(ContactPoint, { email: 'cp2.sn.wacap@example.org' });
    const away = { from: '2021-04-20', until: '2021-04-23' };
    await expect(absences.set(sn2.id, { ...away, delegateId: leaving.id }, ADMIN)).rejects.toMatchObject({
      errors: [{ field: 'delegateId', reason: 'cp1.sn.wacap@example.org has left (handed over to a successor)' }],
    });
    await expect(absences.set(leaving.id, { ...away, delegateId: sn2.id }, ADMIN)).rejects.toMatchObject({ code: 'CONFLICT' });
    // Two absences naming each other at the same moment: both answered (one may be refused), no deadlock.
    const both = await Promise.allSettled([
      absences.set(sn2.id, { ...away, delegateId: successor.id }, ADMIN),
      absences.set(successor.id, { ...away, delegateId: sn2.id }, ADMIN),
    ]);
    for (const r of both) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(both.some((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('serialises handovers that chain: A to B and B to C at once never leave A with a successor who has gone', async () => {
    const service = app.get(ContactPointHandoverService);
    const em = orm.em.fork();
    const [a, b, c] = await Promise.all(
      ['cp1.gh.wacap', 'cp2.gh.wacap']
        .map((email) => em.findOneOrFail(ContactPoint, { email: `${email}@example.org` }))
        .concat([
          (async () => {
            const cp = new ContactPoint(
              await em.findOneOrFail(Network, { code: 'WACAP' }),
              await em.findOneOrFail(StateEntity, { code: 'GH' }),
              'Kofi Mensah',
              'kofi@ag.gov.gh',
              'en',
            );
            await em.persistAndFlush(cp);
            return cp;
          })(),
        ]),
    );
    // Serialised on B's row: B to C first, then A to B sees that B has left (400); A to B first, then B to C is a chain A→B→C.
    const outcomes = await Promise.allSettled([service.handover(a.id, { successorId: b.id }, ADMIN), service.handover(b.id, { successorId: c.id }, ADMIN)]);
    expect(outcomes[1].status).toBe('fulfilled');
    if (outcomes[0].status === 'rejected')
      expect(outcomes[0].reason).toMatchObject({ errors: [{ field: 'successorId', reason: 'cp2.gh.wacap@example.org has left (handed over) too' }] });
    // Either way, what was meant for A now reaches C.
    const standIns = await app.get(DirectoryService).standIns(orm.em.fork());
    const { recipientId } = routeToStandIn(a.id, clock.now(), standIns);
    expect(recipientId).toBe(outcomes[0].status === 'fulfilled' ? c.id : a.id);
  });

  it('refuses a second handover, a successor of another State, an unknown contact point, and writes nothing', async () => {
    const service = app.get(ContactPointHandoverService);
    const before = await env.sql('select count(*)::int as n from contact_point_handover');
    await expect(service.handover(leaving.id, { successorId: successor.id }, ADMIN)).rejects.toMatchObject({ code: 'CONFLICT' });
    const ng = await orm.em.fork().findOneOrFail(ContactPoint, { email: 'cp1.ng.wacap@example.org' });
    await expect(service.handover(successor.id, { successorId: ng.id }, ADMIN)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'successorId', reason: expect.stringContaining('must be a contact point of SN in WACAP') }],
    });
    await expect(service.handover(successor.id, { successorId: leaving.id }, ADMIN)).rejects.toMatchObject({
      errors: [{ field: 'successorId', reason: 'cp1.sn.wacap@example.org has left (handed over) too' }],
    });
    await expect(service.handover('00000000-0000-4000-8000-000000000000', { successorId: successor.id }, ADMIN)).rejects.toThrow(NotFoundError);
    await expect(service.handover(successor.id, { successor: 'x' }, ADMIN)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await env.sql('select count(*)::int as n from contact_point_handover')).toEqual(before);
  });
});
