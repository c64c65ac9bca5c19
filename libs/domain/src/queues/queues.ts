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
  DailyDigest = 'daily-digest',
}

/** Payloads carry ids only, never case contents or personal data. */
export interface JobPayloads {
  [JobName.DeadlineDue]: { deadlineId: string; stage: Stage };
  [JobName.SendEmail]: { outboxId: string };
  [JobName.Sweep]: Record<string, never>;
  [JobName.YearlyStatistics]: { year?: number };
  [JobName.DailyDigest]: Record<string, never>;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.DeadlineDue]: QueueName.Deadlines,
  [JobName.SendEmail]: QueueName.Outbox,
  [JobName.Sweep]: QueueName.Maintenance,
  [JobName.YearlyStatistics]: QueueName.Maintenance,
  [JobName.DailyDigest]: QueueName.Maintenance,
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

/**
 * Contact points' daily digests: every hour at minute 0 UTC; each run writes the digests of the contact
 * points whose local time is then in the 09:00 hour (an hour-long window holds one such run in every zone,
 * including those offset by a half or three quarters of an hour).
 */
export const DAILY_DIGEST_CRON = '0 * * * *';

/**
 * Worker options for every processor: a job whose worker died (SIGKILL, power loss) is found stalled and
 * run again within about 20 s instead of BullMQ's default minute. The lock is renewed every half
 * `lockDuration` while a job runs, so a slow SMTP hand-over keeps it. A rerun is harmless: a deadline
 * stage fires only while it is the next one, an email is claimed only while PENDING.
 */
export const STALL_OPTIONS = { lockDuration: 15_000, stalledInterval: 5_000 } as const;
