import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Put, Query, Res, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  DIRECTORY_CSV_COLUMNS,
  DIRECTORY_KINDS,
  DirectoryCsvService,
  DirectoryEntryService,
  ValidationFailedError,
  type CompetentAuthorityEntry,
  type DirectoryEntrySummary,
  type DirectoryImportResult,
  type Principal,
  type StateEntry,
} from '@rogatory/domain';
import { CHANNELS, MEASURES, NETWORK_CODES } from '@rogatory/workflow';
import type { Response } from 'express';
import { ANY_ROLE, CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { IF_MATCH_HEADER, ifMatchPrecondition, PRECONDITION_FAILED_RESPONSE } from '../common/if-match';
import { ACCEPTS_CSV } from '../common/json-body.guard';
import {
  CompetentAuthorityDto,
  CompetentAuthorityEntryView,
  DirectoryEntrySummaryListView,
  DirectoryEntrySummaryView,
  DirectoryImportResultView,
  StateEntryDto,
  StateEntryListView,
  StateEntryView,
} from './directory.dtos';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };
const NOT_FOUND = { status: 404, description: 'application/problem+json: unknown, or outside what the caller may change (as if unknown)' };
const ETAG_HEADER = { ETag: { description: 'entity tag of the entry (also its `etag` field)', schema: { type: 'string' } } };

/**
 * The directory the contact points rely on (issue 5): per State the languages and transmission channels
 * it accepts and its formal requirements, its central authority, its competent authorities (with the
 * measures they execute) and its networks' contact points (with their absences); when each entry was last
 * confirmed, and which are stale (not confirmed for 365 days, or never). Directory data is not case data:
 * any signed-in role reads it. Administrators maintain all of it; a contact point confirms its own entry
 * and its State's, and edits its State's entry. Changes take an optional If-Match (412 when stale).
 */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('api/v1/directory')
export class DirectoryController {
  constructor(
    private readonly entries: DirectoryEntryService,
    private readonly csv: DirectoryCsvService,
  ) {}

  /**
   * GET /api/v1/directory/states?network=&state=&language=&measure= (any signed-in role): the States
   * matching every filter given, by code: `{ items: StateEntryView[], total }`. `network` (WACAP, SEAJUST,
   * CASC; OTHER: States member of none; any case) keeps its member States and only its contact points;
   * `state` one State (ISO code, any case); `language` (ISO 639-1, lower case) States accepting requests
   * in it; `measure` (MEASURES code, any case) States with a competent authority executing it. 400 naming
   * a bad or unknown parameter; 401 without a valid token.
   */
  @Get('states')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Search the directory: States with their authorities, contact points, languages, channels and requirements' })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiQuery({ name: 'state', required: false, description: 'ISO 3166-1 alpha-2 code' })
  @ApiQuery({ name: 'language', required: false, description: 'ISO 639-1 code: States accepting requests in it' })
  @ApiQuery({ name: 'measure', required: false, enum: MEASURES, description: 'States with a competent authority executing it' })
  @ApiOkResponse({ type: StateEntryListView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  async search(@Query() q: Record<string, unknown>): Promise<{ items: StateEntry[]; total: number }> {
    const items = await this.entries.search(this.entries.parseSearch(q));
    return { items, total: items.length };
  }

  /**
   * GET /api/v1/directory/states/{code} (any signed-in role): one State's entry (StateEntryView), its
   * `etag` also in the `ETag` header (send it as If-Match with a PUT). 404 for a code not in the directory.
   */
  @Get('states/:code')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: "One State's directory entry" })
  @ApiParam({ name: 'code', description: 'ISO 3166-1 alpha-2 code, any case' })
  @ApiOkResponse({ type: StateEntryView, headers: ETAG_HEADER })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async one(@Param('code') code: string, @Res({ passthrough: true }) res: Response): Promise<StateEntry> {
    const entry = await this.entries.one(code);
    res.setHeader('ETag', entry.etag);
    return entry;
  }

  /**
   * PUT /api/v1/directory/states/{code} `{ acceptedLanguages: ["en", …], channels: ["CENTRAL_AUTHORITY",
   * …], formalRequirements: "…" }` (all three: the entry is replaced), optional `If-Match` (the entry's
   * etag, or *): sets what the State accepts and confirms the entry (now, by the caller). ADMINISTRATOR any
   * State; CONTACT_POINT its own State (another: 404). Answers the StateEntryView with its new `ETag`.
   * 400 naming each bad field (a language not ISO 639-1 lower case, an unknown channel, requirements over
   * 4000 characters or holding NUL or a lone surrogate, If-Match not an ETag); 404; 412 PRECONDITION_FAILED
   * when the entry changed since that etag; 401, 403 for other roles. Nothing is written on error.
   */
  @Put('states/:code')
  @Roles('ADMINISTRATOR', 'CONTACT_POINT')
  @ApiOperation({ summary: "Edit a State's accepted languages, channels and formal requirements (administrator, or the State's contact point)" })
  @ApiParam({ name: 'code', description: 'ISO 3166-1 alpha-2 code, any case' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: StateEntryDto })
  @ApiOkResponse({ type: StateEntryView, headers: ETAG_HEADER })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async editState(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StateEntry> {
    const precondition = ifMatchPrecondition(ifMatch, `the directory entry of ${code}`);
    const entry = await this.entries.editState(code, body, p, precondition);
    res.setHeader('ETag', entry.etag);
    return entry;
  }

  /**
   * POST /api/v1/directory/{kind}/{id}/confirmation, no body: records that the entry was checked and is
   * right (`lastConfirmedAt` now, `lastConfirmedBy` the caller) → 200 DirectoryEntrySummaryView, no longer
   * stale. `kind`: states (id = ISO code), central-authorities, competent-authorities, contact-points (id =
   * uuid). ADMINISTRATOR any entry; CONTACT_POINT its own contact point entry and its own State's entries
   * (State, central authority, competent authorities); another entry answers 404, as an unknown one. 401
   * without a valid token, 403 for the other roles.
   */
  @Post(':kind/:id/confirmation')
  @HttpCode(200)
  @Roles('ADMINISTRATOR', 'CONTACT_POINT')
  @ApiOperation({ summary: 'Confirm a directory entry is still right (administrator; a contact point its own entry and its State’s)' })
  @ApiParam({ name: 'kind', enum: DIRECTORY_KINDS })
  @ApiParam({ name: 'id', description: 'ISO code for states, else the uuid' })
  @ApiOkResponse({ type: DirectoryEntrySummaryView })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async confirm(@CurrentPrincipal() p: Principal, @Param('kind') kind: string, @Param('id') id: string): Promise<DirectoryEntrySummary> {
    return this.entries.confirm(kind, id, p);
  }

  /**
   * GET /api/v1/directory/stale?kind=&state= (administrator): every entry not confirmed for 365 days or
   * never, the longest stale first: `{ items: DirectoryEntrySummaryView[], total }`. 400 naming a bad or
   * unknown parameter; 401; 403 for other roles.
   */
  @Get('stale')
  @Roles('ADMINISTRATOR')
  @ApiOperation({ summary: 'Directory entries not confirmed for a year (or never)' })
  @ApiQuery({ name: 'kind', required: false, enum: DIRECTORY_KINDS })
  @ApiQuery({ name: 'state', required: false, description: 'ISO 3166-1 alpha-2 code' })
  @ApiOkResponse({ type: DirectoryEntrySummaryListView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async stale(@Query() q: Record<string, unknown>): Promise<{ items: DirectoryEntrySummary[]; total: number }> {
    const items = await this.entries.stale(q);
    return { items, total: items.length };
  }

  /**
   * POST /api/v1/directory/competent-authorities `{ state, name, email, measures: [MEASURES…] }`
   * (administrator) → 201 CompetentAuthorityEntryView (confirmed now), its `etag` also as `ETag`. 400 naming
   * each bad field; 409 when its State already has an authority with that address; 401; 403.
   */
  @Post('competent-authorities')
  @Roles('ADMINISTRATOR')
  @ApiOperation({ summary: 'Add a competent authority to a State (administrator)' })
  @ApiBody({ type: CompetentAuthorityDto })
  @ApiResponse({ status: 201, type: CompetentAuthorityEntryView, headers: ETAG_HEADER })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 409, description: 'its State already has a competent authority with that address' })
  async createCompetent(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<CompetentAuthorityEntry> {
    const c = await this.entries.createCompetentAuthority(body, p);
    res.setHeader('ETag', c.etag);
    return c;
  }

  /**
   * PUT /api/v1/directory/competent-authorities/{id} `{ name, email, measures }` (administrator), optional
   * `If-Match` → 200 CompetentAuthorityEntryView (confirmed now) with its new `ETag`. 400 naming each bad
   * field; 404 unknown id; 409 another authority of its State has that address; 412 the entry changed since
   * that etag; 401; 403. Nothing is written on error.
   */
  @Put('competent-authorities/:id')
  @Roles('ADMINISTRATOR')
  @ApiOperation({ summary: 'Change a competent authority (administrator)' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: CompetentAuthorityDto })
  @ApiOkResponse({ type: CompetentAuthorityEntryView, headers: ETAG_HEADER })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  @ApiResponse({ status: 409, description: 'another competent authority of its State has that address' })
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async updateCompetent(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CompetentAuthorityEntry> {
    const precondition = ifMatchPrecondition(ifMatch, `competent authority ${id}`);
    const c = await this.entries.updateCompetentAuthority(id, body, p, precondition);
    res.setHeader('ETag', c.etag);
    return c;
  }

  /**
   * GET /api/v1/directory/export.csv (administrator): the whole directory as `text/csv; charset=utf-8`,
   * attachment `directory.csv`: UTF-8 with BOM, RFC 4180, CRLF; columns kind, network, state, name,
   * email, languages, measures, channels, requirements, lastConfirmedAt; one row per State entry, central
   * authority, competent authority and contact point; a cell starting with = + - @ is written with a
   * leading `'`. 401; 403 for other roles.
   */
  @Get('export.csv')
  @Roles('ADMINISTRATOR')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="directory.csv"')
  @ApiOperation({ summary: 'The directory as CSV (administrator)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `CSV with the header ${DIRECTORY_CSV_COLUMNS.join(',')}`, schema: { type: 'string' } })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async exportCsv(): Promise<string> {
    return this.csv.exportCsv();
  }

  /**
   * POST /api/v1/directory/import, `Content-Type: text/csv`, the columns of the export (administrator): all
   * rows or none → 200 `{ created, updated, unchanged }`. Each row upserts by (kind, network, state,
   * email); a row that creates or changes an entry confirms it; `lastConfirmedAt` is not imported. 400
   * naming `line N: column` for each bad cell (`(file)`, `line 1` for the header); 409 an entry added
   * meanwhile by someone else; 415 another Content-Type; 401; 403. Nothing is written on error.
   */
  @Post('import')
  @HttpCode(200)
  @Roles('ADMINISTRATOR')
  @SetMetadata(ACCEPTS_CSV, true)
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Import the directory from CSV, all rows or none (administrator)' })
  @ApiBody({
    schema: {
      type: 'string',
      example: `${DIRECTORY_CSV_COLUMNS.join(',')}\nSTATE,,GH,Ghana,,en fr,,${CHANNELS.slice(0, 2).join(' ')},certified translation,\n`,
    },
  })
  @ApiOkResponse({ type: DirectoryImportResultView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async importCsv(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<DirectoryImportResult> {
    if (typeof body !== 'string' || !body.trim()) throw new ValidationFailedError([{ field: '(body)', reason: 'send the CSV file as text/csv' }]);
    return this.csv.importCsv(body, p);
  }
}
