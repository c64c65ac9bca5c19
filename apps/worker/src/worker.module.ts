import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, DAILY_DIGEST_CRON, DomainModule, JobName, QueueName, YEARLY_STATISTICS_CRON, type DomainModuleOptions } from '@rogatory/domain';
import { Queue } from 'bullmq';
import { DeadlinesProcessor } from './processors/deadlines.processor';
import { checkHandlers } from './processors/job-handler';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { OutboxProcessor } from './processors/outbox.processor';

export interface WorkerModuleOptions extends DomainModuleOptions {
  /** Register the sweeper and the yearly statistics schedulers (off in a replay, which sweeps itself). */
  schedulers?: boolean;
}

const SCHEDULERS = Symbol('SCHEDULERS');

/** Checks the handlers and registers the job schedulers once the processors exist. */
@Injectable()
class WorkerBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  constructor(
    private readonly deadlines: DeadlinesProcessor,
    private readonly outbox: OutboxProcessor,
    private readonly maintenance: MaintenanceProcessor,
    @InjectQueue(QueueName.Maintenance) private readonly maintenanceQueue: Queue,
    private readonly config: AppConfig,
    @Inject(SCHEDULERS) private readonly schedulers: boolean,
  ) {}

  private watchdog: NodeJS.Timeout | null = null;

  async onApplicationBootstrap(): Promise<void> {
    checkHandlers([this.deadlines, this.outbox, this.maintenance]);
    if (!this.schedulers) return;
    await this.registerSchedulers();
    this.logger.log(
      `schedulers: sweep every ${this.config.sweepSeconds} s, yearly statistics "${YEARLY_STATISTICS_CRON}" UTC, daily digests "${DAILY_DIGEST_CRON}" UTC`,
    );
    // Job schedulers live in Redis: should Redis lose its data, they are registered again here (idempotent),
    // so the sweeper comes back by itself and re-queues what was lost.
    this.watchdog = setInterval(() => {
      this.registerSchedulers().catch((err: Error) => this.logger.warn(`could not register the schedulers: ${err.message}`));
    }, this.config.sweepSeconds * 1000);
    this.watchdog.unref();
  }

  onApplicationShutdown(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }

  private async registerSchedulers(): Promise<void> {
    await this.maintenanceQueue.upsertJobScheduler('sweep', { every: this.config.sweepSeconds * 1000 }, { name: JobName.Sweep, data: {} });
    await this.maintenanceQueue.upsertJobScheduler(
      'yearly-statistics',
      { pattern: YEARLY_STATISTICS_CRON, tz: 'UTC' },
      { name: JobName.YearlyStatistics, data: {} },
    );
    await this.maintenanceQueue.upsertJobScheduler('daily-digest', { pattern: DAILY_DIGEST_CRON, tz: 'UTC' }, { name: JobName.DailyDigest, data: {} });
  }
}

/** The worker: BullMQ processors for deadlines, outbox and maintenance, in a NestJS application context. */
@Module({})
export class WorkerModule {
  static forRoot(opts: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DomainModule.forRoot(opts)],
      providers: [DeadlinesProcessor, OutboxProcessor, MaintenanceProcessor, { provide: SCHEDULERS, useValue: opts.schedulers ?? true }, WorkerBootstrap],
    };
  }
}
