import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { AppConfig } from './config/app-config';
import { DeadlineRunner } from './deadlines/deadline-runner.service';
import { DeadlineService } from './deadlines/deadline.service';
import { DirectoryService } from './directory/directory.service';
import { RegisterImportService } from './import/register-import.service';
import { ormOptions } from './mikro-orm.config';
import { MailDriver, SmtpMailDriver } from './notifications/mail-driver';
import { NotificationService } from './notifications/notification.service';
import { OutboxService } from './notifications/outbox.service';
import { JobDispatcher } from './queues/job-dispatcher.service';
import { QueueName } from './queues/queues';
import { redisConnection } from './queues/redis-connection';
import { MlaRequestService } from './requests/mla-request.service';
import { StatisticsService } from './statistics/statistics.service';

export interface DomainModuleOptions {
  config: AppConfig;
  /** Defaults to the system clock; a replay passes a ManualClock. */
  clock?: Clock;
  /** Defaults to pooled SMTP to SMTP_URL. */
  mailDriver?: MailDriver;
}

const SERVICES = [
  DirectoryService,
  NotificationService,
  DeadlineService,
  JobDispatcher,
  MlaRequestService,
  DeadlineRunner,
  OutboxService,
  StatisticsService,
  RegisterImportService,
];

class MailDriverCloser implements OnApplicationShutdown {
  constructor(private readonly mail: MailDriver) {}
  async onApplicationShutdown(): Promise<void> {
    await this.mail.close();
  }
}

/** PostgreSQL (MikroORM), the BullMQ queues on Redis, and the domain services, for the API, the worker and the CLI. */
@Global()
@Module({})
export class DomainModule {
  static forRoot(opts: DomainModuleOptions): DynamicModule {
    const { config } = opts;
    return {
      module: DomainModule,
      imports: [
        MikroOrmModule.forRoot({ ...ormOptions(config.databaseUrl), registerRequestContext: false }),
        BullModule.forRoot({ connection: redisConnection(config.redisUrl), prefix: config.queuePrefix }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: opts.clock ?? new SystemClock() },
        { provide: MailDriver, useFactory: () => opts.mailDriver ?? new SmtpMailDriver(config.smtpUrl) },
        { provide: MailDriverCloser, useFactory: (m: MailDriver) => new MailDriverCloser(m), inject: [MailDriver] },
        ...SERVICES,
      ],
      exports: [AppConfig, Clock, MailDriver, BullModule, ...SERVICES],
    };
  }
}
