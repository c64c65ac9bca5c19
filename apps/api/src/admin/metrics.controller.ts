import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MetricsService, type MetricsSnapshot } from '@rogatory/domain';
import type { Response } from 'express';
import { FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { PrometheusRegistry } from './prometheus.registry';

/** Operational figures, for Prometheus and for people. Administrator token required. */
@ApiTags('administration')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller()
export class MetricsController {
  constructor(
    private readonly prometheus: PrometheusRegistry,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * GET /metrics: Prometheus text format 0.0.4, read at scrape time: rogatory_deadlines_open{step,
   * owed_by_state}, rogatory_deadlines_overdue{step}, rogatory_deadlines_due_today, rogatory_emails{status},
   * rogatory_emails_sent_late_total, rogatory_email_incidents_open, rogatory_queue_jobs{queue,state}.
   * 401 without a valid token, 403 for a role other than ADMINISTRATOR (Prometheus: `authorization: { credentials: <an administrator's token> }`).
   */
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async prometheusText(@Res({ passthrough: true }) res: Response): Promise<string> {
    const text = await this.prometheus.metrics();
    res.type(this.prometheus.contentType);
    return text;
  }

  /**
   * GET /api/v1/admin/metrics: the same figures as JSON (MetricsSnapshot): `{ at, deadlines: { open:
   * [{ step, owedByState, count }], openTotal, overdue: { <step>: n }, dueToday }, emails: { byStatus,
   * sentLate, incidentsOpen }, queues: { <queue>: { waiting, active, delayed, failed } } }`. Overdue and
   * due today are by the date in the owing State's time zone. 401 without a valid token, 403 for a role other than ADMINISTRATOR.
   */
  @Get('api/v1/admin/metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Operational figures as JSON' })
  @ApiOkResponse({ description: '{ at, deadlines, emails, queues }' })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  snapshot(): Promise<MetricsSnapshot> {
    return this.metrics.snapshot();
  }
}
