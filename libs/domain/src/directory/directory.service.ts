import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { Audience } from '@rogatory/workflow';
import { CalendarRegistry, type Weekday } from '../calendar';
import { CentralAuthority, ContactPoint, Network, StateEntity } from '../entities';
import { OTHER_NETWORK, placeholderEmail, readNetworksFile, stateName } from './directory-data';

export interface Recipient {
  name: string;
  email: string;
  /** ISO 639-1 code of the language to write in. */
  language: string;
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
  private calendars: CalendarRegistry | null = null;
  private knownStates: Set<string> | null = null;

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
    this.calendars = null;
    this.knownStates = null;
    return result;
  }

  /** Business-day calendars of every State in the directory (cached; reset by seed()). */
  async calendarRegistry(): Promise<CalendarRegistry> {
    if (!this.calendars) {
      const states = await this.orm.em.fork().find(StateEntity, {});
      this.calendars = new CalendarRegistry(states.map((s) => ({ code: s.code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] })));
      for (const w of this.calendars.warnings()) this.logger.warn(w);
    }
    return this.calendars;
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
   * neither State has one there); or the network secretariat (for OTHER, the programme).
   */
  async recipients(
    em: EntityManager,
    audience: Audience,
    r: { network: string; owingState: string; requestingState: string; requestedState: string },
  ): Promise<Recipient[]> {
    const network = await em.findOneOrFail(Network, { code: r.network });
    const secretariat = (): Recipient[] => [
      { name: `${network.code} secretariat`, email: network.secretariatEmail, language: network.workingLanguages[0] ?? 'en' },
    ];
    if (audience === 'OWING_CENTRAL_AUTHORITY') {
      const ca = await em.findOne(CentralAuthority, { state: { code: r.owingState } }, { populate: ['state'] });
      if (!ca) return secretariat();
      return [{ name: ca.name, email: ca.email, language: ca.state.languages[0] ?? 'en' }];
    }
    if (audience === 'CONTACT_POINTS') {
      const cps = await em.find(
        ContactPoint,
        { network: { code: r.network }, state: { code: { $in: [r.requestingState, r.requestedState] } } },
        { orderBy: { state: 'asc', email: 'asc' } },
      );
      return cps.length ? cps.map((c) => ({ name: c.name, email: c.email, language: c.language })) : secretariat();
    }
    return secretariat();
  }
}
