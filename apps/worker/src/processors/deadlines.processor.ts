import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DeadlineRunner, JobName, QueueName, STALL_OPTIONS } from '@rogatory/domain';
import type { Job } from 'bullmq';
import { runJob, type HandlesJobs, type JobHandlers } from './job-handler';

/** Fires due deadline stages (reminders and escalations). */
// 16 at a time: a job mostly waits on PostgreSQL, Redis or SMTP (BENCHMARKS.md: 4 left the worker half idle).
@Processor(QueueName.Deadlines, { concurrency: 16, ...STALL_OPTIONS })
export class DeadlinesProcessor extends WorkerHost implements HandlesJobs {
  constructor(private readonly runner: DeadlineRunner) {
    super();
  }

  readonly handlers: JobHandlers = {
    [JobName.DeadlineDue]: (d) => this.runner.fire(d.deadlineId, d.stage),
  };

  process(job: Job): Promise<unknown> {
    return runJob(this.handlers, job);
  }
}
