import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DEADLINE_STEPS, type DeadlineStep } from '@rogatory/workflow';
import { Queue } from 'bullmq';
import { Clock } from '../clock';
import type { OutboxStatus } from '../entities';
import { QueueName } from '../queues/queues';
import { OPEN_INCIDENT_SQL } from './incident.service';

/** Every outbox status, in the order an email moves through them. */
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['PENDING', 'SENDING', 'SENT', 'UNKNOWN', 'FAILED'];

/** The BullMQ job states counted per queue. */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** Open deadlines of one step owed by one State, and how many of them are overdue or due today. */
export interface DeadlineCountRow {
  step: DeadlineStep;
  /** ISO 3166-1 alpha-2 code of the State that owes the step. */
  owedByState: string;
  /** Deadlines in status OPEN (a PAUSED one, whose clock is stopped, is not counted). */
  open: number;
  /** Of those, due before today's date in the owing State's time zone. */
  overdue: number;
  /** Of those, due on today's date in the owing State's time zone. */
  dueToday: number;
}

/** Deadline figures, read at `at` (the Rogatory clock). */
export interface DeadlineFigures {
  at: Date;
  /** One row per (step, owing State) with at least one open deadline, by step then State. */
  rows: DeadlineCountRow[];
}

/** Outbox figures: a count per status, the late ones sent, and the open incidents. */
export interface EmailFigures {
  /** Rows of outbox_email per status; every status present, 0 when none. */
  byStatus: Record<OutboxStatus, number>;
  /** SENT emails that went out after their time (`late = true`). */
  sentLate: number;
  /** UNKNOWN or FAILED emails an administrator has not settled (see `OPEN_INCIDENT_SQL`). */
  incidentsOpen: number;
}

/** Job counts per queue and state (BullMQ `getJobCounts`). */
export type QueueFigures = Record<QueueName, Record<QueueJobState, number>>;

/** Every figure of the administration metrics, as served at GET /api/v1/admin/metrics. */
export interface MetricsSnapshot {
  /** The instant the figures were read (ISO 8601, UTC; the Rogatory clock). */
  at: string;
  deadlines: {
    /** Open deadlines per step and owing State (only pairs with at least one). */
    open: Array<{ step: DeadlineStep; owedByState: string; count: number }>;
    /** Total open deadlines. */
    openTotal: number;
    /** Open deadlines due before today's date (owing State's time zone), per step; every step present. */
    overdue: Record<DeadlineStep, number>;
    /** Open deadlines due on today's date (owing State's time zone). */
    dueToday: number;
  };
  emails: EmailFigures;
  queues: QueueFigures;
}

/**
 * Open deadlines grouped by step and owing State. "Today" is the date of the instant `?` (the Rogatory
 * clock) in the owing State's time zone (from the directory; UTC for a State it does not know), the same
 * calendar the due date `due_on` is counted in: a deadline is overdue the day after its due date.
 */
const DEADLINES_SQL = `
select d.step, d.owed_by_state,
  count(*)::int as open,
  count(*) filter (where d.due_on < t.today)::int as overdue,
  count(*) filter (where d.due_on = t.today)::int as due_today
from deadline d
left join state s on s.code = d.owed_by_state
cross join lateral (select (?::timestamptz at time zone coalesce(s.time_zone, 'UTC'))::date as today) t
where d.status = 'OPEN'
group by d.step, d.owed_by_state
order by d.step, d.owed_by_state`;

const EMAILS_SQL = `
select
  ${OUTBOX_STATUSES.map((s) => `count(*) filter (where status = '${s}')::int as "${s}"`).join(',\n  ')},
  count(*) filter (where status = 'SENT' and late)::int as sent_late,
  count(*) filter (where ${OPEN_INCIDENT_SQL})::int as incidents_open
from outbox_email`;

/**
 * Operational figures for administrators and Prometheus: open, overdue and due-today deadlines, outbox
 * emails per status, late sends, open email incidents, and BullMQ job counts. Every call reads fresh
 * values (PostgreSQL aggregates and Redis counts); nothing is cached.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    @InjectQueue(QueueName.Deadlines) private readonly deadlinesQueue: Queue,
    @InjectQueue(QueueName.Outbox) private readonly outboxQueue: Queue,
    @InjectQueue(QueueName.Maintenance) private readonly maintenanceQueue: Queue,
  ) {}

  /** Open deadlines per step and owing State, with the overdue and due-today ones; one SQL query. */
  async deadlines(em: EntityManager = this.orm.em.fork()): Promise<DeadlineFigures> {
    const at = this.clock.now();
    const rows = (await em.getConnection().execute(DEADLINES_SQL, [at.toISOString()])) as Array<{
      step: DeadlineStep;
      owed_by_state: string;
      open: number;
      overdue: number;
      due_today: number;
    }>;
    return { at, rows: rows.map((r) => ({ step: r.step, owedByState: r.owed_by_state, open: r.open, overdue: r.overdue, dueToday: r.due_today })) };
  }

  /** Outbox emails per status, SENT-and-late ones, and open incidents; one SQL query. */
  async emails(em: EntityManager = this.orm.em.fork()): Promise<EmailFigures> {
    const [r] = (await em.getConnection().execute(EMAILS_SQL)) as Array<Record<string, number>>;
    return {
      byStatus: Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, r[s]])) as Record<OutboxStatus, number>,
      sentLate: r.sent_late,
      incidentsOpen: r.incidents_open,
    };
  }

  /** Waiting, active, delayed and failed jobs of every queue (BullMQ `getJobCounts`, over the queues' own connections). */
  async queues(): Promise<QueueFigures> {
    const queues: Record<QueueName, Queue> = {
      [QueueName.Deadlines]: this.deadlinesQueue,
      [QueueName.Outbox]: this.outboxQueue,
      [QueueName.Maintenance]: this.maintenanceQueue,
    };
    const entries = await Promise.all(
      Object.entries(queues).map(async ([name, q]) => {
        const counts = await q.getJobCounts(...QUEUE_JOB_STATES);
        return [name, Object.fromEntries(QUEUE_JOB_STATES.map((s) => [s, counts[s] ?? 0]))] as const;
      }),
    );
    return Object.fromEntries(entries) as QueueFigures;
  }

  /** Every figure at once, for people (GET /api/v1/admin/metrics). */
  async snapshot(): Promise<MetricsSnapshot> {
    const [d, emails, queues] = await Promise.all([this.deadlines(), this.emails(), this.queues()]);
    const overdue = Object.fromEntries(DEADLINE_STEPS.map((s) => [s, 0])) as Record<DeadlineStep, number>;
    for (const r of d.rows) overdue[r.step] = (overdue[r.step] ?? 0) + r.overdue;
    return {
      at: d.at.toISOString(),
      deadlines: {
        open: d.rows.map((r) => ({ step: r.step, owedByState: r.owedByState, count: r.open })),
        openTotal: d.rows.reduce((n, r) => n + r.open, 0),
        overdue,
        dueToday: d.rows.reduce((n, r) => n + r.dueToday, 0),
      },
      emails,
      queues,
    };
  }
}
