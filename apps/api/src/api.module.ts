import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DomainModule, type DomainModuleOptions } from '@rogatory/domain';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { HealthController } from './health/health.controller';
import { RequestsController } from './requests/requests.controller';
import { StatisticsController } from './statistics/statistics.controller';

/** The HTTP API: requests, events, statistics, health. No processors (the worker runs those). */
@Module({})
export class ApiModule {
  static forRoot(opts: DomainModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [DomainModule.forRoot(opts), TerminusModule.forRoot({ logger: false })],
      controllers: [RequestsController, StatisticsController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
