import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  PlenaryService,
  ValidationFailedError,
  type AgendaView,
  type OpenRequestsSummary,
  type PlenaryMeetingsView,
  type PlenaryView,
  type Principal,
  type ProposalsView,
} from '@rogatory/domain';
import type { Response } from 'express';
import { CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { AGENDA_HTML_CSP, renderAgendaHtml } from './agenda-html';
import { AgendaDto, CreatePlenaryDto, OpenRequestsSummaryDto, PlenaryDto, PlenaryMeetingsDto, ProposalsDto, RecordOutcomesDto } from './plenary.views';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };
const NOT_FOUND = { status: 404, description: "application/problem+json: unknown, or of another network's secretariat" };

/** 400 naming each query parameter that is not one of `known` (or given twice). */
function checkQuery(q: Record<string, unknown>, known: string[]): void {
  const errors: Array<{ field: string; reason: string }> = [];
  for (const [k, v] of Object.entries(q)) {
    if (!known.includes(k))
      errors.push({ field: k, reason: known.length ? `is not a parameter (${known.join(', ')})` : 'is not a parameter: this route takes none' });
    else if (typeof v !== 'string') errors.push({ field: k, reason: 'give it once' });
  }
  if (errors.length) throw new ValidationFailedError(errors);
}

/**
 * Plenary meetings of a network, their bilateral meetings per pair of States with agendas and outcomes,
 * and the secretariat's summary of open requests (DOMAIN.md §1 network secretariat, §4 level 4). Open to
 * the network's secretariat and to administrators (who create plenaries and read, but neither propose
 * meetings nor record outcomes); central authority officers and contact points get 403 on every route
 * (they follow their requests, and the outcomes recorded here, in GET /requests/{id}/events). A plenary,
 * meeting or network of another secretariat is 404. Metadata only: never facts, persons concerned,
 * subject or notes. PlenaryService does the work, in one audited transaction per call.
 */
@ApiTags('plenary meetings')
@ApiBearerAuth()
@ApiResponse(UNAUTHENTICATED_RESPONSE)
@ApiResponse(FORBIDDEN_RESPONSE)
@Roles('SECRETARIAT', 'ADMINISTRATOR')
@Controller('api/v1')
export class PlenariesController {
  constructor(private readonly plenaries: PlenaryService) {}

  /**
   * POST /api/v1/networks/{network}/plenaries `{ date: 'YYYY-MM-DD', place }`: that network's secretariat
   * or an administrator enters a plenary meeting. 201 with the plenary and `Location`; 400 naming `date` or
   * `place` (or an unknown field); 404 unknown network or another secretariat's; 409 (naming `date`) the
   * network has a plenary on that date. Nothing is written on error.
   */
  @Post('networks/:network/plenaries')
  @ApiOperation({ summary: 'Enter a plenary meeting of a network' })
  @ApiBody({ type: CreatePlenaryDto })
  @ApiResponse({ status: 201, type: PlenaryDto })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(NOT_FOUND)
  @ApiResponse({ status: 409, ...PROBLEM })
  async create(
    @CurrentPrincipal() p: Principal,
    @Param('network') network: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlenaryView> {
    const plenary = await this.plenaries.createPlenary(p, network, body);
    res.status(201).setHeader('Location', `/api/v1/plenaries/${plenary.id}`);
    return plenary;
  }

  /** GET /api/v1/networks/{network}/plenaries: the network's plenary meetings, latest date first. 404 unknown network or another secretariat's. */
  @Get('networks/:network/plenaries')
  @ApiOperation({ summary: "A network's plenary meetings" })
  @ApiOkResponse({ type: [PlenaryDto] })
  @ApiResponse(NOT_FOUND)
  async list(@CurrentPrincipal() p: Principal, @Param('network') network: string, @Query() q: Record<string, unknown>): Promise<PlenaryView[]> {
    checkQuery(q, []);
    return this.plenaries.listPlenaries(p, network);
  }

  /**
   * GET /api/v1/networks/{network}/open-requests/summary: the network's open requests (transmitted, not
   * closed, of the network or linked to it, within the reader's scope) counted per State pair (requesting →
   * requested), per step owed (open deadline due first, or NONE) and per age (calendar days since
   * transmission: 0–30, 31–90, 91–180, 181–365, >365). For a secretariat, counts from 1 to
   * STATISTICS_MIN_COUNT - 1 are null and listed in `suppressed`. 404 unknown network or another
   * secretariat's.
   */
  @Get('networks/:network/open-requests/summary')
  @ApiOperation({ summary: "The secretariat's view: open requests per State pair, step owed and age" })
  @ApiOkResponse({ type: OpenRequestsSummaryDto })
  @ApiResponse(NOT_FOUND)
  async summary(@CurrentPrincipal() p: Principal, @Param('network') network: string, @Query() q: Record<string, unknown>): Promise<OpenRequestsSummary> {
    checkQuery(q, []);
    return this.plenaries.openRequestsSummary(p, network);
  }

  /** GET /api/v1/plenaries/{id}: one plenary meeting with its counts of meetings and agenda items. 404 unknown or another secretariat's. */
  @Get('plenaries/:id')
  @ApiOperation({ summary: 'One plenary meeting' })
  @ApiOkResponse({ type: PlenaryDto })
  @ApiResponse(NOT_FOUND)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: Record<string, unknown>): Promise<PlenaryView> {
    checkQuery(q, []);
    return this.plenaries.getPlenary(p, id);
  }

  /**
   * POST /api/v1/plenaries/{id}/bilateral-meetings/proposals (no body): the network's secretariat builds the
   * bilateral meetings from the open requests that reached escalation level 4 or that a contact point
   * flagged (ESCALATED_TO_SECRETARIAT), one meeting per pair of States; idempotent (a new run adds what
   * qualifies since and duplicates nothing). 200 with `added`, `updated` and every meeting with its agenda;
   * 400 for a body field; 403 for an administrator; 404 unknown plenary or another network's.
   */
  @Post('plenaries/:id/bilateral-meetings/proposals')
  @HttpCode(200)
  @Roles('SECRETARIAT')
  @ApiOperation({ summary: 'Propose the bilateral meetings of a plenary from the stuck requests (idempotent)' })
  @ApiOkResponse({ type: ProposalsDto })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(NOT_FOUND)
  async propose(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<ProposalsView> {
    return this.plenaries.proposeBilateralMeetings(p, id, body);
  }

  /** GET /api/v1/plenaries/{id}/bilateral-meetings: every bilateral meeting of the plenary with its agenda. 404 unknown plenary or another secretariat's. */
  @Get('plenaries/:id/bilateral-meetings')
  @ApiOperation({ summary: 'The bilateral meetings of a plenary, each with its agenda' })
  @ApiOkResponse({ type: PlenaryMeetingsDto })
  @ApiResponse(NOT_FOUND)
  async meetings(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: Record<string, unknown>): Promise<PlenaryMeetingsView> {
    checkQuery(q, []);
    return this.plenaries.listBilateralMeetings(p, id);
  }

  /**
   * GET /api/v1/bilateral-meetings/{id}/agenda[?format=json|html]: the agenda of one bilateral meeting,
   * per request: reference, requesting and requested State, state, step owed and the State owing it, due
   * date, days overdue (calendar days from the due date to the plenary's date, or to today once the
   * plenary has passed), escalation level reached, why it is on the agenda, outcome. `format=html` gives a
   * printable page (HTML-escaped, no script). 400 bad format; 404 unknown meeting or another secretariat's.
   */
  @Get('bilateral-meetings/:id/agenda')
  @ApiOperation({ summary: 'The agenda of a bilateral meeting (JSON, or a printable HTML page)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'html'] })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: AgendaDto })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(NOT_FOUND)
  async agenda(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Query() q: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AgendaView | string> {
    checkQuery(q, ['format']);
    if (q.format !== undefined && q.format !== 'json' && q.format !== 'html')
      throw new ValidationFailedError([{ field: 'format', reason: 'must be json or html' }]);
    const agenda = await this.plenaries.agenda(p, id);
    if (q.format !== 'html') return agenda;
    res.type('text/html; charset=utf-8').setHeader('Content-Security-Policy', AGENDA_HTML_CSP);
    return renderAgendaHtml(agenda);
  }

  /**
   * POST /api/v1/bilateral-meetings/{id}/outcomes `{ items: [{ requestId, outcome, note? }] }`: the network's
   * secretariat records what the meeting made of each request (RESOLVED, ACTION_AGREED, NO_PROGRESS,
   * NOT_DISCUSSED), on the agenda and as a `bilateralMeetingHeld` event in each request's history, all or
   * nothing. 201 with the agenda after; 400 bad body, or naming `items[i].requestId` for a request not on
   * this agenda; 403 for an administrator; 404 unknown meeting or another network's; 409 an outcome
   * recorded already (naming `items[i].requestId`), or a request changed meanwhile; 422 the workflow takes
   * no outcome for a request (closed). A rejected call changes nothing.
   */
  @Post('bilateral-meetings/:id/outcomes')
  @HttpCode(201)
  @Roles('SECRETARIAT')
  @ApiOperation({ summary: 'Record the outcomes of a bilateral meeting (also in each request’s history)' })
  @ApiBody({ type: RecordOutcomesDto })
  @ApiResponse({ status: 201, type: AgendaDto })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(NOT_FOUND)
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  async outcomes(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<AgendaView> {
    return this.plenaries.recordOutcomes(p, id, body);
  }
}
