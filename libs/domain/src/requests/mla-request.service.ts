import { OptimisticLockError, QueryOrder, raw, UniqueConstraintViolationException, type QueryOrderMap } from '@mikro-orm/core';
import { EntityManager, MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Injectable } from '@nestjs/common';
import {
  allowedEvents,
  applyEvent,
  migrateSnapshot,
  MLA_REQUEST_MACHINE_VERSION,
  persistRequest,
  restoreRequest,
  startRequest,
  UnknownMachineVersionError,
  type Actor,
  type MlaRequestEvent,
  type MlaRequestEventType,
  type MlaRequestSnapshot,
} from '@rogatory/workflow';
import { randomUUID } from 'node:crypto';
import { Clock } from '../clock';
import { DeadlineService, type DeadlineLookups } from '../deadlines/deadline.service';
import { DirectoryService } from '../directory/directory.service';
import { CaseEvent, Deadline, MlaRequest } from '../entities';
import { DomainError, EventNotAllowedError, NotFoundError, StaleVersionError, ValidationFailedError } from '../errors';
import { lockCalendarsShared } from '../holidays/calendar-lock';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { validateCreateRequest, validateEventInput, type ValidCreateRequest, type ValidEventInput } from './request-validation';
import { SnapshotMigrationService } from './snapshot-migration.service';

export interface ApplyOptions {
  /** Import without replay: deadlines are recorded but no reminder goes out for stages already past. */
  skipPastStages?: boolean;
  /** Time the event is recorded (defaults to the clock). */
  recordedAt?: Date;
  /** The signed-in user who sent it (app_user id), kept on the event row. */
  actorUserId?: string | null;
  /**
   * Calendars and policies read once by a caller applying many events in one transaction (the register
   * import), which has taken the shared calendar locks of the request's States itself, before any row
   * lock: no lock is taken and nothing of these is read here (DeadlineLookups).
   */
  lookups?: DeadlineLookups;
}

/** Orders of a request list: newest first (`createdAt`), or by the earliest due instant of an open deadline (`nextDeadline`). */
export const REQUEST_SORTS = ['createdAt', 'nextDeadline'] as const;
export type RequestSort = (typeof REQUEST_SORTS)[number];

export interface RequestFilter {
  network?: string;
  requestingState?: string;
  requestedState?: string;
  /** ISO alpha-2 code: requests where this State is the requesting or the requested one. */
  counterpartState?: string;
  state?: string;
  /** Only requests with a deadline whose due instant has passed (overdue now). */
  overdue?: boolean;
  /** true: only requests flagged for an administrator; false: only those that are not. */
  attention?: boolean;
  limit?: number;
  offset?: number;
  /** Order of the list (default `createdAt`, newest first); see MlaRequestService.orderOf. */
  sort?: RequestSort;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Another request has this reference (unique). CONFLICT, HTTP 409, naming the field `reference`. */
export class ReferenceExistsError extends DomainError {
  constructor(reference: string) {
    super('CONFLICT', `reference ${reference} exists already`, { errors: [{ field: 'reference', reason: 'exists already' }] });
  }
}

/**
 * The request is flagged for an administrator (its stored snapshot cannot be placed in the current
 * machine): it takes no event until the flag is cleared. CONFLICT, HTTP 409; `details.attention` is the
 * reason. `newlyFlagged`: the flag was set by this very call (lazy migration), not yet written.
 */
export class RequestFlaggedError extends DomainError {
  constructor(
    reference: string,
    readonly attention: string,
    readonly newlyFlagged = false,
  ) {
    super('CONFLICT', `request ${reference} is flagged for an administrator: ${attention}`, { attention });
  }
}

/**
 * The unit of work of a case: loads the request, computes the next snapshot with the machine's pure
 * `transition()`, and in one transaction writes the snapshot, machine version, state column, the event
 * row and the deadline and outbox rows of the emitted effects; queues jobs after commit.
 */
@Injectable()
export class MlaRequestService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly deadlines: DeadlineService,
    private readonly jobs: JobDispatcher,
    private readonly snapshots: SnapshotMigrationService,
  ) {}

  /**
   * Creates a request in `draft`. Body: see validateCreateRequest (codes of DOMAIN.md §6, States known
   * to the directory). Throws ValidationFailedError naming every bad field, or DomainError CONFLICT
   * when the reference exists. Nothing is written on error.
   */
  async create(body: unknown): Promise<MlaRequest> {
    const { value, errors } = validateCreateRequest(body, await this.directory.stateCodes());
    if (!value) throw new ValidationFailedError(errors);
    const em = this.orm.em.fork();
    const request = this.newRequest(value, value.reference ?? this.generateReference(value));
    try {
      await em.persistAndFlush(request);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ReferenceExistsError(request.reference);
      throw err;
    }
    return request;
  }

  /** Builds an unsaved request entity in `draft` (used by create and by the register import). */
  newRequest(v: ValidCreateRequest, reference: string, importFingerprint: string | null = null): MlaRequest {
    const started = startRequest({ network: v.network, requestingState: v.requestingState, requestedState: v.requestedState, urgent: v.urgent });
    return new MlaRequest({
      reference,
      network: v.network,
      requestingState: v.requestingState,
      requestedState: v.requestedState,
      requestType: v.requestType,
      urgent: v.urgent,
      legalBasis: v.legalBasis,
      offences: v.offences,
      measures: v.measures,
      subject: v.subject,
      confidential: v.confidential,
      requestingAuthority: v.requestingAuthority,
      investigatingAuthority: v.investigatingAuthority,
      purpose: v.purpose,
      procedure: v.procedure,
      snapshot: persistRequest(started.snapshot),
      createdAt: this.clock.now(),
      importFingerprint,
    });
  }

  /** A reference `NG-GH/2026/1A2B3C4D` for a request created without one. */
  generateReference(v: Pick<ValidCreateRequest, 'requestingState' | 'requestedState'>): string {
    const year = this.clock.now().getUTCFullYear();
    return `${v.requestingState}-${v.requestedState}/${year}/${randomUUID().slice(0, 8).toUpperCase()}`;
  }

  /**
   * The request, or NotFoundError (also for an id that is not a UUID, and for one outside `opts.scope`,
   * a filter the request must also match). `opts.populate` loads lazy columns (subject, facts, persons).
   */
  async get(id: string, em: EntityManager = this.orm.em.fork(), opts: { scope?: FilterQuery<MlaRequest>; populate?: string[] } = {}): Promise<MlaRequest> {
    if (!UUID.test(id)) throw new NotFoundError('request', id);
    const r = await em.findOne(MlaRequest, opts.scope ? { $and: [{ id }, opts.scope] } : { id }, opts.populate ? { populate: opts.populate as never } : {});
    if (!r) throw new NotFoundError('request', id);
    return r;
  }

  /**
   * Events `actor` may send now, from the machine's `snapshot.can()`. None for a request flagged for an
   * administrator, nor for one whose snapshot is of an older machine version (placedSnapshot gives those).
   */
  allowedFor(request: MlaRequest, actor: Actor): MlaRequestEventType[] {
    if (request.attention !== null || request.machineVersion !== MLA_REQUEST_MACHINE_VERSION) return [];
    const snapshot = restoreOrNull(request.snapshot);
    return snapshot ? allowedEvents(snapshot, actor) : [];
  }

  /**
   * The request's snapshot in the current machine, to read: restored as stored, or, written by an older
   * machine version and not yet migrated, migrated in memory from its history (nothing is written; the
   * next event writes it). Null when the request is flagged for an administrator or cannot be placed.
   */
  async placedSnapshot(request: MlaRequest): Promise<MlaRequestSnapshot | null> {
    if (request.attention !== null) return null;
    if (request.machineVersion === MLA_REQUEST_MACHINE_VERSION) return restoreOrNull(request.snapshot);
    if (request.machineVersion > MLA_REQUEST_MACHINE_VERSION) return null;
    const events = await this.orm.em.fork().find(CaseEvent, { request: request.id }, { orderBy: { seq: 'asc' }, fields: ['type', 'occurredOn', 'payload'] });
    const m = migrateSnapshot(request.snapshot, events);
    return m.ok ? restoreOrNull(m.persisted) : null;
  }

  /** Open (or paused) deadlines of a request, earliest due first; on `em` when given (a caller's transaction). */
  async openDeadlines(requestId: string, em: EntityManager = this.orm.em.fork()): Promise<Deadline[]> {
    return em.find(Deadline, { request: requestId, status: { $in: ['OPEN', 'PAUSED'] } }, { orderBy: { dueAt: 'asc' } });
  }

  /** The event history of a request, in order (append-only). */
  async history(requestId: string): Promise<CaseEvent[]> {
    const em = this.orm.em.fork();
    await this.get(requestId, em);
    return em.find(CaseEvent, { request: requestId }, { orderBy: { seq: 'asc' } });
  }

  /** Requests matching the filter, newest first; with the total count (unscoped: the worker, the CLI, tests). */
  async list(f: RequestFilter): Promise<{ items: MlaRequest[]; total: number }> {
    const em = this.orm.em.fork();
    const [items, total] = await em.findAndCount(MlaRequest, this.filterWhere(em, f), {
      orderBy: this.orderOf(f.sort),
      limit: Math.min(f.limit ?? 50, 500),
      offset: f.offset ?? 0,
    });
    return { items, total };
  }

  /** The query of a RequestFilter (its limit and offset aside); the overdue filter is a subquery on `em`. */
  filterWhere(em: EntityManager, f: RequestFilter): FilterQuery<MlaRequest> {
    const where: FilterQuery<MlaRequest> = {};
    if (f.network) where.network = f.network.toUpperCase();
    if (f.requestingState) where.requestingState = f.requestingState.toUpperCase();
    if (f.requestedState) where.requestedState = f.requestedState.toUpperCase();
    if (f.counterpartState) {
      const state = f.counterpartState.toUpperCase();
      where.$or = [{ requestingState: state }, { requestedState: state }];
    }
    if (f.state) where.state = f.state;
    if (f.attention !== undefined) where.attention = f.attention ? { $ne: null } : null;
    if (f.overdue !== undefined) {
      // one query: the overdue deadlines as a subquery, not their ids loaded into memory
      const overdue = em
        .createQueryBuilder(Deadline, 'd')
        .select('d.request_id')
        .where({ status: 'OPEN', dueAt: { $lt: this.clock.now() } })
        .getKnexQuery();
      where.id = (f.overdue ? { $in: overdue } : { $nin: overdue }) as never;
    }
    return where;
  }

  /**
   * The ORDER BY of a request list, one SQL query whatever the sort. `createdAt` (default): newest first.
   * `nextDeadline`: the earliest due instant (`due_at`) among the request's OPEN deadlines first (a
   * correlated subquery, so the same scope and row-level security apply); requests without an open
   * deadline after all others; ties and those without, newest first. Reference breaks the last ties.
   */
  orderOf(sort: RequestSort = 'createdAt'): Array<QueryOrderMap<MlaRequest>> {
    const newestFirst: Array<QueryOrderMap<MlaRequest>> = [{ createdAt: QueryOrder.DESC }, { reference: QueryOrder.ASC }];
    if (sort === 'createdAt') return newestFirst;
    const nextDue = raw((alias: string) => `(select min(d.due_at) from deadline d where d.request_id = ${alias}.id and d.status = 'OPEN')`);
    return [{ [nextDue]: QueryOrder.ASC_NULLS_LAST } as QueryOrderMap<MlaRequest>, ...newestFirst];
  }

  /**
   * The open deadline (status OPEN) with the earliest due instant of each request of `requestIds`, by
   * request id; requests without one are absent. One query for the whole list.
   */
  async nextOpenDeadlines(requestIds: string[], em: EntityManager = this.orm.em.fork()): Promise<Map<string, Deadline>> {
    const next = new Map<string, Deadline>();
    if (requestIds.length === 0) return next;
    const open = await em.find(Deadline, { request: { $in: requestIds }, status: 'OPEN' }, { orderBy: [{ dueAt: QueryOrder.ASC }, { id: QueryOrder.ASC }] });
    for (const d of open) if (!next.has(d.request.id)) next.set(d.request.id, d);
    return next;
  }

  /**
   * Records a user's event on a request. `body` is `{ type, actor, ...payload }` (validateEventInput);
   * `expectedVersion` is the version the caller read (HTTP If-Match).
   * Errors: ValidationFailedError (bad body), NotFoundError, StaleVersionError (version changed, or a
   * concurrent event won: HTTP 409), RequestFlaggedError (flagged for an administrator: HTTP 409),
   * EventNotAllowedError (the machine refuses it now: HTTP 422, with the events allowed to this actor).
   * One transaction; nothing is written on error, except the flag of a request whose older snapshot this
   * event found it cannot place (written in a transaction of its own, then RequestFlaggedError).
   */
  async sendEvent(requestId: string, body: unknown, expectedVersion?: number): Promise<{ request: MlaRequest; event: CaseEvent }> {
    const { value, errors } = validateEventInput(body, await this.directory.stateCodes());
    if (!value) throw new ValidationFailedError(errors);
    return this.recordEvent(value, (work) => this.orm.em.fork().transactional((em) => work(em, this.get(requestId, em))), expectedVersion, requestId);
  }

  /**
   * The transaction of one validated event: `transaction(work)` opens it (plain, or scoped to a signed-in
   * user by CaseAccessService) and gives `work` its EntityManager and the request loaded in it; `extra`
   * runs in the same transaction after the event is written (the audit entry). Same errors as sendEvent.
   */
  async recordEvent(
    value: ValidEventInput,
    transaction: (work: (em: EntityManager, load: Promise<MlaRequest>) => Promise<void>) => Promise<void>,
    expectedVersion: number | undefined,
    requestId: string,
    extra?: (em: EntityManager, request: MlaRequest, event: CaseEvent) => Promise<void>,
  ): Promise<{ request: MlaRequest; event: CaseEvent }> {
    const now = this.clock.now();
    let jobs: PostCommitJob[] = [];
    let event: CaseEvent | undefined;
    let request: MlaRequest | undefined;
    try {
      await transaction(async (em, load) => {
        request = await load;
        // Flagged: refused whatever version the caller read (reloading would not help).
        if (request.attention !== null) throw new RequestFlaggedError(request.reference, request.attention);
        if (expectedVersion !== undefined && request.version !== expectedVersion) throw new StaleVersionError(expectedVersion, request.version);
        const occurredOn = await this.localDateOf(value.actor.state ?? request.requestedState, now, em);
        const suggested = value.payload.suggestedDeadline as { date: string } | undefined;
        if (suggested && suggested.date < occurredOn) {
          throw new ValidationFailedError([{ field: 'suggestedDeadline.date', reason: `must be on or after the transmission date (${occurredOn})` }]);
        }
        const machineEvent = { type: value.type, actor: value.actor, occurredAt: now.toISOString(), occurredOn, ...value.payload } as MlaRequestEvent;
        const result = await this.applyInTransaction(em, request, machineEvent, { actorUserId: value.actorUserId });
        event = result.event;
        jobs = result.jobs;
        if (extra) {
          await em.flush();
          await extra(em, request, event);
        }
      });
    } catch (err) {
      if (err instanceof OptimisticLockError || err instanceof UniqueConstraintViolationException) throw new StaleVersionError(expectedVersion ?? null, null);
      if (err instanceof RequestFlaggedError && err.newlyFlagged) await this.recordFlag(requestId, err.attention, now);
      throw err;
    }
    await this.jobs.dispatch(jobs);
    return { request: request!, event: event! };
  }

  /** Writes a flag found during an event whose transaction was rolled back; keeps a flag already there. */
  private async recordFlag(requestId: string, attention: string, at: Date): Promise<void> {
    await this.orm.em.fork().nativeUpdate(MlaRequest, { id: requestId, attention: null }, { attention, attentionSince: at });
  }

  /** Calendar date of `instant` in the time zone of `state` (DOMAIN.md §5 dating rule). */
  async localDateOf(state: string, instant: Date, em?: EntityManager): Promise<string> {
    return DateTime.fromJSDate(instant, { zone: await this.directory.timeZoneOf(state, em) }).toISODate() as string;
  }

  /**
   * Feeds one event to the machine inside the caller's transaction and writes its consequences. A request
   * whose snapshot is of an older machine version is migrated first, in this transaction
   * (SnapshotMigrationService). Throws RequestFlaggedError when the request is flagged for an
   * administrator, or gets flagged now because its snapshot cannot be placed (the flag is then set on the
   * entity: written if the caller commits); EventNotAllowedError when the machine refuses the event;
   * DomainError UNKNOWN_MACHINE_VERSION for a snapshot of a newer machine. Returns the event row and the
   * jobs to queue after commit.
   */
  async applyInTransaction(
    em: EntityManager,
    request: MlaRequest,
    event: MlaRequestEvent,
    opts: ApplyOptions,
  ): Promise<{ event: CaseEvent; jobs: PostCommitJob[] }> {
    // Before any row lock: the deadlines this event opens are counted in these States' calendars (a caller
    // with lookups has locked them already).
    if (!opts.lookups) await lockCalendarsShared(em, [request.requestingState, request.requestedState]);
    const now = opts.recordedAt ?? this.clock.now();
    if (request.attention !== null) throw new RequestFlaggedError(request.reference, request.attention);
    const upgrade = await this.snapshots.upgradeInTransaction(em, request, now);
    if (upgrade.status === 'flagged') throw new RequestFlaggedError(request.reference, upgrade.reason, true);
    let snapshot;
    try {
      snapshot = restoreRequest(request.snapshot);
    } catch (err) {
      if (err instanceof UnknownMachineVersionError) throw new DomainError('UNKNOWN_MACHINE_VERSION', err.message, { requestId: request.id });
      // A stored snapshot of this very version that the machine cannot place (altered in the database):
      // flagged for an administrator, never run in an error state.
      request.flagForAttention(`snapshot cannot be placed in machine version ${MLA_REQUEST_MACHINE_VERSION}: ${(err as Error).message}`, now);
      throw new RequestFlaggedError(request.reference, request.attention!, true);
    }
    const from = String(snapshot.value);
    const result = applyEvent(snapshot, event);
    if (!result.accepted) throw new EventNotAllowedError(event.type, from, allowedEvents(snapshot, event.actor), refusalHint(event));
    const jobs = await this.deadlines.apply(em, request, result.effects, { now, skipPastStages: opts.skipPastStages ?? false, lookups: opts.lookups });
    const { type, actor, occurredAt, occurredOn, inferred, ...payload } = event;
    const row = new CaseEvent({
      request,
      seq: ++request.eventCount,
      type,
      actorRole: actor.role,
      actorState: actor.state,
      actorName: actor.name ?? null,
      actorUserId: opts.actorUserId ?? null,
      occurredAt: new Date(occurredAt),
      occurredOn,
      inferred: inferred === true,
      payload,
      fromState: from,
      toState: result.state,
      recordedAt: now,
    });
    request.applySnapshot(persistRequest(result.snapshot), now);
    em.persist(row);
    return { event: row, jobs };
  }
}

/** The snapshot restored in the current machine, or null when it cannot be placed (the next event flags it). */
function restoreOrNull(persisted: MlaRequest['snapshot']): MlaRequestSnapshot | null {
  try {
    return restoreRequest(persisted);
  } catch {
    return null;
  }
}

function refusalHint(event: MlaRequestEvent): string | undefined {
  if (event.type === 'requestRefused')
    return 'a refusal comes after a consultation of the requesting State (UNTOC art. 18(26): consultationOpened first), with a ground of 18(21) and reasons (18(23)), by the requested central authority';
  if (event.type === 'executionPostponed')
    return 'a postponement of an execution comes after a consultation of the requesting State (UNTOC art. 18(26): consultationOpened first), with reasons (18(25))';
  if (event.type === 'requestWithdrawn') return 'only the requesting central authority may withdraw a transmitted request (18(24))';
  if (event.type === 'requestTransmitted')
    return 'only the requesting central authority transmits; the ORAL_URGENT channel is for urgent requests only (18(14))';
  return undefined;
}
