import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CaseAccessService, StatisticsService, ValidationFailedError, type Principal, type ScopedStatistics } from '@rogatory/domain';
import { ANY_ROLE, CurrentPrincipal, Roles } from '../auth/access.decorators';
import type { Response } from 'express';

@ApiTags('statistics')
@ApiBearerAuth()
@Roles(...ANY_ROLE)
@Controller('api/v1/statistics')
export class StatisticsController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly cases: CaseAccessService,
  ) {}

  /**
   * GET /api/v1/statistics/yearly?year=YYYY[&network=CODE][&format=json|csv]: the figures of DOMAIN.md §5
   * for calendar year YYYY, `{ year, networks: { WACAP, SEAJUST, CASC, OTHER }, total }`, medians in
   * calendar days, counted over the requests in the signed-in user's scope; for a secretariat, its own
   * network only, counts from 1 to STATISTICS_MIN_COUNT - 1 null and listed in `suppressed`. 400
   * problem+json for a bad year, network or format; 404 for another network's statistics (secretariat).
   */
  @Get('yearly')
  @ApiOperation({ summary: 'Yearly statistics (DOMAIN.md §5)' })
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'network', required: false, enum: ['WACAP', 'SEAJUST', 'CASC', 'OTHER'] })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({ description: '{ year, networks, total }' })
  @ApiResponse({ status: 400, description: 'application/problem+json' })
  async yearly(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScopedStatistics | string> {
    const { year, network, format } = q;
    const errors: Array<{ field: string; reason: string }> = [];
    for (const k of Object.keys(q))
      if (!['year', 'network', 'format'].includes(k)) errors.push({ field: k, reason: 'is not a parameter (year, network, format)' });
    if (typeof year !== 'string' || !/^\d{4}$/.test(year)) errors.push({ field: 'year', reason: 'is required, a year YYYY' });
    if (network !== undefined && typeof network !== 'string') errors.push({ field: 'network', reason: 'give it once' });
    if (format !== undefined && format !== 'json' && format !== 'csv') errors.push({ field: 'format', reason: 'must be json or csv' });
    if (errors.length) throw new ValidationFailedError(errors);
    const stats = await this.cases.statistics(p, Number(year), network as string | undefined, format === 'csv' ? 'csv' : 'json');
    if (format === 'csv') {
      res.type('text/csv');
      return this.statistics.toCsv(stats);
    }
    return stats;
  }
}
