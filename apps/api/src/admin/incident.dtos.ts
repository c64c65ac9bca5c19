import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_NOTE_MAX, INCIDENT_RESOLUTIONS } from '@rogatory/domain';

/** Body of POST /api/v1/admin/incidents/{id}/resolution (validated by the domain: parseResolveIncident). */
export class ResolveIncidentDto {
  @ApiProperty({
    enum: INCIDENT_RESOLUTIONS,
    description:
      'CONFIRMED_DELIVERED: the recipient got it (checked outside Rogatory); RESENT: send it once more (back to PENDING, queued); DISMISSED: give it up',
  })
  resolution!: string;
  @ApiPropertyOptional({ maxLength: INCIDENT_NOTE_MAX, description: 'Why; stored with the resolution' }) note?: string;
}

/** An open email incident: an outbox email UNKNOWN or FAILED that no administrator has settled. */
export class IncidentView {
  @ApiProperty({ description: 'Outbox email id' }) id!: string;
  @ApiPropertyOptional({ nullable: true }) requestId!: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'WACAP/2021/001', description: 'Reference of the request; null for statistics emails' }) reference!:
    string | null;
  @ApiProperty({ example: 'REMINDER', description: 'REMINDER, ESCALATION or STATISTICS' }) kind!: string;
  @ApiPropertyOptional({ nullable: true, example: 'ACKNOWLEDGEMENT' }) step!: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'LEVEL_1' }) stage!: string | null;
  @ApiPropertyOptional({ nullable: true, description: '0 reminder, 1–4 escalation level' }) level!: number | null;
  @ApiProperty() recipientEmail!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: ['UNKNOWN', 'FAILED'], description: 'UNKNOWN: the hand-over broke, outcome unknown; FAILED: refused for good by the server' })
  status!: string;
  @ApiProperty({ description: 'Hand-over attempts so far' }) attempts!: number;
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'UTC instant of the last attempt' }) lastAttemptAt!: string | null;
  @ApiProperty({ description: 'UTC instant it was meant to go out' }) dueAt!: string;
  @ApiPropertyOptional({ nullable: true, enum: ['RESENT'], description: 'RESENT when this is a resend that failed again' }) previousResolution!: string | null;
  @ApiPropertyOptional({ nullable: true }) previousResolvedAt!: string | null;
}

export class IncidentListView {
  @ApiProperty({ type: [IncidentView] }) items!: IncidentView[];
  @ApiProperty({ description: 'Open incidents in all' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class IncidentResolutionView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: INCIDENT_RESOLUTIONS }) resolution!: string;
  @ApiProperty({ description: 'UTC instant (wall clock) the resolution was recorded' }) resolvedAt!: string;
  @ApiProperty({ example: 'PENDING', description: 'The email status now: PENDING after RESENT, else unchanged' }) status!: string;
  @ApiProperty({ description: 'RESENT: a send job was queued now (false: one already waits, or the sweeper will queue it)' }) queued!: boolean;
}
