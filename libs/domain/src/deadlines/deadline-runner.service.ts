import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { MlaRequestEvent, Stage } from '@rogatory/workflow';
import { Clock } from '../clock';
import { Deadline, MlaRequest, OutboxEmail } from '../entities';
import { EventNotAllowedError, StaleVersionError } from '../errors';
import { lockCalendarsShared } from '../holidays/calendar-lock';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { MlaRequestService, RequestFlaggedError } from '../requests/mla-request.service';

export type FireOutcome = 'notified' | 'skipped' | 'refused';

export interface SweepResult {
  deadlinesQueued: number;
  emailsQueued: number;
  emailsMarkedUnknown: number;
}

/** A SENDING email older than this is an incident: its outcome is unknown and it is never resent blindly. */
const SENDING_TIMEOUT_MS = 10 * 60_000;

/**
 * Fires deadline stages and sweeps what Redis may have lost. Firing feeds `deadlineReached` to the
 * machine, which decides the reminder or the next escalation level (DOMAIN.md §4); the deadline row's
 * stage moves in the same transaction as the outbox rows, so each stage is sent at most once.
 */
@Injectable()
export class DeadlineRunner {
  private readonly logger = new Logger(DeadlineRunner.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly requests: MlaRequestService,
    private readonly jobs: JobDispatcher,
  ) {}

  /**
   * Handles a due stage of a deadline. `skipped` when the stage is no longer the next one, the deadline
   * is closed or paused, or not yet due (a job that runs twice, or late), or the request is flagged for an
   * administrator (the stage is kept, not dropped: it fires once the flag is cleared); `refused` when the
   * machine does not accept it (the stage is then dropped). Throws StaleVersionError when a concurrent
   * event won; the job retries.
   */
  async fire(deadlineId: string, stage: Stage): Promise<FireOutcome> {
    const now = this.clock.now();
    let jobs: PostCommitJob[] = [];
    let outcome: FireOutcome = 'skipped';
    try {
      await this.orm.em.fork().transactional(async (em) => {
        const [peek] = await em.execute<Array<{ request_id: string; requesting_state: string; requested_state: string }>>(
          'select d.request_id, r.requesting_state, r.requested_state from deadline d join mla_request r on r.id = d.request_id where d.id = ?',
          [deadlineId],
        );
        if (!peek) return;
        // The calendar locks come before the row locks, in every transaction (see calendar-lock.ts).
        await lockCalendarsShared(em, [peek.requesting_state, peek.requested_state]);
        // Lock order: the request, then its deadline (the same order as an event's transaction).
        const request = await em.findOneOrFail(MlaRequest, peek.request_id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const d = await em.findOneOrFail(Deadline, deadlineId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        if (d.status !== 'OPEN' || d.nextStage !== stage || !d.nextFireAt || d.nextFireAt > now) return;
        if (request.attention !== null) return; // flagged for an administrator: the stage waits
        const event: MlaRequestEvent = {
          type: 'deadlineReached',
          step: d.step,
          stage,
          actor: { role: 'SYSTEM', state: null, name: 'Rogatory' },
          occurredAt: now.toISOString(),
          occurredOn: await this.requests.localDateOf(d.owedByState, now, em),
        };
        try {
          const r = await this.requests.applyInTransaction(em, request, event, {});
          jobs = r.jobs;
          outcome = 'notified';
        } catch (err) {
          // Its older snapshot cannot be placed: flagged now (written with this transaction), the stage waits.
          if (err instanceof RequestFlaggedError) return;
          if (!(err instanceof EventNotAllowedError)) throw err;
          this.logger.warn(`deadline ${d.id} ${d.step}/${stage} refused by the machine in state ${request.state}; stage dropped`);
          d.setNext(undefined);
          outcome = 'refused';
        }
      });
    } catch (err) {
      if (err instanceof OptimisticLockError) throw new StaleVersionError(null, null);
      throw err;
    }
    await this.jobs.dispatch(jobs);
    return outcome;
  }

  /**
   * Re-enqueues every open deadline stage and every PENDING email due by `horizonMs` from now: a job id
   * already waiting in Redis is not added twice, one that failed for good (retries exhausted) is queued
   * again, one delayed past its due time is promoted. Marks emails stuck in SENDING as UNKNOWN.
   */
  async sweep(horizonMs = 0): Promise<SweepResult> {
    const now = this.clock.now();
    const em = this.orm.em.fork();
    const due = await em.find(
      Deadline,
      { status: 'OPEN', nextStage: { $ne: null }, nextFireAt: { $lte: new Date(now.getTime() + horizonMs) } },
      { fields: ['id', 'nextStage', 'nextFireAt'], orderBy: { nextFireAt: 'asc' } },
    );
    let deadlinesQueued = 0;
    for (const d of due) if (await this.jobs.enqueueDeadline(d.id, d.nextStage!, d.nextFireAt!, true)) deadlinesQueued++;
    const pending = await em.find(
      OutboxEmail,
      { status: 'PENDING', dueAt: { $lte: new Date(now.getTime() + horizonMs) } },
      { fields: ['id', 'dueAt'], orderBy: { dueAt: 'asc' } },
    );
    let emailsQueued = 0;
    for (const e of pending) if (await this.jobs.enqueueEmail(e.id, true, e.dueAt)) emailsQueued++;
    const stuck = await em.nativeUpdate(
      OutboxEmail,
      { status: 'SENDING', lastAttemptAt: { $lt: new Date(Date.now() - SENDING_TIMEOUT_MS) } },
      { status: 'UNKNOWN', lastError: 'sender stopped during hand-over; outcome unknown, check before resending' },
    );
    return { deadlinesQueued, emailsQueued, emailsMarkedUnknown: stuck };
  }
}
