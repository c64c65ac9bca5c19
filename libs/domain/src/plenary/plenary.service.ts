import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEADLINE_STEPS, NETWORK_CODES, type BilateralMeetingOutcome } from '@rogatory/workflow';
import { AccessPolicy } from '../access/access-policy';
import { CaseAccessService } from '../access/case-access.service';
import type { Principal } from '../access/principal';
import { protectDimensions } from '../access/small-counts';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../clock';
import { AppConfig } from '../config/app-config';
import { AGENDA_REASONS, BilateralMeeting, BilateralMeetingItem, MlaRequest, PlenaryMeeting, type AgendaReason } from '../entities';
import { ConflictError, DomainError, EventNotAllowedError, ForbiddenError, NotFoundError, ValidationFailedError, type FieldError } from '../errors';
import { lockCalendarsShared } from '../holidays/calendar-lock';
import { validateNoBody, validateOutcomes, validatePlenaryInput } from './plenary-validation';

/** A plenary meeting as served. */
export interface PlenaryView {
  id: string;
  network: string;
  /** Calendar date `YYYY-MM-DD`. */
  date: string;
  place: string;
  /** Login of who entered it. */
  createdBy: string;
  /** UTC instant, ISO 8601. */
  createdAt: string;
  /** Bilateral meetings proposed so far. */
  bilateralMeetings: number;
  /** Requests on their agendas (those the reader may see). */
  agendaItems: number;
}

/** The step a request waits on: its open deadline due first (DOMAIN.md §4). */
export interface StepOwedView {
  step: string;
  /** ISO code of the State that owes it. */
  owedByState: string;
  /** Due date, a calendar date of the owing State (counted in its business days, or calendar days, per §4). */
  dueOn: string;
}

/** The outcome recorded for a request at a bilateral meeting. */
export interface ItemOutcomeView {
  outcome: BilateralMeetingOutcome;
  /** UTC instant, ISO 8601. */
  recordedAt: string;
  /** Login of the secretariat member who recorded it. */
  recordedBy: string;
  /** `seq` of the request's `bilateralMeetingHeld` event. */
  eventSeq: number;
}

/**
 * One request on a bilateral meeting's agenda: metadata only (never facts, persons concerned, subject or
 * notes; no offences or measures for a confidential request, UNTOC art. 18(20)).
 */
export interface AgendaItemView {
  requestId: string;
  reference: string;
  network: string;
  requestingState: string;
  requestedState: string;
  requestType: string;
  urgent: boolean;
  confidential: boolean;
  /** Empty for a confidential request. */
  offences: string[];
  /** Empty for a confidential request. */
  measures: string[];
  /** State of the request in the workflow (e.g. `awaitingAcknowledgement`). */
  state: string;
  transmittedOn: string | null;
  /** The open deadline due first, or null when none is open. */
  stepOwed: StepOwedView | null;
  /**
   * Calendar days from `stepOwed.dueOn` to `daysOverdueAsOf` (0 when not yet due); null without a step owed.
   * Calendar days, not business days: what the two delegations compare across calendars.
   */
  daysOverdue: number | null;
  /** The later of the plenary's date and today in the owing State: the plenary date until it has passed, then today. */
  daysOverdueAsOf: string | null;
  /** Highest escalation level (0–4, DOMAIN.md §4) a reminder ladder of this request reached; 0 for none. */
  escalationLevel: number;
  listedForPlenary: boolean;
  /** Why it is on the agenda: LEVEL_4 (escalation level 4 reached) and/or FLAGGED (a contact point escalated it to the secretariat). */
  why: AgendaReason[];
  /** The outcome recorded at the meeting, or null. */
  outcome: ItemOutcomeView | null;
}

/** A bilateral meeting with its agenda. */
export interface BilateralMeetingView {
  id: string;
  plenaryId: string;
  /** The two States, in alphabetical order of their codes. */
  states: Array<{ code: string; name: string }>;
  /** Most overdue first, then by reference. */
  items: AgendaItemView[];
}

/** The bilateral meetings of a plenary, each with its agenda. */
export interface PlenaryMeetingsView {
  plenary: PlenaryView;
  meetings: BilateralMeetingView[];
}

/** One bilateral meeting's agenda, with its plenary. */
export interface AgendaView {
  plenary: PlenaryView;
  meeting: BilateralMeetingView;
}

/** What a proposals run did, and the meetings after it. */
export interface ProposalsView extends PlenaryMeetingsView {
  /** Requests put on an agenda by this run. */
  added: number;
  /** Requests already on an agenda (without outcome) whose reasons this run completed (FLAGGED, then LEVEL_4 too). */
  updated: number;
}

/** Age of an open request: calendar days since its transmission. */
export const AGE_BUCKETS = ['0-30', '31-90', '91-180', '181-365', '>365'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/**
 * Open requests of a network (transmitted, not closed) counted three ways. For a secretariat, counts
 * from 1 to STATISTICS_MIN_COUNT - 1 are null and their paths listed in `suppressed`, as in statistics.
 */
export interface OpenRequestsSummary {
  network: string;
  /** Date the ages and counts are taken at (UTC date of the clock). */
  asOf: string;
  total: number | null;
  /** Per ordered pair requesting → requested State, by requesting then requested State. */
  byPair: Array<{ requestingState: string; requestedState: string; count: number | null }>;
  /** Per step owed (the open deadline due first), `NONE` when no deadline is open; every step listed. */
  byStep: Record<string, number | null>;
  /** Per age bucket, calendar days since transmission in the requesting State (0–30, 31–90, 91–180, 181–365, >365). */
  byAge: Record<AgeBucket, number | null>;
  /** Paths of suppressed counts: `total`, `byPair.NG-GH`, `byStep.EXECUTION`, `byAge.0-30`. */
  suppressed: string[];
  /** The suppression threshold applied (STATISTICS_MIN_COUNT), or null when nothing is suppressed for this reader (administrator). */
  minCount: number | null;
}

interface AgendaRow {
  meeting_id: string;
  request_id: string;
  reasons: AgendaReason[];
  item_outcome: BilateralMeetingOutcome | null;
  outcome_recorded_at: Date | null;
  outcome_recorded_by: string | null;
  outcome_event_seq: number | null;
  reference: string;
  network: string;
  requesting_state: string;
  requested_state: string;
  request_type: string;
  urgent: boolean;
  confidential: boolean;
  offences: string[];
  measures: string[];
  state: string;
  transmitted_on: string | null;
  listed_for_plenary: boolean;
  step: string | null;
  owed_by_state: string | null;
  due_on: string | null;
  as_of: string | null;
  days_overdue: number | null;
  escalation_level: number;
}

interface CandidateRow {
  id: string;
  requesting_state: string;
  requested_state: string;
  listed_for_plenary: boolean;
  level4_at: Date | null;
  flagged_at: Date | null;
  resolved_at: Date | null;
}

/** The open deadline due first of request `r` (lateral subquery). */
const STEP_OWED_SQL = `select d.step, d.owed_by_state, d.due_on from deadline d where d.request_id = r.id and d.status = 'OPEN' order by d.due_on, d.step limit 1`;

/**
 * Plenary meetings of a network, the bilateral meetings proposed for them per pair of States, their
 * agendas and outcomes, and the secretariat's summary of open requests (DOMAIN.md §1: the network
 * secretariat "schedules bilateral meetings at the plenary for stuck cases"; §4 level 4: "the case goes
 * on the list of bilateral meetings for the network's next plenary").
 *
 * Who: the secretariat of the network (everything), an administrator (creates plenaries and reads; the
 * workflow takes a meeting's outcome from the secretariat only). Other roles: ForbiddenError (403); a
 * plenary, meeting or network of another secretariat: NotFoundError (404). Every call is one transaction
 * as the principal (CaseAccessService.withPrincipal: its database role, row-level security) with its
 * audit entry; requests are read as metadata only, within the principal's scope.
 */
@Injectable()
export class PlenaryService {
  constructor(
    private readonly cases: CaseAccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Creates a plenary meeting of `network` from `{ date: 'YYYY-MM-DD', place }` (validatePlenaryInput).
   * For that network's secretariat or an administrator. Errors: ForbiddenError (403) other roles;
   * NotFoundError (404) an unknown network or another secretariat's; ValidationFailedError (400) naming
   * `date` or `place`; ConflictError (409, naming `date`) when the network has a plenary on that date.
   * Audited PLENARY_CREATED. Nothing is written on error.
   */
  async createPlenary(p: Principal, network: string, body: unknown): Promise<PlenaryView> {
    const net = this.networkFor(p, network, ['SECRETARIAT', 'ADMINISTRATOR']);
    const input = validatePlenaryInput(body);
    try {
      return await this.cases.withPrincipal(
        p,
        async (em) => {
          const plenary = new PlenaryMeeting({ network: net, ...input, createdBy: p.login, createdByUserId: p.userId, createdAt: this.clock.now() });
          em.persist(plenary);
          await em.flush();
          await this.audit.append(em, p, 'PLENARY_CREATED', null, { plenaryId: plenary.id, network: net, date: plenary.date });
          return plenaryView(plenary, 0, 0);
        },
        { write: true },
      );
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException)
        throw new ConflictError(`the ${net} network has a plenary meeting on ${input.date} already`, {
          errors: [{ field: 'date', reason: 'this network has a plenary meeting on that date already' }],
        });
      throw err;
    }
  }

  /**
   * The plenary meetings of `network`, latest date first. For that network's secretariat or an
   * administrator (ForbiddenError, NotFoundError as createPlenary). Audited PLENARY_READ.
   */
  async listPlenaries(p: Principal, network: string): Promise<PlenaryView[]> {
    const net = this.networkFor(p, network, ['SECRETARIAT', 'ADMINISTRATOR']);
    return this.cases.withPrincipal(p, async (em) => {
      const plenaries = await em.find(PlenaryMeeting, { network: net }, { orderBy: { date: 'desc' } });
      const counts = await this.counts(em, plenaries);
      await this.audit.append(em, p, 'PLENARY_READ', null, { network: net, returned: plenaries.length });
      return plenaries.map((m) => plenaryView(m, counts.get(m.id)?.meetings ?? 0, counts.get(m.id)?.items ?? 0));
    });
  }

  /** One plenary meeting. NotFoundError (404) when unknown or of another secretariat's network. Audited PLENARY_READ. */
  async getPlenary(p: Principal, id: string): Promise<PlenaryView> {
    this.roleIn(p, ['SECRETARIAT', 'ADMINISTRATOR']);
    return this.cases.withPrincipal(p, async (em) => {
      const plenary = await this.loadPlenary(em, p, id);
      await this.audit.append(em, p, 'PLENARY_READ', null, { plenaryId: plenary.id });
      return this.plenaryWithCounts(em, plenary);
    });
  }

  /**
   * Proposes the bilateral meetings of a plenary (its network's secretariat only), from the requests of
   * the network or linked to it (`linked_networks`), within the secretariat's scope, that are not closed
   * and either reached escalation level 4 (`listed_for_plenary`, DOMAIN.md §4) or were flagged by a
   * contact point (a `facilitationRecorded` event with action ESCALATED_TO_SECRETARIAT): one meeting per
   * unordered pair of States, each request on it once with why (LEVEL_4, FLAGGED).
   *
   * Idempotent: a new run adds the requests that qualify since, completes the reasons of those already on
   * an agenda without outcome, and duplicates nothing. A request given the outcome RESOLVED at another
   * plenary of the network is proposed again only on evidence dated after that outcome: a level-4
   * escalation (`deadlineReached` LEVEL_4) or a contact point's flag recorded later; its reasons are then
   * only those. Errors: ForbiddenError (403) other roles; NotFoundError (404) unknown plenary or another
   * network's; ValidationFailedError (400) for any body field. Audited BILATERAL_MEETINGS_PROPOSED. Runs
   * of the same plenary are serialised (row lock on the plenary).
   */
  async proposeBilateralMeetings(p: Principal, plenaryId: string, body: unknown): Promise<ProposalsView> {
    this.roleIn(p, ['SECRETARIAT']);
    validateNoBody(body);
    return this.cases.withPrincipal(
      p,
      async (em) => {
        const plenary = await this.loadPlenary(em, p, plenaryId, true);
        const now = this.clock.now();
        const scope = AccessPolicy.scopeSql(p);
        const candidates = await em.execute<CandidateRow[]>(
          `select r.id, r.requesting_state, r.requested_state, r.listed_for_plenary,
             (select max(e.occurred_at) from case_event e
               where e.request_id = r.id and e.type = 'deadlineReached' and e.payload ->> 'stage' = 'LEVEL_4') as level4_at,
             (select max(e.occurred_at) from case_event e
               where e.request_id = r.id and e.type = 'facilitationRecorded' and e.actor_role = 'CONTACT_POINT'
                 and e.payload ->> 'action' = 'ESCALATED_TO_SECRETARIAT') as flagged_at,
             (select max(i.outcome_recorded_at) from bilateral_meeting_item i join bilateral_meeting m on m.id = i.meeting_id
               where i.request_id = r.id and i.outcome = 'RESOLVED' and m.plenary_id <> ?) as resolved_at
           from mla_request r
           where r.closed_on is null and (r.network = ? or ? = any(r.linked_networks))
             and r.id in (select id from mla_request where ${scope.sql})
           order by r.reference`,
          [plenary.id, plenary.network, plenary.network, ...scope.params],
        );
        const meetings = await em.find(BilateralMeeting, { plenary });
        const byPair = new Map(meetings.map((m) => [`${m.firstState}|${m.secondState}`, m]));
        const items = await em.find(BilateralMeetingItem, { meeting: { plenary } });
        const byRequest = new Map(items.map((i) => [i.request.id, i]));
        let added = 0;
        let updated = 0;
        for (const c of candidates) {
          const reasons = agendaReasons(c);
          if (!reasons.length) continue;
          const existing = byRequest.get(c.id);
          if (existing) {
            const merged = AGENDA_REASONS.filter((r) => existing.reasons.includes(r) || reasons.includes(r));
            if (existing.outcome === null && merged.length !== existing.reasons.length) {
              existing.reasons = merged;
              updated++;
            }
            continue;
          }
          const pair: [string, string] = [c.requesting_state, c.requested_state].sort() as [string, string];
          let meeting = byPair.get(pair.join('|'));
          if (!meeting) {
            meeting = new BilateralMeeting(plenary, pair, now);
            em.persist(meeting);
            byPair.set(pair.join('|'), meeting);
          }
          em.persist(new BilateralMeetingItem(meeting, em.getReference(MlaRequest, c.id), reasons, now));
          added++;
        }
        await em.flush();
        await this.audit.append(em, p, 'BILATERAL_MEETINGS_PROPOSED', null, { plenaryId: plenary.id, added, updated });
        return { ...(await this.meetingsOf(em, plenary)), added, updated };
      },
      { write: true },
    );
  }

  /**
   * The bilateral meetings of a plenary, each with its agenda (AgendaItemView), in the order of their
   * States' codes. For the network's secretariat or an administrator; NotFoundError (404) as getPlenary.
   * Audited AGENDA_READ.
   */
  async listBilateralMeetings(p: Principal, plenaryId: string): Promise<PlenaryMeetingsView> {
    this.roleIn(p, ['SECRETARIAT', 'ADMINISTRATOR']);
    return this.cases.withPrincipal(p, async (em) => {
      const plenary = await this.loadPlenary(em, p, plenaryId);
      const view = await this.meetingsOf(em, plenary);
      await this.audit.append(em, p, 'AGENDA_READ', null, { plenaryId: plenary.id, meetings: view.meetings.length });
      return view;
    });
  }

  /**
   * The agenda of one bilateral meeting: for each request its reference, requesting and requested State,
   * state, step owed and who owes it, due date, days overdue (calendar days from the due date to the
   * plenary's date, or to today in the owing State once the plenary has passed), escalation level reached
   * and why it is on the agenda, with any outcome recorded. NotFoundError (404) when unknown or of another
   * secretariat's network. Audited AGENDA_READ.
   */
  async agenda(p: Principal, meetingId: string): Promise<AgendaView> {
    this.roleIn(p, ['SECRETARIAT', 'ADMINISTRATOR']);
    return this.cases.withPrincipal(p, async (em) => {
      const meeting = await this.loadMeeting(em, p, meetingId);
      const view = await this.meetingsOf(em, meeting.plenary, meeting.id);
      await this.audit.append(em, p, 'AGENDA_READ', null, { plenaryId: meeting.plenary.id, meetingId: meeting.id, items: view.meetings[0].items.length });
      return { plenary: view.plenary, meeting: view.meetings[0] };
    });
  }

  /**
   * Records the outcomes of a bilateral meeting, `{ items: [{ requestId, outcome, note? }] }`
   * (validateOutcomes), by the network's secretariat: each on the meeting's agenda item and as a
   * `bilateralMeetingHeld { meetingId, outcome, note? }` event of the request, actor the signed-in
   * secretariat user, all in one transaction (all or nothing). The note goes only into the request's
   * history (read by the central authorities and contact points), never onto the agenda.
   * Errors: ForbiddenError (403) other roles; ValidationFailedError (400) for a bad body, and naming
   * `items[i].requestId` for a request not on this meeting's agenda; NotFoundError (404) unknown meeting
   * or another network's; ConflictError (409, naming `items[i].requestId`) for a request whose outcome is
   * recorded already; EventNotAllowedError (422, naming `items[i].requestId`) when the workflow refuses
   * the event (the request was closed meanwhile); RequestFlaggedError or StaleVersionError (409).
   * Audited BILATERAL_OUTCOMES_RECORDED, and EVENT_RECORDED per request. Returns the agenda after.
   */
  async recordOutcomes(p: Principal, meetingId: string, body: unknown): Promise<AgendaView> {
    this.roleIn(p, ['SECRETARIAT']);
    const outcomes = validateOutcomes(body);
    return this.cases.withRecordedEvents(p, async (em, record) => {
      const found = await this.loadMeeting(em, p, meetingId);
      // Calendar locks first (every event's transaction takes them before any row lock): all requests of a meeting are between its two States.
      await lockCalendarsShared(em, [found.firstState, found.secondState]);
      await this.loadPlenary(em, p, found.plenary.id, true);
      const items = await em.find(BilateralMeetingItem, { meeting: found.id });
      const byRequest = new Map(items.map((i) => [i.request.id, i]));
      const notOnAgenda: FieldError[] = [];
      const recorded: FieldError[] = [];
      outcomes.forEach((o, i) => {
        const item = byRequest.get(o.requestId);
        if (!item) notOnAgenda.push({ field: `items[${i}].requestId`, reason: 'is not on the agenda of this bilateral meeting' });
        else if (item.outcome !== null)
          recorded.push({
            field: `items[${i}].requestId`,
            reason: `has its outcome already: ${item.outcome}, recorded ${item.outcomeRecordedAt!.toISOString()}`,
          });
      });
      if (notOnAgenda.length) throw new ValidationFailedError(notOnAgenda);
      if (recorded.length) throw new ConflictError(`an outcome is recorded already for ${recorded.map((e) => e.field).join(', ')}`, { errors: recorded });
      const now = this.clock.now();
      for (const [i, o] of outcomes.entries()) {
        let seq: number;
        try {
          const { event } = await record(o.requestId, {
            type: 'bilateralMeetingHeld',
            meetingId: found.id,
            outcome: o.outcome,
            ...(o.note !== undefined ? { note: o.note } : {}),
          });
          seq = event.seq;
        } catch (err) {
          if (err instanceof EventNotAllowedError)
            throw new DomainError('EVENT_NOT_ALLOWED', `items[${i}].requestId: ${err.message}`, {
              ...err.details,
              errors: [{ field: `items[${i}].requestId`, reason: 'the workflow takes no meeting outcome for this request now (closed since?)' }],
            });
          throw err;
        }
        const item = byRequest.get(o.requestId)!;
        Object.assign(item, { outcome: o.outcome, outcomeRecordedAt: now, outcomeRecordedBy: p.login, outcomeEventSeq: seq });
      }
      await em.flush();
      await this.audit.append(em, p, 'BILATERAL_OUTCOMES_RECORDED', null, {
        plenaryId: found.plenary.id,
        meetingId: found.id,
        outcomes: outcomes.map((o) => ({ requestId: o.requestId, outcome: o.outcome })),
      });
      const view = await this.meetingsOf(em, found.plenary, found.id);
      return { plenary: view.plenary, meeting: view.meetings[0] };
    });
  }

  /**
   * The secretariat's view of `network`'s open requests (transmitted, not closed; of the network or linked
   * to it, within the reader's scope): counts per ordered pair of States (requesting → requested), per
   * step owed (the open deadline due first, `NONE` without one) and per age (calendar days since
   * transmission, in the requesting State's calendar today: 0–30, 31–90, 91–180, 181–365, >365). For that
   * network's secretariat, with counts from 1 to STATISTICS_MIN_COUNT - 1 null and listed in `suppressed`
   * (the rule of statistics, small-counts.ts), or an administrator (no suppression). ForbiddenError (403),
   * NotFoundError (404) as createPlenary. Audited OPEN_REQUESTS_SUMMARY_READ.
   */
  async openRequestsSummary(p: Principal, network: string): Promise<OpenRequestsSummary> {
    const net = this.networkFor(p, network, ['SECRETARIAT', 'ADMINISTRATOR']);
    const now = this.clock.now();
    return this.cases.withPrincipal(p, async (em) => {
      const scope = AccessPolicy.scopeSql(p);
      const rows = await em.execute<Array<{ requesting_state: string; requested_state: string; step: string | null; age: number }>>(
        `select r.requesting_state, r.requested_state, d.step, ((?::timestamptz at time zone s.time_zone)::date - r.transmitted_on) as age
         from mla_request r
         join state s on s.code = r.requesting_state
         left join lateral (${STEP_OWED_SQL}) d on true
         where r.closed_on is null and r.transmitted_on is not null and (r.network = ? or ? = any(r.linked_networks))
           and r.id in (select id from mla_request where ${scope.sql})`,
        [now, net, net, ...scope.params],
      );
      const pairs = new Map<string, number>();
      const steps: Record<string, number> = Object.fromEntries([...DEADLINE_STEPS, 'NONE'].map((s) => [s, 0]));
      const ages = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
      for (const r of rows) {
        const pair = `${r.requesting_state}-${r.requested_state}`;
        pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
        steps[r.step ?? 'NONE'] = (steps[r.step ?? 'NONE'] ?? 0) + 1;
        ages[ageBucket(r.age)]++;
      }
      const minCount = p.role === 'SECRETARIAT' ? this.config.statisticsMinCount : null;
      const suppressed: string[] = [];
      // Each dimension adds up to the total: its small cells are hidden, and enough others with them that
      // none can be worked out by subtraction, nor a hidden total by adding another dimension up
      // (complementary suppression, small-counts.ts).
      const dimensions: Array<[string, Array<[string, number]>]> = [
        ['byPair', [...pairs.entries()].sort(([a], [b]) => a.localeCompare(b))],
        ['byStep', Object.entries(steps)],
        ['byAge', AGE_BUCKETS.map((b) => [b, ages[b]])],
      ];
      const protection =
        minCount === null
          ? { hidden: dimensions.map(() => new Set<number>()), hideTotal: false }
          : protectDimensions(
              dimensions.map(([, cells]) => cells.map(([, n]) => n)),
              rows.length,
              minCount,
            );
      const totalHidden = (minCount !== null && rows.length > 0 && rows.length < minCount) || protection.hideTotal;
      const [pairCells, stepCells, ageCells] = dimensions.map(([name, cells], k) => {
        for (const i of protection.hidden[k]) suppressed.push(`${name}.${cells[i][0]}`);
        return new Map(cells.map(([key, n], i) => [key, protection.hidden[k].has(i) ? null : n]));
      });
      if (totalHidden) suppressed.unshift('total');
      const summary: OpenRequestsSummary = {
        network: net,
        asOf: now.toISOString().slice(0, 10),
        total: totalHidden ? null : rows.length,
        byPair: [...pairCells.entries()].map(([pair, count]) => {
          const [requestingState, requestedState] = pair.split('-');
          return { requestingState, requestedState, count };
        }),
        byStep: Object.fromEntries(stepCells),
        byAge: Object.fromEntries(ageCells) as Record<AgeBucket, number | null>,
        suppressed,
        minCount,
      };
      await this.audit.append(em, p, 'OPEN_REQUESTS_SUMMARY_READ', null, { network: net, total: rows.length });
      return summary;
    });
  }

  /** ForbiddenError unless `p` has one of `roles` (the API's @Roles says the same; this is the service's own check). */
  private roleIn(p: Principal, roles: Array<Principal['role']>): void {
    if (!roles.includes(p.role)) throw new ForbiddenError(`plenary meetings are open to ${roles.join(' and ').toLowerCase()} only`);
  }

  /** The network code of a path: NotFoundError for an unknown one, and for a secretariat's other than its own. */
  private networkFor(p: Principal, network: string, roles: Array<Principal['role']>): string {
    this.roleIn(p, roles);
    const code = network.trim().toUpperCase();
    if (!(NETWORK_CODES as readonly string[]).includes(code)) throw new NotFoundError('network', network);
    if (p.role === 'SECRETARIAT' && code !== p.network) throw new NotFoundError('network', network);
    return code;
  }

  /** A plenary `p` may see (row-level security, and the network check): NotFoundError otherwise; `lock` takes its row lock. */
  private async loadPlenary(em: EntityManager, p: Principal, id: string, lock = false): Promise<PlenaryMeeting> {
    if (!isUuid(id)) throw new NotFoundError('plenary meeting', id);
    const plenary = await em.findOne(PlenaryMeeting, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
    if (!plenary || (p.role === 'SECRETARIAT' && plenary.network !== p.network)) throw new NotFoundError('plenary meeting', id);
    return plenary;
  }

  /** A bilateral meeting of a plenary `p` may see, with its plenary: NotFoundError otherwise. */
  private async loadMeeting(em: EntityManager, p: Principal, id: string): Promise<BilateralMeeting> {
    if (!isUuid(id)) throw new NotFoundError('bilateral meeting', id);
    const meeting = await em.findOne(BilateralMeeting, { id }, { populate: ['plenary'] });
    if (!meeting || (p.role === 'SECRETARIAT' && meeting.plenary.network !== p.network)) throw new NotFoundError('bilateral meeting', id);
    return meeting;
  }

  /** Bilateral meetings and agenda items (those the reader may see) per plenary of `plenaries`. */
  private async counts(em: EntityManager, plenaries: PlenaryMeeting[]): Promise<Map<string, { meetings: number; items: number }>> {
    if (!plenaries.length) return new Map();
    const rows = await em.execute<Array<{ id: string; meetings: number; items: number }>>(
      `select m.plenary_id as id, count(distinct m.id)::int as meetings, count(i.id)::int as items
       from bilateral_meeting m left join bilateral_meeting_item i on i.meeting_id = m.id
       where m.plenary_id in (${plenaries.map(() => '?').join(', ')}) group by m.plenary_id`,
      plenaries.map((m) => m.id),
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** `plenary` as served, with its counts. */
  private async plenaryWithCounts(em: EntityManager, plenary: PlenaryMeeting): Promise<PlenaryView> {
    const c = (await this.counts(em, [plenary])).get(plenary.id);
    return plenaryView(plenary, c?.meetings ?? 0, c?.items ?? 0);
  }

  /**
   * The meetings of `plenary` (or only `meetingId`) with their agendas, read as metadata under the
   * transaction's role and row-level security, and within the principal's scope (AccessPolicy).
   */
  private async meetingsOf(em: EntityManager, plenary: PlenaryMeeting, meetingId?: string): Promise<PlenaryMeetingsView> {
    const meetings = await em.execute<Array<{ id: string; first_state: string; second_state: string; first_name: string; second_name: string }>>(
      `select m.id, m.first_state, m.second_state, s1.name as first_name, s2.name as second_name
       from bilateral_meeting m join state s1 on s1.code = m.first_state join state s2 on s2.code = m.second_state
       where m.plenary_id = ? ${meetingId ? 'and m.id = ?' : ''}
       order by m.first_state, m.second_state`,
      meetingId ? [plenary.id, meetingId] : [plenary.id],
    );
    const now = this.clock.now();
    const rows = meetings.length
      ? await em.execute<AgendaRow[]>(
          `select i.meeting_id, i.request_id, i.reasons, i.outcome as item_outcome, i.outcome_recorded_at, i.outcome_recorded_by, i.outcome_event_seq,
             r.reference, r.network, r.requesting_state, r.requested_state, r.request_type, r.urgent, r.confidential, r.offences, r.measures,
             r.state, r.transmitted_on::text as transmitted_on, r.listed_for_plenary,
             d.step, d.owed_by_state, d.due_on::text as due_on, x.as_of::text as as_of,
             case when d.due_on is null then null else greatest(0, x.as_of - d.due_on) end as days_overdue,
             coalesce((select max(right(l, 1)::int) from deadline dd cross join unnest(dd.sent_stages) as l
                        where dd.request_id = r.id and l in ('LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4')), 0) as escalation_level
           from bilateral_meeting_item i
           join mla_request r on r.id = i.request_id
           left join lateral (${STEP_OWED_SQL}) d on true
           left join state s on s.code = d.owed_by_state
           left join lateral (select greatest(?::date, (?::timestamptz at time zone s.time_zone)::date) as as_of where d.due_on is not null) x on true
           where i.meeting_id in (${meetings.map(() => '?').join(', ')})
           order by days_overdue desc nulls last, r.reference`,
          [plenary.date, now, ...meetings.map((m) => m.id)],
        )
      : [];
    return {
      plenary: await this.plenaryWithCounts(em, plenary),
      meetings: meetings.map((m) => ({
        id: m.id,
        plenaryId: plenary.id,
        states: [
          { code: m.first_state, name: m.first_name },
          { code: m.second_state, name: m.second_name },
        ],
        items: rows.filter((r) => r.meeting_id === m.id).map(agendaItemView),
      })),
    };
  }
}

/** Why candidate `c` goes on the agenda now (see proposeBilateralMeetings): none when it was resolved and nothing newer happened. */
function agendaReasons(c: CandidateRow): AgendaReason[] {
  const after = (at: Date | null) => c.resolved_at === null || (at !== null && at > c.resolved_at);
  const reasons: AgendaReason[] = [];
  if (c.listed_for_plenary && after(c.level4_at)) reasons.push('LEVEL_4');
  if (c.flagged_at !== null && after(c.flagged_at)) reasons.push('FLAGGED');
  return reasons;
}

function ageBucket(days: number): AgeBucket {
  if (days <= 30) return '0-30';
  if (days <= 90) return '31-90';
  if (days <= 180) return '91-180';
  if (days <= 365) return '181-365';
  return '>365';
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

function plenaryView(m: PlenaryMeeting, bilateralMeetings: number, agendaItems: number): PlenaryView {
  return {
    id: m.id,
    network: m.network,
    date: m.date,
    place: m.place,
    createdBy: m.createdBy,
    createdAt: m.createdAt.toISOString(),
    bilateralMeetings,
    agendaItems,
  };
}

function agendaItemView(r: AgendaRow): AgendaItemView {
  return {
    requestId: r.request_id,
    reference: r.reference,
    network: r.network,
    requestingState: r.requesting_state,
    requestedState: r.requested_state,
    requestType: r.request_type,
    urgent: r.urgent,
    confidential: r.confidential,
    offences: r.confidential ? [] : r.offences,
    measures: r.confidential ? [] : r.measures,
    state: r.state,
    transmittedOn: r.transmitted_on,
    stepOwed: r.step ? { step: r.step, owedByState: r.owed_by_state!, dueOn: r.due_on! } : null,
    daysOverdue: r.days_overdue,
    daysOverdueAsOf: r.as_of,
    escalationLevel: r.escalation_level,
    listedForPlenary: r.listed_for_plenary,
    why: r.reasons,
    outcome:
      r.item_outcome === null
        ? null
        : {
            outcome: r.item_outcome,
            recordedAt: new Date(r.outcome_recorded_at!).toISOString(),
            recordedBy: r.outcome_recorded_by!,
            eventSeq: r.outcome_event_seq!,
          },
  };
}
