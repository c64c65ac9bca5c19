import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JsonBodyGuard } from './common/json-body.guard';
import { AdminModule } from './admin/admin.module';
import { TerminusModule } from '@nestjs/terminus';
import { DomainModule, type DomainModuleOptions } from '@rogatory/domain';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { HolidaysController } from './calendar/holidays.controller';
import { PoliciesController } from './calendar/policies.controller';
import { ContactPointsController } from './contact-points/contact-points.controller';
import { HealthController } from './health/health.controller';
import { RequestsController } from './requests/requests.controller';
import { StatisticsController } from './statistics/statistics.controller';

/** The HTTP API: requests, events, statistics, health. No processors (the worker runs those). */
@Module({})
export class ApiModule {
  static forRoot(opts: DomainModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [DomainModule.forRoot(opts), TerminusModule.forRoot({ logger: false }), AdminModule],
      controllers: [RequestsController, StatisticsController, HealthController, HolidaysController, PoliciesController, ContactPointsController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: JsonBodyGuard },
      ],
    };
  }
}
