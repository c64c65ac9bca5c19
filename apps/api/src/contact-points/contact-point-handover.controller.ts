import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ContactPointHandoverService, type HandoverResult, type Principal } from '@rogatory/domain';
import { CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };

/** A contact point who leaves hands over to a successor (issue 5); administrators only. */
@ApiTags('contact points')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller('api/v1/contact-points')
export class ContactPointHandoverController {
  constructor(private readonly handovers: ContactPointHandoverService) {}

  /**
   * POST /api/v1/contact-points/{id}/handover `{ "successorId": uuid }`: contact point `id` leaves, and
   * `successorId` (another contact point of the same network and State) takes over in one step: the
   * requests `id` facilitated come into the successor's scope (the history keeps who did what), the
   * emails waiting for `id` are re-addressed to the successor (or withdrawn when it already has the same
   * one), whatever would go to `id` from now on goes to the successor, and `id`'s sign-in is deactivated.
   * 201 `{ id, predecessor, successor, network, state, handedOverAt (UTC), openFacilitatedRequests,
   * emailsReaddressed, emailsWithdrawn, usersDeactivated }`. 400 naming `successorId`; 404 unknown
   * contact point; 409 already handed over; 401; 403 for other roles. Nothing is written on error.
   */
  @Post(':id/handover')
  @HttpCode(201)
  @ApiOperation({ summary: 'Hand a leaving contact point over to its successor (administrator)' })
  @ApiBody({ schema: { type: 'object', required: ['successorId'], properties: { successorId: { type: 'string', format: 'uuid' } } } })
  @ApiResponse({
    status: 201,
    description: '{ id, predecessor, successor, network, state, handedOverAt, openFacilitatedRequests, emailsReaddressed, emailsWithdrawn, usersDeactivated }',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  async handover(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<HandoverResult> {
    return this.handovers.handover(id, body, p);
  }
}
