import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { MLA_REQUEST_MACHINE_VERSION, mlaRequestMachine } from './mla-request.machine';
import {
  MLA_REQUEST_EVENT_TYPES,
  type Actor,
  type MlaRequestContext,
  type MlaRequestEffect,
  type MlaRequestEvent,
  type MlaRequestEventType,
  type MlaRequestInput,
} from './mla-request.events';

export type MlaRequestSnapshot = SnapshotFrom<typeof mlaRequestMachine>;

/** The JSON form stored in PostgreSQL: the state name, the context and the machine version. */
export interface PersistedMlaRequest {
  machineVersion: number;
  value: string;
  context: MlaRequestContext;
}

/** Result of feeding one event: `accepted` false leaves the snapshot unchanged and emits nothing. */
export interface TransitionResult {
  accepted: boolean;
  snapshot: MlaRequestSnapshot;
  state: string;
  effects: MlaRequestEffect[];
}

/** Thrown when a stored snapshot was written by a machine version this code cannot place (unknown, or newer). */
export class UnknownMachineVersionError extends Error {
  readonly code: string = 'UNKNOWN_MACHINE_VERSION';
  constructor(readonly found: number) {
    super(`snapshot written by machine version ${found}; this code runs version ${MLA_REQUEST_MACHINE_VERSION}`);
  }
}

/**
 * Thrown when a stored snapshot was written by an older machine version: it must go through
 * `migrateSnapshot` (with the request's history) before it runs, never be run as it is.
 */
export class SnapshotMigrationRequiredError extends UnknownMachineVersionError {
  override readonly code = 'SNAPSHOT_MIGRATION_REQUIRED';
  constructor(found: number) {
    super(found);
    this.message = `snapshot written by machine version ${found}; migrate it to version ${MLA_REQUEST_MACHINE_VERSION} first (migrateSnapshot)`;
  }
}

/** Creates a request in `draft`. Pure. */
export function startRequest(input: MlaRequestInput): TransitionResult {
  const [snapshot, actions] = initialTransition(mlaRequestMachine, input);
  return { accepted: true, snapshot, state: String(snapshot.value), effects: effectsOf(actions) };
}

/**
 * Rebuilds a snapshot from its stored JSON, of the current machine version only: an older snapshot is
 * never run as it is. Throws SnapshotMigrationRequiredError for an older version (place it with
 * `migrateSnapshot` first), UnknownMachineVersionError for any other version; XState's error when the
 * state name is not one of the machine.
 */
export function restoreRequest(persisted: PersistedMlaRequest): MlaRequestSnapshot {
  const v = persisted.machineVersion;
  if (Number.isInteger(v) && v >= 1 && v < MLA_REQUEST_MACHINE_VERSION) throw new SnapshotMigrationRequiredError(v);
  if (v !== MLA_REQUEST_MACHINE_VERSION) throw new UnknownMachineVersionError(v);
  return mlaRequestMachine.resolveState({ value: persisted.value, context: persisted.context });
}

/** The stored JSON of a snapshot. */
export function persistRequest(snapshot: MlaRequestSnapshot): PersistedMlaRequest {
  return { machineVersion: MLA_REQUEST_MACHINE_VERSION, value: String(snapshot.value), context: snapshot.context };
}

/**
 * Feeds one event through XState's pure `transition()`. An event that `snapshot.can()` refuses
 * (wrong state, wrong role, or a rule of article 18 broken) is not accepted: same snapshot, no effects.
 */
export function applyEvent(snapshot: MlaRequestSnapshot, event: MlaRequestEvent): TransitionResult {
  if (snapshot.status !== 'active' || !snapshot.can(event)) return { accepted: false, snapshot, state: String(snapshot.value), effects: [] };
  const [next, actions] = transition(mlaRequestMachine, snapshot, event);
  return { accepted: true, snapshot: next, state: String(next.value), effects: effectsOf(actions) };
}

function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): MlaRequestEffect[] {
  return actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: MlaRequestEffect }).event);
}

/**
 * A well-formed example of each event for `actor`, used to ask `snapshot.can()` which events are
 * allowed now. Payload rules (a refusal's ground and reasons…) are satisfied so that only the state
 * and the actor's role decide.
 */
export function probeEvent(type: MlaRequestEventType, actor: Actor, at = '2000-01-01T00:00:00.000Z'): MlaRequestEvent {
  const base = { actor, occurredAt: at, occurredOn: at.slice(0, 10) };
  switch (type) {
    case 'requestTransmitted':
      return { ...base, type, channel: 'CENTRAL_AUTHORITY' };
    case 'requestRefused':
      return { ...base, type, ground: 'NON_CONFORMITY', reasons: 'probe' };
    case 'executionPostponed':
      return { ...base, type, reasons: 'probe' };
    case 'executionCompleted':
      return { ...base, type, partial: false };
    case 'facilitationRecorded':
      return { ...base, type, action: 'OTHER' };
    case 'deadlineReached':
      return { ...base, type, step: 'ACKNOWLEDGEMENT', stage: 'REMINDER' };
    default:
      return { ...base, type } as MlaRequestEvent;
  }
}

/** Event types `actor` may send now, from `snapshot.can()` (never from the state name). System events excluded. */
export function allowedEvents(snapshot: MlaRequestSnapshot, actor: Actor): MlaRequestEventType[] {
  if (snapshot.status !== 'active') return [];
  return MLA_REQUEST_EVENT_TYPES.filter((t) => t !== 'deadlineReached' && snapshot.can(probeEvent(t, actor)));
}
