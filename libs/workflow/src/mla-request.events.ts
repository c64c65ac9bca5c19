import type { BilateralMeetingOutcome, Channel, FacilitationAction, NetworkCode, Outcome, RefusalGround, Role } from './codes';
import type { ChecklistMark, ContentItem } from './completeness';
import type { DeadlineStep, Stage } from './deadline-policy';

/** Who sent an event: role, the State they act for (null for the programme or the system), name. */
export interface Actor {
  role: Role;
  state: string | null;
  name?: string;
}

/**
 * Fields every event carries. `occurredAt` is an ISO-8601 UTC instant; `occurredOn` the calendar date
 * (YYYY-MM-DD) in the time zone of the State whose authority recorded it (DOMAIN.md §5), or the date
 * written in an imported register. `inferred` marks milestones an import inferred (REGISTER.md).
 */
export interface EventBase {
  actor: Actor;
  occurredAt: string;
  occurredOn: string;
  inferred?: boolean;
}

export interface SuggestedDeadline {
  /** YYYY-MM-DD, the date the requesting State suggests (UNTOC art. 18(24)). */
  date: string;
  /** Reasons; without them the date is kept as information only. */
  reasons?: string;
}

/** Every event of the MLA request lifecycle (DOMAIN.md §3), named as facts in the past tense. */
export type MlaRequestEvent = EventBase &
  (
    | { type: 'draftShared' }
    | { type: 'draftAmended'; fields: string[] }
    | { type: 'draftReviewed'; comments?: string; checklist?: Partial<Record<ContentItem, ChecklistMark>>; requirements?: string }
    | { type: 'requestTransmitted'; channel: Channel; suggestedDeadline?: SuggestedDeadline }
    | { type: 'writtenConfirmationSent' }
    | { type: 'receiptAcknowledged' }
    | { type: 'additionalInformationRequested'; questions?: string }
    | { type: 'additionalInformationProvided' }
    | { type: 'consultationOpened'; subject?: string }
    | { type: 'requestAccepted'; executingAuthority?: string; conditions?: string }
    | { type: 'requestRefused'; ground: RefusalGround; reasons: string }
    | { type: 'executionPostponed'; reasons: string }
    | { type: 'postponementReviewed' }
    | { type: 'executionResumed' }
    | { type: 'executionCompleted'; partial: boolean }
    | { type: 'caseClosed' }
    | { type: 'requestWithdrawn'; reasons?: string }
    | { type: 'requestLapsed'; reasons?: string }
    | { type: 'progressEnquirySent' }
    | { type: 'progressEnquiryAnswered' }
    | { type: 'facilitationRecorded'; action: FacilitationAction; note?: string; network?: NetworkCode }
    | { type: 'bilateralMeetingHeld'; meetingId: string; outcome: BilateralMeetingOutcome; note?: string }
    | { type: 'deadlineReached'; step: DeadlineStep; stage: Stage }
  );

export type MlaRequestEventType = MlaRequestEvent['type'];

export const MLA_REQUEST_EVENT_TYPES: readonly MlaRequestEventType[] = [
  'draftShared',
  'draftAmended',
  'draftReviewed',
  'requestTransmitted',
  'writtenConfirmationSent',
  'receiptAcknowledged',
  'additionalInformationRequested',
  'additionalInformationProvided',
  'consultationOpened',
  'requestAccepted',
  'requestRefused',
  'executionPostponed',
  'postponementReviewed',
  'executionResumed',
  'executionCompleted',
  'caseClosed',
  'requestWithdrawn',
  'requestLapsed',
  'progressEnquirySent',
  'progressEnquiryAnswered',
  'facilitationRecorded',
  'bilateralMeetingHeld',
  'deadlineReached',
];

/**
 * Side effects the machine emits; the domain layer carries them out in the same transaction as the
 * event (deadline rows, outbox rows).
 */
export type MlaRequestEffect =
  | { type: 'deadline.opened'; step: DeadlineStep; from: string; dueOn?: string }
  | { type: 'deadline.closed'; step: DeadlineStep; reason: 'DONE' | 'CANCELLED' }
  | { type: 'deadline.paused'; step: DeadlineStep; at: string }
  | { type: 'deadline.resumed'; step: DeadlineStep; at: string }
  | { type: 'notification.requested'; step: DeadlineStep; stage: Stage; level: number; nextStage: Stage | null }
  | { type: 'plenary.listed'; step: DeadlineStep };

/** Input that creates a request (in state `draft`). */
export interface MlaRequestInput {
  network: NetworkCode;
  requestingState: string;
  requestedState: string;
  urgent: boolean;
}

export interface OpenDeadline {
  /** Stages already notified, in order. */
  sent: Stage[];
  /** Stage expected next, or null when nothing more is sent. */
  nextStage: Stage | null;
  paused: boolean;
}

export interface Milestones {
  facilitatedOn: string | null;
  transmittedOn: string | null;
  acknowledgedOn: string | null;
  acknowledgementInferred: boolean;
  /** First consultation of the requesting State (UNTOC art. 18(26)); since machine version 2. */
  consultedOn: string | null;
  executedOn: string | null;
  closedOn: string | null;
}

/** A consultation of the requesting State by the requested one (UNTOC art. 18(26)). */
export interface Consultation {
  /** Calendar date of its `consultationOpened`. */
  openedOn: string;
  /** What is consulted on (e.g. the conditions assistance could be granted under), when given. */
  subject: string | null;
}

/** A refusal (UNTOC art. 18(21) ground, 18(23) reasons) and the consultation it followed (18(26)). */
export interface Refusal {
  ground: RefusalGround;
  reasons: string;
  /**
   * Opening date of the consultation the refusal came out of. Always set by machine version 2; null for
   * a refusal recorded by version 1, which did not require one.
   */
  consultedOn: string | null;
}

export interface MlaRequestContext extends MlaRequestInput {
  channel: Channel | null;
  suggestedDeadline: SuggestedDeadline | null;
  outcome: Outcome | null;
  refusal: Refusal | null;
  conditions: string | null;
  milestones: Milestones;
  /** The consultation in progress (state `consultation`), null otherwise; the first one's date is `milestones.consultedOn`. */
  consultation: Consultation | null;
  deadlines: Partial<Record<DeadlineStep, OpenDeadline>>;
  /** Where additional information or a consultation was asked from, to return there. */
  returnTo: 'ASSESSMENT' | 'EXECUTION' | null;
  executionStarted: boolean;
  partiallyExecuted: boolean;
  listedForPlenary: boolean;
  /**
   * Other networks the request is also facilitated through (a `facilitationRecorded` LINKED_OTHER_NETWORK
   * naming one); absent in snapshots written before it existed (read as none).
   */
  linkedNetworks?: NetworkCode[];
  /**
   * Informal consultations of the requested State's contact point on the draft (DOMAIN.md §3), oldest
   * first: when the draft was shared and when it was reviewed (null while under review). Absent in
   * snapshots written before it existed.
   */
  informalConsultations?: InformalConsultation[];
  /** UTC instant of the last amendment of the draft's content (`draftAmended`); absent when never amended. */
  draftAmendedAt?: string;
  /** Outcomes of the bilateral meetings at plenaries that discussed the request, oldest first; absent when none. */
  bilateralMeetings?: Array<{ meetingId: string; outcome: BilateralMeetingOutcome; on: string }>;
}

/** One informal consultation on a draft: UTC instants of `draftShared` and of its `draftReviewed`. */
export interface InformalConsultation {
  sharedAt: string;
  reviewedAt: string | null;
}
