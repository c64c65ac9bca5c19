import { Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller';
import { MetricsController } from './metrics.controller';
import { PrometheusRegistry } from './prometheus.registry';

/**
 * The administration routes (an ADMINISTRATOR's bearer token required): GET /metrics (Prometheus), GET
 * /api/v1/admin/metrics, the email incidents. The queue dashboard at /admin/queues is Express
 * middleware, mounted by configureApi (queue-dashboard.ts). Needs DomainModule (global).
 */
@Module({
  controllers: [MetricsController, IncidentsController],
  providers: [PrometheusRegistry],
})
export class AdminModule {}
