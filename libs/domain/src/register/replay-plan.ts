import type { MlaRequestEventType } from '@rogatory/workflow';
import type { RegisterRow } from './register-parser';

/**
 * Who sends a planned event; the caller maps it to an `Actor` of the workflow:
 * `REQUESTING_CA` / `REQUESTED_CA` → the central authority of the row's requesting / requested State,
 * `FACILITATOR` → a contact point (the register does not say which person).
 */
export type PlannedActor = 'REQUESTING_CA' | 'REQUESTED_CA' | 'FACILITATOR';

/**
 * One machine event of a replay (events of libs/workflow/src/mla-request.events.ts).
 * `payload` holds the event's own fields only; the caller adds `actor`, `occurredAt` and `occurredOn`
 * (the register has dates, no times) and `inferred`.
 */
export interface PlannedEvent {
  type: MlaRequestEventType;
  /** Calendar date `YYYY-MM-DD` of the register cell, or of the next milestone present when inferred. */
  on: string;
  actor: PlannedActor;
  /** True for a milestone the lifecycle needs but the row leaves empty (REGISTER.md § Rules); not counted in statistics. */
  inferred: boolean;
  payload: Record<string, unknown>;
}

/** The register keeps no reasons; refusals and postponements need some (UNTOC art. 18(23), 18(25)). */
const REGISTER_REASONS = 'recorded in the register';

/** Subject of the consultation the replay records before a refusal or a postponement (UNTOC art. 18(26)). */
export const REGISTER_CONSULTATION_SUBJECT =
  'recorded by the register import: UNTOC art. 18(26) requires a consultation before a refusal or a postponement; the register gives no date for it';

/**
 * The ordered events that replay a valid register row through the MLA request machine, from `draft`
 * to the state the row describes (REGISTER.md § Rules; DOMAIN.md §3).
 *
 * - No `transmittedOn`: only the facilitation, the case stays a draft.
 * - Main line, one event per milestone present, in the formal order: `requestTransmitted` (channel
 *   CENTRAL_AUTHORITY; the requested deadline as `suggestedDeadline` without reasons, so information
 *   only), `receiptAcknowledged`, `additionalInformationRequested`/`Provided`, `requestAccepted`,
 *   `executionPostponed`, `executionResumed`, `executionCompleted` (partial if PARTIALLY_EXECUTED), then
 *   at `closedOn` `caseClosed` (EXECUTED, PARTIALLY_EXECUTED), `requestRefused` (ground, reasons),
 *   `requestWithdrawn` or `requestLapsed`.
 * - UNTOC art. 18(26): the requested State consults the requesting one before refusing or postponing,
 *   and the machine takes a refusal or a postponement only in consultation. The register has no
 *   consultation column, so a `consultationOpened` is recorded just before each `executionPostponed` and
 *   each `requestRefused`, on the same date, by the requested central authority, inferred, with a subject
 *   (REGISTER_CONSULTATION_SUBJECT) saying it is recorded because article 18(26) requires it and that the
 *   register gives no date for it. The same date changes no deadline: a consultation during execution
 *   leaves the execution clock running.
 * - A milestone the machine needs before a later one present is inferred (`inferred: true`) at the
 *   date of the next milestone present: the acknowledgement before any assessment, execution or
 *   refusal; the additional information before execution or refusal (neither is allowed while it is
 *   awaited); the acceptance before a postponement or a completed execution; the resumption before a
 *   completed execution. Withdrawal and lapse are allowed from any transmitted state and need nothing.
 * - `facilitationRecorded` (action OTHER, by a contact point) at `facilitatedOn`, placed in date order
 *   among the others, before them on an equal date. A facilitation dated after `closedOn` keeps its
 *   date but goes just before the closing event (before the consultation that precedes a refusal): the
 *   machine takes no event once a case is closed.
 *
 * Precondition: `row` comes from `parseRegister` (all rules hold). Pure; the dates are never changed.
 */
export function planReplay(row: RegisterRow): PlannedEvent[] {
  const facilitation = planned('facilitationRecorded', row.facilitatedOn, 'FACILITATOR', false, { action: 'OTHER' });
  if (row.transmittedOn === null) return [facilitation];

  const events = mainLine(row);
  const byDate = events.findIndex((e) => e.on >= row.facilitatedOn);
  // Later than every event: last, or just before the closing event (always the last one) of a closed case,
  // and before the consultation that precedes a refusal.
  const last = row.outcome === null ? events.length : row.outcome === 'REFUSED' ? events.length - 2 : events.length - 1;
  events.splice(byDate === -1 ? last : byDate, 0, facilitation);
  return events;
}

interface Slot {
  on: string | null;
  needed: boolean;
  type: MlaRequestEventType;
  actor: PlannedActor;
  payload: Record<string, unknown>;
}

/** Transmission, then the milestones present or needed, then the closing event; dates never decrease. */
function mainLine(row: RegisterRow): PlannedEvent[] {
  const executionOutcome = row.outcome === 'EXECUTED' || row.outcome === 'PARTIALLY_EXECUTED';
  const refused = row.outcome === 'REFUSED';
  // Guards of mla-request.machine.ts: executionCompleted only from inExecution; executionPostponed and
  // requestRefused only from consultation (UNTOC art. 18(26)), opened from inExecution (postponement), or
  // from underAssessment, inExecution or postponed (refusal); every stage after transmission (except
  // withdrawal and lapse) needs the acknowledgement.
  const reachesExecution = row.executionStartedOn !== null || row.postponedOn !== null || row.resumedOn !== null || row.executedOn !== null;
  const reachesAssessment = row.acknowledgedOn !== null || row.infoRequestedOn !== null || reachesExecution || refused;
  const leavesAdditionalInformation = row.infoProvidedOn !== null || (row.infoRequestedOn !== null && (reachesExecution || refused));
  const leavesPostponement = row.resumedOn !== null || (row.postponedOn !== null && row.executedOn !== null);

  const slots: Slot[] = [
    slot(row.acknowledgedOn, reachesAssessment, 'receiptAcknowledged', 'REQUESTED_CA'),
    slot(row.infoRequestedOn, false, 'additionalInformationRequested', 'REQUESTED_CA'),
    slot(row.infoProvidedOn, leavesAdditionalInformation, 'additionalInformationProvided', 'REQUESTING_CA'),
    slot(row.executionStartedOn, reachesExecution, 'requestAccepted', 'REQUESTED_CA'),
    slot(row.postponedOn, false, 'executionPostponed', 'REQUESTED_CA', { reasons: REGISTER_REASONS }),
    slot(row.resumedOn, leavesPostponement, 'executionResumed', 'REQUESTED_CA'),
    slot(row.executedOn, false, 'executionCompleted', 'REQUESTED_CA', {
      partial: row.outcome === 'PARTIALLY_EXECUTED',
    }),
  ];
  if (row.outcome !== null && row.closedOn !== null) {
    if (executionOutcome) slots.push(slot(row.closedOn, false, 'caseClosed', 'REQUESTED_CA'));
    else if (refused) {
      slots.push(
        slot(row.closedOn, false, 'requestRefused', 'REQUESTED_CA', {
          ground: row.refusalGround,
          reasons: REGISTER_REASONS,
        }),
      );
    } else if (row.outcome === 'WITHDRAWN') slots.push(slot(row.closedOn, false, 'requestWithdrawn', 'REQUESTING_CA'));
    // Administrative closure: either central authority may record it; the requested one holds the file.
    else slots.push(slot(row.closedOn, false, 'requestLapsed', 'REQUESTED_CA'));
  }

  const suggestedDeadline = row.requestedDeadline === null ? {} : { suggestedDeadline: { date: row.requestedDeadline } };
  const events = [
    planned('requestTransmitted', row.transmittedOn as string, 'REQUESTING_CA', false, {
      channel: 'CENTRAL_AUTHORITY',
      ...suggestedDeadline,
    }),
  ];
  slots.forEach((s, i) => {
    if (s.on !== null) {
      if (s.type === 'executionPostponed' || s.type === 'requestRefused') {
        events.push(planned('consultationOpened', s.on, 'REQUESTED_CA', true, { subject: REGISTER_CONSULTATION_SUBJECT }));
      }
      events.push(planned(s.type, s.on, s.actor, false, s.payload));
    } else if (s.needed) {
      // Needed only because a later milestone is present, so there is always a next date.
      const next = slots.slice(i + 1).find((later) => later.on !== null)?.on as string;
      events.push(planned(s.type, next, s.actor, true, s.payload));
    }
  });
  return events;
}

function slot(on: string | null, needed: boolean, type: MlaRequestEventType, actor: PlannedActor, payload: Record<string, unknown> = {}): Slot {
  return { on, needed, type, actor, payload };
}

function planned(type: MlaRequestEventType, on: string, actor: PlannedActor, inferred: boolean, payload: Record<string, unknown>): PlannedEvent {
  return { type, on, actor, inferred, payload };
}
