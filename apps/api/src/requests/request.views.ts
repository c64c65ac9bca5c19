import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseEvent, CaseRecord, CaseView, Deadline, MlaRequest, PersonConcerned } from '@rogatory/domain';
import { allowedEvents, STAGES, type Actor, type Completeness } from '@rogatory/workflow';

export class DeadlineView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'ACKNOWLEDGEMENT' }) step!: string;
  @ApiProperty({ description: 'ISO code of the State that owes the step', example: 'GH' }) owedByState!: string;
  @ApiProperty({ enum: ['OPEN', 'PAUSED'] }) status!: string;
  @ApiProperty({ description: 'Due date, calendar date in the owing State (business days of that State, DOMAIN.md §4)', example: '2021-03-12' }) dueOn!: string;
  @ApiProperty({ description: '09:00 local time on dueOn, UTC' }) dueAt!: string;
  @ApiProperty({ description: 'True when dueAt has passed' }) overdue!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'LEVEL_1' }) nextStage!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'UTC instant the next reminder or escalation goes out' }) nextFireAt!: string | null;
  @ApiProperty({ type: [String] }) sentStages!: string[];
  @ApiProperty({ description: "The network's deadline policy version the deadline was opened with (0: default of DOMAIN.md §4)", example: 0 })
  policyVersion!: number;
}

export class AllowedEventsView {
  @ApiProperty({ type: [String], description: 'Events the requesting central authority may send now' }) requestingCentralAuthority!: string[];
  @ApiProperty({ type: [String] }) requestedCentralAuthority!: string[];
  @ApiProperty({ type: [String], description: 'A contact point of the requested State' }) contactPoint!: string[];
  @ApiProperty({ type: [String] }) secretariat!: string[];
}

/** The open deadline of a request due first (in a list item and a request view). */
export class NextDeadlineView {
  @ApiProperty({ example: 'ACKNOWLEDGEMENT' }) step!: string;
  @ApiProperty({ description: 'ISO code of the State that owes the step', example: 'GH' }) owedByState!: string;
  @ApiProperty({ description: 'Due date, calendar date in the owing State', example: '2026-10-12' }) dueOn!: string;
  @ApiProperty({ description: '09:00 local time on dueOn, as a UTC instant (ISO 8601)', example: '2026-10-12T09:00:00.000Z' }) dueAt!: string;
  @ApiProperty({ description: "True when dueAt has passed (by the API's clock)" }) overdue!: boolean;
  @ApiProperty({ enum: ['OPEN'], description: 'Always OPEN: a paused deadline is never the next one' }) status!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: [...STAGES],
    description: 'The last reminder or escalation stage already sent for it (REMINDER, LEVEL_1 … LEVEL_4), or null when none was',
    example: 'LEVEL_1',
  })
  level!: string | null;
}

export class RequestSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WACAP/2021/001' }) reference!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ example: 'NG' }) requestingState!: string;
  @ApiProperty({ example: 'GH' }) requestedState!: string;
  @ApiProperty({ example: 'MLA' }) requestType!: string;
  @ApiProperty() urgent!: boolean;
  @ApiProperty({ description: 'Confidentiality required by the requesting State (UNTOC art. 18(20))' }) confidential!: boolean;
  @ApiProperty({ example: 'underAssessment' }) state!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty({ description: 'Optimistic-lock version; send it back in If-Match' }) version!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) transmittedOn!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Why an administrator must look at this request (its stored snapshot cannot be placed in the current machine); it takes no event meanwhile',
  })
  attention!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'When the request was flagged' }) attentionSince!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({
    type: NextDeadlineView,
    nullable: true,
    description: 'The open deadline with the earliest due instant (what is owed next, by whom, by when), or null when none is open',
  })
  nextDeadline!: NextDeadlineView | null;
}

export class PersonConcernedView {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2' }) nationality?: string;
  @ApiPropertyOptional() location?: string;
}

export class SuggestedDeadlineView {
  @ApiProperty({ description: 'Calendar date the requesting State suggests (UNTOC art. 18(24))', example: '2026-12-15' }) date!: string;
  @ApiPropertyOptional({ description: 'Its reasons (FULL view only)' }) reasons?: string;
}

export class RefusalView {
  @ApiProperty({ description: 'Ground of UNTOC art. 18(21); empty in a METADATA view of a confidential request', example: 'ESSENTIAL_INTERESTS' })
  ground!: string;
  @ApiProperty({ description: 'Reasons (18(23)); empty in a METADATA view' }) reasons!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Date of the consultation it followed (18(26))' }) consultedOn?: string | null;
}

export class ConsultationView {
  @ApiProperty({ description: 'Calendar date the consultation opened' }) openedOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Its subject (FULL view only)' }) subject!: string | null;
}

export class InformalConsultationView {
  @ApiProperty({ description: 'UTC instant the draft was shared' }) sharedAt!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'UTC instant it was reviewed; null while under review' }) reviewedAt!: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Hours the review took; null while under review' }) hours!: number | null;
}

export class CompletenessItemView {
  @ApiProperty({ example: 'PURPOSE' }) item!: string;
  @ApiProperty({ example: '18(15)(f)' }) paragraph!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty() present!: boolean;
  @ApiProperty() what!: string;
}

export class CompletenessView {
  @ApiProperty() complete!: boolean;
  @ApiProperty({ type: [String] }) missing!: string[];
  @ApiProperty({ type: [String] }) recommended!: string[];
  @ApiProperty({ type: [CompletenessItemView] }) items!: CompletenessItemView[];
}

export class EventActorView {
  @ApiProperty({ example: 'CENTRAL_AUTHORITY' }) role!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'GH' }) state!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL view only' }) name!: string | null;
}

export class RequestView extends RequestSummaryView {
  @ApiProperty({
    enum: ['FULL', 'METADATA'],
    description:
      'FULL for central authority officers and contact points in scope; METADATA for the secretariat and administrators: no subject, facts, persons, reasons or notes, and no offences or measures of a confidential request',
  })
  view!: CaseView;
  @ApiPropertyOptional({ type: String, nullable: true }) legalBasis!: string | null;
  @ApiProperty({ type: [String], description: 'Empty in a METADATA view of a confidential request' }) offences!: string[];
  @ApiProperty({ type: [String], description: 'Empty in a METADATA view of a confidential request' }) measures!: string[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL view only' }) subject!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Summary of the facts (18(15)), FULL view only; encrypted at rest' }) factsSummary!:
    string | null;
  @ApiPropertyOptional({ type: [PersonConcernedView], nullable: true, description: 'Persons concerned (18(15)), FULL view only; encrypted at rest' })
  personsConcerned!: PersonConcerned[] | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The authority making the request (18(15)(a)), FULL view only' }) requestingAuthority!:
    string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The authority conducting the investigation, prosecution or proceeding (18(15)(b)), FULL view only',
  })
  investigatingAuthority!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Purpose of the evidence, information or action sought (18(15)(f)), FULL view only' })
  purpose!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Any particular procedure to follow (18(15)(d)), FULL view only' }) procedure!:
    string | null;
  @ApiPropertyOptional({
    type: CompletenessView,
    nullable: true,
    description:
      'UNTOC art. 18(15) checklist (FULL view): `complete`, `missing` required items, `recommended` items not given, and each item with its paragraph',
  })
  completeness!: Completeness | null;
  @ApiProperty({ type: [String], description: 'Other networks the request is also facilitated through (it counts in theirs too, once in the total)' })
  linkedNetworks!: string[];
  @ApiProperty({
    type: [InformalConsultationView],
    description:
      "Informal consultations of the requested State's contact point on the draft: UTC instants shared and reviewed, and how long the review took (hours; null while under review)",
  })
  informalConsultations!: Array<{ sharedAt: string; reviewedAt: string | null; hours: number | null }>;
  @ApiProperty({ type: [String], description: 'Events you (the signed-in user) may send now, from the workflow' }) yourAllowedEvents!: string[];
  @ApiProperty({ description: 'Version of the workflow machine that wrote the stored snapshot' }) machineVersion!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) channel!: string | null;
  @ApiPropertyOptional({ type: SuggestedDeadlineView, nullable: true }) suggestedDeadline!: { date: string; reasons?: string } | null;
  @ApiPropertyOptional({
    type: RefusalView,
    nullable: true,
    description: 'Ground (18(21)), reasons (18(23)) and the date of the consultation it followed (18(26))',
  })
  refusal!: {
    ground: string;
    reasons: string;
    consultedOn?: string | null;
  } | null;
  @ApiPropertyOptional({ type: ConsultationView, nullable: true, description: 'Consultation in progress (UNTOC art. 18(26)): opening date and subject' })
  consultation!: {
    openedOn: string;
    subject: string | null;
  } | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Calendar dates of the milestones (DOMAIN.md §5)' }) milestones!: Record<
    string,
    string | boolean | null
  >;
  @ApiProperty() listedForPlenary!: boolean;
  @ApiProperty({ type: AllowedEventsView }) allowedEvents!: AllowedEventsView;
  @ApiProperty({ type: [DeadlineView] }) openDeadlines!: DeadlineView[];
}

export class EventView {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: 'receiptAcknowledged' }) type!: string;
  @ApiProperty({ type: EventActorView }) actor!: EventActorView;
  @ApiProperty({ description: 'UTC instant' }) occurredAt!: string;
  @ApiProperty({ description: 'Calendar date in the recording State' }) occurredOn!: string;
  @ApiProperty() inferred!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the event carried (questions, reasons, notes, checklist…); empty in a METADATA view',
  })
  payload!: Record<string, unknown>;
  @ApiProperty() fromState!: string;
  @ApiProperty() toState!: string;
  @ApiProperty() recordedAt!: string;
}

export class RequestListView {
  @ApiProperty({ type: [RequestSummaryView] }) items!: RequestSummaryView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/**
 * The open deadline of `d` as a NextDeadlineView at instant `now` (`overdue`: its due instant is before
 * `now`; `level`: the furthest stage of the ladder already sent, or null).
 */
export function nextDeadlineView(d: Deadline, now: Date): NextDeadlineView {
  const sent = STAGES.filter((s) => d.sentStages.includes(s));
  return {
    step: d.step,
    owedByState: d.owedByState,
    dueOn: d.dueOn,
    dueAt: d.dueAt.toISOString(),
    overdue: d.dueAt < now,
    status: d.status,
    level: sent.length ? sent[sent.length - 1] : null,
  };
}

/**
 * The summary of a request in a list (no contents: the same for every view). `next`: its open deadline
 * due first (CaseAccessService.list loads them for a whole page; a request view has them), null when it
 * has none; `now`: the instant its `overdue` is judged at (the API's clock).
 */
export function summaryView(r: MlaRequest, now: Date, next: Deadline | null): RequestSummaryView {
  return {
    id: r.id,
    reference: r.reference,
    network: r.network,
    requestingState: r.requestingState,
    requestedState: r.requestedState,
    requestType: r.requestType,
    urgent: r.urgent,
    confidential: r.confidential,
    state: r.state,
    outcome: r.outcome,
    version: r.version,
    transmittedOn: r.transmittedOn,
    attention: r.attention,
    attentionSince: r.attentionSince?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    nextDeadline: next ? nextDeadlineView(next, now) : null,
  };
}

/**
 * The request as the signed-in user may read it (CaseRecord from CaseAccessService). `record.snapshot`: the
 * request placed in the current machine, or null when it is flagged for an administrator: then no event
 * is allowed and the stored context is shown as it is. A METADATA view carries no case contents: no
 * subject, facts, persons, reasons or consultation subject; and for a confidential request (18(20)) no
 * offences or measures.
 */
export function requestView(record: CaseRecord, now: Date): RequestView {
  const { request: r, snapshot, deadlines, view } = record;
  const full = view === 'FULL';
  const hideCodes = !full && r.confidential;
  const c = snapshot?.context ?? r.snapshot.context;
  const allowed = (a: Actor) => (snapshot ? allowedEvents(snapshot, a) : []);
  // `deadlines` are the open and paused ones, earliest due first: the next is the first OPEN one.
  const next = deadlines.find((d) => d.status === 'OPEN') ?? null;
  return {
    ...summaryView(r, now, next),
    view,
    legalBasis: r.legalBasis,
    offences: hideCodes ? [] : r.offences,
    measures: hideCodes ? [] : r.measures,
    subject: full ? r.subject : null,
    factsSummary: full ? record.factsSummary : null,
    personsConcerned: full ? record.personsConcerned : null,
    requestingAuthority: full ? r.requestingAuthority : null,
    investigatingAuthority: full ? r.investigatingAuthority : null,
    purpose: full ? r.purpose : null,
    procedure: full ? r.procedure : null,
    completeness: record.completeness,
    linkedNetworks: r.linkedNetworks,
    informalConsultations: (c.informalConsultations ?? []).map((x) => ({
      ...x,
      hours: x.reviewedAt === null ? null : Math.round((Date.parse(x.reviewedAt) - Date.parse(x.sharedAt)) / 36_000) / 100,
    })),
    machineVersion: r.machineVersion,
    channel: c.channel,
    suggestedDeadline: c.suggestedDeadline ? (full ? c.suggestedDeadline : { date: c.suggestedDeadline.date }) : null,
    refusal: c.refusal ? (full ? c.refusal : { ground: hideCodes ? '' : c.refusal.ground, reasons: '', consultedOn: c.refusal.consultedOn ?? null }) : null,
    consultation: c.consultation ? (full ? c.consultation : { openedOn: c.consultation.openedOn, subject: null }) : null,
    milestones: { ...c.milestones },
    listedForPlenary: r.listedForPlenary,
    yourAllowedEvents: record.allowedEvents,
    allowedEvents: {
      requestingCentralAuthority: allowed({ role: 'CENTRAL_AUTHORITY', state: r.requestingState }),
      requestedCentralAuthority: allowed({ role: 'CENTRAL_AUTHORITY', state: r.requestedState }),
      contactPoint: allowed({ role: 'CONTACT_POINT', state: r.requestedState }),
      secretariat: allowed({ role: 'SECRETARIAT', state: null }),
    },
    openDeadlines: deadlines.map((d) => ({
      id: d.id,
      step: d.step,
      owedByState: d.owedByState,
      status: d.status,
      dueOn: d.dueOn,
      dueAt: d.dueAt.toISOString(),
      overdue: d.dueAt < now,
      nextStage: d.nextStage,
      nextFireAt: d.nextFireAt?.toISOString() ?? null,
      sentStages: d.sentStages,
      policyVersion: d.policy.version,
    })),
  };
}

/** One event; in a METADATA view without the actor's name and the payload (reasons, notes, questions). */
export function eventView(e: CaseEvent, view: CaseView): EventView {
  const full = view === 'FULL';
  return {
    seq: e.seq,
    type: e.type,
    actor: { role: e.actorRole, state: e.actorState, name: full ? e.actorName : null },
    occurredAt: e.occurredAt.toISOString(),
    occurredOn: e.occurredOn,
    inferred: e.inferred,
    payload: full ? e.payload : {},
    fromState: e.fromState,
    toState: e.toState,
    recordedAt: e.recordedAt.toISOString(),
  };
}
