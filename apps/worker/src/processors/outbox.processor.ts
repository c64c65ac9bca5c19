import { Processor, WorkerHost } from '@nestjs/bullmq';
import { JobName, OutboxService, QueueName, STALL_OPTIONS } from '@rogatory/domain';
import type { Job } from 'bullmq';
import { runJob, type HandlesJobs, type JobHandlers } from './job-handler';

/** Sends outbox emails; a transient SMTP failure throws so BullMQ retries with backoff. */
// 16 at a time: a job mostly waits on PostgreSQL, Redis or SMTP (BENCHMARKS.md: 4 left the worker half idle).
@Processor(QueueName.Outbox, { concurrency: 16, ...STALL_OPTIONS })
export class OutboxProcessor extends WorkerHost implements HandlesJobs {
  constructor(private readonly outbox: OutboxService) {
    super();
  }

  readonly handlers: JobHandlers = {
    [JobName.SendEmail]: async (d) => {
      const outcome = await this.outbox.send(d.outboxId);
      if (outcome === 'retry') throw new Error(`email ${d.outboxId}: SMTP unavailable, will retry`);
      return outcome;
    },
  };

  process(job: Job): Promise<unknown> {
    return runJob(this.handlers, job);
  }
}
