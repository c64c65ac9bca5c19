import { Body, Controller, Get, Headers, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NotificationModeService, ValidationFailedError, type Principal } from '@rogatory/domain';
import { NETWORK_CODES } from '@rogatory/workflow';
import type { Response } from 'express';
import { CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { IF_MATCH_HEADER, ifMatchPrecondition, PRECONDITION_FAILED_RESPONSE } from '../common/if-match';
import { ContactPointListView, ContactPointView, NotificationModeDto } from './contact-point.dtos';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };
const ETAG_HEADER = { ETag: { description: "the contact point's entity tag (also its `etag` field)", schema: { type: 'string' } } };

/**
 * The networks' contact points and how each is notified (one email per reminder or escalation, or a
 * daily digest). The directory is the administrators'; a contact point reads its own entry and sets its
 * own notification mode. Each entry carries an entity tag (`etag`, a hash of its fields), which a change
 * may send back as `If-Match` to be refused with 412 if the entry changed meanwhile.
 */
@ApiTags('contact points')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller('api/v1/contact-points')
export class ContactPointsController {
  constructor(private readonly modes: NotificationModeService) {}

  /**
   * GET /api/v1/contact-points?network=CODE&state=ISO: contact points, both filters optional and
   * case-insensitive, ordered by network, State and email: `{ items: ContactPointView[], total }`, each
   * item with its `etag`. Administrators only. 400 naming a bad or unknown parameter; 401 without a valid token, 403 for a role other than ADMINISTRATOR.
   */
  @Get()
  @ApiOperation({ summary: 'List contact points with their notification mode' })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiQuery({ name: 'state', required: false, description: 'ISO 3166-1 alpha-2 code' })
  @ApiOkResponse({ type: ContactPointListView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  async list(@Query() q: Record<string, unknown>): Promise<ContactPointListView> {
    const errors: Array<{ field: string; reason: string }> = [];
    for (const k of Object.keys(q)) if (k !== 'network' && k !== 'state') errors.push({ field: k, reason: 'is not a filter (filters: network, state)' });
    const { network, state } = q;
    if (network !== undefined && (typeof network !== 'string' || !(NETWORK_CODES as readonly string[]).includes(network.toUpperCase())))
      errors.push({ field: 'network', reason: `must be one of ${NETWORK_CODES.join(', ')}, given once` });
    if (state !== undefined && (typeof state !== 'string' || !/^[A-Za-z]{2}$/.test(state)))
      errors.push({ field: 'state', reason: 'must be an ISO 3166-1 alpha-2 code, given once' });
    if (errors.length) throw new ValidationFailedError(errors);
    const items = await this.modes.list({ network: network as string | undefined, state: state as string | undefined });
    return { items, total: items.length };
  }

  /**
   * GET /api/v1/contact-points/me (CONTACT_POINT): the signed-in contact point's own entry, a
   * ContactPointView with its `etag`, and the same in the `ETag` header. 404 when the user is linked to no
   * contact point; 401 without a valid token, 403 for another role.
   */
  @Get('me')
  @Roles('CONTACT_POINT')
  @ApiOperation({ summary: 'The signed-in contact point, with its notification mode' })
  @ApiOkResponse({ type: ContactPointView, headers: ETAG_HEADER })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 404, ...PROBLEM })
  async me(@CurrentPrincipal() p: Principal, @Res({ passthrough: true }) res: Response): Promise<ContactPointView> {
    const cp = await this.modes.mine(p);
    res.setHeader('ETag', cp.etag);
    return cp;
  }

  /**
   * PUT /api/v1/contact-points/{id}/notification-mode with `{ "mode": "EACH" | "DAILY_DIGEST" }` and an
   * optional `If-Match: <etag>` (or `*`): sets how the contact point is notified and returns it, a
   * ContactPointView with its new `etag`, also in the `ETag` header. An ADMINISTRATOR sets any contact
   * point's mode; a CONTACT_POINT only its own (GET /me), another id answering 404 like an unknown one.
   * 400 naming the bad field (`If-Match` when not a quoted ETag); 404 for an unknown or another's id;
   * 412 (`PRECONDITION_FAILED`, naming `If-Match`) when the entry changed since that etag (checked with its
   * row locked: of two changes with the same etag one succeeds); 401 without a valid token, 403 for the
   * other roles. Nothing is written on error.
   */
  @Put(':id/notification-mode')
  @Roles('ADMINISTRATOR', 'CONTACT_POINT')
  @ApiOperation({ summary: "Set a contact point's notification mode (administrator, or the contact point itself)" })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: NotificationModeDto })
  @ApiOkResponse({ type: ContactPointView, headers: ETAG_HEADER })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async setMode(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ContactPointView> {
    const precondition = ifMatchPrecondition(ifMatch, `contact point ${id}`);
    const cp = await this.modes.setMode(id, body, { by: p, precondition });
    res.setHeader('ETag', cp.etag);
    return cp;
  }
}
