import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../worker.module';
import { getQueueToken } from '@nestjs/bullmq';
import {
  Deadline,
  OutboxEmail,
  DeadlineRunner,
  ManualClock,
  type AppConfig,
  QueueName,
  RegisterImportService,
  type RegisterRejection,
  type RegisterRow,
  type TimelineEvent,
} from '@rogatory/domain';
import { MikroORM } from '@mikro-orm/postgresql';
import { applyEvent, startRequest, type MlaRequestEvent } from '@rogatory/workflow';
import type { Queue } from 'bullmq';

/** The replay was asked to run past the present. */
export class ReplayRangeError extends Error {}

export interface ReplayResult {
  imported: number;
  unchanged: number;
  rejected: RegisterRejection[];
  eventsApplied: number;
  deadlineStagesFired: number;
}

/**
 * Waits until no deadline or email job is waiting or running. Delayed jobs do not count: on a simulated
 * clock they are retries (a lost optimistic-lock race, an SMTP server down: the email stays PENDING in the
 * outbox) or a live system's future stages. Throws after `timeoutMs`.
 */
export async function waitForQueuesIdle(app: INestApplicationContext, timeoutMs = 60_000): Promise<void> {
  const deadlines = app.get<Queue>(getQueueToken(QueueName.Deadlines));
  const outbox = app.get<Queue>(getQueueToken(QueueName.Outbox));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await deadlines.getJobCounts('waiting', 'active', 'prioritized');
    const o = await outbox.getJobCounts('waiting', 'active', 'prioritized');
    const busy = [...Object.values(d), ...Object.values(o)].reduce((a, b) => a + b, 0);
    if (busy === 0) return;
    if (Date.now() > until) throw new Error(`queues still busy after ${timeoutMs} ms (${busy} jobs)`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Checks a row's whole replay plan against the pure machine, writing nothing. Returns the refusal, if any. */
function dryRun(row: RegisterRow, timeline: TimelineEvent[]): string | null {
  let s = startRequest({
    network: row.network as never,
    requestingState: row.requestingState,
    requestedState: row.requestedState,
    urgent: row.urgent,
  }).snapshot;
  for (const t of timeline) {
    const state = t.event.actor === 'REQUESTING_CA' ? row.requestingState : row.requestedState;
    const role = t.event.actor === 'FACILITATOR' ? (row.network === 'OTHER' ? 'SECRETARIAT' : 'CONTACT_POINT') : 'CENTRAL_AUTHORITY';
    const ev = {
      type: t.event.type,
      actor: { role, state: role === 'SECRETARIAT' ? null : state },
      occurredAt: `${t.event.on}T12:00:00.000Z`,
      occurredOn: t.event.on,
      inferred: t.event.inferred,
      ...t.event.payload,
    } as MlaRequestEvent;
    const r = applyEvent(s, ev);
    if (!r.accepted) return `replay refused: ${t.event.type} on ${t.event.on} does not apply in state ${String(s.value)}`;
    s = r.snapshot;
  }
  return null;
}

/**
 * Replays a register in simulated time (REGISTER.md with --replay): the clock moves from the first date to
 * `until`; at each register date the events of that date are applied (12:00 UTC), and between dates the
 * clock stops at every deadline stage that falls due, the sweeper queues it and the worker running in
 * `app` fires it and sends its emails, exactly as it would live. Rows the machine would refuse are
 * rejected before anything is written.
 */
export async function replayRegister(
  app: INestApplicationContext,
  clock: ManualClock,
  input: string | Buffer,
  until: Date | null,
  log: (m: string) => void = () => undefined,
): Promise<ReplayResult> {
  const importer = app.get(RegisterImportService);
  const runner = app.get(DeadlineRunner);
  const orm = app.get(MikroORM);
  const prepared = await importer.prepare(input);
  const rejected = [...prepared.rejected];
  const timeline = importer.timeline(prepared.toImport);
  const byRow = new Map<RegisterRow, TimelineEvent[]>();
  for (const t of timeline) byRow.set(t.row, [...(byRow.get(t.row) ?? []), t]);
  const refusedRows = new Set<RegisterRow>();
  for (const [row, events] of byRow) {
    const refusal = dryRun(row, events);
    if (refusal) {
      refusedRows.add(row);
      rejected.push({ line: row.line, caseRef: row.caseRef, errors: [refusal] });
    }
  }
  const events = timeline.filter((t) => !refusedRows.has(t.row));
  const end = until ?? new Date(`${events.reduce((m, t) => (t.event.on > m ? t.event.on : m), '0000-01-01')}T23:59:59.000Z`);
  // A replay runs simulated time over the whole database: never past the present, where live cases are.
  if (end.getTime() > Date.now()) throw new ReplayRangeError(`--until ${end.toISOString().slice(0, 10)} is in the future: a replay only runs history`);
  const first = events[0]?.at;
  if (first && new Date(`${first}T00:00:00.000Z`) > clock.now()) clock.set(new Date(`${first}T00:00:00.000Z`));
  log(
    `replaying ${events.length} events of ${byRow.size - refusedRows.size} cases from ${first ?? '-'} to ${end.toISOString().slice(0, 10)} in simulated time`,
  );
  let fired = 0;

  /** The next instant something is due by `target`: a deadline stage, or an email waiting for its recipient's 09:00. */
  const nextDue = async (target: Date): Promise<{ key: string; at: Date } | null> => {
    const em = orm.em.fork();
    const stage = await em.findOne(
      Deadline,
      { status: 'OPEN', nextStage: { $ne: null }, nextFireAt: { $lte: target } },
      { orderBy: { nextFireAt: 'asc' }, fields: ['nextStage', 'nextFireAt'] },
    );
    const email = await em.findOne(
      OutboxEmail,
      { status: 'PENDING', dueAt: { $gt: clock.now(), $lte: target } },
      { orderBy: { dueAt: 'asc' }, fields: ['dueAt'] },
    );
    const candidates = [
      ...(stage?.nextFireAt ? [{ key: `${stage.id}/${stage.nextStage}`, at: stage.nextFireAt }] : []),
      ...(email ? [{ key: `email/${email.id}`, at: email.dueAt }] : []),
    ];
    return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
  };

  /** Moves the clock to `target`, stopping at every deadline stage and every email due before it. */
  const runUntil = async (target: Date): Promise<void> => {
    let last = '';
    let stuckSince = 0;
    for (;;) {
      const next = await nextDue(target);
      if (!next) break;
      const key = next.key;
      if (key !== last) {
        last = key;
        stuckSince = Date.now();
      } else {
        // the same stage again: its job is retrying (e.g. a lost optimistic-lock race); give it time
        if (Date.now() - stuckSince > 30_000)
          throw new Error(`replay stuck: ${key} due ${next.at.toISOString()} is not being processed (see the worker's failed jobs)`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (next.at > clock.now()) clock.set(next.at);
      const swept = await runner.sweep();
      fired += swept.deadlinesQueued;
      await waitForQueuesIdle(app);
    }
    if (target > clock.now()) clock.set(target);
  };

  let applied = 0;
  let currentDay = '';
  for (const t of events) {
    if (t.at !== currentDay) {
      currentDay = t.at;
      await runUntil(new Date(`${currentDay}T12:00:00.000Z`));
      if (currentDay.endsWith('-01')) log(`replay: ${currentDay.slice(0, 7)}`);
    }
    await importer.replayEvent(t);
    applied++;
  }
  await waitForQueuesIdle(app);
  await runUntil(end);
  await runner.sweep();
  await waitForQueuesIdle(app);
  rejected.sort((a, b) => a.line - b.line);
  return { imported: byRow.size - refusedRows.size, unchanged: prepared.unchanged, rejected, eventsApplied: applied, deadlineStagesFired: fired };
}

/**
 * The worker (processors running, no schedulers) on a simulated clock that starts before any register
 * date; replayRegister moves it. Used by `import-register --replay` and by the demo.
 */
export async function startReplayWorker(config: AppConfig, logger: LoggerService | false): Promise<{ app: INestApplicationContext; clock: ManualClock }> {
  const clock = new ManualClock(new Date('1900-01-01T00:00:00.000Z'));
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, clock, schedulers: false }), { logger });
  return { app, clock };
}
