import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DeadlinePolicyService, type PolicyVersionView } from '@rogatory/domain';
import type { Request } from 'express';
import { Roles } from '../auth/access.decorators';
import { administratorName } from './admin-name';

/** Deadline policies per network (DOMAIN.md §4), versioned; administrators only. */
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
   * createdAt }`. 404 unknown network.
   */
  @Get()
  @ApiOperation({ summary: 'The deadline policy in force for a network' })
  @ApiOkResponse({ description: 'the latest version (0: the default of DOMAIN.md §4)' })
  async current(@Param('network') network: string): Promise<PolicyVersionView> {
    const versions = await this.policies.versions(network);
    return versions[versions.length - 1];
  }

  /** GET /api/v1/networks/:network/deadline-policy/versions → every version, 0 (default) first. */
  @Get('versions')
  @ApiOperation({ summary: "Every version of a network's deadline policy" })
  async versions(@Param('network') network: string): Promise<PolicyVersionView[]> {
    return this.policies.versions(network);
  }

  /**
   * POST /api/v1/networks/:network/deadline-policy/versions `{ note, steps?: { STEP: { due?,
   * reminderBusinessDaysBefore? } }, ladder? }` → 201 `{ version, appliesTo, openDeadlinesOnOlderVersions }`.
   * The new version applies to deadlines opened from now on; open deadlines keep theirs. 400 naming the
   * field (e.g. `steps.EXECUTION.due`), 404 unknown network, 409 a concurrent change.
   */
  @Post('versions')
  @ApiOperation({ summary: "Add a version of a network's deadline policy (applies to deadlines opened afterwards)" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['note'],
      example: { note: 'Plenary 2026: 60 days for execution', steps: { EXECUTION: { due: { calendarDays: 60 }, reminderBusinessDaysBefore: 5 } } },
    },
  })
  @ApiResponse({ status: 201, description: '{ version, appliesTo, openDeadlinesOnOlderVersions }' })
  @ApiResponse({ status: 400, description: 'application/problem+json naming the field' })
  async create(@Param('network') network: string, @Body() body: unknown, @Req() req: Request) {
    const r = await this.policies.createVersion(network, body, administratorName(req));
    return {
      version: r.version,
      appliesTo: `deadlines opened from ${r.version.createdAt} on; the ${r.openDeadlinesOnOlderVersions} open deadline(s) of ${network} keep the version they were opened with`,
      openDeadlinesOnOlderVersions: r.openDeadlinesOnOlderVersions,
    };
  }
}
