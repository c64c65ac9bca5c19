import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HolidayService, ValidationFailedError, type HolidayChangeResult, type HolidayView } from '@rogatory/domain';
import type { Request } from 'express';
import { ANY_ROLE, Roles } from '../auth/access.decorators';
import { ACCEPTS_CSV } from '../common/json-body.guard';
import { administratorName } from './admin-name';

/**
 * The administrators' holiday table per State (DOMAIN.md §4). Reading is open like the rest of the
 * directory; changing needs an ADMINISTRATOR's bearer token. Every change recomputes the open deadlines owed by
 * the State (never earlier once their reminder has gone out) and records each move on its case.
 */
@ApiTags('calendars')
@Controller('api/v1')
export class HolidaysController {
  constructor(private readonly holidays: HolidayService) {}

  /**
   * GET /api/v1/states/:state/holidays?year=YYYY → `{ state, year, weekend, coveredByDateHolidays,
   * holidays: [{ date, name, source: DATE_HOLIDAYS | ADMINISTRATOR }] }`, dates being calendar dates of the
   * State. 400 for a bad year, 404 for an unknown State.
   */
  @Get('states/:state/holidays')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: "A State's days off in a year: date-holidays' and the administrators'" })
  @ApiOkResponse({ description: '{ state, year, weekend, coveredByDateHolidays, holidays }' })
  @ApiResponse({ status: 400, description: 'application/problem+json' })
  @ApiResponse({ status: 404, description: 'unknown State' })
  async list(@Param('state') state: string, @Query() q: Record<string, unknown>) {
    for (const k of Object.keys(q)) if (k !== 'year') throw new ValidationFailedError([{ field: k, reason: 'is not a parameter (year)' }]);
    if (typeof q.year !== 'string' || !/^\d{4}$/.test(q.year)) throw new ValidationFailedError([{ field: 'year', reason: 'is required, a year YYYY' }]);
    return this.holidays.list(state, Number(q.year));
  }

  /**
   * POST /api/v1/states/:state/holidays `{ date: 'YYYY-MM-DD', name }` (administrator) → 201
   * `{ added, removed, unchanged, deadlinesMoved: [{ requestId, reference, step, previousDueOn, dueOn }] }`.
   * 400 naming the field, 401 without the token, 404 unknown State, 409 the date is already there.
   */
  @Post('states/:state/holidays')
  @Roles('ADMINISTRATOR')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a holiday to a State (administrator); recomputes its open deadlines' })
  @ApiBody({
    schema: { type: 'object', required: ['date', 'name'], properties: { date: { type: 'string', example: '2026-06-04' }, name: { type: 'string' } } },
  })
  @ApiResponse({ status: 201, description: '{ added, removed, unchanged, deadlinesMoved }' })
  async add(@Param('state') state: string, @Body() body: unknown, @Req() req: Request): Promise<HolidayChangeResult> {
    return this.holidays.add(state, body, administratorName(req));
  }

  /** DELETE /api/v1/states/:state/holidays/:date (administrator): removes an administrator's holiday → 200 as for POST; 404 when not in the table. */
  @Delete('states/:state/holidays/:date')
  @Roles('ADMINISTRATOR')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Remove an administrator's holiday (administrator); recomputes the open deadlines" })
  async remove(@Param('state') state: string, @Param('date') date: string, @Req() req: Request): Promise<HolidayChangeResult> {
    return this.holidays.remove(state, date, administratorName(req));
  }

  /**
   * POST /api/v1/holidays/import, `Content-Type: text/csv`, header `state,date,name` (administrator):
   * all rows or none → 201 `{ added, unchanged, deadlinesMoved }`; 400 naming `line N: column`.
   */
  @Post('holidays/import')
  @HttpCode(201)
  @Roles('ADMINISTRATOR')
  @SetMetadata(ACCEPTS_CSV, true)
  @ApiBearerAuth()
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Import holidays from CSV (state,date,name) (administrator)' })
  @ApiBody({ schema: { type: 'string', example: 'state,date,name\nMV,2026-06-04,Eid al-Adha (announced)\n' } })
  async importCsv(@Body() body: unknown, @Req() req: Request): Promise<Omit<HolidayChangeResult, never>> {
    if (typeof body !== 'string' || !body.trim()) throw new ValidationFailedError([{ field: '(body)', reason: 'send the CSV file as text/csv' }]);
    return this.holidays.importCsv(body, administratorName(req));
  }
}

export type { HolidayView };
