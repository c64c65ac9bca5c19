import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Global, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { AppConfig } from './config/app-config';
import { DeadlineRunner } from './deadlines/deadline-runner.service';
import { DeadlinePolicyService } from './deadlines/deadline-policy.service';
import { CaseAccessService } from './access/case-access.service';
import { AuditService } from './audit/audit.service';
import { AuditVerifier } from './audit/audit-verifier.service';
import { TokenService } from './auth/token.service';
import { UserService } from './auth/user.service';
import { FieldCipher } from './crypto/field-cipher';
import { KeyRotationService } from './crypto/key-rotation.service';
import { HolidayService } from './holidays/holiday.service';
import { IdempotencyService } from './idempotency/idempotency.service';
import { DeadlineService } from './deadlines/deadline.service';
import { DirectoryService } from './directory/directory.service';
import { ContactPointAbsenceService } from './directory/contact-point-absence.service';
import { ContactPointHandoverService } from './directory/contact-point-handover.service';
import { DirectoryCsvService } from './directory/directory-csv.service';
import { DirectoryEntryService } from './directory/directory-entry.service';
import { RegisterImportService } from './import/register-import.service';
import { ormOptions } from './mikro-orm.config';
import { MailDriver, SmtpMailDriver } from './notifications/mail-driver';
import { NotificationService } from './notifications/notification.service';
import { DigestService } from './notifications/digest.service';
import { NotificationModeService } from './notifications/notification-mode.service';
import { OutboxService } from './notifications/outbox.service';
import { JobDispatcher } from './queues/job-dispatcher.service';
import { QueueName } from './queues/queues';
import { redisConnection } from './queues/redis-connection';
import { MlaRequestService } from './requests/mla-request.service';
import { PlenaryService } from './plenary/plenary.service';
import { SnapshotMigrationService } from './requests/snapshot-migration.service';
import { StatisticsService } from './statistics/statistics.service';
import { IncidentService } from './metrics/incident.service';
import { MetricsService } from './metrics/metrics.service';

export interface DomainModuleOptions {
  config: AppConfig;
  /** Defaults to the system clock; a replay passes a ManualClock. */
  clock?: Clock;
  /** Defaults to pooled SMTP to SMTP_URL. */
  mailDriver?: MailDriver;
}

const SERVICES = [
  DirectoryService,
  DirectoryEntryService,
  DirectoryCsvService,
  ContactPointAbsenceService,
  ContactPointHandoverService,
  TokenService,
  UserService,
  AuditService,
  AuditVerifier,
  FieldCipher,
  KeyRotationService,
  CaseAccessService,
  NotificationService,
  DigestService,
  NotificationModeService,
  DeadlineService,
  DeadlinePolicyService,
  HolidayService,
  JobDispatcher,
  MlaRequestService,
  SnapshotMigrationService,
  DeadlineRunner,
  OutboxService,
  StatisticsService,
  RegisterImportService,
  MetricsService,
  IncidentService,
  IdempotencyService,
  PlenaryService,
];

/** Waits for every queue's Redis connection at start-up: fails fast when Redis is unreachable, and closes cleanly. */
@Injectable()
class QueuesReady implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Deadlines) private readonly deadlines: Queue,
    @InjectQueue(QueueName.Outbox) private readonly outbox: Queue,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.deadlines, this.outbox, this.maintenance].map((q) => q.waitUntilReady()));
  }
}

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
        QueuesReady,
        ...SERVICES,
      ],
      exports: [AppConfig, Clock, MailDriver, BullModule, ...SERVICES],
    };
  }
}
