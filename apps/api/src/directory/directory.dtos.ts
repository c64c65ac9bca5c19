import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DIRECTORY_KINDS } from '@rogatory/domain';
import { CHANNELS, MEASURES, NETWORK_CODES } from '@rogatory/workflow';

const INSTANT = { type: String, format: 'date-time', nullable: true } as const;

/** Confirmation and staleness, on every directory entry. */
export class ConfirmationFields {
  @ApiProperty({ ...INSTANT, description: 'last confirmation (UTC), null: never confirmed' }) lastConfirmedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'cp1.gh.wacap', description: 'login of who confirmed it last (an edit confirms too)' })
  lastConfirmedBy!: string | null;
  @ApiProperty({ description: 'never confirmed, or not for 365 days' }) stale!: boolean;
  @ApiProperty({
    ...INSTANT,
    description: 'when it became stale: a year after the last confirmation; never confirmed: when it was entered. Null while not stale',
  })
  staleSince!: string | null;
}

export class CentralAuthorityEntryView extends ConfirmationFields {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Central authority of Ghana' }) name!: string;
  @ApiProperty({ example: 'central-authority.gh@example.org' }) email!: string;
}

export class CompetentAuthorityEntryView extends ConfirmationFields {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'GH' }) state!: string;
  @ApiProperty({ example: 'Economic and Organised Crime Office' }) name!: string;
  @ApiProperty({ example: 'eoco@example.org' }) email!: string;
  @ApiProperty({ enum: MEASURES, isArray: true, description: 'measures it executes (UNTOC art. 18(3))' }) measures!: string[];
  @ApiProperty({ example: '"9f86d081884c7d659a2feaa0c55ad015"', description: 'entity tag (also the ETag header): send it as If-Match with a change' })
  etag!: string;
}

export class AbsenceDelegateView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ example: 'SN' }) state!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
}

export class AbsenceSummaryView {
  @ApiProperty({ example: '2026-08-03', description: "first day away (calendar date of the contact point's State)" }) from!: string;
  @ApiProperty({ example: '2026-08-21', description: 'last day away, included' }) until!: string;
  @ApiProperty({ type: AbsenceDelegateView, description: 'who receives its reminders, escalations and digests meanwhile' }) delegate!: AbsenceDelegateView;
}

export class ContactPointEntryView extends ConfirmationFields {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Contact point 1 of Ghana (WACAP)' }) name!: string;
  @ApiProperty({ example: 'cp1.gh.wacap@example.org' }) email!: string;
  @ApiProperty({ example: 'en', description: 'ISO 639-1 code of the language it is written to in' }) language!: string;
  @ApiProperty({ enum: NETWORK_CODES }) network!: string;
  @ApiProperty({ type: AbsenceSummaryView, nullable: true, description: 'its absence while not over, else null' }) absence!: AbsenceSummaryView | null;
  @ApiProperty({
    nullable: true,
    description: 'Set when it has left: `{ id, name, email, at }` of the successor it handed over to (who receives what is meant for it), else null',
  })
  handedOverTo!: { id: string; name: string; email: string; at: string } | null;
}

/** A State's entry of the directory. */
export class StateEntryView extends ConfirmationFields {
  @ApiProperty({ example: 'GH', description: 'ISO 3166-1 alpha-2' }) code!: string;
  @ApiProperty({ example: 'Ghana' }) name!: string;
  @ApiProperty({ example: 'Africa/Accra' }) timeZone!: string;
  @ApiProperty({ example: ['en'], description: 'official languages (ISO 639-1)' }) languages!: string[];
  @ApiProperty({ example: ['WACAP'], description: 'networks it is a member of' }) networks!: string[];
  @ApiProperty({ example: ['en', 'fr'], description: 'languages it accepts a request in (UNTOC art. 18(14)), ISO 639-1' }) acceptedLanguages!: string[];
  @ApiProperty({ enum: CHANNELS, isArray: true, description: 'transmission channels it accepts' }) channels!: string[];
  @ApiProperty({ example: 'certified translation; signed by a prosecutor', description: "formal requirements, free text ('' when none recorded)" })
  formalRequirements!: string;
  @ApiProperty({
    example: '"0c1f…"',
    description: 'entity tag of what PUT changes (accepted languages, channels, requirements), also the ETag header of GET /directory/states/{code}',
  })
  etag!: string;
  @ApiProperty({ type: CentralAuthorityEntryView, nullable: true }) centralAuthority!: CentralAuthorityEntryView | null;
  @ApiProperty({ type: [CompetentAuthorityEntryView] }) competentAuthorities!: CompetentAuthorityEntryView[];
  @ApiProperty({ type: [ContactPointEntryView] }) contactPoints!: ContactPointEntryView[];
}

export class StateEntryListView {
  @ApiProperty({ type: [StateEntryView] }) items!: StateEntryView[];
  @ApiProperty() total!: number;
}

/** One entry of any kind (confirmation, list of stale entries). */
export class DirectoryEntrySummaryView extends ConfirmationFields {
  @ApiProperty({ enum: DIRECTORY_KINDS }) kind!: string;
  @ApiProperty({ description: "the State's ISO code for kind states, else a uuid" }) id!: string;
  @ApiProperty({ example: 'GH' }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: "a contact point's network, else null" }) network!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a State' }) email!: string | null;
}

export class DirectoryEntrySummaryListView {
  @ApiProperty({ type: [DirectoryEntrySummaryView] }) items!: DirectoryEntrySummaryView[];
  @ApiProperty() total!: number;
}

/** Body of PUT /api/v1/directory/states/{code}. */
export class StateEntryDto {
  @ApiProperty({ example: ['en', 'fr'], description: 'ISO 639-1 codes in lower case, at least one' }) acceptedLanguages!: string[];
  @ApiProperty({ enum: CHANNELS, isArray: true, description: 'at least one' }) channels!: string[];
  @ApiProperty({ example: 'certified translation; signed by a prosecutor', description: 'at most 4000 characters; may be empty' })
  formalRequirements!: string;
}

/** Body of POST /api/v1/directory/competent-authorities (PUT: without `state`). */
export class CompetentAuthorityDto {
  @ApiPropertyOptional({ example: 'GH', description: 'ISO code of its State (POST only; it does not change)' }) state?: string;
  @ApiProperty({ example: 'Economic and Organised Crime Office', description: 'one line, at most 200 characters' }) name!: string;
  @ApiProperty({ example: 'eoco@example.org' }) email!: string;
  @ApiProperty({ enum: MEASURES, isArray: true, description: 'at least one' }) measures!: string[];
}

export class DirectoryImportResultView {
  @ApiProperty({ description: 'rows that created an entry' }) created!: number;
  @ApiProperty({ description: 'rows that changed an entry (and confirmed it)' }) updated!: number;
  @ApiProperty({ description: 'rows identical to their entry (its confirmation kept)' }) unchanged!: number;
}

/** Body of PUT /api/v1/contact-points/{id}/absence. */
export class AbsenceDto {
  @ApiProperty({ example: '2026-08-03', description: "first day away, calendar date of the contact point's State" }) from!: string;
  @ApiProperty({ example: '2026-08-21', description: 'last day away (included); not before today; at most 366 days after from' }) until!: string;
  @ApiProperty({ format: 'uuid', description: 'the contact point standing in: same network; same State while one of its own is available' })
  delegateId!: string;
}

export class AbsenceView extends AbsenceSummaryView {
  @ApiProperty({ format: 'uuid' }) contactPointId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'login of who recorded it' }) setBy!: string | null;
  @ApiProperty({ description: "today (the contact point's date) is one of its days away" }) activeToday!: boolean;
}

export class AbsenceSetView extends AbsenceView {
  @ApiProperty({ description: 'emails waiting for the absent contact point, due while it is away, now addressed to the delegate' }) readdressed!: number;
  @ApiProperty({ description: 'waiting emails withdrawn because the delegate already had the same one of its own' }) withdrawn!: number;
}
