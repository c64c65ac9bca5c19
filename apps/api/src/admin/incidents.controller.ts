import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IncidentService, ValidationFailedError } from '@rogatory/domain';
import { FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { IncidentListView, IncidentResolutionView, IncidentView, ResolveIncidentDto } from './incident.dtos';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };

/**
 * Email incidents for administrators: outbox emails whose hand-over ended UNKNOWN or FAILED, and their
 * settlement. Administrator token required (Bearer, or Basic with it as the password).
 */
@ApiTags('administration')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller('api/v1/admin/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentService) {}

  /**
   * GET /api/v1/admin/incidents: open incidents (UNKNOWN or FAILED, not yet settled), most recent attempt
   * first: `{ items: IncidentView[], total, limit, offset }`; `limit` 1–500 (default 100), `offset` ≥ 0.
   * 400 naming a bad or unknown parameter; 401 without a valid token, 403 for a role other than ADMINISTRATOR.
   */
  @Get()
  @ApiOperation({ summary: 'Open email incidents' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: IncidentListView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async list(@Query() q: Record<string, unknown>): Promise<IncidentListView> {
    const errors: Array<{ field: string; reason: string }> = [];
    for (const k of Object.keys(q)) if (k !== 'limit' && k !== 'offset') errors.push({ field: k, reason: 'is not a parameter (limit, offset)' });
    const int = (k: string, min: number, max: number, dflt: number): number => {
      const v = q[k];
      if (v === undefined) return dflt;
      if (typeof v !== 'string' || !/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max)
        errors.push({ field: k, reason: `must be a whole number from ${min} to ${max}, given once` });
      return Number(v);
    };
    const limit = int('limit', 1, 500, 100);
    const offset = int('offset', 0, 1_000_000_000, 0);
    if (errors.length) throw new ValidationFailedError(errors);
    const { items, total } = await this.incidents.list(limit, offset);
    return { items: items as IncidentView[], total, limit, offset };
  }

  /**
   * POST /api/v1/admin/incidents/{id}/resolution with `{ resolution, note? }`: settles the incident of
   * outbox email `id`. CONFIRMED_DELIVERED and DISMISSED record it; RESENT records it, sets the email back
   * to PENDING and queues it so the worker sends it once more. 200 `IncidentResolutionView`; 400 naming
   * the bad field; 401 without the token; 404 unknown email; 409 when it is not an open incident (never
   * failed, or already settled, also by an administrator who resolved it at the same moment).
   */
  @Post(':id/resolution')
  @HttpCode(200)
  @ApiOperation({ summary: 'Settle an email incident: confirmed delivered, resent, or dismissed' })
  @ApiBody({ type: ResolveIncidentDto })
  @ApiOkResponse({ type: IncidentResolutionView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  async resolve(@Param('id') id: string, @Body() body: unknown): Promise<IncidentResolutionView> {
    return this.incidents.resolve(id, body);
  }
}
