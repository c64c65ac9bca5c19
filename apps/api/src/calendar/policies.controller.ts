import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DeadlinePolicyService, policyEtag, type PolicyVersionView } from '@rogatory/domain';
import type { Request, Response } from 'express';
import { Roles } from '../auth/access.decorators';
import { IF_MATCH_HEADER, ifMatchPrecondition, PRECONDITION_FAILED_RESPONSE } from '../common/if-match';
import { administratorName } from './admin-name';

/**
 * Deadline policies per network (DOMAIN.md §4), versioned; administrators only. The `ETag` of a network's
 * policy is the number of the version in force, quoted (`"0"` for the default): GET gives it, and a new
 * version may name it in `If-Match` to be refused with 412 if another version was added meanwhile.
 */
@ApiTags('policies')
@ApiBearerAuth()
@Roles('ADMINISTRATOR')
@Controller('api/v1/networks/:network/deadline-policy')
export class PoliciesController {
  constructor(private readonly policies: DeadlinePolicyService) {}

  /**
   * GET /api/v1/networks/:network/deadline-policy → the version in force `{ network, version, policy:
   * { steps: { STEP: { owedBy, due: { businessDays } | { calendarDays }, reminderBusinessDaysBefore,
   * escalates } }, ladder: { LEVEL_1..LEVEL_4 (business days after the due date) } }, note, createdBy,
   * createdAt }` with `ETag: "<version>"`. 404 unknown network.
   */
  @Get()
  @ApiOperation({ summary: 'The deadline policy in force for a network' })
  @ApiOkResponse({
    description: 'the latest version (0: the default of DOMAIN.md §4)',
    headers: { ETag: { description: 'the version number, quoted: "3"', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 404, description: 'unknown network' })
  async current(@Param('network') network: string, @Res({ passthrough: true }) res: Response): Promise<PolicyVersionView> {
    const versions = await this.policies.versions(network);
    const current = versions[versions.length - 1];
    res.setHeader('ETag', policyEtag(current.version));
    return current;
  }

  /** GET /api/v1/networks/:network/deadline-policy/versions → every version, 0 (default) first. */
  @Get('versions')
  @ApiOperation({ summary: "Every version of a network's deadline policy" })
  async versions(@Param('network') network: string): Promise<PolicyVersionView[]> {
    return this.policies.versions(network);
  }

  /**
   * POST /api/v1/networks/:network/deadline-policy/versions `{ note, steps?: { STEP: { due?,
   * reminderBusinessDaysBefore? } }, ladder? }`, optional `If-Match: "<version>"` (the ETag of GET) or `*`
   * → 201 `{ version, appliesTo, openDeadlinesOnOlderVersions }` with the new version's `ETag`.
   * The new version applies to deadlines opened from now on; open deadlines keep theirs. 400 naming the
   * field (e.g. `steps.EXECUTION.due`, or `If-Match` when not a quoted ETag), 404 unknown network,
   * 412 (`PRECONDITION_FAILED`, naming `If-Match`) the version in force is not that one (also when another
   * version with the same If-Match committed first), 409 a concurrent change without If-Match (or with `*`).
   * Nothing is written on error.
   */
  @Post('versions')
  @ApiOperation({ summary: "Add a version of a network's deadline policy (applies to deadlines opened afterwards)" })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['note'],
      example: { note: 'Plenary 2026: 60 days for execution', steps: { EXECUTION: { due: { calendarDays: 60 }, reminderBusinessDaysBefore: 5 } } },
    },
  })
  @ApiResponse({ status: 201, description: '{ version, appliesTo, openDeadlinesOnOlderVersions }; `ETag` the new version, quoted' })
  @ApiResponse({ status: 400, description: 'application/problem+json naming the field' })
  @ApiResponse({ status: 404, description: 'unknown network' })
  @ApiResponse({ status: 409, description: 'another version was added at the same moment (without If-Match): read it and try again' })
  @ApiResponse(PRECONDITION_FAILED_RESPONSE)
  async create(
    @Param('network') network: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const precondition = ifMatchPrecondition(ifMatch, `the ${network} deadline policy`);
    const r = await this.policies.createVersion(network, body, administratorName(req), precondition);
    res.setHeader('ETag', policyEtag(r.version.version));
    return {
      version: r.version,
      appliesTo: `deadlines opened from ${r.version.createdAt} on; the ${r.openDeadlinesOnOlderVersions} open deadline(s) of ${network} keep the version they were opened with`,
      openDeadlinesOnOlderVersions: r.openDeadlinesOnOlderVersions,
    };
  }
}
