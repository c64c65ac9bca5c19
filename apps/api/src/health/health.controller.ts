import { MikroORM } from '@mikro-orm/postgresql';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, MikroOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { QueueName } from '@rogatory/domain';
import { Queue } from 'bullmq';
import { Public } from '../auth/access.decorators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: MikroOrmHealthIndicator,
    private readonly orm: MikroORM,
    @InjectQueue(QueueName.Deadlines) private readonly queue: Queue,
  ) {}

  /** GET /health: 200 `{ status: 'ok' }` when PostgreSQL and Redis answer; 503 naming the one that does not. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { connection: this.orm, timeout: 3000 }),
      async (): Promise<HealthIndicatorResult> => {
        const client = await this.queue.client;
        let timer: NodeJS.Timeout | undefined;
        try {
          const pong = await Promise.race([
            (client as unknown as { ping(): Promise<string> }).ping(),
            new Promise<string>((_, rej) => (timer = setTimeout(() => rej(new Error('timeout')), 3000))),
          ]);
          return { redis: { status: pong === 'PONG' ? 'up' : 'down' } };
        } finally {
          clearTimeout(timer); // a pending 3 s timer would keep a closing process (and jest) waiting
        }
      },
    ]);
  }
}
