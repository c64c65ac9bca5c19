import { MLA_REQUEST_MACHINE_VERSION, MLA_REQUEST_STATES, mlaRequestMachine } from './mla-request.machine';
import type { Consultation, MlaRequestContext } from './mla-request.events';
import type { PersistedMlaRequest } from './mla-request.runtime';

/**
 * One stored event of the request, as a migration reads it (a `case_event` row, in `seq` order): its
 * type, its calendar date and its payload.
 */
export interface HistoryEntry {
  type: string;
  occurredOn: string;
  payload?: Record<string, unknown> | null;
}

/** A stored snapshot as read from the database, of any machine version, not yet trusted. */
export interface StoredSnapshot {
  machineVersion: unknown;
  value: unknown;
  context: unknown;
}

/**
 * `ok`: the snapshot placed in the current machine (`from` the version it was written by; equal to the
 * current one when nothing had to change). Otherwise the reason it cannot be placed, for an administrator.
 */
export type SnapshotMigration = { ok: true; from: number; persisted: PersistedMlaRequest } | { ok: false; reason: string };

/** The state names a stored snapshot of machine version 1 can hold (transient routing states are never stored). */
const V1_STATES: readonly string[] = [
  'draft',
  'informalConsultation',
  'awaitingWrittenConfirmation',
  'awaitingAcknowledgement',
  'underAssessment',
  'awaitingAdditionalInformation',
  'consultation',
  'inExecution',
  'postponed',
  'executed',
  'closed',
];

/** Events after which a consultation in progress is over: the request left the `consultation` state. */
const ENDS_CONSULTATION = new Set(['requestAccepted', 'executionPostponed', 'requestRefused', 'requestWithdrawn', 'requestLapsed']);

type Step = (
  stored: { value: string; context: Record<string, unknown> },
  history: readonly HistoryEntry[],
) => { ok: true; context: Record<string, unknown> } | { ok: false; reason: string };

/** The migration from each version to the next, applied in turn. */
const STEPS: Record<number, Step> = { 1: v1ToV2 };

/**
 * Places a stored snapshot of an older machine version in the current machine (MLA_REQUEST_MACHINE_VERSION),
 * deriving what the older version did not record from the request's event history `history` (its
 * `case_event` rows in order). Pure; never throws.
 *
 * Version 1 → 2 (UNTOC art. 18(26), consultation before a refusal or a postponement): every v1 state name
 * exists in v2 and the request stays where it is; `milestones.consultedOn` is the date of the first
 * `consultationOpened`, `consultation` the last one (date, subject) when the request is in `consultation`,
 * and a refusal's `consultedOn` the consultation it came out of (null for a v1 refusal made without one).
 * A request v1 let into `postponed` or `closed` (REFUSED) without a consultation stays there: v2 does not
 * rewrite the past, it only refuses such events from now on.
 *
 * Returns `ok: false` with the reason, for an administrator, when the snapshot cannot be placed: a
 * version this code does not know (0, a newer one…), a state name the version did not have, a context
 * missing a field or holding a wrong type, a history that disagrees with the state (in consultation with
 * no consultation recorded, or the reverse), or a state the machine cannot resolve. A snapshot already of
 * the current version is checked the same way and returned unchanged.
 */
export function migrateSnapshot(stored: StoredSnapshot, history: readonly HistoryEntry[]): SnapshotMigration {
  const from = stored.machineVersion;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1 || from > MLA_REQUEST_MACHINE_VERSION) {
    return { ok: false, reason: `snapshot written by machine version ${JSON.stringify(from)}; this code places versions 1 to ${MLA_REQUEST_MACHINE_VERSION}` };
  }
  if (typeof stored.value !== 'string') return { ok: false, reason: `state ${JSON.stringify(stored.value)} is not a state name` };
  if (typeof stored.context !== 'object' || stored.context === null || Array.isArray(stored.context))
    return { ok: false, reason: 'the snapshot has no context' };
  const value = stored.value;
  let context = stored.context as Record<string, unknown>;
  for (let v = from; v < MLA_REQUEST_MACHINE_VERSION; v++) {
    const step = STEPS[v]({ value, context }, history);
    if (!step.ok) return { ok: false, reason: `version ${v} to ${v + 1}: ${step.reason}` };
    context = step.context;
  }
  if (!MLA_REQUEST_STATES.includes(value)) return { ok: false, reason: `state "${value}" is not a state of machine version ${MLA_REQUEST_MACHINE_VERSION}` };
  const problems = contextProblems(context, MLA_REQUEST_MACHINE_VERSION);
  if (problems.length) return { ok: false, reason: `context: ${problems.join('; ')}` };
  try {
    const snapshot = mlaRequestMachine.resolveState({ value, context: context as unknown as MlaRequestContext });
    if (snapshot.status === 'error') return { ok: false, reason: `the machine cannot place state ${value}` };
  } catch (err) {
    return { ok: false, reason: `the machine cannot place state ${value}: ${(err as Error).message}` };
  }
  return { ok: true, from, persisted: { machineVersion: MLA_REQUEST_MACHINE_VERSION, value, context: context as unknown as MlaRequestContext } };
}

/** Version 1 → 2: the consultation fields, from the history (UNTOC art. 18(26)). */
function v1ToV2(stored: { value: string; context: Record<string, unknown> }, history: readonly HistoryEntry[]): ReturnType<Step> {
  if (!V1_STATES.includes(stored.value)) return { ok: false, reason: `state "${stored.value}" is not a state of machine version 1` };
  const problems = contextProblems(stored.context, 1);
  if (problems.length) return { ok: false, reason: `context: ${problems.join('; ')}` };
  let first: string | null = null;
  let current: Consultation | null = null;
  let refusalConsultedOn: string | null = null;
  let refused = false;
  for (const e of history) {
    if (e.type === 'consultationOpened') {
      const subject = e.payload?.subject;
      current = { openedOn: e.occurredOn, subject: typeof subject === 'string' && subject.trim() !== '' ? subject : null };
      first ??= e.occurredOn;
    } else if (ENDS_CONSULTATION.has(e.type)) {
      if (e.type === 'requestRefused') {
        refused = true;
        refusalConsultedOn = current?.openedOn ?? null;
      }
      current = null;
    }
  }
  if (stored.value === 'consultation' && current === null)
    return { ok: false, reason: 'in consultation, but its history records no consultationOpened that is still open' };
  if (stored.value !== 'consultation' && current !== null)
    return { ok: false, reason: `its history ends in a consultation opened on ${current.openedOn}, but the snapshot is in ${stored.value}` };
  const c = stored.context as unknown as Omit<MlaRequestContext, 'consultation'>;
  if (c.refusal !== null && !refused) return { ok: false, reason: 'a refusal is recorded, but its history has no requestRefused' };
  return {
    ok: true,
    context: {
      ...c,
      milestones: { ...c.milestones, consultedOn: first },
      consultation: current,
      refusal: c.refusal === null ? null : { ground: c.refusal.ground, reasons: c.refusal.reasons, consultedOn: refusalConsultedOn },
    },
  };
}

type Check = 'string' | 'string?' | 'boolean' | 'object' | 'object?';

const CONTEXT_FIELDS: Record<string, Check> = {
  network: 'string',
  requestingState: 'string',
  requestedState: 'string',
  urgent: 'boolean',
  channel: 'string?',
  suggestedDeadline: 'object?',
  outcome: 'string?',
  refusal: 'object?',
  conditions: 'string?',
  milestones: 'object',
  deadlines: 'object',
  returnTo: 'string?',
  executionStarted: 'boolean',
  partiallyExecuted: 'boolean',
  listedForPlenary: 'boolean',
};

const MILESTONE_FIELDS: Record<string, Check> = {
  facilitatedOn: 'string?',
  transmittedOn: 'string?',
  acknowledgedOn: 'string?',
  acknowledgementInferred: 'boolean',
  executedOn: 'string?',
  closedOn: 'string?',
};

/** What is missing or of the wrong type in a context of machine version `version` (1 or 2). */
function contextProblems(context: Record<string, unknown>, version: number): string[] {
  const problems: string[] = [];
  const check = (o: Record<string, unknown>, fields: Record<string, Check>, prefix: string) => {
    for (const [name, kind] of Object.entries(fields)) {
      const v = o[name];
      if (v === undefined) problems.push(`${prefix}${name} missing`);
      else if (v === null ? !kind.endsWith('?') : kind.startsWith('object') ? typeof v !== 'object' || Array.isArray(v) : typeof v !== kind.replace('?', ''))
        problems.push(`${prefix}${name} is not ${kind.endsWith('?') ? `a ${kind.slice(0, -1)} or null` : `a ${kind}`}`);
    }
  };
  check(context, CONTEXT_FIELDS, '');
  const m = context.milestones;
  if (typeof m === 'object' && m !== null)
    check(m as Record<string, unknown>, version >= 2 ? { ...MILESTONE_FIELDS, consultedOn: 'string?' } : MILESTONE_FIELDS, 'milestones.');
  const r = context.refusal;
  if (typeof r === 'object' && r !== null)
    check(
      r as Record<string, unknown>,
      version >= 2 ? { ground: 'string', reasons: 'string', consultedOn: 'string?' } : { ground: 'string', reasons: 'string' },
      'refusal.',
    );
  if (version >= 2) {
    check(context, { consultation: 'object?' }, '');
    const c = context.consultation;
    if (typeof c === 'object' && c !== null) check(c as Record<string, unknown>, { openedOn: 'string', subject: 'string?' }, 'consultation.');
  }
  if (context.returnTo !== undefined && context.returnTo !== null && context.returnTo !== 'ASSESSMENT' && context.returnTo !== 'EXECUTION') {
    problems.push(`returnTo ${JSON.stringify(context.returnTo)} is not ASSESSMENT, EXECUTION or null`);
  }
  return problems;
}
