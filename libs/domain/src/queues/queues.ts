import type { Stage } from '@rogatory/workflow';

/** Every BullMQ queue of Rogatory. */
export enum QueueName {
  Deadlines = 'deadlines',
  Outbox = 'outbox',
  Maintenance = 'maintenance',
}

/** Every job name, one handler each (the worker checks at start-up). */
export enum JobName {
  DeadlineDue = 'deadline-due',
  SendEmail = 'send-email',
  Sweep = 'sweep',
  YearlyStatistics = 'yearly-statistics',
}

/** Payloads carry ids only, never case contents or personal data. */
export interface JobPayloads {
  [JobName.DeadlineDue]: { deadlineId: string; stage: Stage };
  [JobName.SendEmail]: { outboxId: string };
  [JobName.Sweep]: Record<string, never>;
  [JobName.YearlyStatistics]: { year?: number };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.DeadlineDue]: QueueName.Deadlines,
  [JobName.SendEmail]: QueueName.Outbox,
  [JobName.Sweep]: QueueName.Maintenance,
  [JobName.YearlyStatistics]: QueueName.Maintenance,
};

/** Deterministic job ids: the same effect is never queued twice while it waits. */
export const jobIds = {
  deadlineDue: (deadlineId: string, stage: Stage): string => `deadline.${deadlineId}.${stage}`,
  sendEmail: (outboxId: string): string => `email.${outboxId}`,
};

/** Named retry policies. Transient failures retry with exponential backoff; permanent ones throw UnrecoverableError. */
export const RETRY_POLICIES = {
  /** A deadline job loses an optimistic-lock race or the database blips: retry soon. */
  deadline: { attempts: 8, backoff: { type: 'exponential' as const, delay: 1000 } },
  /** SMTP down: retry over about an hour (1 s, 2 s, … 4096 s); the sweeper picks up what is left. */
  email: { attempts: 13, backoff: { type: 'exponential' as const, delay: 1000 } },
};

/** Completed jobs are removed so a deterministic id can be queued again by the sweeper later. */
export const DEFAULT_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: { count: 1000 } };

/** Yearly statistics for the year just ended, 06:00 UTC on 1 January. */
export const YEARLY_STATISTICS_CRON = '0 6 1 1 *';
