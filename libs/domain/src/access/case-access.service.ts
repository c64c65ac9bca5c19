import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { MlaRequestEventType, MlaRequestSnapshot } from '@rogatory/workflow';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../clock';
import { FieldCipher } from '../crypto/field-cipher';
import { DirectoryService } from '../directory/directory.service';
import { CaseEvent, Deadline, MlaRequest } from '../entities';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../errors';
import { MlaRequestService, ReferenceExistsError, type RequestFilter } from '../requests/mla-request.service';
import { validateCreateRequest, validateEventInput, type PersonConcerned } from '../requests/request-validation';
import { AppConfig } from '../config/app-config';
import { StatisticsService, type YearlyStatistics } from '../statistics/statistics.service';
import { AccessPolicy, FACILITATION_EVENTS, type CaseView } from './access-policy';
import { suppressSmallCounts, type SuppressedStatistics } from './small-counts';
import type { Principal } from './principal';

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
    const facilitated =
      p.role === 'CONTACT_POINT'
        ? em
            .createQueryBuilder(CaseEvent, 'e')
            .select('e.request_id')
            .where({ actorUserId: p.userId, type: { $in: FACILITATION_EVENTS } })
            .getKnexQuery()
        : [];
    return AccessPolicy.scope(p, facilitated);
  }

  /** Loads a request in scope, with its encrypted fields for a FULL view; NotFoundError otherwise. */
  private async load(em: EntityManager, p: Principal, id: string, view: CaseView): Promise<MlaRequest> {
    return this.requests.get(id, em, { scope: this.scope(em, p), populate: view === 'FULL' ? ['subject', 'factsEnc', 'personsEnc'] : undefined });
  }

  private async record(em: EntityManager, p: Principal, r: MlaRequest, view: CaseView): Promise<CaseRecord> {
    const full = view === 'FULL';
    return {
      request: r,
      view,
      factsSummary: full && r.factsEnc ? this.cipher.decrypt(r.factsEnc, aad(r.id, 'facts')) : null,
      personsConcerned: full ? (r.personsEnc ? (JSON.parse(this.cipher.decrypt(r.personsEnc, aad(r.id, 'persons'))) as PersonConcerned[]) : []) : null,
      allowedEvents: this.requests.allowedFor(r, AccessPolicy.actorOf(p)),
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
   * Requests in `p`'s scope matching `f` (the filter narrows the scope, never widens it), newest first,
   * with the total; audited (REQUEST_LISTED with the filter and the number returned).
   */
  async list(p: Principal, f: RequestFilter): Promise<{ items: MlaRequest[]; total: number; view: CaseView }> {
    const view = AccessPolicy.viewOf(p);
    return this.withPrincipal(p, async (em) => {
      const where: FilterQuery<MlaRequest> = { $and: [this.requests.filterWhere(em, f), this.scope(em, p)] };
      const [items, total] = await em.findAndCount(MlaRequest, where, {
        orderBy: { createdAt: 'desc', reference: 'asc' },
        limit: Math.min(f.limit ?? 50, 500),
        offset: f.offset ?? 0,
        ...(view === 'FULL' ? { populate: ['subject'] as never } : {}),
      });
      await this.audit.append(em, p, 'REQUEST_LISTED', null, { filter: { ...f }, returned: items.length, total });
      return { items, total, view };
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
            await work(em, this.load(em, p, id, view));
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
   * Yearly statistics (DOMAIN.md §5) over the requests in `p`'s scope: a central authority officer's
   * count the requests of their State, a contact point's those of their scope, a secretariat's those of
   * its network only (another `network` is NotFoundError, 404), with counts from 1 to
   * STATISTICS_MIN_COUNT - 1 suppressed (null, listed in `suppressed`). Audited (STATISTICS_READ, or
   * STATISTICS_EXPORTED for CSV).
   */
  async statistics(p: Principal, year: number, network: string | undefined, format: 'json' | 'csv'): Promise<ScopedStatistics> {
    let net = network;
    if (p.role === 'SECRETARIAT') {
      if (net !== undefined && net.toUpperCase() !== p.network) throw new NotFoundError('statistics of network', net);
      net = p.network!;
    }
    return this.withPrincipal(p, async (em) => {
      const s = await this.statisticsService.yearly(year, net, em, AccessPolicy.scopeSql(p));
      await this.audit.append(em, p, format === 'csv' ? 'STATISTICS_EXPORTED' : 'STATISTICS_READ', null, { year, network: net ?? null });
      return p.role === 'SECRETARIAT' ? suppressSmallCounts(s, this.config.statisticsMinCount) : s;
    });
  }
}

/**
 * Statistics are served through CaseAccessService.statistics: counted over the principal's scope, small
 * cells suppressed for a secretariat.
 */
export type ScopedStatistics = YearlyStatistics | SuppressedStatistics;

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
