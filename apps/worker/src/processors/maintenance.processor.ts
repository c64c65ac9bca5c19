import { Processor, WorkerHost } from '@nestjs/bullmq';
import { AppConfig, DeadlineRunner, DigestService, JobDispatcher, JobName, QueueName, STALL_OPTIONS, StatisticsService } from '@rogatory/domain';
import type { Job } from 'bullmq';
import { runJob, type HandlesJobs, type JobHandlers } from './job-handler';

/** The sweeper (re-enqueues what Redis lost), the 1 January statistics email and the contact points' daily digests. */
@Processor(QueueName.Maintenance, { concurrency: 1, ...STALL_OPTIONS })
export class MaintenanceProcessor extends WorkerHost implements HandlesJobs {
  constructor(
    private readonly runner: DeadlineRunner,
    private readonly statistics: StatisticsService,
    private readonly jobs: JobDispatcher,
    private readonly config: AppConfig,
    private readonly digests: DigestService,
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
    [JobName.DailyDigest]: () => this.digests.writeDueDigests(),
  };

  process(job: Job): Promise<unknown> {
    return runJob(this.handlers, job);
  }
}
