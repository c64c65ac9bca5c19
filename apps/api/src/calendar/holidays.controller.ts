import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HolidayService, ValidationFailedError, type HolidayChangeResult, type HolidayList, type HolidayView } from '@rogatory/domain';
import type { Request, Response } from 'express';
import { ANY_ROLE, Roles } from '../auth/access.decorators';
import { IF_MATCH_HEADER, ifMatchPrecondition, PRECONDITION_FAILED_RESPONSE } from '../common/if-match';
import { ACCEPTS_CSV } from '../common/json-body.guard';
import { administratorName } from './admin-name';

/**
 * The administrators' holiday table per State (DOMAIN.md §4). Reading is open like the rest of the
 * directory; changing needs an ADMINISTRATOR's bearer token. Every change recomputes the open deadlines owed by
 * the State (never earlier once their reminder has gone out) and records each move on its case.
 *
 * Concurrency: each State's administrators' table has an `ETag` (a hash of its rows, every year; see
 * HolidayService). GET gives it; POST and DELETE take it back as an optional `If-Match` and answer 412,
 * changing nothing, when the table changed meanwhile (checked under the State's calendar lock, so of two
 * administrators holding the same ETag one succeeds and the other gets 412); their answers carry the new ETag.
 */
@ApiTags('calendars')
@Controller('api/v1')
export class HolidaysController {
  constructor(private readonly holidays: HolidayService) {}

  /**
   * GET /api/v1/states/:state/holidays?year=YYYY → `{ state, year, weekend, coveredByDateHolidays,
   * holidays: [{ date, name, source: DATE_HOLIDAYS | ADMINISTRATOR, createdAt? }] }`, dates being calendar
   * dates of the State, with `ETag: "<32 hex>"`: the revision of the State's administrators' table (all
   * years, not only `year`), to send as `If-Match` with a change. 400 for a bad year, 404 for an unknown State.
   */
  @Get('states/:state/holidays')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: "A State's days off in a year: date-holidays' and the administrators'" })
  @ApiOkResponse({
    description: '{ state, year, weekend, coveredByDateHolidays, holidays }',
    headers: { ETag: { description: "revision of the State's administrators' holiday table (every year)", schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 400, description: 'application/problem+json' })
  @ApiResponse({ status: 404, description: 'unknown State' })
  async list(
    @Param('state') state: string,
    @Query() q: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Omit<HolidayList, 'etag'>> {
    for (const k of Object.keys(q)) if (k !== 'year') throw new ValidationFailedError([{ field: k, reason: 'is not a parameter (year)' }]);
    if (typeof q.year !== 'string' || !/^\d{4}$/.test(q.year)) throw new ValidationFailedError([{ field: 'year', reason: 'is required, a year YYYY' }]);
    const { etag, ...list } = await this.holidays.list(state, Number(q.year));
    res.setHeader('ETag', etag);
    return list;
  }

  /**
   * POST /api/v1/states/:state/holidays `{ date: 'YYYY-MM-DD', name }` (administrator), optional
   * `If-Match: <ETag of GET>` or `*` → 201 `{ added, removed, unchanged, deadlinesMoved: [{ requestId,
   * reference, step, previousDueOn, dueOn }] }` with the table's new `ETag`. 400 naming the field (`If-Match`
   * when it is not a quoted ETag), 401 without the token, 403 another role, 404 unknown State, 409 the date
   * is already there, 412 (`PRECONDITION_FAILED`, naming `If-Match`) the table changed since that ETag.
   * Nothing is written on error.
   */
  @Post('states/:state/holidays')
  @Roles('ADMINISTRATOR')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a holiday to a State (administrator); recomputes its open deadlines' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    schema: { type: 'object', required: ['date', 'name'], properties: { date: { type: 'string', example: '2026-06-04' }, name: { type: 'string' } } },
  })
  @ApiResponse({ status: 201, description: '{ added, removed, unchanged, deadlinesMoved }; `ETag` the new revision of the table' })
  @ApiResponse({ status: 400, description: 'application/problem+json naming the field (or If-Match)' })
  @ApiResponse({ status: 404, description: 'unknown State' })
  @ApiResponse({ status: 409, description: 'the date is already in the table' })
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async add(
    @Param('state') state: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HolidayChangeResult> {
    const precondition = ifMatchPrecondition(ifMatch, `the holiday table of ${state}`);
    const { etag, ...result } = await this.holidays.add(state, body, administratorName(req), precondition);
    res.setHeader('ETag', etag);
    return result;
  }

  /**
   * DELETE /api/v1/states/:state/holidays/:date (administrator), optional `If-Match` as for POST: removes an
   * administrator's holiday → 200 as for POST, with the table's new `ETag`. 400 a bad date or If-Match,
   * 404 unknown State or the date not in the table, 412 the table changed since that ETag (checked before
   * the date is looked up). Nothing is written on error.
   */
  @Delete('states/:state/holidays/:date')
  @Roles('ADMINISTRATOR')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Remove an administrator's holiday (administrator); recomputes the open deadlines" })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiResponse({ status: 200, description: '{ added, removed, unchanged, deadlinesMoved }; `ETag` the new revision of the table' })
  @ApiResponse({ status: 400, description: 'application/problem+json naming the date or If-Match' })
  @ApiResponse({ status: 404, description: 'unknown State, or no such holiday in the table' })
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async remove(
    @Param('state') state: string,
    @Param('date') date: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HolidayChangeResult> {
    const precondition = ifMatchPrecondition(ifMatch, `the holiday table of ${state}`);
    const { etag, ...result } = await this.holidays.remove(state, date, administratorName(req), precondition);
    res.setHeader('ETag', etag);
    return result;
  }

  /**
   * POST /api/v1/holidays/import, `Content-Type: text/csv`, header `state,date,name` (administrator):
   * all rows or none → 201 `{ added, unchanged, deadlinesMoved }`; 400 naming `line N: column`. Takes no
   * `If-Match` (a file spans many States' tables, each with its own ETag); it runs under the calendar locks
   * of the States it names like any change, and changes the ETag of each table it adds to.
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
