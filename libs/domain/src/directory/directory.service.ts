import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { Audience } from '@rogatory/workflow';
import { CalendarRegistry, MemoizedCalendarRegistry, type ExtraHoliday, type Weekday } from '../calendar';
import { Clock } from '../clock';
import { CentralAuthority, ContactPoint, ContactPointHandover, Network, StateEntity, StateHoliday, type NotificationMode } from '../entities';
import { routeToStandIn, type StandIn, type StandIns } from './absence-routing';

/** A local date before any email: a handover covers everything not yet sent to the person who left. */
const LONG_AGO = '0001-01-01';
import { DEFAULT_CHANNELS, OTHER_NETWORK, placeholderEmail, readNetworksFile, stateName } from './directory-data';

/** Who receives a stage notification, and how to write to them. */
export interface Recipient {
  name: string;
  email: string;
  /**
   * ISO 639-1 code of the language to write in: a contact point's own language; a central authority's
   * State's first language; a network secretariat's first working language.
   */
  language: string;
  /**
   * Further languages the recipient reads, in order (the State's other languages, the network's other
   * working languages): tried in turn when no template exists for `language`, before English.
   */
  otherLanguages: string[];
  /** IANA time zone dates are written in: the recipient's State's; for a network secretariat, the owing State's. */
  timeZone: string;
  /** Set when the recipient is a contact point: its id and how it chose to be notified. */
  contactPoint: { id: string; notificationMode: NotificationMode } | null;
  /**
   * Set when this recipient stands in for an absent contact point (DirectoryService.standInFor): the
   * contact point the email was meant for.
   */
  standingInFor?: { id: string; name: string; email: string };
}

/** A contact point as a {@link Recipient}: its own language first, then its State's other languages; its State's time zone. */
export function contactPointRecipient(c: ContactPoint): Recipient {
  return {
    name: c.name,
    email: c.email,
    language: c.language,
    otherLanguages: c.state.languages.filter((l) => l !== c.language),
    timeZone: c.state.timeZone,
    contactPoint: { id: c.id, notificationMode: c.notificationMode },
  };
}

export interface SeedResult {
  networks: number;
  states: number;
  centralAuthorities: number;
  contactPoints: number;
}

/**
 * The directory: networks, States (time zone, weekend, languages), one central authority per State and
 * the contact points of each member State. Also gives the business-day calendars and the recipients of
 * reminders and escalations.
 */
@Injectable()
export class DirectoryService {
  private readonly logger = new Logger(DirectoryService.name);
  /** Registries by holiday-table fingerprint (at most 4: the committed one and those of open transactions). */
  private readonly calendars = new Map<string, CalendarRegistry>();
  private zones: Map<string, string> | null = null;
  private knownStates: Set<string> | null = null;
  /** The calendar warnings are logged once per process, at the first build. */
  private warned = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Loads networks.json into the directory: 3 networks plus OTHER, every State listed, a central
   * authority per State and `contactPointsPerState` contact points per member State (placeholder names,
   * addresses under example.org). Idempotent: existing rows are updated, none duplicated.
   *
   * What networks.json gives (networks, memberships, a State's name, time zone, weekend and languages) is
   * updated on every run. What the directory's users maintain is set only when the entry is created, so a
   * new run never undoes their work: a State's accepted languages (its languages), channels
   * (CENTRAL_AUTHORITY and DIPLOMATIC) and formal requirements (none); the names, addresses and languages
   * of central authorities and contact points. Entries are created never confirmed (`lastConfirmedAt`
   * null, hence stale at once: placeholders that nobody has checked), dated `createdAt` = the clock's now.
   */
  async seed(): Promise<SeedResult> {
    const data = readNetworksFile();
    const result: SeedResult = { networks: 0, states: 0, centralAuthorities: 0, contactPoints: 0 };
    const now = this.clock.now();
    await this.orm.em.fork().transactional(async (em) => {
      const states = new Map<string, StateEntity>();
      for (const [code, s] of Object.entries(data.states)) {
        let state = await em.findOne(StateEntity, { code });
        if (!state) {
          state = em.create(StateEntity, new StateEntity(code, stateName(code), s.timeZone, s.weekend, s.languages));
          Object.assign(state, { acceptedLanguages: [...s.languages], channels: [...DEFAULT_CHANNELS], formalRequirements: '', createdAt: now });
        }
        Object.assign(state, { name: stateName(code), timeZone: s.timeZone, weekend: s.weekend, languages: s.languages });
        states.set(code, state);
        if (!(await em.findOne(CentralAuthority, { state }))) {
          const ca = em.create(
            CentralAuthority,
            new CentralAuthority(state, `Central authority of ${stateName(code)}`, placeholderEmail.centralAuthority(code)),
          );
          ca.createdAt = now;
        }
        result.states++;
        result.centralAuthorities++;
      }
      for (const n of [...data.networks, OTHER_NETWORK]) {
        const network = await em.upsert(Network, {
          code: n.code,
          name: n.name,
          workingLanguages: n.workingLanguages,
          secretariatEmail: placeholderEmail.secretariat(n.code),
        });
        await network.members.init();
        for (const m of n.members) {
          const state = states.get(m);
          if (!state) throw new Error(`networks.json: member ${m} of ${n.code} has no entry in "states"`);
          if (!network.members.contains(state)) network.members.add(state);
          const language = state.languages.find((l) => n.workingLanguages.includes(l)) ?? n.workingLanguages[0] ?? 'en';
          for (let i = 1; i <= n.contactPointsPerState; i++) {
            const email = placeholderEmail.contactPoint(n.code, m, i);
            if (!(await em.findOne(ContactPoint, { network, email }))) {
              const cp = em.create(ContactPoint, new ContactPoint(network, state, `Contact point ${i} of ${state.name} (${n.code})`, email, language));
              cp.createdAt = now;
            }
            result.contactPoints++;
          }
        }
        result.networks++;
      }
    });
    this.calendars.clear();
    this.zones = null;
    this.knownStates = null;
    return result;
  }

  /**
   * Business-day calendars of every State in the directory, with the administrators' holiday table
   * (`state_holiday`) on top of date-holidays. One small query per call reads the table's fingerprint
   * on `em`'s connection (inside its transaction when given: no second connection is taken, and a
   * holiday being added in that transaction is seen); registries are cached by fingerprint, so the API
   * and the worker count alike as soon as a change commits.
   */
  async calendarRegistry(em?: EntityManager): Promise<CalendarRegistry> {
    const conn = em ?? this.orm.em.fork();
    const [{ fingerprint }] = await conn.execute<Array<{ fingerprint: string }>>(
      `select count(*) || ':' || coalesce(sum(hashtext(state_code || date::text || name)), 0) as fingerprint from state_holiday`,
    );
    const cached = this.calendars.get(fingerprint);
    if (cached) return cached;
    const states = await conn.find(StateEntity, {});
    const rows = await conn.find(StateHoliday, {}, { orderBy: { date: 'asc' } });
    const extra: Record<string, ExtraHoliday[]> = {};
    for (const h of rows) (extra[h.state.code] ??= []).push({ date: h.date, name: h.name });
    // Memoized: the same business-day walks and local times come back for every deadline of every event and
    // import on this registry (a holiday change gives a new fingerprint, so a new registry and memo).
    const registry = new MemoizedCalendarRegistry(
      new CalendarRegistry(
        states.map((s) => ({ code: s.code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] })),
        extra,
      ),
    );
    if (!this.warned) {
      this.warned = true;
      for (const w of registry.warnings()) this.logger.warn(w);
    }
    if (this.calendars.size >= 4) this.calendars.delete(this.calendars.keys().next().value as string); // the oldest
    this.calendars.set(fingerprint, registry);
    return registry;
  }

  /**
   * The IANA time zone of a State (cached after the first call, which reads on `em`'s connection when
   * given). Throws an Error naming an unknown code.
   */
  async timeZoneOf(state: string, em?: EntityManager): Promise<string> {
    if (!this.zones) {
      const states = await (em ?? this.orm.em.fork()).find(StateEntity, {}, { fields: ['code', 'timeZone'] });
      this.zones = new Map(states.map((s) => [s.code, s.timeZone]));
    }
    const zone = this.zones.get(state);
    if (!zone) throw new Error(`no time zone for unknown State ${JSON.stringify(state)}`);
    return zone;
  }

  /** ISO codes of the States in the directory (cached). */
  async stateCodes(): Promise<Set<string>> {
    if (!this.knownStates) {
      const states = await this.orm.em.fork().find(StateEntity, {}, { fields: ['code'] });
      this.knownStates = new Set(states.map((s) => s.code));
    }
    return this.knownStates;
  }

  /** Network codes in the directory, including OTHER. */
  async networkCodes(): Promise<Set<string>> {
    const networks = await this.orm.em.fork().find(Network, {}, { fields: ['code'] });
    return new Set(networks.map((n) => n.code));
  }

  /**
   * Who receives a stage notification (DOMAIN.md §4 ladder): the central authority of the owing State;
   * the contact points of both States in the request's network (falling back to the secretariat when
   * neither State has one there); or the network secretariat (for OTHER, the programme). Contact points
   * are returned whatever their notification mode; the caller skips those on DAILY_DIGEST.
   */
  async recipients(
    em: EntityManager,
    audience: Audience,
    r: { network: string; owingState: string; requestingState: string; requestedState: string },
  ): Promise<Recipient[]> {
    const network = await em.findOneOrFail(Network, { code: r.network });
    const secretariat = async (): Promise<Recipient[]> => {
      const owing = await em.findOne(StateEntity, { code: r.owingState });
      const [language = 'en', ...otherLanguages] = network.workingLanguages;
      return [
        {
          name: `${network.code} secretariat`,
          email: network.secretariatEmail,
          language,
          otherLanguages,
          timeZone: owing?.timeZone ?? 'UTC',
          contactPoint: null,
        },
      ];
    };
    if (audience === 'OWING_CENTRAL_AUTHORITY') {
      const ca = await em.findOne(CentralAuthority, { state: { code: r.owingState } }, { populate: ['state'] });
      if (!ca) return secretariat();
      const [language = 'en', ...otherLanguages] = ca.state.languages;
      return [{ name: ca.name, email: ca.email, language, otherLanguages, timeZone: ca.state.timeZone, contactPoint: null }];
    }
    if (audience === 'CONTACT_POINTS') {
      const cps = await em.find(
        ContactPoint,
        { network: { code: r.network }, state: { code: { $in: [r.requestingState, r.requestedState] } } },
        { orderBy: { state: 'asc', email: 'asc' }, populate: ['state'] },
      );
      if (!cps.length) return secretariat();
      return cps.map(contactPointRecipient);
    }
    return secretariat();
  }

  /**
   * Every contact point's stand-ins, for {@link standInFor}: first its handover to a successor
   * (ContactPointHandoverService: for every email not yet sent, whatever its due date, with no end), then
   * its absence with a delegate when one is recorded (ContactPointAbsenceService). Read on `em`'s
   * connection (inside the caller's transaction).
   */
  async standIns(em: EntityManager): Promise<StandIns> {
    const map = new Map<string, StandIn[]>();
    const add = (s: StandIn) => map.set(s.contactPointId, [...(map.get(s.contactPointId) ?? []), s]);
    const handovers = await em.find(ContactPointHandover, {});
    if (handovers.length) {
      const left = await em.find(ContactPoint, { id: { $in: handovers.map((h) => h.predecessorId) } }, { populate: ['state'] });
      const zone = new Map(left.map((c) => [c.id, c.state.timeZone]));
      for (const h of handovers) {
        const timeZone = zone.get(h.predecessorId)!;
        add({ contactPointId: h.predecessorId, timeZone, from: LONG_AGO, until: null, delegateId: h.successorId });
      }
    }
    const away = await em.find(
      ContactPoint,
      { absenceDelegate: { $ne: null }, absentFrom: { $ne: null }, absentUntil: { $ne: null } },
      { populate: ['state'] },
    );
    for (const c of away)
      add({ contactPointId: c.id, timeZone: c.state.timeZone, from: c.absentFrom!, until: c.absentUntil!, delegateId: c.absenceDelegate!.id });
    return map;
  }

  /**
   * The recipient who receives, at instant `at` (when the email is due to go out), what is meant for
   * `recipient`: `recipient` itself unless it is a contact point replaced that day by its local date
   * (absence-routing.ts, {@link routeToStandIn}); then the delegate (or the delegate's delegate…), with
   * the delegate's own name, address, language and time zone, `standingInFor` naming the absent one, and
   * the absent one's `contactPoint.notificationMode` kept (the delegate receives what the absent one
   * would have received, in the form that one chose: one email per stage, or in its daily digest).
   */
  async standInFor(em: EntityManager, recipient: Recipient, at: Date, standIns: StandIns): Promise<Recipient> {
    if (!recipient.contactPoint || !standIns.size) return recipient;
    const { recipientId } = routeToStandIn(recipient.contactPoint.id, at, standIns);
    if (recipientId === recipient.contactPoint.id) return recipient;
    const delegate = await em.findOne(ContactPoint, recipientId, { populate: ['state'] });
    if (!delegate) return recipient;
    return {
      ...contactPointRecipient(delegate),
      contactPoint: { id: delegate.id, notificationMode: recipient.contactPoint.notificationMode },
      standingInFor: { id: recipient.contactPoint.id, name: recipient.name, email: recipient.email },
    };
  }
}
