import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ContactPointAbsenceService, type AbsenceSetResult, type AbsenceView, type Principal } from '@rogatory/domain';
import { CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';
import { AbsenceDto, AbsenceSetView, AbsenceView as AbsenceViewDto } from '../directory/directory.dtos';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };
const NOT_FOUND = { status: 404, description: "application/problem+json: unknown contact point, another's (for a contact point), or no absence recorded" };

/**
 * A contact point's absence with a delegate (issue 5): meanwhile (calendar dates of its State) the
 * reminders, escalations and digests that would go to it go to the delegate, and those already waiting for
 * it are re-addressed when the absence is recorded. An ADMINISTRATOR manages any contact point's absence,
 * a contact point its own (another id answers 404). The delegate: another contact point of the same
 * network, of the same State whenever one is available on those dates (it can open the State's cases),
 * else of another member State of the network.
 */
@ApiTags('contact points')
@ApiBearerAuth()
@Roles('ADMINISTRATOR', 'CONTACT_POINT')
@Controller('api/v1/contact-points')
export class ContactPointAbsenceController {
  constructor(private readonly absences: ContactPointAbsenceService) {}

  /**
   * GET /api/v1/contact-points/{id}/absence: the recorded absence (AbsenceView: from, until, delegate,
   * setBy, activeToday), even one whose dates have passed. 404 for an unknown or another's contact point,
   * or when none is recorded; 401; 403 for other roles.
   */
  @Get(':id/absence')
  @ApiOperation({ summary: "A contact point's absence (administrator, or the contact point itself)" })
  @ApiOkResponse({ type: AbsenceViewDto })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<AbsenceView> {
    return this.absences.get(id, p);
  }

  /**
   * PUT /api/v1/contact-points/{id}/absence `{ from: "YYYY-MM-DD", until: "YYYY-MM-DD", delegateId: uuid }`
   * (dates of the contact point's State, both included; `until` not before its today; at most 366 days):
   * records the absence (replacing any) and re-addresses the emails waiting for it that are due meanwhile
   * → 200 AbsenceSetView (`readdressed`, `withdrawn`: those the delegate already had). 400 naming each bad
   * field (`delegateId` unknown, the contact point itself, of another network, or of another State while
   * one of its own is available); 404; 401; 403. Nothing is written on error.
   */
  @Put(':id/absence')
  @ApiOperation({ summary: "Record a contact point's absence and its delegate (administrator, or the contact point itself)" })
  @ApiBody({ type: AbsenceDto })
  @ApiOkResponse({ type: AbsenceSetView })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async set(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<AbsenceSetResult> {
    return this.absences.set(id, body, p);
  }

  /**
   * DELETE /api/v1/contact-points/{id}/absence: ends the absence now → 204; its emails go to it again from
   * the next one written (those already re-addressed stay with the delegate). 404 for an unknown or
   * another's contact point, or when none is recorded; 401; 403.
   */
  @Delete(':id/absence')
  @HttpCode(204)
  @ApiOperation({ summary: "End a contact point's absence (administrator, or the contact point itself)" })
  @ApiResponse({ status: 204, description: 'ended' })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async end(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.absences.end(id, p);
  }
}
