import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { DevIssuerController } from './auth/dev-issuer.controller';
import { DevTokenFormMiddleware } from './auth/dev-token-form.middleware';
import { AuthConfigController, SessionController } from './auth/session.controller';
import { JsonBodyGuard } from './common/json-body.guard';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { IpRateLimitGuard, UserRateLimitGuard, rateLimitModule } from './security/rate-limit.guard';
import { AdminModule } from './admin/admin.module';
import { TerminusModule } from '@nestjs/terminus';
import { DomainModule, type DomainModuleOptions } from '@rogatory/domain';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { HolidaysController } from './calendar/holidays.controller';
import { PoliciesController } from './calendar/policies.controller';
import { ContactPointsController } from './contact-points/contact-points.controller';
import { ContactPointAbsenceController } from './contact-points/contact-point-absence.controller';
import { ContactPointHandoverController } from './contact-points/contact-point-handover.controller';
import { DirectoryController } from './directory/directory.controller';
import { HealthController } from './health/health.controller';
import { RequestsController } from './requests/requests.controller';
import { PlenariesController } from './plenary/plenaries.controller';
import { StatisticsController } from './statistics/statistics.controller';

/** The HTTP API: requests, events, statistics, health. No processors (the worker runs those). */
@Module({})
export class ApiModule implements NestModule {
  /** The development issuer's token endpoint alone takes a urlencoded form (OAuth 2.0); every other body is JSON or CSV (bootstrap.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DevTokenFormMiddleware).forRoutes({ path: 'auth/dev/token', method: RequestMethod.POST });
  }

  static forRoot(opts: DomainModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [DomainModule.forRoot(opts), TerminusModule.forRoot({ logger: false }), AdminModule, DiscoveryModule, rateLimitModule()],
      controllers: [
        RequestsController,
        StatisticsController,
        HealthController,
        HolidaysController,
        PoliciesController,
        ContactPointsController,
        ContactPointAbsenceController,
        ContactPointHandoverController,
        DirectoryController,
        PlenariesController,
        DevIssuerController,
        SessionController,
        AuthConfigController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Guards run in this order: the per-IP rate limit (so refused tokens count too), authentication
        // and role, the per-user rate limit (the user is known now), then the body's media type.
        { provide: APP_GUARD, useClass: IpRateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: UserRateLimitGuard },
        { provide: APP_GUARD, useClass: JsonBodyGuard },
        // Idempotency-Key on POST routes (after the guards: the user is known, the body checked).
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
