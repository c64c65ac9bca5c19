import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BILATERAL_MEETING_OUTCOMES, DEADLINE_STEPS } from '@rogatory/workflow';

/** OpenAPI shapes of the plenary routes (the values are PlenaryService's views, served as they are). */

export class PlenaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ description: 'Calendar date of the plenary', example: '2026-11-24' }) date!: string;
  @ApiProperty({ example: 'Abuja' }) place!: string;
  @ApiProperty({ description: 'Login of who entered it', example: 'secretariat.wacap' }) createdBy!: string;
  @ApiProperty({ description: 'UTC instant' }) createdAt!: string;
  @ApiProperty({ description: 'Bilateral meetings proposed so far' }) bilateralMeetings!: number;
  @ApiProperty({ description: 'Requests on their agendas' }) agendaItems!: number;
}

export class CreatePlenaryDto {
  @ApiProperty({ description: 'Calendar date YYYY-MM-DD (2000–2099); one plenary per network and date', example: '2026-11-24' }) date!: string;
  @ApiProperty({ description: 'One line, 1–200 characters', example: 'Abuja' }) place!: string;
}

export class StepOwedDto {
  @ApiProperty({ enum: DEADLINE_STEPS }) step!: string;
  @ApiProperty({ description: 'ISO code of the State that owes the step', example: 'GH' }) owedByState!: string;
  @ApiProperty({ description: 'Due date, a calendar date of the owing State (DOMAIN.md §4)', example: '2026-03-09' }) dueOn!: string;
}

export class ItemOutcomeDto {
  @ApiProperty({ enum: BILATERAL_MEETING_OUTCOMES }) outcome!: string;
  @ApiProperty({ description: 'UTC instant' }) recordedAt!: string;
  @ApiProperty({ description: 'Login of the secretariat member who recorded it' }) recordedBy!: string;
  @ApiProperty({ description: "seq of the request's bilateralMeetingHeld event" }) eventSeq!: number;
}

export class AgendaItemDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ example: 'NG-GH/2026/1A2B3C4D' }) reference!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ example: 'NG' }) requestingState!: string;
  @ApiProperty({ example: 'GH' }) requestedState!: string;
  @ApiProperty({ example: 'MLA' }) requestType!: string;
  @ApiProperty() urgent!: boolean;
  @ApiProperty({ description: 'Confidentiality required by the requesting State (UNTOC art. 18(20)): no offences or measures shown' }) confidential!: boolean;
  @ApiProperty({ type: [String], description: 'Empty for a confidential request' }) offences!: string[];
  @ApiProperty({ type: [String], description: 'Empty for a confidential request' }) measures!: string[];
  @ApiProperty({ description: 'State of the request in the workflow', example: 'awaitingAcknowledgement' }) state!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Calendar date' }) transmittedOn!: string | null;
  @ApiPropertyOptional({ type: StepOwedDto, nullable: true, description: 'The open deadline due first; null when none is open' }) stepOwed!: StepOwedDto | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description:
      'Calendar days from the due date to daysOverdueAsOf (0 when not yet due); null without a step owed. Calendar days, not business days, so both delegations count alike.',
  })
  daysOverdue!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "The plenary's date, or today in the owing State once the plenary has passed" })
  daysOverdueAsOf!: string | null;
  @ApiProperty({ description: 'Highest escalation level reached on the request (0–4, DOMAIN.md §4)' }) escalationLevel!: number;
  @ApiProperty() listedForPlenary!: boolean;
  @ApiProperty({
    type: [String],
    enum: ['LEVEL_4', 'FLAGGED'],
    description: 'LEVEL_4: escalation level 4 reached; FLAGGED: a contact point escalated it to the secretariat',
  })
  why!: string[];
  @ApiPropertyOptional({ type: ItemOutcomeDto, nullable: true }) outcome!: ItemOutcomeDto | null;
}

export class MeetingStateDto {
  @ApiProperty({ example: 'GH' }) code!: string;
  @ApiProperty({ example: 'Ghana' }) name!: string;
}

export class BilateralMeetingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) plenaryId!: string;
  @ApiProperty({ type: [MeetingStateDto], description: 'The two States, in the order of their codes' }) states!: MeetingStateDto[];
  @ApiProperty({ type: [AgendaItemDto], description: 'Most overdue first, then by reference' }) items!: AgendaItemDto[];
}

export class PlenaryMeetingsDto {
  @ApiProperty({ type: PlenaryDto }) plenary!: PlenaryDto;
  @ApiProperty({ type: [BilateralMeetingDto] }) meetings!: BilateralMeetingDto[];
}

export class ProposalsDto extends PlenaryMeetingsDto {
  @ApiProperty({ description: 'Requests put on an agenda by this run' }) added!: number;
  @ApiProperty({ description: 'Requests already on an agenda whose reasons this run completed' }) updated!: number;
}

export class AgendaDto {
  @ApiProperty({ type: PlenaryDto }) plenary!: PlenaryDto;
  @ApiProperty({ type: BilateralMeetingDto }) meeting!: BilateralMeetingDto;
}

export class OutcomeItemDto {
  @ApiProperty({ format: 'uuid', description: "A request on the meeting's agenda" }) requestId!: string;
  @ApiProperty({ enum: BILATERAL_MEETING_OUTCOMES }) outcome!: string;
  @ApiPropertyOptional({ description: "At most 1,000 characters; recorded in the request's history only (never on the agenda)" }) note?: string;
}

export class RecordOutcomesDto {
  @ApiProperty({ type: [OutcomeItemDto], description: '1 to 500 outcomes, one per request' }) items!: OutcomeItemDto[];
}

export class PairCountDto {
  @ApiProperty({ example: 'NG' }) requestingState!: string;
  @ApiProperty({ example: 'GH' }) requestedState!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'null when suppressed' }) count!: number | null;
}

export class OpenRequestsSummaryDto {
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ description: 'UTC date the counts and ages are taken at' }) asOf!: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) total!: number | null;
  @ApiProperty({ type: [PairCountDto] }) byPair!: PairCountDto[];
  @ApiProperty({
    description: 'Per step owed (open deadline due first), NONE without one',
    example: { ACKNOWLEDGEMENT: 4, EXECUTION: null, NONE: 0 },
    additionalProperties: { type: 'integer', nullable: true },
  })
  byStep!: Record<string, number | null>;
  @ApiProperty({
    description: 'Per age: calendar days since transmission',
    example: { '0-30': 3, '31-90': null, '91-180': 0, '181-365': 0, '>365': 0 },
    additionalProperties: { type: 'integer', nullable: true },
  })
  byAge!: Record<string, number | null>;
  @ApiProperty({ type: [String], description: 'Paths of the counts suppressed (1 to STATISTICS_MIN_COUNT - 1, secretariat only)', example: ['byPair.NG-GH'] })
  suppressed!: string[];
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'STATISTICS_MIN_COUNT for a secretariat; null for an administrator (nothing suppressed)' })
  minCount!: number | null;
}
