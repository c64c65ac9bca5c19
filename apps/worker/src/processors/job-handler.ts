import { DomainError, JobName, StaleVersionError, type JobPayloads } from '@rogatory/domain';
import { UnrecoverableError, type Job } from 'bullmq';

/** A handler per job name; processors are thin: parse, call one service, return. */
export type JobHandlers = { [K in JobName]?: (data: JobPayloads[K]) => Promise<unknown> };

/** Implemented by every processor so the worker can check at start-up that each job name has exactly one handler. */
export interface HandlesJobs {
  readonly handlers: JobHandlers;
}

/**
 * Runs the handler of `job.name`. A stale version (a concurrent event won) and unknown errors are
 * transient: thrown, BullMQ retries with backoff. Other domain errors are permanent: UnrecoverableError,
 * recorded as a failed job.
 */
export async function runJob(handlers: JobHandlers, job: Job): Promise<unknown> {
  const handler = handlers[job.name as JobName] as ((data: unknown) => Promise<unknown>) | undefined;
  if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${job.queueName}`);
  try {
    return await handler(job.data);
  } catch (err) {
    if (err instanceof StaleVersionError) throw err;
    if (err instanceof DomainError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
}

/** Throws unless every JobName has exactly one handler among the processors. */
export function checkHandlers(processors: HandlesJobs[]): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const n = processors.filter((p) => p.handlers[name]).length;
    if (n !== 1) problems.push(`${name}: ${n} handlers`);
  }
  if (problems.length) throw new Error(`worker job handlers: each job name needs exactly one handler (${problems.join('; ')})`);
}
