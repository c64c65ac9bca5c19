import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_DEADLINE_POLICY, STAGES, type DeadlinePolicy, type DeadlineStep, type MlaRequestEffect, type Stage } from '@rogatory/workflow';
import { scheduleDeadline, type BusinessCalendar, type DeadlineSchedule } from '../calendar';
import { DirectoryService } from '../directory/directory.service';
import { Deadline, MlaRequest, type DeadlineStageTime } from '../entities';
import { NotificationService } from '../notifications/notification.service';
import type { PostCommitJob } from '../queues/job-dispatcher.service';

export interface EffectOptions {
  /** Now, from the clock. */
  now: Date;
  /** History only (import without --replay): stages that fell before `now` are skipped, never sent. */
  skipPastStages: boolean;
}

const DAY_MS = 86_400_000;

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
  readonly policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY;

  constructor(
    private readonly directory: DirectoryService,
    private readonly notifications: NotificationService,
  ) {}

  async calendarOf(state: string): Promise<BusinessCalendar> {
    return (await this.directory.calendarRegistry()).forState(state);
  }

  owingState(request: MlaRequest, step: DeadlineStep): string {
    return this.policy.steps[step].owedBy === 'REQUESTED' ? request.requestedState : request.requestingState;
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
          const d = await this.current(em, request, effect.step);
          if (d) {
            d.status = effect.reason === 'DONE' ? 'DONE' : 'CANCELLED';
            d.closedAt = opts.now;
            d.nextFireAt = null;
          }
          break;
        }
        case 'deadline.paused': {
          const d = await this.current(em, request, effect.step);
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
          jobs.push(...(await this.notify(em, request, effect.step, effect.stage, effect.level, effect.nextStage)));
          break;
        case 'plenary.listed':
          break; // recorded on the request (listedForPlenary) from the snapshot
      }
    }
    return jobs;
  }

  /** The open or paused deadline of a step on a request, if any. */
  async current(em: EntityManager, request: MlaRequest, step: DeadlineStep): Promise<Deadline | null> {
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
    const cal = await this.calendarOf(owedByState);
    const schedule = scheduleDeadline(cal, openedAt, this.policy.steps[step], this.policy.ladder, dueOn);
    const stages = stageTimes(schedule);
    const due = this.policy.steps[step].due;
    const baseDueOn = dueOn ?? ('calendarDays' in due ? cal.addCalendarDays(cal.localDate(openedAt), due.calendarDays) : schedule.dueOn);
    const d = new Deadline({
      request,
      step,
      owedByState,
      openedAt,
      dueOn: schedule.dueOn,
      baseDueOn,
      dueAt: schedule.dueAt,
      stages,
    });
    d.setNext(opts.skipPastStages ? stages.find((s) => new Date(s.fireAt) >= opts.now) : stages[0]);
    em.persist(d);
    return nextStageJob(d);
  }

  private async resume(em: EntityManager, request: MlaRequest, step: DeadlineStep, at: Date, opts: EffectOptions): Promise<PostCommitJob[]> {
    const d = await this.current(em, request, step);
    if (!d || d.status !== 'PAUSED' || !d.pausedAt) return [];
    const cal = await this.calendarOf(d.owedByState);
    // Extended by the calendar days paused, counted from the unshifted due date so that moving the
    // result to a business day happens once, however many pauses there were.
    d.pausedDays += Math.max(0, Math.round((Date.parse(cal.localDate(at)) - Date.parse(cal.localDate(d.pausedAt))) / DAY_MS));
    const schedule = scheduleDeadline(cal, d.openedAt, this.policy.steps[step], this.policy.ladder, cal.addCalendarDays(d.baseDueOn, d.pausedDays));
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

  private async notify(
    em: EntityManager,
    request: MlaRequest,
    step: DeadlineStep,
    stage: Stage,
    level: number,
    nextStage: Stage | null,
  ): Promise<PostCommitJob[]> {
    const d = await this.current(em, request, step);
    if (!d) return [];
    const fired = d.stages.find((s) => s.stage === stage);
    d.sentStages = [...d.sentStages, stage];
    d.setNext(nextStage ? d.stages.find((s) => s.stage === nextStage) : undefined);
    const rows = await this.notifications.writeStageEmails(em, request, d, stage, level, fired ? new Date(fired.fireAt) : d.dueAt);
    return [...rows.map((r): PostCommitJob => ({ kind: 'email', outboxId: r.id })), ...nextStageJob(d)];
  }
}
