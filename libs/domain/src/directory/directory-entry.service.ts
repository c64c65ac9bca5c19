import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { MEASURES, NETWORK_CODES, type Measure } from '@rogatory/workflow';
import type { Principal } from '../access/principal';
import { Clock } from '../clock';
import { CentralAuthority, CompetentAuthority, ContactPoint, ContactPointHandover, StateEntity } from '../entities';
import { contentEtag, type Precondition } from '../entity-tag';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError, type FieldError } from '../errors';
import { localDateOf } from './absence-routing';
import { checkCompetentAuthority, checkStateEntry, isIso6391, staleness } from './directory-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kinds of directory entry, as named in the API's paths. */
export const DIRECTORY_KINDS = ['states', 'central-authorities', 'competent-authorities', 'contact-points'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

/** When an entry was last confirmed and whether it is stale (directory-rules.ts, {@link staleness}). Instants are ISO 8601 UTC. */
export interface ConfirmationView {
  lastConfirmedAt: string | null;
  /** Login of who confirmed it (an edit confirms too). */
  lastConfirmedBy: string | null;
  /** Never confirmed, or not for 365 days. */
  stale: boolean;
  /** When it became stale (a year after the last confirmation; never confirmed: when it was entered); null while not stale. */
  staleSince: string | null;
}

export interface CentralAuthorityEntry extends ConfirmationView {
  id: string;
  name: string;
  email: string;
}

export interface CompetentAuthorityEntry extends ConfirmationView {
  id: string;
  /** ISO 3166-1 alpha-2 code of its State. */
  state: string;
  name: string;
  email: string;
  /** MEASURES codes it executes. */
  measures: string[];
  /** Entity tag (quoted): a hash of state, name, email and measures; send it as If-Match with a change. */
  etag: string;
}

/** A contact point's absence as the directory shows it (while not over). */
export interface AbsenceSummary {
  /** First and last day (calendar dates of the contact point's State, both included). */
  from: string;
  until: string;
  /** Who receives its reminders, escalations and digests meanwhile. */
  delegate: { id: string; name: string; email: string; state: string; network: string };
}

export interface ContactPointEntry extends ConfirmationView {
  id: string;
  name: string;
  email: string;
  /** ISO 639-1 code of the language it is written to in. */
  language: string;
  network: string;
  /** Its absence, when one is recorded that is not over (by its State's date); else null. */
  absence: AbsenceSummary | null;
  /**
   * Set when it has left: the successor it handed over to (ContactPointHandoverService), who receives
   * everything meant for it; null for a contact point in office.
   */
  handedOverTo: { id: string; name: string; email: string; at: string } | null;
}

/** A State's entry of the directory, with its authorities and contact points. */
export interface StateEntry extends ConfirmationView {
  /** ISO 3166-1 alpha-2. */
  code: string;
  name: string;
  timeZone: string;
  /** Its official languages (ISO 639-1). */
  languages: string[];
  /** Networks it is a member of. */
  networks: string[];
  /** Languages it accepts a request in (UNTOC art. 18(14)). */
  acceptedLanguages: string[];
  /** Transmission channels it accepts (CHANNELS codes). */
  channels: string[];
  /** Its formal requirements, free text ('' when none are recorded). */
  formalRequirements: string;
  /**
   * Entity tag (quoted) of what PUT /directory/states/{code} changes: a hash of the accepted languages,
   * channels and requirements. A confirmation does not change it (what was read is still what is there).
   */
  etag: string;
  centralAuthority: CentralAuthorityEntry | null;
  competentAuthorities: CompetentAuthorityEntry[];
  contactPoints: ContactPointEntry[];
}

/** One entry of any kind, as the confirmation and the list of stale entries give it. */
export interface DirectoryEntrySummary extends ConfirmationView {
  kind: DirectoryKind;
  /** The State's ISO code for `states`; the uuid otherwise. */
  id: string;
  /** ISO code of the State it belongs to. */
  state: string;
  /** Network of a contact point; null for the other kinds. */
  network: string | null;
  name: string;
  /** Null for a State. */
  email: string | null;
}

/** Filters of the directory search; each optional, all must hold. */
export interface DirectorySearch {
  /** Member States of this network (OTHER: States member of none); contact points of that network only. */
  network?: string;
  /** One State (ISO code). */
  state?: string;
  /** States accepting a request in this language (ISO 639-1). */
  language?: string;
  /** States having a competent authority executing this measure. */
  measure?: Measure;
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/**
 * The directory as its users read and maintain it (issue 5): per State the languages and channels it
 * accepts and its formal requirements, its central authority, its competent authorities with the
 * measures they execute, and the contact points of its networks; every entry's last confirmation, and
 * which are stale (not confirmed for 365 days, or never). Directory data is not case data: every
 * signed-in role reads it; administrators change any of it, a contact point its own State's entries.
 * Time comes from the injected Clock.
 */
@Injectable()
export class DirectoryEntryService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the query of GET /directory/states (`network`, `state`, `language`, `measure`, each at most
   * once; network and measure codes and State codes in any case, a language as ISO 639-1 in lower case)
   * and returns the filters. Throws ValidationFailedError naming each bad or unknown parameter.
   */
  parseSearch(query: Record<string, unknown>): DirectorySearch {
    const errors: FieldError[] = [];
    const known = ['network', 'state', 'language', 'measure'];
    for (const k of Object.keys(query)) if (!known.includes(k)) errors.push({ field: k, reason: `is not a filter (filters: ${known.join(', ')})` });
    const { network, state, language, measure } = query;
    const out: DirectorySearch = {};
    if (network !== undefined) {
      if (typeof network !== 'string' || !(NETWORK_CODES as readonly string[]).includes(network.trim().toUpperCase()))
        errors.push({ field: 'network', reason: `must be one of ${NETWORK_CODES.join(', ')}, given once` });
      else out.network = network.trim().toUpperCase();
    }
    if (state !== undefined) {
      if (typeof state !== 'string' || !/^[A-Za-z]{2}$/.test(state.trim()))
        errors.push({ field: 'state', reason: 'must be an ISO 3166-1 alpha-2 code, given once' });
      else out.state = state.trim().toUpperCase();
    }
    if (language !== undefined) {
      if (!isIso6391(language)) errors.push({ field: 'language', reason: 'must be an ISO 639-1 code in lower case (e.g. fr), given once' });
      else out.language = language;
    }
    if (measure !== undefined) {
      if (typeof measure !== 'string' || !(MEASURES as readonly string[]).includes(measure.trim().toUpperCase()))
        errors.push({ field: 'measure', reason: `must be one of ${MEASURES.join(', ')}, given once` });
      else out.measure = measure.trim().toUpperCase() as Measure;
    }
    if (errors.length) throw new ValidationFailedError(errors);
    return out;
  }

  /**
   * The States matching `filter` (see {@link DirectorySearch}), ordered by code, each with its central
   * authority, competent authorities (by name) and contact points (by network and email; of `filter.network`
   * only when given), every entry with its confirmation and staleness at the clock's now.
   */
  async search(filter: DirectorySearch = {}): Promise<StateEntry[]> {
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const states = await em.find(StateEntity, filter.state ? { code: filter.state } : {}, { orderBy: { code: 'asc' } });
    const members = await em
      .getConnection()
      .execute<Array<{ network_code: string; state_code: string }>>(`select network_code, state_code from network_member order by network_code`);
    const networksOf = new Map<string, string[]>();
    for (const m of members) networksOf.set(m.state_code, [...(networksOf.get(m.state_code) ?? []), m.network_code]);
    const cas = new Map((await em.find(CentralAuthority, {})).map((c) => [c.state.code, c]));
    const competent = await em.find(CompetentAuthority, {}, { orderBy: { name: 'asc', email: 'asc' } });
    const cps = await em.find(ContactPoint, filter.network ? { network: { code: filter.network } } : {}, {
      populate: ['state', 'absenceDelegate'],
      orderBy: { network: { code: 'asc' }, email: 'asc' },
    });
    const matches = (s: StateEntity): boolean => {
      const networks = networksOf.get(s.code) ?? [];
      if (filter.network && (filter.network === 'OTHER' ? networks.length > 0 : !networks.includes(filter.network))) return false;
      if (filter.language && !s.acceptedLanguages.includes(filter.language)) return false;
      if (filter.measure && !competent.some((c) => c.state.code === s.code && c.measures.includes(filter.measure!))) return false;
      return true;
    };
    const byId = new Map(cps.map((c) => [c.id, c]));
    const handedOver = new Map<string, ContactPointEntry['handedOverTo']>();
    for (const h of await em.find(ContactPointHandover, {})) {
      const to = byId.get(h.successorId);
      if (to) handedOver.set(h.predecessorId, { id: to.id, name: to.name, email: to.email, at: h.handedOverAt.toISOString() });
    }
    return states.filter(matches).map((s) => this.stateEntry(s, networksOf.get(s.code) ?? [], cas.get(s.code) ?? null, competent, cps, now, handedOver));
  }

  /** One State's entry (code in any case), as {@link search} gives it. NotFoundError for a code not in the directory. */
  async one(code: string): Promise<StateEntry> {
    const up = typeof code === 'string' && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
    const [entry] = up ? await this.search({ state: up }) : [];
    if (!entry) throw new NotFoundError('State', code);
    return entry;
  }

  /**
   * Records that someone checked an entry and found it right: its `lastConfirmedAt` becomes the clock's now
   * and `lastConfirmedBy` the login of `by`; returns the entry's summary (no longer stale).
   * Who may: an ADMINISTRATOR any entry; a CONTACT_POINT its own contact point entry and its own State's
   * entries (the State, its central authority, its competent authorities). Throws NotFoundError for an
   * unknown kind, an unknown id, or an entry outside the contact point's scope (as if unknown, like a
   * case outside one's scope); ForbiddenError for the other roles. Nothing is written then.
   */
  async confirm(kind: string, id: string, by: Principal): Promise<DirectoryEntrySummary> {
    if (by.role !== 'ADMINISTRATOR' && by.role !== 'CONTACT_POINT')
      throw new ForbiddenError('only administrators and contact points confirm directory entries');
    const admin = by.role === 'ADMINISTRATOR';
    const now = this.clock.now();
    return this.orm.em.fork().transactional(async (em) => {
      const confirm = <T extends { lastConfirmedAt: Date | null; lastConfirmedBy: string | null }>(e: T): T => {
        e.lastConfirmedAt = now;
        e.lastConfirmedBy = by.login;
        return e;
      };
      let summary: DirectoryEntrySummary;
      switch (kind) {
        case 'states': {
          const code = /^[A-Za-z]{2}$/.test(id) ? id.toUpperCase() : null;
          const s = code ? await em.findOne(StateEntity, { code }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
          if (!s || (!admin && by.state !== s.code)) throw new NotFoundError('State', id);
          summary = this.summary('states', confirm(s), now);
          break;
        }
        case 'central-authorities': {
          const ca = UUID.test(id) ? await em.findOne(CentralAuthority, id, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
          if (!ca || (!admin && by.state !== ca.state.code)) throw new NotFoundError('central authority', id);
          summary = this.summary('central-authorities', confirm(ca), now);
          break;
        }
        case 'competent-authorities': {
          const c = UUID.test(id) ? await em.findOne(CompetentAuthority, id, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
          if (!c || (!admin && by.state !== c.state.code)) throw new NotFoundError('competent authority', id);
          summary = this.summary('competent-authorities', confirm(c), now);
          break;
        }
        case 'contact-points': {
          const cp = UUID.test(id) ? await em.findOne(ContactPoint, id, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
          if (!cp || (!admin && by.contactPointId !== cp.id)) throw new NotFoundError('contact point', id);
          summary = this.summary('contact-points', confirm(cp), now);
          break;
        }
        default:
          throw new NotFoundError('directory entries of kind', kind);
      }
      await em.flush();
      return summary;
    });
  }

  /**
   * Every entry stale at the clock's now (never confirmed, or not for 365 days), the longest stale first
   * (by `staleSince`, then kind and State), optionally of one `kind` and/or one `state` (ISO code).
   * Throws ValidationFailedError naming a bad or unknown parameter.
   */
  async stale(query: Record<string, unknown> = {}): Promise<DirectoryEntrySummary[]> {
    const errors: FieldError[] = [];
    for (const k of Object.keys(query)) if (k !== 'kind' && k !== 'state') errors.push({ field: k, reason: 'is not a filter (filters: kind, state)' });
    const { kind, state } = query;
    if (kind !== undefined && (typeof kind !== 'string' || !(DIRECTORY_KINDS as readonly string[]).includes(kind)))
      errors.push({ field: 'kind', reason: `must be one of ${DIRECTORY_KINDS.join(', ')}, given once` });
    if (state !== undefined && (typeof state !== 'string' || !/^[A-Za-z]{2}$/.test(state)))
      errors.push({ field: 'state', reason: 'must be an ISO 3166-1 alpha-2 code, given once' });
    if (errors.length) throw new ValidationFailedError(errors);
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const all: DirectoryEntrySummary[] = [
      ...(await em.find(StateEntity, {})).map((s) => this.summary('states', s, now)),
      ...(await em.find(CentralAuthority, {})).map((c) => this.summary('central-authorities', c, now)),
      ...(await em.find(CompetentAuthority, {})).map((c) => this.summary('competent-authorities', c, now)),
      ...(await em.find(ContactPoint, {})).map((c) => this.summary('contact-points', c, now)),
    ];
    const order = (k: DirectoryKind) => DIRECTORY_KINDS.indexOf(k);
    return all
      .filter((e) => e.stale && (!kind || e.kind === kind) && (!state || e.state === (state as string).toUpperCase()))
      .sort(
        (a, b) =>
          a.staleSince!.localeCompare(b.staleSince!) ||
          order(a.kind) - order(b.kind) ||
          a.state.localeCompare(b.state) ||
          (a.network ?? '').localeCompare(b.network ?? '') ||
          (a.email ?? '').localeCompare(b.email ?? ''),
      );
  }

  /**
   * Replaces what a State's entry says about requests to it: `{ acceptedLanguages, channels,
   * formalRequirements }` (directory-rules.ts, checkStateEntry), and confirms the entry (now, by `by`).
   * Who may: an ADMINISTRATOR, or a CONTACT_POINT of that State (for another State: NotFoundError, as if
   * unknown). `precondition` (the caller's If-Match) is called with the entry's current tag while its row
   * is locked. Returns the entry as {@link one} gives it. Throws NotFoundError, ForbiddenError (other
   * roles), ValidationFailedError naming each bad field, or what `precondition` throws; nothing is written then.
   */
  async editState(code: string, body: unknown, by: Principal, precondition?: Precondition): Promise<StateEntry> {
    if (by.role !== 'ADMINISTRATOR' && by.role !== 'CONTACT_POINT')
      throw new ForbiddenError("only administrators and the State's contact points edit its entry");
    const up = /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
    if (!up || (by.role !== 'ADMINISTRATOR' && by.state !== up)) throw new NotFoundError('State', code);
    const checked = checkStateEntry(body);
    if (checked.errors.length) throw new ValidationFailedError(checked.errors);
    const input = checked.value!;
    await this.orm.em.fork().transactional(async (em) => {
      const s = await em.findOne(StateEntity, { code: up }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!s) throw new NotFoundError('State', code);
      precondition?.(stateEtag(s));
      Object.assign(s, input, { lastConfirmedAt: this.clock.now(), lastConfirmedBy: by.login });
      await em.flush();
    });
    return this.one(up);
  }

  /**
   * Adds a competent authority (administrator): body `{ state, name, email, measures }`
   * (directory-rules.ts, checkCompetentAuthority), entered and confirmed now by `by`. Returns it with its
   * entity tag. Throws ValidationFailedError naming each bad field, ConflictError when its State already
   * has an authority with that address; nothing is written then.
   */
  async createCompetentAuthority(body: unknown, by: Principal): Promise<CompetentAuthorityEntry> {
    const known = new Set((await this.orm.em.fork().find(StateEntity, {}, { fields: ['code'] })).map((s) => s.code));
    const checked = checkCompetentAuthority(body, true, known);
    if (checked.errors.length) throw new ValidationFailedError(checked.errors);
    const input = checked.value!;
    const now = this.clock.now();
    return this.duplicateAsConflict(input.state!, input.email, async (em) => {
      const state = await em.findOneOrFail(StateEntity, { code: input.state! });
      await this.refuseDuplicate(em, state.code, input.email, null);
      const c = em.create(CompetentAuthority, new CompetentAuthority(state, input.name, input.email, input.measures, now));
      Object.assign(c, { lastConfirmedAt: now, lastConfirmedBy: by.login });
      await em.flush();
      return this.competentEntry(c, now);
    });
  }

  /**
   * Changes a competent authority (administrator): body `{ name, email, measures }` (its State stays),
   * confirmed now by `by`; `precondition` (If-Match) is called with its current tag under a row lock.
   * Throws NotFoundError (unknown id), ValidationFailedError, ConflictError (another authority of its
   * State has that address), or what `precondition` throws; nothing is written then.
   */
  async updateCompetentAuthority(id: string, body: unknown, by: Principal, precondition?: Precondition): Promise<CompetentAuthorityEntry> {
    if (!UUID.test(id)) throw new NotFoundError('competent authority', id);
    const checked = checkCompetentAuthority(body, false, new Set());
    if (checked.errors.length) throw new ValidationFailedError(checked.errors);
    const input = checked.value!;
    const now = this.clock.now();
    return this.duplicateAsConflict('its State', input.email, async (em) => {
      const c = await em.findOne(CompetentAuthority, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!c) throw new NotFoundError('competent authority', id);
      precondition?.(competentEtag(c));
      await this.refuseDuplicate(em, c.state.code, input.email, c.id);
      Object.assign(c, { name: input.name, email: input.email, measures: input.measures, lastConfirmedAt: now, lastConfirmedBy: by.login });
      await em.flush();
      return this.competentEntry(c, now);
    });
  }

  /**
   * Runs `work` in a transaction; a competent authority with the same State and address committed by a
   * concurrent call meanwhile (the unique index, after {@link refuseDuplicate} saw none) is the same
   * ConflictError (409), not a 500.
   */
  private async duplicateAsConflict<T>(state: string, email: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.orm.em.fork().transactional(work);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`${state} already has a competent authority with the address ${email}`);
      throw err;
    }
  }

  private async refuseDuplicate(em: EntityManager, state: string, email: string, except: string | null): Promise<void> {
    const other = await em.findOne(CompetentAuthority, { state: { code: state }, email, ...(except ? { id: { $ne: except } } : {}) });
    if (other) throw new ConflictError(`${state} already has a competent authority with the address ${email} (${other.id})`, { id: other.id });
  }

  /** The summary of one entry (kind, id, State, network, name, email, confirmation, staleness at `now`). */
  summary(kind: DirectoryKind, e: StateEntity | CentralAuthority | CompetentAuthority | ContactPoint, now: Date): DirectoryEntrySummary {
    const base = confirmation(e, now);
    if (e instanceof StateEntity) return { kind, id: e.code, state: e.code, network: null, name: e.name, email: null, ...base };
    const network = e instanceof ContactPoint ? e.network.code : null;
    return { kind, id: e.id, state: e.state.code, network, name: e.name, email: e.email, ...base };
  }

  private stateEntry(
    s: StateEntity,
    networks: string[],
    ca: CentralAuthority | null,
    competent: CompetentAuthority[],
    cps: ContactPoint[],
    now: Date,
    handedOver: ReadonlyMap<string, ContactPointEntry['handedOverTo']>,
  ): StateEntry {
    return {
      code: s.code,
      name: s.name,
      timeZone: s.timeZone,
      languages: s.languages,
      networks,
      acceptedLanguages: s.acceptedLanguages,
      channels: s.channels,
      formalRequirements: s.formalRequirements,
      etag: stateEtag(s),
      ...confirmation(s, now),
      centralAuthority: ca ? { id: ca.id, name: ca.name, email: ca.email, ...confirmation(ca, now) } : null,
      competentAuthorities: competent.filter((c) => c.state.code === s.code).map((c) => this.competentEntry(c, now)),
      contactPoints: cps.filter((c) => c.state.code === s.code).map((c) => contactPointEntry(c, now, handedOver.get(c.id) ?? null)),
    };
  }

  private competentEntry(c: CompetentAuthority, now: Date): CompetentAuthorityEntry {
    return { id: c.id, state: c.state.code, name: c.name, email: c.email, measures: c.measures, etag: competentEtag(c), ...confirmation(c, now) };
  }
}

/** Confirmation and staleness of an entry at `now`. */
function confirmation(e: { lastConfirmedAt: Date | null; lastConfirmedBy: string | null; createdAt: Date }, now: Date): ConfirmationView {
  const { stale, staleSince } = staleness(e.lastConfirmedAt, e.createdAt, now);
  return { lastConfirmedAt: iso(e.lastConfirmedAt), lastConfirmedBy: e.lastConfirmedBy, stale, staleSince: iso(staleSince) };
}

/** A contact point's entry; its absence shown until its last day has passed in its State (`c.state` populated). */
function contactPointEntry(c: ContactPoint, now: Date, handedOverTo: ContactPointEntry['handedOverTo']): ContactPointEntry {
  const d = c.absenceDelegate;
  const showAbsence = d && c.absentFrom && c.absentUntil && c.absentUntil >= localDateOf(now, c.state.timeZone);
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    language: c.language,
    network: c.network.code,
    absence: showAbsence
      ? { from: c.absentFrom!, until: c.absentUntil!, delegate: { id: d.id, name: d.name, email: d.email, state: d.state.code, network: d.network.code } }
      : null,
    handedOverTo,
    ...confirmation(c, now),
  };
}

/** Entity tag of what PUT /directory/states/{code} changes. */
export function stateEtag(s: StateEntity): string {
  return contentEtag([s.code, s.acceptedLanguages, s.channels, s.formalRequirements]);
}

/** Entity tag of a competent authority. */
export function competentEtag(c: CompetentAuthority): string {
  return contentEtag([c.id, c.state.code, c.name, c.email, c.measures]);
}
