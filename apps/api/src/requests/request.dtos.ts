import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  CHECKLIST_MARKS,
  CONTENT_ITEMS,
  FACILITATION_ACTIONS,
  LEGAL_BASES,
  MEASURES,
  NETWORK_CODES,
  OFFENCES,
  REFUSAL_GROUNDS,
  REQUEST_TYPES,
  USER_EVENT_TYPES_FOR_DOCS,
} from './request-codes';

/** Body of POST /api/v1/requests (validated by the domain: codes of DOMAIN.md §6, States known to the directory). */
export class CreateRequestDto {
  @ApiPropertyOptional({ description: 'Case reference; generated when absent', example: 'WACAP/2026/001', maxLength: 100 }) reference?: string;
  @ApiProperty({ enum: NETWORK_CODES, description: 'Network facilitating the case; OTHER outside the three networks' }) network!: string;
  @ApiProperty({ example: 'NG', description: 'ISO 3166-1 alpha-2 code of the requesting State' }) requestingState!: string;
  @ApiProperty({ example: 'GH', description: 'ISO 3166-1 alpha-2 code of the requested State' }) requestedState!: string;
  @ApiProperty({ enum: REQUEST_TYPES }) requestType!: string;
  @ApiProperty({ description: 'Urgent request (allows the ORAL_URGENT channel, UNTOC art. 18(14))' }) urgent!: boolean;
  @ApiPropertyOptional({ enum: LEGAL_BASES, nullable: true }) legalBasis?: string | null;
  @ApiPropertyOptional({ enum: OFFENCES, isArray: true }) offences?: string[];
  @ApiPropertyOptional({ enum: MEASURES, isArray: true, description: 'Measures of assistance, UNTOC art. 18(3)' }) measures?: string[];
  @ApiPropertyOptional({ maxLength: 500, nullable: true, description: 'Short subject line; no facts of the case' }) subject?: string | null;
  @ApiPropertyOptional({ description: 'The requesting State requires confidentiality (UNTOC art. 18(20)); default false' }) confidential?: boolean;
  @ApiPropertyOptional({ maxLength: 20000, nullable: true, description: 'Summary of the facts (18(15)); encrypted at rest, never in emails or logs' })
  factsSummary?: string | null;
  @ApiPropertyOptional({ description: 'Persons concerned (18(15)): [{ name, nationality, location }], at most 100; encrypted at rest', isArray: true })
  personsConcerned?: Array<{ name: string; nationality?: string; location?: string }>;
  @ApiPropertyOptional({ maxLength: 300, nullable: true, description: 'The authority making the request (18(15)(a)), one line' })
  requestingAuthority?: string | null;
  @ApiPropertyOptional({
    maxLength: 300,
    nullable: true,
    description: 'Name and functions of the authority conducting the investigation (18(15)(b)), one line',
  })
  investigatingAuthority?: string | null;
  @ApiPropertyOptional({ maxLength: 4000, nullable: true, description: 'Purpose of the evidence, information or action sought (18(15)(f))' })
  purpose?: string | null;
  @ApiPropertyOptional({ maxLength: 4000, nullable: true, description: 'Any particular procedure to follow (18(15)(d))' }) procedure?: string | null;
}

/**
 * Body of PATCH /api/v1/requests/{id}: the content fields of a draft to change, at least one (`null`
 * clears an optional one). The network, the States and the reference are fixed once created.
 */
export class AmendDraftDto {
  @ApiPropertyOptional({ enum: REQUEST_TYPES }) requestType?: string;
  @ApiPropertyOptional() urgent?: boolean;
  @ApiPropertyOptional({ enum: LEGAL_BASES, nullable: true }) legalBasis?: string | null;
  @ApiPropertyOptional({ enum: OFFENCES, isArray: true }) offences?: string[];
  @ApiPropertyOptional({ enum: MEASURES, isArray: true }) measures?: string[];
  @ApiPropertyOptional({ maxLength: 500, nullable: true }) subject?: string | null;
  @ApiPropertyOptional() confidential?: boolean;
  @ApiPropertyOptional({ maxLength: 20000, nullable: true }) factsSummary?: string | null;
  @ApiPropertyOptional({ isArray: true }) personsConcerned?: Array<{ name: string; nationality?: string; location?: string }>;
  @ApiPropertyOptional({ maxLength: 300, nullable: true }) requestingAuthority?: string | null;
  @ApiPropertyOptional({ maxLength: 300, nullable: true }) investigatingAuthority?: string | null;
  @ApiPropertyOptional({ maxLength: 4000, nullable: true }) purpose?: string | null;
  @ApiPropertyOptional({ maxLength: 4000, nullable: true }) procedure?: string | null;
}

export class SuggestedDeadlineDto {
  @ApiProperty({ example: '2026-06-30' }) date!: string;
  @ApiPropertyOptional({ description: 'Reasons (UNTOC art. 18(24)); without them the date is information only' }) reasons?: string;
}

/** Body of POST /api/v1/requests/{id}/events: the event type and the fields of that event; the actor is the signed-in user. */
export class PostEventDto {
  @ApiProperty({ enum: USER_EVENT_TYPES_FOR_DOCS }) type!: string;
  @ApiPropertyOptional({ enum: CHANNELS, description: 'requestTransmitted' }) channel?: string;
  @ApiPropertyOptional({ type: SuggestedDeadlineDto, description: 'requestTransmitted' }) suggestedDeadline?: SuggestedDeadlineDto;
  @ApiPropertyOptional({ enum: REFUSAL_GROUNDS, description: 'requestRefused, UNTOC art. 18(21)' }) ground?: string;
  @ApiPropertyOptional({ description: 'requestRefused (required, 18(23)), executionPostponed (required), requestWithdrawn, requestLapsed' }) reasons?: string;
  @ApiPropertyOptional({ description: 'executionCompleted: true when partially executed' }) partial?: boolean;
  @ApiPropertyOptional({ enum: FACILITATION_ACTIONS, description: 'facilitationRecorded' }) action?: string;
  @ApiPropertyOptional({ description: 'facilitationRecorded' }) note?: string;
  @ApiPropertyOptional({ enum: NETWORK_CODES, description: 'facilitationRecorded with action LINKED_OTHER_NETWORK: the other network' }) network?: string;
  @ApiPropertyOptional({ description: "draftReviewed: the contact point's comments on the draft" }) comments?: string;
  @ApiPropertyOptional({
    description: `draftReviewed: the completeness checklist of UNTOC art. 18(15), { ITEM: ${CHECKLIST_MARKS.join(' | ')} } for items ${CONTENT_ITEMS.join(', ')}`,
  })
  checklist?: Record<string, string>;
  @ApiPropertyOptional({ description: 'draftReviewed: what the requested State requires (languages, channel, form)' }) requirements?: string;
  @ApiPropertyOptional({ description: 'additionalInformationRequested' }) questions?: string;
  @ApiPropertyOptional({ description: 'consultationOpened (18(26))' }) subject?: string;
  @ApiPropertyOptional({ description: 'requestAccepted' }) executingAuthority?: string;
  @ApiPropertyOptional({ description: 'requestAccepted: conditions agreed in consultation (18(26))' }) conditions?: string;
}
