import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import {
  checkCompleteness,
  type Completeness,
  type EventBase,
  type MlaRequestEvent,
  type MlaRequestEventType,
  type MlaRequestSnapshot,
} from '@rogatory/workflow';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../clock';
import { FieldCipher } from '../crypto/field-cipher';
import { DirectoryService } from '../directory/directory.service';
import { CaseEvent, Deadline, MlaRequest, Network } from '../entities';
import { EventNotAllowedError, ForbiddenError, NotFoundError, StaleVersionError, ValidationFailedError } from '../errors';
import { MlaRequestService, ReferenceExistsError, RequestFlaggedError, type RequestFilter } from '../requests/mla-request.service';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import {
  validateCreateRequest,
  validateDraftAmendment,
  validateEventInput,
  type DraftAmendment,
  type PersonConcerned,
  type ValidEventInput,
} from '../requests/request-validation';
import { AppConfig } from '../config/app-config';
import { StatisticsService, type Breakdown, type YearlyStatistics } from '../statistics/statistics.service';
import { PLENARY_CHART_YEARS, type PlenaryReportData } from '../statistics/plenary-report';
import { AccessPolicy, FACILITATED_BY_SQL, type CaseView } from './access-policy';
import { suppressBreakdown, suppressSmallCounts, type SuppressedBreakdown, type SuppressedStatistics } from './small-counts';
import type { Principal } from './principal';

/** The lazily loaded content of a request (its substance), read for a FULL view only. */
const CONTENT_FIELDS = ['subject', 'factsEnc', 'personsEnc', 'requestingAuthority', 'investigatingAuthority', 'purpose', 'procedure'] as const;

/** A case as one principal may read it: the request, their view, and (FULL view only) its decrypted contents. */
export interface CaseRecord {
  request: MlaRequest;
  view: CaseView;
  /** Summary of the facts (FULL view), else null. */
  factsSummary: string | null;
  /** Persons concerned (FULL view), else null. */
  personsConcerned: PersonConcerned[] | null;
  /** Events this principal may send now (from the machine). */
  allowedEvents: MlaRequestEventType[];
  /** What UNTOC art. 18(15) requires and the request lacks (FULL view), else null. */
  completeness: Completeness | null;
  /** The snapshot placed in the current machine (null when flagged). */
  snapshot: MlaRequestSnapshot | null;
  deadlines: Deadline[];
}

/**
 * Every read and change of a case made for a signed-in user goes through here, and only here: the
 * access policy's scope on every query, row-level security underneath (each call is one transaction run
 * as the principal's database role with its `rogatory.*` settings), the audit entry in the same
 * transaction, decryption only for the FULL view. A case outside the principal's scope is NotFoundError,
 * exactly as one that does not exist (HTTP 404).
 */
@Injectable()
export class CaseAccessService {
  constructor(
    private readonly orm: MikroORM,
    private readonly requests: MlaRequestService,
    private readonly directory: DirectoryService,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly statisticsService: StatisticsService,
    private readonly config: AppConfig,
    private readonly jobs: JobDispatcher,
  ) {}

  /**
   * Runs `fn` in one transaction as `p`: `SET LOCAL ROLE` to its database role (the writing role when
   * `write`) and the settings that the row-level security policies read. Commits when `fn` returns, rolls
   * back when it throws.
   */
  async withPrincipal<T>(p: Principal, fn: (em: EntityManager) => Promise<T>, opts: { write?: boolean } = {}): Promise<T> {
    // An event sent by a secretariat (facilitation) writes rows: the writing role, with the same row scope.
    const role = opts.write ? 'rogatory_case_reader' : AccessPolicy.databaseRoleOf(p);
    return this.orm.em.fork().transactional(async (em) => {
      // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
      await em.execute(
        `select set_config('role', ?, true), set_config('rogatory.role', ?, true), set_config('rogatory.state', ?, true), set_config('rogatory.network', ?, true), set_config('rogatory.user_id', ?, true)`,
        [role, p.role, p.state ?? '', p.network ?? '', p.userId],
      );
      return fn(em);
    });
  }

  /** The scope filter of `p` (AccessPolicy.scope with this principal's facilitations as a subquery). */
  private scope(em: EntityManager, p: Principal): FilterQuery<MlaRequest> {
    const facilitated = p.role === 'CONTACT_POINT' ? em.getKnex().raw(FACILITATED_BY_SQL, [p.userId]) : [];
    return AccessPolicy.scope(p, facilitated);
  }

  /** Loads a request in scope, with its encrypted fields for a FULL view; NotFoundError otherwise. */
  private async load(em: EntityManager, p: Principal, id: string, view: CaseView): Promise<MlaRequest> {
    return this.requests.get(id, em, { scope: this.scope(em, p), populate: view === 'FULL' ? [...CONTENT_FIELDS] : undefined });
  }

  private async record(em: EntityManager, p: Principal, r: MlaRequest, view: CaseView): Promise<CaseRecord> {
    const full = view === 'FULL';
    const factsSummary = full && r.factsEnc ? this.cipher.decrypt(r.factsEnc, aad(r.id, 'facts')) : null;
    const personsConcerned = full ? (r.personsEnc ? (JSON.parse(this.cipher.decrypt(r.personsEnc, aad(r.id, 'persons'))) as PersonConcerned[]) : []) : null;
    return {
      request: r,
      view,
      factsSummary,
      personsConcerned,
      allowedEvents: this.requests.allowedFor(r, AccessPolicy.actorOf(p)),
      completeness: full ? checkCompleteness({ ...r, factsSummary, personsConcerned: personsConcerned ?? [] }) : null,
      snapshot: await this.requests.placedSnapshot(r),
      deadlines: await this.requests.openDeadlines(r.id, em),
    };
  }

  /**
   * Creates a request in `draft` for a central authority officer of the requesting State. Body: see
   * validateCreateRequest, plus `factsSummary` (text, ≤ 20,000 characters) and `personsConcerned`
   * (≤ 100 of `{ name, nationality, location }`), both encrypted at rest, and `confidential` (18(20)).
   * Errors: ForbiddenError (403) for any other role; ValidationFailedError (400) naming each field,
   * including `requestingState` when it is not the officer's State; DomainError CONFLICT (409) for an
   * existing reference. One transaction with its audit entry; nothing is written on error.
   */
  async create(p: Principal, body: unknown): Promise<CaseRecord> {
    if (p.role !== 'CENTRAL_AUTHORITY') throw new ForbiddenError('only a central authority officer creates requests, for their own State');
    const { value, errors } = validateCreateRequest(body, await this.directory.stateCodes());
    if (!value) throw new ValidationFailedError(errors);
    if (value.requestingState !== p.state)
      throw new ValidationFailedError([{ field: 'requestingState', reason: `must be your State (${p.state}): you act for its central authority` }]);
    const reference = value.reference ?? this.requests.generateReference(value);
    try {
      return await this.withPrincipal(p, async (em) => {
        const r = this.requests.newRequest(value, reference);
        if (value.factsSummary !== null) r.factsEnc = this.cipher.encrypt(value.factsSummary, aad(r.id, 'facts'));
        if (value.personsConcerned.length) r.personsEnc = this.cipher.encrypt(JSON.stringify(value.personsConcerned), aad(r.id, 'persons'));
        em.persist(r);
        await em.flush();
        await this.audit.append(em, p, 'REQUEST_CREATED', r, {});
        return this.record(em, p, r, 'FULL');
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ReferenceExistsError(reference);
      throw err;
    }
  }

  /**
   * Amends the content of a draft (UNTOC art. 18(15) fields, see validateDraftAmendment) for its requesting
   * State's central authority officer, `expectedVersion` from If-Match: the changes and a `draftAmended`
   * event naming the fields changed (never their values: the history is not encrypted) commit together
   * with the audit entry, as one new version. The machine decides whether it applies (a draft or a draft
   * under informal consultation, the requesting central authority): EventNotAllowedError (422)
   * otherwise. Errors: ValidationFailedError (400) naming each field, NotFoundError (404) out of scope,
   * StaleVersionError (409).
   */
  async amendDraft(p: Principal, id: string, body: unknown, expectedVersion: number): Promise<CaseRecord & { event: CaseEvent }> {
    const { value: amendment, errors } = validateDraftAmendment(body);
    if (!amendment) throw new ValidationFailedError(errors);
    const fields = Object.keys(amendment).sort();
    let out: CaseRecord | undefined;
    const { event } = await this.requests.recordEvent(
      { type: 'draftAmended', actor: AccessPolicy.actorOf(p), payload: { fields }, actorUserId: p.userId },
      (work) =>
        this.withPrincipal(
          p,
          async (em) => {
            const load = this.load(em, p, id, 'FULL').then((r) => this.applyAmendment(r, amendment));
            await work(em, load);
          },
          { write: true },
        ),
      expectedVersion,
      id,
      async (em, r, e) => {
        await this.audit.append(em, p, 'EVENT_RECORDED', r, { type: e.type, seq: e.seq, fields });
        out = await this.record(em, p, r, 'FULL');
      },
    );
    return { ...out!, event };
  }

  /** Writes `a` onto the loaded request (facts and persons encrypted); the event's flush saves it. */
  private applyAmendment(r: MlaRequest, a: DraftAmendment): MlaRequest {
    const { factsSummary, personsConcerned, ...plain } = a;
    Object.assign(r, plain);
    if (factsSummary !== undefined) r.factsEnc = factsSummary === null ? null : this.cipher.encrypt(factsSummary, aad(r.id, 'facts'));
    if (personsConcerned !== undefined)
      r.personsEnc = personsConcerned.length ? this.cipher.encrypt(JSON.stringify(personsConcerned), aad(r.id, 'persons')) : null;
    return r;
  }

  /** One request in `p`'s scope, as `p` may read it; audited (REQUEST_READ). NotFoundError (404) out of scope. */
  async get(p: Principal, id: string): Promise<CaseRecord> {
    const view = AccessPolicy.viewOf(p);
    return this.withPrincipal(p, async (em) => {
      const r = await this.load(em, p, id, view);
      await this.audit.append(em, p, 'REQUEST_READ', r, { view });
      return this.record(em, p, r, view);
    });
  }

  /**
   * Requests in `p`'s scope matching `f` (the filter narrows the scope, never widens it), in the order of
   * `f.sort` (MlaRequestService.orderOf: newest first by default), with the total and, by request id, the
   * open deadline due first of each request of the page (`nextDeadlines`: one more query for the whole
   * page, under the same role and row-level security; a request without an open deadline is absent);
   * audited (REQUEST_LISTED with the filter and the number returned).
   */
  async list(p: Principal, f: RequestFilter): Promise<{ items: MlaRequest[]; total: number; view: CaseView; nextDeadlines: Map<string, Deadline> }> {
    const view = AccessPolicy.viewOf(p);
    return this.withPrincipal(p, async (em) => {
      const where: FilterQuery<MlaRequest> = { $and: [this.requests.filterWhere(em, f), this.scope(em, p)] };
      const [items, total] = await em.findAndCount(MlaRequest, where, {
        orderBy: this.requests.orderOf(f.sort),
        limit: Math.min(f.limit ?? 50, 500),
        offset: f.offset ?? 0,
        ...(view === 'FULL' ? { populate: ['subject'] as never } : {}),
      });
      const ids = items.map((r) => r.id);
      const nextDeadlines = await this.requests.nextOpenDeadlines(ids, em);
      await this.audit.append(em, p, 'REQUEST_LISTED', null, { filter: { ...f }, returned: items.length, total });
      return { items, total, view, nextDeadlines };
    });
  }

  /** The event history of a request in scope, oldest first; audited (HISTORY_READ). Payloads and names only in the FULL view. */
  async history(p: Principal, id: string): Promise<{ events: CaseEvent[]; view: CaseView }> {
    const view = AccessPolicy.viewOf(p);
    return this.withPrincipal(p, async (em) => {
      const r = await this.load(em, p, id, view);
      const events =
        view === 'FULL'
          ? await em.find(CaseEvent, { request: r.id }, { orderBy: { seq: 'asc' } })
          : await em.find(CaseEvent, { request: r.id }, { orderBy: { seq: 'asc' }, fields: METADATA_EVENT_FIELDS as never });
      await this.audit.append(em, p, 'HISTORY_READ', r, { view, events: events.length });
      return { events, view };
    });
  }

  /**
   * Records an event sent by `p` on a request in scope: body `{ type, ...payload }` (an `actor` field is
   * refused: the actor is `p`), `expectedVersion` from If-Match. Which events `p` may send is the
   * machine's decision (EventNotAllowedError, 422, lists them). Errors as MlaRequestService.sendEvent, and
   * NotFoundError (404) out of scope. The event and its audit entry commit together.
   */
  async sendEvent(p: Principal, id: string, body: unknown, expectedVersion?: number): Promise<CaseRecord & { event: CaseEvent }> {
    const view = AccessPolicy.viewOf(p);
    const { value, errors } = validateEventInput(body, await this.directory.stateCodes(), AccessPolicy.actorOf(p));
    if (!value) throw new ValidationFailedError(errors);
    value.actorUserId = p.userId;
    let out: CaseRecord | undefined;
    const { event } = await this.requests.recordEvent(
      value,
      (work) =>
        this.withPrincipal(
          p,
          async (em) => {
            // The scope check comes first: out of scope is 404 whatever the body.
            await work(
              em,
              this.load(em, p, id, view).then((r) => this.checkNetworkLink(em, p, r, value)),
            );
          },
          { write: true },
        ),
      expectedVersion,
      id,
      async (em, r, e) => {
        await this.audit.append(em, p, 'EVENT_RECORDED', r, { type: e.type, seq: e.seq, from: e.fromState, to: e.toState });
        out = await this.record(em, p, r, view);
      },
    );
    return { ...out!, event };
  }

  /**
   * Who may link a request to another network (a `facilitationRecorded` LINKED_OTHER_NETWORK) is an
   * access rule the machine cannot see: only the request's own network (its contact points, its
   * secretariat) reaches out, and only to a network that counts the requesting or the requested State
   * among its members (or OTHER, the programme outside the networks). EventNotAllowedError (422) otherwise.
   */
  private async checkNetworkLink(em: EntityManager, p: Principal, r: MlaRequest, e: ValidEventInput): Promise<MlaRequest> {
    if (e.type !== 'facilitationRecorded' || e.payload.action !== 'LINKED_OTHER_NETWORK') return r;
    const allowed = this.requests.allowedFor(r, AccessPolicy.actorOf(p));
    if (p.network !== r.network)
      throw new EventNotAllowedError(e.type, r.state, allowed, `only the request's own network (${r.network}) links it to another network`);
    const target = e.payload.network as string;
    if (target !== 'OTHER') {
      const [{ n }] = await em.execute<Array<{ n: number }>>('select count(*)::int as n from network_member where network_code = ? and state_code in (?, ?)', [
        target,
        r.requestingState,
        r.requestedState,
      ]);
      if (n === 0)
        throw new EventNotAllowedError(e.type, r.state, allowed, `${target} counts neither ${r.requestingState} nor ${r.requestedState} among its members`);
    }
    return r;
  }

  /**
   * Runs `fn` in one transaction of the writing role with `p`'s row scope (as sendEvent), giving it
   * `record(requestId, event)`: records on a request in `p`'s scope an event that a domain service built
   * and validated itself (not a user's body: e.g. `bilateralMeetingHeld`, which POST …/events refuses),
   * with `p` as its actor (AccessPolicy.actorOf), dated now (`occurredOn` in the actor's State, else the
   * requested State, as MlaRequestService.recordEvent), with its audit entry EVENT_RECORDED. The events and
   * whatever else `fn` writes commit together or not at all; the jobs of their effects are queued after
   * commit. `record` gives the request and the event row (its `seq` is the request's new version).
   * `fn` takes the calendar locks of the requests' States (lockCalendarsShared) before any row lock of its
   * own when it records on several requests. Errors of `record`: NotFoundError (404) out of scope,
   * RequestFlaggedError (409; a flag found now is written after the rollback), EventNotAllowedError (422,
   * the machine refuses it). A concurrent change of one of the requests: StaleVersionError (409).
   */
  async withRecordedEvents<T>(
    p: Principal,
    fn: (em: EntityManager, record: (requestId: string, event: EventBody) => Promise<{ request: MlaRequest; event: CaseEvent }>) => Promise<T>,
  ): Promise<T> {
    const actor = AccessPolicy.actorOf(p);
    const now = this.clock.now();
    const jobs: PostCommitJob[] = [];
    let flagged: { id: string; attention: string } | undefined;
    let result: T;
    try {
      result = await this.withPrincipal(
        p,
        (em) =>
          fn(em, async (requestId, body) => {
            const request = await this.load(em, p, requestId, AccessPolicy.viewOf(p));
            const occurredOn = await this.requests.localDateOf(actor.state ?? request.requestedState, now, em);
            const machineEvent = { ...body, actor, occurredAt: now.toISOString(), occurredOn } as MlaRequestEvent;
            try {
              const applied = await this.requests.applyInTransaction(em, request, machineEvent, { actorUserId: p.userId, recordedAt: now });
              jobs.push(...applied.jobs);
              const e = applied.event;
              await this.audit.append(em, p, 'EVENT_RECORDED', request, { type: e.type, seq: e.seq, from: e.fromState, to: e.toState });
              return { request, event: e };
            } catch (err) {
              if (err instanceof RequestFlaggedError && err.newlyFlagged) flagged = { id: request.id, attention: err.attention };
              throw err;
            }
          }),
        { write: true },
      );
    } catch (err) {
      if (flagged)
        await this.orm.em.fork().nativeUpdate(MlaRequest, { id: flagged.id, attention: null }, { attention: flagged.attention, attentionSince: now });
      if (err instanceof OptimisticLockError || err instanceof UniqueConstraintViolationException) throw new StaleVersionError(null, null);
      throw err;
    }
    await this.jobs.dispatch(jobs);
    return result;
  }

  /**
   * Yearly statistics (DOMAIN.md §5) over the requests in `p`'s scope: a central authority officer's
   * count the requests of their State, a contact point's those of their scope, a secretariat's those of
   * its network only (another `network` is NotFoundError, 404), with counts from 1 to
   * STATISTICS_MIN_COUNT - 1 suppressed (null, listed in `suppressed`). Audited (STATISTICS_READ for
   * JSON, STATISTICS_EXPORTED for a file: CSV, XLSX).
   */
  async statistics(p: Principal, year: number, network: string | undefined, format: StatisticsFormat): Promise<ScopedStatistics> {
    const net = this.statisticsNetwork(p, network);
    return this.withPrincipal(p, async (em) => {
      const s = await this.statisticsService.yearly(year, net, em, AccessPolicy.scopeSql(p));
      await this.audit.append(em, p, statisticsAction(format), null, { year, network: net ?? null, format });
      return p.role === 'SECRETARIAT' ? suppressSmallCounts(s, this.config.statisticsMinCount) : s;
    });
  }

  /**
   * The figures of DOMAIN.md §5 for calendar year `year` broken down `by` requestingState, requestedState,
   * requestType, offence or measure (StatisticsService.breakdown), over the requests in `p`'s scope and,
   * with `network`, of that network (own or linked). A METADATA reader (secretariat, administrator) gets a
   * confidential request (UNTOC art. 18(20)) under the key `CONFIDENTIAL`, never under its offences or
   * measures; a secretariat gets its own network only (another is NotFoundError, 404) with small counts
   * suppressed as in {@link statistics}. ValidationFailedError (400) naming `year`, `by` or `network`.
   * Audited (STATISTICS_READ for JSON, STATISTICS_EXPORTED for a file).
   */
  async breakdown(p: Principal, year: number, by: string, network: string | undefined, format: StatisticsFormat): Promise<ScopedBreakdown> {
    const net = this.statisticsNetwork(p, network);
    return this.withPrincipal(p, async (em) => {
      const b = await this.statisticsService.breakdown(year, by, {
        network: net,
        em,
        scope: AccessPolicy.scopeSql(p),
        maskConfidential: AccessPolicy.viewOf(p) === 'METADATA',
      });
      await this.audit.append(em, p, statisticsAction(format), null, { year, network: net ?? null, by, format });
      return p.role === 'SECRETARIAT' ? suppressBreakdown(b, this.config.statisticsMinCount) : b;
    });
  }

  /**
   * Yearly statistics of each calendar year from `from` to `to` (at most 20), for charts: as
   * {@link statistics}, in one query and one audit entry (STATISTICS_EXPORTED with `chart`). Returns the
   * network reported on (null: every network in scope), the years oldest first, and STATISTICS_MIN_COUNT
   * when small counts were suppressed (else null). ValidationFailedError (400) naming `from`, `to` or
   * `network`; NotFoundError (404) for a secretariat asking for another network.
   */
  async statisticsSeries(
    p: Principal,
    from: number,
    to: number,
    network: string | undefined,
    chart: string,
  ): Promise<{ network: string | null; years: ScopedStatistics[]; minCount: number | null }> {
    const net = this.statisticsNetwork(p, network);
    return this.withPrincipal(p, async (em) => {
      const years = await this.statisticsService.yearRange(from, to, net, em, AccessPolicy.scopeSql(p));
      await this.audit.append(em, p, 'STATISTICS_EXPORTED', null, { from, to, network: net ?? null, chart, format: 'svg' });
      const secretariat = p.role === 'SECRETARIAT';
      return {
        network: net?.toUpperCase() ?? null,
        years: secretariat ? years.map((y) => suppressSmallCounts(y, this.config.statisticsMinCount)) : years,
        minCount: secretariat ? this.config.statisticsMinCount : null,
      };
    });
  }

  /**
   * What the one-page plenary report of calendar year `year` shows (renderPlenaryReport): the network's
   * name, its figures, its breakdown by requested State and the figures of the PLENARY_CHART_YEARS years
   * up to `year` for its charts, each as {@link statistics} and {@link breakdown} serve them to `p`, read
   * in one transaction with one audit entry (STATISTICS_EXPORTED, format html). Counts only.
   * ValidationFailedError (400) naming `year` or `network`; NotFoundError (404) for a secretariat asking
   * for another network.
   */
  async plenaryReport(p: Principal, year: number, network: string | undefined): Promise<PlenaryReportData> {
    const net = this.statisticsNetwork(p, network);
    return this.withPrincipal(p, async (em) => {
      const scope = AccessPolicy.scopeSql(p);
      const yearly = await this.statisticsService.yearly(year, net, em, scope);
      const byState = await this.statisticsService.breakdown(year, 'requestedState', {
        network: net,
        em,
        scope,
        maskConfidential: AccessPolicy.viewOf(p) === 'METADATA',
      });
      const series = await this.statisticsService.yearRange(Math.max(1900, year - PLENARY_CHART_YEARS + 1), year, net, em, scope);
      const code = net?.toUpperCase();
      const n = code ? await em.findOne(Network, { code }) : null;
      await this.audit.append(em, p, 'STATISTICS_EXPORTED', null, { year, network: code ?? null, format: 'html', report: 'plenary' });
      const min = this.config.statisticsMinCount;
      const secretariat = p.role === 'SECRETARIAT';
      const stats = secretariat ? suppressSmallCounts(yearly, min) : yearly;
      return {
        year,
        network: code ? { code, name: n?.name ?? code } : null,
        statistics: stats,
        byRequestedState: secretariat ? suppressBreakdown(byState, min) : byState,
        series: series.map((y) => ({ year: y.year, figures: secretariat ? suppressSmallCounts(y, min).total : y.total })),
        generatedAt: this.clock.now(),
        minCount: secretariat ? min : null,
      };
    });
  }

  /** The network a principal's statistics are about: a secretariat's own (another is NotFoundError, 404); for others `network` as given. */
  private statisticsNetwork(p: Principal, network: string | undefined): string | undefined {
    if (p.role !== 'SECRETARIAT') return network;
    if (network !== undefined && network.toUpperCase() !== p.network) throw new NotFoundError('statistics of network', network);
    return p.network!;
  }
}

/** What a statistics read is served as: JSON (a read) or a file (an export: CSV, XLSX, SVG chart, HTML report). */
export type StatisticsFormat = 'json' | 'csv' | 'xlsx' | 'svg' | 'html';

function statisticsAction(format: StatisticsFormat): 'STATISTICS_READ' | 'STATISTICS_EXPORTED' {
  return format === 'json' ? 'STATISTICS_READ' : 'STATISTICS_EXPORTED';
}

/** A breakdown as served to a principal: small cells suppressed for a secretariat. */
export type ScopedBreakdown = Breakdown | SuppressedBreakdown;

/**
 * Statistics are served through CaseAccessService.statistics: counted over the principal's scope, small
 * cells suppressed for a secretariat.
 */
export type ScopedStatistics = YearlyStatistics | SuppressedStatistics;

/** An event as a domain service builds it for CaseAccessService.withRecordedEvents: its type and payload, without actor or dates. */
export type EventBody<E = MlaRequestEvent> = E extends unknown ? Omit<E, keyof EventBase> : never;

/** Additional authenticated data binding an encrypted field to its request and field. */
export function aad(requestId: string, field: 'facts' | 'persons'): string {
  return `mla_request:${requestId}:${field}`;
}

/** Fields of case_event that a METADATA view reads (the metadata database role may read no other). */
export const METADATA_EVENT_FIELDS = [
  'id',
  'request',
  'seq',
  'type',
  'actorRole',
  'actorState',
  'actorUserId',
  'occurredAt',
  'occurredOn',
  'inferred',
  'fromState',
  'toState',
  'recordedAt',
];
