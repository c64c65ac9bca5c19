import { Processor, WorkerHost } from '@nestjs/bullmq';
import { AppConfig, DeadlineRunner, JobDispatcher, JobName, QueueName, StatisticsService } from '@rogatory/domain';
import type { Job } from 'bullmq';
import { runJob, type HandlesJobs, type JobHandlers } from './job-handler';

/** The sweeper (re-enqueues what Redis lost) and the 1 January statistics email. */
@Processor(QueueName.Maintenance, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost implements HandlesJobs {
  constructor(
    private readonly runner: DeadlineRunner,
    private readonly statistics: StatisticsService,
    private readonly jobs: JobDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  readonly handlers: JobHandlers = {
    [JobName.Sweep]: () => this.runner.sweep(this.config.sweepSeconds * 1000),
    [JobName.YearlyStatistics]: async (d) => {
      const jobs = await this.statistics.emailYearToSecretariats(d.year);
      await this.jobs.dispatch(jobs);
      return { emails: jobs.length };
    },
  };

  process(job: Job): Promise<unknown> {
    return runJob(this.handlers, job);
  }
}
