import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseEvent, Deadline, MlaRequest } from '@rogatory/domain';
import type { Actor, MlaRequestEventType } from '@rogatory/workflow';

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
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class RequestView extends RequestSummaryView {
  @ApiPropertyOptional({ nullable: true }) legalBasis!: string | null;
  @ApiProperty({ type: [String] }) offences!: string[];
  @ApiProperty({ type: [String] }) measures!: string[];
  @ApiPropertyOptional({ nullable: true }) subject!: string | null;
  @ApiProperty() machineVersion!: number;
  @ApiPropertyOptional({ nullable: true }) channel!: string | null;
  @ApiPropertyOptional({ nullable: true }) suggestedDeadline!: { date: string; reasons?: string } | null;
  @ApiPropertyOptional({ nullable: true }) refusal!: { ground: string; reasons: string } | null;
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
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function requestView(r: MlaRequest, deadlines: Deadline[], allowed: (a: Actor) => MlaRequestEventType[], now: Date): RequestView {
  const c = r.snapshot.context;
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
