import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StatisticsService, ValidationFailedError, type YearlyStatistics } from '@rogatory/domain';
import type { Response } from 'express';

@ApiTags('statistics')
@Controller('api/v1/statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  /**
   * GET /api/v1/statistics/yearly?year=YYYY[&network=CODE][&format=json|csv]: the figures of DOMAIN.md §5
   * for calendar year YYYY, `{ year, networks: { WACAP, SEAJUST, CASC, OTHER }, total }`, medians in
   * calendar days. 400 problem+json for a bad year, network or format.
   */
  @Get('yearly')
  @ApiOperation({ summary: 'Yearly statistics (DOMAIN.md §5)' })
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'network', required: false, enum: ['WACAP', 'SEAJUST', 'CASC', 'OTHER'] })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({ description: '{ year, networks, total }' })
  @ApiResponse({ status: 400, description: 'application/problem+json' })
  async yearly(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<YearlyStatistics | string> {
    const { year, network, format } = q;
    const errors: Array<{ field: string; reason: string }> = [];
    for (const k of Object.keys(q))
      if (!['year', 'network', 'format'].includes(k)) errors.push({ field: k, reason: 'is not a parameter (year, network, format)' });
    if (typeof year !== 'string' || !/^\d{4}$/.test(year)) errors.push({ field: 'year', reason: 'is required, a year YYYY' });
    if (network !== undefined && typeof network !== 'string') errors.push({ field: 'network', reason: 'give it once' });
    if (format !== undefined && format !== 'json' && format !== 'csv') errors.push({ field: 'format', reason: 'must be json or csv' });
    if (errors.length) throw new ValidationFailedError(errors);
    const stats = await this.statistics.yearly(Number(year), network as string | undefined);
    if (format === 'csv') {
      res.type('text/csv');
      return this.statistics.toCsv(stats);
    }
    return stats;
  }
}
