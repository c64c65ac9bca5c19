import { HttpException, Injectable, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { AppConfig, redisConnection } from '@rogatory/domain';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/access.decorators';
import { HealthController } from '../health/health.controller';

/** The window of both limits. */
const MINUTE_MS = 60_000;

/** Names of the two throttlers: per client IP address (every route), per signed-in user. */
type Limit = 'ip' | 'user';

/**
 * ThrottlerModule with its counters in Redis (keys `${queuePrefix}:throttle:…`), so every API instance
 * counts the same requests: per IP address, RATE_LIMIT_IP_PER_MINUTE; per user, RATE_LIMIT_PER_MINUTE.
 * Counts are per minute over all routes (not per route). The guards below apply them.
 */
export function rateLimitModule(): DynamicModule {
  return ThrottlerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig): ThrottlerModuleOptions => ({
      throttlers: [
        { name: 'ip' satisfies Limit, ttl: MINUTE_MS, limit: config.rateLimitIpPerMinute },
        { name: 'user' satisfies Limit, ttl: MINUTE_MS, limit: config.rateLimitPerMinute, getTracker: (req) => principalOf(req as Request)?.userId ?? '' },
      ],
      // One counter per client for all routes (the default key is per route).
      generateKey: (_context, tracker) => tracker,
      // Fail fast rather than hold requests while Redis is away (the answer is then 500).
      storage: new ThrottlerStorageRedisService({ ...redisConnection(config.redisUrl), keyPrefix: `${config.queuePrefix}:throttle:`, maxRetriesPerRequest: 1 }),
      // Only Retry-After, on a 429 (see throwThrottlingException).
      setHeaders: false,
    }),
  });
}

/**
 * Applies one of the two limits; beyond it, 429 problem+json with code RATE_LIMITED and `Retry-After`
 * (seconds). Health is never limited (load balancers and monitors poll it).
 */
abstract class RateLimitGuard extends ThrottlerGuard {
  protected abstract readonly limit: Limit;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((t) => t.name === this.limit);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || context.getClass() === HealthController;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    const who = this.limit === 'ip' ? 'from this IP address' : 'by this user';
    throw new HttpException(
      {
        message: `more than ${detail.limit} requests a minute ${who}; retry in ${retryAfter} s`,
        code: 'RATE_LIMITED',
        errors: [{ field: this.limit === 'ip' ? '(client address)' : 'Authorization', reason: `more than ${detail.limit} requests a minute ${who}` }],
      },
      429,
    );
  }
}

/** RATE_LIMIT_IP_PER_MINUTE per client address (Express `req.ip`, behind TRUST_PROXY_HOPS proxies), on every route. Runs first, so refused tokens count too. */
@Injectable()
export class IpRateLimitGuard extends RateLimitGuard {
  protected readonly limit = 'ip';
}

/** RATE_LIMIT_PER_MINUTE per signed-in user (the principal AuthGuard left); public routes are not counted. Runs after AuthGuard. */
@Injectable()
export class UserRateLimitGuard extends RateLimitGuard {
  protected readonly limit = 'user';

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return (await super.shouldSkip(context)) || !principalOf(context.switchToHttp().getRequest<Request>());
  }
}
