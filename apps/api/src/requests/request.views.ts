import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseEvent, Deadline, MlaRequest } from '@rogatory/domain';
import { allowedEvents, type Actor, type MlaRequestSnapshot } from '@rogatory/workflow';

export class DeadlineView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'ACKNOWLEDGEMENT' }) step!: string;
  @ApiProperty({ description: 'ISO code of the State that owes the step', example: 'GH' }) owedByState!: string;
  @ApiProperty({ enum: ['OPEN', 'PAUSED'] }) status!: string;
  @ApiProperty({ description: 'Due date, calendar date in the owing State (business days of that State, DOMAIN.md §4)', example: '2021-03-12' }) dueOn!: string;
  @ApiProperty({ description: '09:00 local time on dueOn, UTC' }) dueAt!: string;
  @ApiProperty({ description: 'True when dueAt has passed' }) overdue!: boolean;
  @ApiPropertyOptional({ nullable: true, example: 'LEVEL_1' }) nextStage!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'UTC instant the next reminder or escalation goes out' }) nextFireAt!: string | null;
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

export class RequestSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WACAP/2021/001' }) reference!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ example: 'NG' }) requestingState!: string;
  @ApiProperty({ example: 'GH' }) requestedState!: string;
  @ApiProperty({ example: 'MLA' }) requestType!: string;
  @ApiProperty() urgent!: boolean;
  @ApiProperty({ example: 'underAssessment' }) state!: string;
  @ApiPropertyOptional({ nullable: true }) outcome!: string | null;
  @ApiProperty({ description: 'Optimistic-lock version; send it back in If-Match' }) version!: number;
  @ApiPropertyOptional({ nullable: true }) transmittedOn!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'Why an administrator must look at this request (its stored snapshot cannot be placed in the current machine); it takes no event meanwhile',
  })
  attention!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'When the request was flagged' }) attentionSince!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class RequestView extends RequestSummaryView {
  @ApiPropertyOptional({ nullable: true }) legalBasis!: string | null;
  @ApiProperty({ type: [String] }) offences!: string[];
  @ApiProperty({ type: [String] }) measures!: string[];
  @ApiPropertyOptional({ nullable: true }) subject!: string | null;
  @ApiProperty({ description: 'Version of the workflow machine that wrote the stored snapshot' }) machineVersion!: number;
  @ApiPropertyOptional({ nullable: true }) channel!: string | null;
  @ApiPropertyOptional({ nullable: true }) suggestedDeadline!: { date: string; reasons?: string } | null;
  @ApiPropertyOptional({ nullable: true, description: 'Ground (18(21)), reasons (18(23)) and the date of the consultation it followed (18(26))' }) refusal!: {
    ground: string;
    reasons: string;
    consultedOn?: string | null;
  } | null;
  @ApiPropertyOptional({ nullable: true, description: 'Consultation in progress (UNTOC art. 18(26)): opening date and subject' }) consultation!: {
    openedOn: string;
    subject: string | null;
  } | null;
  @ApiProperty({ description: 'Calendar dates of the milestones (DOMAIN.md §5)' }) milestones!: Record<string, string | boolean | null>;
  @ApiProperty() listedForPlenary!: boolean;
  @ApiProperty({ type: AllowedEventsView }) allowedEvents!: AllowedEventsView;
  @ApiProperty({ type: [DeadlineView] }) openDeadlines!: DeadlineView[];
}

export class EventView {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: 'receiptAcknowledged' }) type!: string;
  @ApiProperty() actor!: { role: string; state: string | null; name: string | null };
  @ApiProperty({ description: 'UTC instant' }) occurredAt!: string;
  @ApiProperty({ description: 'Calendar date in the recording State' }) occurredOn!: string;
  @ApiProperty() inferred!: boolean;
  @ApiProperty() payload!: Record<string, unknown>;
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

export function summaryView(r: MlaRequest): RequestSummaryView {
  return {
    id: r.id,
    reference: r.reference,
    network: r.network,
    requestingState: r.requestingState,
    requestedState: r.requestedState,
    requestType: r.requestType,
    urgent: r.urgent,
    state: r.state,
    outcome: r.outcome,
    version: r.version,
    transmittedOn: r.transmittedOn,
    attention: r.attention,
    attentionSince: r.attentionSince?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * The request as the API shows it. `snapshot`: the request placed in the current machine
 * (MlaRequestService.placedSnapshot), or null when it is flagged for an administrator: then no event is
 * allowed and the stored context is shown as it is.
 */
export function requestView(r: MlaRequest, snapshot: MlaRequestSnapshot | null, deadlines: Deadline[], now: Date): RequestView {
  const c = snapshot?.context ?? r.snapshot.context;
  const allowed = (a: Actor) => (snapshot ? allowedEvents(snapshot, a) : []);
  return {
    ...summaryView(r),
    legalBasis: r.legalBasis,
    offences: r.offences,
    measures: r.measures,
    subject: r.subject,
    machineVersion: r.machineVersion,
    channel: c.channel,
    suggestedDeadline: c.suggestedDeadline,
    refusal: c.refusal,
    consultation: c.consultation ?? null,
    milestones: { ...c.milestones },
    listedForPlenary: r.listedForPlenary,
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

export function eventView(e: CaseEvent): EventView {
  return {
    seq: e.seq,
    type: e.type,
    actor: { role: e.actorRole, state: e.actorState, name: e.actorName },
    occurredAt: e.occurredAt.toISOString(),
    occurredOn: e.occurredOn,
    inferred: e.inferred,
    payload: e.payload,
    fromState: e.fromState,
    toState: e.toState,
    recordedAt: e.recordedAt.toISOString(),
  };
}
