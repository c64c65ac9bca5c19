import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_DEADLINE_POLICY, STAGES, type DeadlineStep, type MlaRequestEffect, type Stage } from '@rogatory/workflow';
import { scheduleDeadline, type BusinessCalendar, type CalendarRegistry, type DeadlineSchedule } from '../calendar';
import { DirectoryService } from '../directory/directory.service';
import { CaseEvent, Deadline, MlaRequest, type DeadlineStageTime } from '../entities';
import { NotificationService } from '../notifications/notification.service';
import type { PostCommitJob } from '../queues/job-dispatcher.service';
import { DeadlinePolicyService, type PolicyInForce } from './deadline-policy.service';

/**
 * What a caller applying many events in one transaction (the register import) reads once instead of once
 * per deadline. The caller takes the shared calendar locks of the requests' States first (lockCalendarsShared),
 * then reads these in the same transaction.
 */
export interface DeadlineLookups {
  /** The calendars of every State, read in the caller's transaction (DirectoryService.calendarRegistry). */
  registry: CalendarRegistry;
  /** The policy in force for a network in the caller's transaction (DeadlinePolicyService.current), typically memoized. */
  policy(network: string): Promise<PolicyInForce>;
  /**
   * Requests created in this unit of work and not yet flushed, by id, with every deadline opened for them
   * so far: none of these is in the database, so {@link DeadlineService.current} looks here instead of
   * querying, and opening a deadline of such a request adds it here.
   */
  unflushed: Map<string, Deadline[]>;
}

export interface EffectOptions {
  /** Now, from the clock. */
  now: Date;
  /** History only (import without --replay): stages that fell before `now` are skipped, never sent. */
  skipPastStages: boolean;
  /** Read once by the caller for many events (see DeadlineLookups); absent: read here for each deadline. */
  lookups?: DeadlineLookups;
}

const DAY_MS = 86_400_000;

/** A stage handled more than this after its time (the worker was down) is sent marked late. */
export const LATE_AFTER_MS = 30 * 60_000;

/** A deadline whose dates a calendar change moved (see {@link DeadlineService.recompute}). */
export interface DeadlineMove {
  deadlineId: string;
  requestId: string;
  reference: string;
  step: DeadlineStep;
  previousDueOn: string;
  dueOn: string;
}

/** The stored form of a schedule's stages (UTC instants as ISO strings). */
function stageTimes(schedule: DeadlineSchedule): DeadlineStageTime[] {
  return schedule.stages.map((s) => ({ stage: s.stage, fireOn: s.fireOn, fireAt: s.fireAt.toISOString() }));
}

/** The job that delivers a deadline's next stage, if it has one. */
function nextStageJob(d: Deadline): PostCommitJob[] {
  return d.nextStage && d.nextFireAt ? [{ kind: 'deadline', deadlineId: d.id, stage: d.nextStage, fireAt: d.nextFireAt }] : [];
}

/**
 * Carries out the deadline effects the machine emits, in the caller's transaction: deadline rows opened
 * with dates in business days of the owing State (DOMAIN.md §4), closed, paused and resumed (the
 * execution clock is extended by the calendar days it was paused, UNTOC art. 18(16), 18(25)), and the
 * outbox rows of each reminder or escalation.
 */
@Injectable()
export class DeadlineService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly notifications: NotificationService,
    private readonly policies: DeadlinePolicyService,
  ) {}

  async calendarOf(state: string, em?: EntityManager): Promise<BusinessCalendar> {
    return (await this.directory.calendarRegistry(em)).forState(state);
  }

  /** The State that owes a step (fixed by the workflow, UNTOC art. 18; not a policy setting). */
  owingState(request: MlaRequest, step: DeadlineStep): string {
    return DEFAULT_DEADLINE_POLICY.steps[step].owedBy === 'REQUESTED' ? request.requestedState : request.requestingState;
  }

  /**
   * The base due date of a deadline in `cal`, before any extension: the suggested deadline (UNTOC art.
   * 18(24)) when one was given with reasons; else the opening date (local) plus the step's business days,
   * or plus its calendar days. Counted afresh each time, so that a holiday added later is taken into account.
   */
  private baseDueOn(cal: BusinessCalendar, d: Pick<Deadline, 'openedAt' | 'policy' | 'suggestedDueOn'>): string {
    if (d.suggestedDueOn) return d.suggestedDueOn;
    const start = cal.localDate(d.openedAt);
    const due = d.policy.step.due;
    return 'businessDays' in due ? cal.addBusinessDays(start, due.businessDays) : cal.addCalendarDays(start, due.calendarDays);
  }

  /**
   * The schedule of a deadline from its own policy (`Deadline.policy`) and `cal`: its base due date
   * ({@link baseDueOn}) extended by the calendar days it was paused (UNTOC art. 18(16), 18(25)), moved to
   * a business day. Escalations from level 2 on (which also go to the other State and the secretariat)
   * fire at the earliest 09:00 among the two States' zones, so that each recipient can get them at 09:00
   * local time.
   */
  private schedule(
    cal: BusinessCalendar,
    registry: CalendarRegistry,
    request: MlaRequest,
    d: Pick<Deadline, 'openedAt' | 'policy' | 'suggestedDueOn' | 'pausedDays'>,
  ): { schedule: DeadlineSchedule; baseDueOn: string } {
    // The owing State's own zone is counted by scheduleDeadline already: only another zone can be earlier.
    const zones = [request.requestingState, request.requestedState].map((s) => registry.forState(s).timeZone).filter((z) => z !== cal.timeZone);
    const baseDueOn = this.baseDueOn(cal, d);
    const schedule = scheduleDeadline(cal, d.openedAt, d.policy.step, d.policy.ladder, cal.addCalendarDays(baseDueOn, d.pausedDays), zones);
    return { schedule, baseDueOn };
  }

  /** Applies the effects of one event; returns the jobs to queue after commit. */
  async apply(em: EntityManager, request: MlaRequest, effects: MlaRequestEffect[], opts: EffectOptions): Promise<PostCommitJob[]> {
    const jobs: PostCommitJob[] = [];
    for (const effect of effects) {
      switch (effect.type) {
        case 'deadline.opened':
          jobs.push(...(await this.open(em, request, effect.step, new Date(effect.from), effect.dueOn, opts)));
          break;
        case 'deadline.closed': {
          const d = await this.current(em, request, effect.step, opts.lookups);
          if (d) {
            if (d.nextStage) jobs.push({ kind: 'drop-deadline', deadlineId: d.id, stage: d.nextStage });
            d.status = effect.reason === 'DONE' ? 'DONE' : 'CANCELLED';
            d.closedAt = opts.now;
            d.nextFireAt = null;
          }
          break;
        }
        case 'deadline.paused': {
          const d = await this.current(em, request, effect.step, opts.lookups);
          if (d && d.status === 'OPEN') {
            d.status = 'PAUSED';
            d.pausedAt = new Date(effect.at);
          }
          break;
        }
        case 'deadline.resumed':
          jobs.push(...(await this.resume(em, request, effect.step, new Date(effect.at), opts)));
          break;
        case 'notification.requested':
          jobs.push(...(await this.notify(em, request, effect.step, effect.stage, effect.level, effect.nextStage, opts.now, opts.lookups)));
          break;
        case 'plenary.listed':
          break; // recorded on the request (listedForPlenary) from the snapshot
      }
    }
    return jobs;
  }

  /**
   * The open or paused deadline of a step on a request (the latest opened), if any. Read in `em`'s
   * transaction, or, for a request of `lookups.unflushed`, found in memory without a query.
   */
  async current(em: EntityManager, request: MlaRequest, step: DeadlineStep, lookups?: DeadlineLookups): Promise<Deadline | null> {
    const unflushed = lookups?.unflushed.get(request.id);
    if (unflushed) {
      let latest: Deadline | null = null;
      for (const d of unflushed) {
        if (d.step === step && (d.status === 'OPEN' || d.status === 'PAUSED') && (!latest || d.openedAt >= latest.openedAt)) latest = d;
      }
      return latest;
    }
    // MikroORM flushes pending Deadline changes of this transaction before the query (FlushMode.AUTO).
    const rows = await em.find(Deadline, { request, step, status: { $in: ['OPEN', 'PAUSED'] } }, { orderBy: { openedAt: 'desc' } });
    return rows.find((r) => r.status === 'OPEN' || r.status === 'PAUSED') ?? null;
  }

  private async open(
    em: EntityManager,
    request: MlaRequest,
    step: DeadlineStep,
    openedAt: Date,
    dueOn: string | undefined,
    opts: EffectOptions,
  ): Promise<PostCommitJob[]> {
    const owedByState = this.owingState(request, step);
    const registry = opts.lookups?.registry ?? (await this.directory.calendarRegistry(em));
    const cal = registry.forState(owedByState);
    const inForce = opts.lookups ? await opts.lookups.policy(request.network) : await this.policies.current(em, request.network);
    const policy = { network: inForce.network, version: inForce.version, step: inForce.policy.steps[step], ladder: inForce.policy.ladder };
    const suggestedDueOn = dueOn ?? null;
    const { schedule, baseDueOn } = this.schedule(cal, registry, request, { openedAt, policy, suggestedDueOn, pausedDays: 0 });
    const stages = stageTimes(schedule);
    const d = new Deadline({
      request,
      step,
      owedByState,
      openedAt,
      dueOn: schedule.dueOn,
      baseDueOn,
      suggestedDueOn,
      dueAt: schedule.dueAt,
      stages,
      policy,
    });
    d.setNext(opts.skipPastStages ? stages.find((s) => new Date(s.fireAt) >= opts.now) : stages[0]);
    em.persist(d);
    opts.lookups?.unflushed.get(request.id)?.push(d);
    return nextStageJob(d);
  }

  private async resume(em: EntityManager, request: MlaRequest, step: DeadlineStep, at: Date, opts: EffectOptions): Promise<PostCommitJob[]> {
    const d = await this.current(em, request, step, opts.lookups);
    if (!d || d.status !== 'PAUSED' || !d.pausedAt) return [];
    const registry = opts.lookups?.registry ?? (await this.directory.calendarRegistry(em));
    const cal = registry.forState(d.owedByState);
    // Extended by the calendar days paused, counted from the unshifted due date so that moving the
    // result to a business day happens once, however many pauses there were.
    d.pausedDays += Math.max(0, Math.round((Date.parse(cal.localDate(at)) - Date.parse(cal.localDate(d.pausedAt))) / DAY_MS));
    const { schedule, baseDueOn } = this.schedule(cal, registry, request, d);
    d.baseDueOn = baseDueOn;
    d.dueOn = schedule.dueOn;
    d.dueAt = schedule.dueAt;
    d.stages = stageTimes(schedule);
    d.status = 'OPEN';
    d.pausedAt = null;
    const from = d.nextStage ? STAGES.indexOf(d.nextStage) : STAGES.length;
    d.setNext(
      d.stages.find((s) => STAGES.indexOf(s.stage) >= from && !d.sentStages.includes(s.stage) && (!opts.skipPastStages || new Date(s.fireAt) >= opts.now)),
    );
    return nextStageJob(d);
  }

  /**
   * Records a stage the machine decided, and writes its emails. A stage handled more than
   * {@link LATE_AFTER_MS} after its time (the worker was down) is sent marked late. After an outage every
   * stage that fell due is sent, once each: the levels go to different people (DOMAIN.md §4 ladder).
   */
  private async notify(
    em: EntityManager,
    request: MlaRequest,
    step: DeadlineStep,
    stage: Stage,
    level: number,
    nextStage: Stage | null,
    now: Date,
    lookups?: DeadlineLookups,
  ): Promise<PostCommitJob[]> {
    const d = await this.current(em, request, step, lookups);
    if (!d) return [];
    const fired = d.stages.find((s) => s.stage === stage);
    const next = nextStage ? d.stages.find((s) => s.stage === nextStage) : undefined;
    d.sentStages = [...d.sentStages, stage];
    d.setNext(next);
    const fireAt = fired ? new Date(fired.fireAt) : d.dueAt;
    const late = now.getTime() - fireAt.getTime() > LATE_AFTER_MS;
    const rows = await this.notifications.writeStageEmails(em, request, d, stage, level, fireAt, { late });
    return [...rows.map((r): PostCommitJob => ({ kind: 'email', outboxId: r.id, sendAt: r.dueAt })), ...nextStageJob(d)];
  }

  /**
   * Recomputes the open deadlines owed by `state` after its calendar changed (an administrator added or
   * removed a holiday), in the caller's transaction, with `cal` built from that transaction. A deadline
   * moves only if its dates change, and never earlier once its reminder has gone out (DOMAIN.md §4: the
   * owing authority was told a date). Stages already sent stay sent; the next one gets its new time.
   * Each move is recorded on the case as a `deadlineRecomputed` event (not a workflow event: the state
   * does not change). Paused deadlines are left: they are recomputed when they resume.
   * Returns the moves and the jobs to queue after commit.
   */
  async recompute(em: EntityManager, state: string, reason: string, actorName: string, now: Date): Promise<{ moves: DeadlineMove[]; jobs: PostCommitJob[] }> {
    const registry = await this.directory.calendarRegistry(em);
    const cal = registry.forState(state);
    const open = await em.find(Deadline, { owedByState: state, status: 'OPEN' }, { orderBy: { openedAt: 'asc' } });
    const moves: DeadlineMove[] = [];
    const jobs: PostCommitJob[] = [];
    for (const d0 of open) {
      const request = await em.findOneOrFail(MlaRequest, d0.request.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const d = await em.findOneOrFail(Deadline, d0.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (d.status !== 'OPEN') continue;
      const { schedule, baseDueOn } = this.schedule(cal, registry, request, d);
      const stages = stageTimes(schedule);
      if (schedule.dueOn < d.dueOn && d.sentStages.includes('REMINDER')) continue;
      if (schedule.dueOn === d.dueOn && JSON.stringify(stages) === JSON.stringify(d.stages)) continue;
      const previousDueOn = d.dueOn;
      d.dueOn = schedule.dueOn;
      d.dueAt = schedule.dueAt;
      d.baseDueOn = baseDueOn;
      d.stages = stages;
      if (d.nextStage) {
        const from = STAGES.indexOf(d.nextStage);
        d.setNext(stages.find((s) => STAGES.indexOf(s.stage) >= from && !d.sentStages.includes(s.stage)));
        jobs.push(...nextStageJob(d));
      }
      if (previousDueOn !== d.dueOn) {
        em.persist(
          new CaseEvent({
            request,
            seq: ++request.eventCount,
            type: DEADLINE_RECOMPUTED,
            actorRole: 'ADMINISTRATOR',
            actorState: null,
            actorName,
            occurredAt: now,
            occurredOn: cal.localDate(now),
            inferred: false,
            payload: { step: d.step, owedByState: state, previousDueOn, dueOn: d.dueOn, reason },
            fromState: request.state,
            toState: request.state,
            recordedAt: now,
          }),
        );
        request.updatedAt = now;
        moves.push({ deadlineId: d.id, requestId: request.id, reference: request.reference, step: d.step, previousDueOn, dueOn: d.dueOn });
      }
    }
    return { moves, jobs };
  }
}

/** Type of the case-history record of a deadline moved by a calendar change (not a workflow event). */
export const DEADLINE_RECOMPUTED = 'deadlineRecomputed';
