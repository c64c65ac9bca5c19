import { Injectable } from '@nestjs/common';
import { MetricsService, OUTBOX_STATUSES, QUEUE_JOB_STATES, QueueName, type DeadlineFigures, type EmailFigures, type QueueFigures } from '@rogatory/domain';
import { DEADLINE_STEPS } from '@rogatory/workflow';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Shares one in-flight call among every caller that asks while it runs: prom-client starts every
 * metric's collect() of a scrape together, so one scrape reads each group of figures once (one SQL query
 * for deadlines, one for emails, one round of job counts), and the next scrape reads them fresh.
 */
function shared<T>(load: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= load().finally(() => {
      running = null;
    });
    return running;
  };
}

/**
 * The Prometheus metrics of GET /metrics, in a Registry of their own (not prom-client's global one, so
 * that two applications or test suites in one process do not collide). Every value is read at scrape
 * time by the metrics' collect() callbacks from MetricsService; nothing is kept between scrapes.
 */
@Injectable()
export class PrometheusRegistry {
  readonly registry = new Registry();

  constructor(metrics: MetricsService) {
    const deadlines = shared<DeadlineFigures>(() => metrics.deadlines());
    const emails = shared<EmailFigures>(() => metrics.emails());
    const queues = shared<QueueFigures>(() => metrics.queues());
    const registers = [this.registry];

    new Gauge({
      name: 'rogatory_deadlines_open',
      help: 'Open deadlines (status OPEN; a paused one, whose clock is stopped, is not counted), per step and ISO code of the State that owes it.',
      labelNames: ['step', 'owed_by_state'],
      registers,
      async collect() {
        const d = await deadlines();
        this.reset();
        for (const r of d.rows) this.set({ step: r.step, owed_by_state: r.owedByState }, r.open);
      },
    });
    new Gauge({
      name: 'rogatory_deadlines_overdue',
      help: "Open deadlines whose due date is before today's date, per step. Today is the date of the Rogatory clock in the owing State's time zone (UTC for a State the directory lacks): the calendar the due date is counted in.",
      labelNames: ['step'],
      registers,
      async collect() {
        const d = await deadlines();
        this.reset();
        const byStep = new Map<string, number>(DEADLINE_STEPS.map((s) => [s, 0]));
        for (const r of d.rows) byStep.set(r.step, (byStep.get(r.step) ?? 0) + r.overdue);
        for (const [step, n] of byStep) this.set({ step }, n);
      },
    });
    new Gauge({
      name: 'rogatory_deadlines_due_today',
      help: "Open deadlines due on today's date in the owing State's time zone (the date of the Rogatory clock there).",
      registers,
      async collect() {
        const d = await deadlines();
        this.set(d.rows.reduce((n, r) => n + r.dueToday, 0));
      },
    });
    new Gauge({
      name: 'rogatory_emails',
      help: 'Outbox emails per status: PENDING (to send), SENDING (handed over, outcome not recorded), SENT, UNKNOWN (outcome unknown), FAILED (refused for good).',
      labelNames: ['status'],
      registers,
      async collect() {
        const e = await emails();
        for (const s of OUTBOX_STATUSES) this.set({ status: s }, e.byStatus[s]);
      },
    });
    new Counter({
      name: 'rogatory_emails_sent_late_total',
      help: 'Outbox emails SENT after their time (written late because the worker was down; the message says so).',
      registers,
      async collect() {
        const e = await emails();
        this.reset();
        this.inc(e.sentLate);
      },
    });
    new Gauge({
      name: 'rogatory_email_incidents_open',
      help: 'Outbox emails UNKNOWN or FAILED that no administrator has settled yet (a resent email that failed again counts again); listed at GET /api/v1/admin/incidents.',
      registers,
      async collect() {
        this.set((await emails()).incidentsOpen);
      },
    });
    new Gauge({
      name: 'rogatory_queue_jobs',
      help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed), from getJobCounts.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const q = await queues();
        for (const queue of Object.values(QueueName)) for (const state of QUEUE_JOB_STATES) this.set({ queue, state }, q[queue][state]);
      },
    });
  }

  /** The Content-Type of `metrics()`: Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text format, read now. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
