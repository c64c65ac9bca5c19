import { Body, Controller, Get, Headers, HttpCode, HttpException, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CaseAccessService, Clock, REQUEST_SORTS, ValidationFailedError, type Principal, type RequestSort } from '@rogatory/domain';
import { MLA_REQUEST_STATES, NETWORK_CODES } from '@rogatory/workflow';
import type { Response } from 'express';
import { AmendDraftDto, CreateRequestDto, PostEventDto } from './request.dtos';
import { ANY_ROLE, CurrentPrincipal, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { EventView, RequestListView, RequestView, eventView, requestView, summaryView } from './request.views';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };

/** Parses If-Match: `3`, `"3"` or `W/"3"`. Throws 428 when missing, 400 when not a version. */
function parseIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') {
    throw new HttpException(
      {
        message: 'If-Match is required: send the version (ETag) of the request you read',
        code: 'PRECONDITION_REQUIRED',
        errors: [{ field: 'If-Match', reason: 'is required' }],
      },
      428,
    );
  }
  const m = /^(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))$/.exec(header.trim());
  if (!m) throw new ValidationFailedError([{ field: 'If-Match', reason: `"${header}" is not a version; send the ETag of the request, e.g. "3"` }]);
  return Number(m[1] ?? m[2]);
}

/**
 * Requests and their events, for signed-in users. What each user sees and may do is CaseAccessService's
 * check (scope of DOMAIN.md §1, row-level security, audit); a request outside one's scope is 404.
 */
@ApiTags('requests')
@ApiBearerAuth()
@ApiResponse(UNAUTHENTICATED_RESPONSE)
@Roles(...ANY_ROLE)
@Controller('api/v1/requests')
export class RequestsController {
  constructor(
    private readonly cases: CaseAccessService,
    private readonly clock: Clock,
  ) {}

  /**
   * POST /api/v1/requests: a central authority officer creates an MLA request of their State in state
   * `draft`, with its facts and persons concerned (encrypted at rest). 201 with the request, `Location`
   * and `ETag` (its version). 400 problem+json naming every invalid field (`requestingState` other than
   * the officer's State); 403 for other roles; 409 when the reference exists.
   */
  @Post()
  @Roles('CENTRAL_AUTHORITY')
  @ApiOperation({ summary: 'Create an MLA request (state draft)' })
  @ApiBody({ type: CreateRequestDto })
  @ApiResponse({ status: 201, type: RequestView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RequestView> {
    const record = await this.cases.create(p, body);
    const r = record.request;
    res.status(201).setHeader('Location', `/api/v1/requests/${r.id}`).setHeader('ETag', `"${r.version}"`);
    return requestView(record, this.clock.now());
  }

  /**
   * GET /api/v1/requests: the requests in the signed-in user's scope (same scope and row-level security
   * whatever the filters and the order), as RequestListView `{ items: RequestSummaryView[], total, limit,
   * offset }`. Filters: `network`; `requestingState`, `requestedState` and `counterpartState` (ISO 3166-1
   * alpha-2; counterpartState: that State is the requesting or the requested one, e.g. for an officer the
   * State on the other side of theirs); `state` (machine state); `overdue` (a deadline past its due
   * instant) and `attention` (flagged for an administrator), `true` or `false`. `sort`: `createdAt`
   * (default, newest first) or `nextDeadline` (the earliest due instant of an open deadline first; those
   * without one last, newest first). `limit` 1–500 (default 50), `offset` ≥ 0. Each item carries its
   * `nextDeadline` (the open deadline due first, or null). 400 problem+json naming each bad parameter and
   * the values it accepts (an unknown parameter too).
   */
  @Get()
  @ApiOperation({ summary: 'List requests' })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiQuery({ name: 'requestingState', required: false, description: 'ISO 3166-1 alpha-2 code' })
  @ApiQuery({ name: 'requestedState', required: false, description: 'ISO 3166-1 alpha-2 code' })
  @ApiQuery({ name: 'counterpartState', required: false, description: 'ISO 3166-1 alpha-2 code: the requesting or the requested State is this one' })
  @ApiQuery({ name: 'state', required: false, enum: MLA_REQUEST_STATES, description: 'Machine state' })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'attention', required: false, enum: ['true', 'false'], description: 'Flagged for an administrator (snapshot not placed)' })
  @ApiQuery({
    name: 'sort',
    required: false,
    enum: REQUEST_SORTS,
    description: 'createdAt (default): newest first; nextDeadline: earliest due open deadline first, requests without one last (newest first)',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  @ApiQuery({ name: 'offset', required: false, description: '0 or more, default 0' })
  @ApiOkResponse({ type: RequestListView })
  @ApiResponse({ status: 400, ...PROBLEM })
  async list(@CurrentPrincipal() p: Principal, @Query() q: Record<string, unknown>): Promise<RequestListView> {
    const errors: Array<{ field: string; reason: string }> = [];
    const known = ['network', 'requestingState', 'requestedState', 'counterpartState', 'state', 'overdue', 'attention', 'sort', 'limit', 'offset'];
    for (const k of Object.keys(q)) if (!known.includes(k)) errors.push({ field: k, reason: `is not a filter (filters: ${known.join(', ')})` });
    const f: Record<string, string | undefined> = {};
    for (const k of known) {
      const v = q[k];
      if (v === undefined) continue;
      if (typeof v !== 'string') errors.push({ field: k, reason: 'give it once, as a plain value' });
      else f[k] = v;
    }
    const int = (k: string, min: number, max: number, dflt: number): number => {
      const v = f[k];
      if (v === undefined) return dflt;
      if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) errors.push({ field: k, reason: `must be a whole number from ${min} to ${max}` });
      return Number(v);
    };
    const limit = int('limit', 1, 500, 50);
    const offset = int('offset', 0, 1_000_000_000, 0);
    for (const k of ['overdue', 'attention'])
      if (f[k] !== undefined && !['true', 'false'].includes(f[k]!)) errors.push({ field: k, reason: 'must be true or false' });
    if (f.network !== undefined && !(NETWORK_CODES as readonly string[]).includes(f.network.toUpperCase())) {
      errors.push({ field: 'network', reason: `must be one of ${NETWORK_CODES.join(', ')}` });
    }
    if (f.state !== undefined && !MLA_REQUEST_STATES.includes(f.state))
      errors.push({ field: 'state', reason: `must be one of ${MLA_REQUEST_STATES.join(', ')}` });
    for (const k of ['requestingState', 'requestedState', 'counterpartState']) {
      if (f[k] !== undefined && !/^[A-Za-z]{2}$/.test(f[k]!)) errors.push({ field: k, reason: 'must be an ISO 3166-1 alpha-2 code' });
    }
    if (f.sort !== undefined && !(REQUEST_SORTS as readonly string[]).includes(f.sort))
      errors.push({ field: 'sort', reason: `must be one of ${REQUEST_SORTS.join(', ')}` });
    if (errors.length) throw new ValidationFailedError(errors);
    const { items, total, nextDeadlines } = await this.cases.list(p, {
      network: f.network,
      requestingState: f.requestingState,
      requestedState: f.requestedState,
      counterpartState: f.counterpartState,
      state: f.state,
      overdue: f.overdue === undefined ? undefined : f.overdue === 'true',
      attention: f.attention === undefined ? undefined : f.attention === 'true',
      sort: f.sort as RequestSort | undefined,
      limit,
      offset,
    });
    const now = this.clock.now();
    return { items: items.map((r) => summaryView(r, now, nextDeadlines.get(r.id) ?? null)), total, limit, offset };
  }

  /**
   * GET /api/v1/requests/{id}: the request as the signed-in user may read it (`view` FULL or METADATA),
   * its state, the events each party and the user may send now (from the machine's snapshot.can) and its
   * open deadlines; `ETag` is its version. 404 when unknown or outside the user's scope.
   */
  @Get(':id')
  @ApiOperation({ summary: 'Get one request' })
  @ApiOkResponse({ type: RequestView })
  @ApiResponse({ status: 404, ...PROBLEM })
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<RequestView> {
    const record = await this.cases.get(p, id);
    res.setHeader('ETag', `"${record.request.version}"`);
    return requestView(record, this.clock.now());
  }

  /**
   * PATCH /api/v1/requests/{id} with `If-Match: "<version>"`: the requesting State's central authority
   * officer amends the content of a draft (body AmendDraftDto: fields of UNTOC art. 18(15), at least one;
   * `null` clears an optional one), also while its requested State's contact point reviews it. Answers 200
   * with the request (its `completeness` shows what 18(15) still lacks) and its new `ETag`; the history
   * gets a `draftAmended` event naming the fields changed (not their values). 400 naming each bad field;
   * 404 unknown or outside your scope; 409 stale version; 422 once transmitted (or not your request's
   * side); 428 without If-Match. A rejected call changes nothing.
   */
  @Patch(':id')
  @Roles('CENTRAL_AUTHORITY')
  @ApiOperation({ summary: 'Amend the content of a draft (UNTOC art. 18(15))' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version (ETag) of the request you read' })
  @ApiBody({ type: AmendDraftDto })
  @ApiOkResponse({ type: RequestView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  @ApiResponse({ status: 428, ...PROBLEM })
  async amend(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RequestView> {
    const record = await this.cases.amendDraft(p, id, body, parseIfMatch(ifMatch));
    res.setHeader('ETag', `"${record.request.version}"`);
    return requestView(record, this.clock.now());
  }

  /**
   * GET /api/v1/requests/{id}/events: the append-only event history, oldest first; in a METADATA view
   * without payloads and names. 404 when unknown or outside the user's scope.
   */
  @Get(':id/events')
  @ApiOperation({ summary: 'Event history of a request' })
  @ApiOkResponse({ type: [EventView] })
  @ApiResponse({ status: 404, ...PROBLEM })
  async history(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<EventView[]> {
    const { events, view } = await this.cases.history(p, id);
    return events.map((e) => eventView(e, view));
  }

  /**
   * POST /api/v1/requests/{id}/events with `If-Match: "<version>"`: records one event sent by the signed-in
   * user (body `{ type, ...fields }`; the actor is the user), in one transaction with its audit entry.
   * 201 with the request after it and the event; 400 invalid body (an `actor` field included); 404 unknown
   * request or outside the user's scope; 409 stale version
   * (or a concurrent event won: reload and retry); 422 when the event does not apply now, naming the events
   * this actor may send; 428 without If-Match. A rejected call changes nothing.
   */
  @Post(':id/events')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record an event on a request' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version (ETag) of the request you read' })
  @ApiBody({ type: PostEventDto })
  @ApiResponse({ status: 201, type: RequestView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  @ApiResponse({ status: 428, ...PROBLEM })
  async postEvent(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ request: RequestView; event: EventView }> {
    const version = parseIfMatch(ifMatch);
    const record = await this.cases.sendEvent(p, id, body, version);
    res.setHeader('ETag', `"${record.request.version}"`);
    return { request: requestView(record, this.clock.now()), event: eventView(record.event, record.view) };
  }
}
