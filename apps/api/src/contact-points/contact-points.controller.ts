import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NotificationModeService, ValidationFailedError } from '@rogatory/domain';
import { NETWORK_CODES } from '@rogatory/workflow';
import { FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { ContactPointListView, ContactPointView, NotificationModeDto } from './contact-point.dtos';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };

/**
 * The networks' contact points and how each is notified (one email per reminder or escalation, or a
 * daily digest). Administrator token required until per-user authentication (issue 4).
 */
@ApiTags('contact points')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller('api/v1/contact-points')
export class ContactPointsController {
  constructor(private readonly modes: NotificationModeService) {}

  /**
   * GET /api/v1/contact-points?network=CODE&state=ISO: contact points, both filters optional and
   * case-insensitive, ordered by network, State and email: `{ items: ContactPointView[], total }`.
   * 400 naming a bad or unknown parameter; 401 without a valid token, 403 for a role other than ADMINISTRATOR.
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
   * PUT /api/v1/contact-points/{id}/notification-mode with `{ "mode": "EACH" | "DAILY_DIGEST" }`: sets
   * how the contact point is notified and returns it. 400 naming the bad field; 404 for an unknown id;
   * 401 without a valid token, 403 for a role other than ADMINISTRATOR.
   */
  @Put(':id/notification-mode')
  @ApiOperation({ summary: "Set a contact point's notification mode" })
  @ApiBody({ type: NotificationModeDto })
  @ApiOkResponse({ type: ContactPointView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 404, ...PROBLEM })
  async setMode(@Param('id') id: string, @Body() body: unknown): Promise<ContactPointView> {
    return this.modes.setMode(id, body);
  }
}
