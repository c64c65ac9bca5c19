import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { Audience } from '@rogatory/workflow';
import { CalendarRegistry, type ExtraHoliday, type Weekday } from '../calendar';
import { CentralAuthority, ContactPoint, Network, StateEntity, StateHoliday, type NotificationMode } from '../entities';
import { OTHER_NETWORK, placeholderEmail, readNetworksFile, stateName } from './directory-data';

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

  constructor(private readonly orm: MikroORM) {}

  /**
   * Loads networks.json into the directory: 3 networks plus OTHER, every State listed, a central
   * authority per State and `contactPointsPerState` contact points per member State (placeholder names,
   * addresses under example.org). Idempotent: existing rows are updated, none duplicated.
   */
  async seed(): Promise<SeedResult> {
    const data = readNetworksFile();
    const result: SeedResult = { networks: 0, states: 0, centralAuthorities: 0, contactPoints: 0 };
    await this.orm.em.fork().transactional(async (em) => {
      const states = new Map<string, StateEntity>();
      for (const [code, s] of Object.entries(data.states)) {
        const state = await em.upsert(StateEntity, { code, name: stateName(code), timeZone: s.timeZone, weekend: s.weekend, languages: s.languages });
        states.set(code, state);
        const ca = (await em.findOne(CentralAuthority, { state })) ?? em.create(CentralAuthority, new CentralAuthority(state, '', ''));
        ca.name = `Central authority of ${stateName(code)}`;
        ca.email = placeholderEmail.centralAuthority(code);
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
            const cp = (await em.findOne(ContactPoint, { network, email })) ?? em.create(ContactPoint, new ContactPoint(network, state, '', email, language));
            cp.name = `Contact point ${i} of ${state.name} (${n.code})`;
            cp.language = language;
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
    const registry = new CalendarRegistry(
      states.map((s) => ({ code: s.code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] })),
      extra,
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
      return cps.map((c) => ({
        name: c.name,
        email: c.email,
        language: c.language,
        otherLanguages: c.state.languages.filter((l) => l !== c.language),
        timeZone: c.state.timeZone,
        contactPoint: { id: c.id, notificationMode: c.notificationMode },
      }));
    }
    return secretariat();
  }
}
