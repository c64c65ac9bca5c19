import {
  allowedEvents,
  applyEvent,
  migrateSnapshot,
  MLA_REQUEST_MACHINE_VERSION,
  persistRequest,
  restoreRequest,
  startRequest,
  type Actor,
  type HistoryEntry,
  type MlaRequestContext,
  type MlaRequestEvent,
  type MlaRequestSnapshot,
  type NetworkCode,
  type PersistedMlaRequest,
} from './index';
import v1Fixture from './testing/v1-histories.json';

/**
 * Stored data of machine version 1 (scripts/dump-machine-histories.ts run on the version 1 code): the 201
 * register cases imported, and requests driven into consultation, postponement, awaiting information…
 */
interface StoredEvent extends HistoryEntry {
  actor: Actor;
  occurredAt: string;
  inferred?: boolean;
  payload: Record<string, unknown>;
}
interface FixtureRequest {
  reference: string;
  stored: { machineVersion: number; value: string; context: Record<string, unknown> };
  history: StoredEvent[];
}
const V1: FixtureRequest[] = (v1Fixture as unknown as { requests: FixtureRequest[] }).requests;
const byRef = (reference: string): FixtureRequest => {
  const r = V1.find((x) => x.reference === reference);
  if (!r) throw new Error(`${reference} not in the fixture`);
  return r;
};

const REQUESTED = (r: FixtureRequest): Actor => ({ role: 'CENTRAL_AUTHORITY', state: r.stored.context.requestedState as string });

function migrated(r: FixtureRequest): PersistedMlaRequest {
  const m = migrateSnapshot(r.stored, r.history);
  if (!m.ok) throw new Error(`${r.reference}: ${m.reason}`);
  return m.persisted;
}

/** Replays a stored history through the current machine; null when an event is refused (the history is not valid for it). */
function replay(r: FixtureRequest): { snapshot: MlaRequestSnapshot; refused: null } | { snapshot: MlaRequestSnapshot; refused: StoredEvent } {
  const c = r.stored.context;
  let snapshot = startRequest({
    network: c.network as NetworkCode,
    requestingState: c.requestingState as string,
    requestedState: c.requestedState as string,
    urgent: c.urgent as boolean,
  }).snapshot;
  for (const e of r.history) {
    const event = { type: e.type, actor: e.actor, occurredAt: e.occurredAt, occurredOn: e.occurredOn, ...(e.inferred ? { inferred: true } : {}), ...e.payload };
    const result = applyEvent(snapshot, event as MlaRequestEvent);
    if (!result.accepted) return { snapshot, refused: e };
    snapshot = result.snapshot;
  }
  return { snapshot, refused: null };
}

describe('v1 fixture', () => {
  it('holds the 201 register cases and the driven requests, all written by machine version 1', () => {
    expect(V1.filter((r) => !r.reference.startsWith('FIXTURE/'))).toHaveLength(201);
    expect(V1.filter((r) => r.reference.startsWith('FIXTURE/'))).toHaveLength(18);
    expect(new Set(V1.map((r) => r.stored.machineVersion))).toEqual(new Set([1]));
    expect(new Set(V1.map((r) => r.stored.value))).toEqual(
      new Set([
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
      ]),
    );
  });
});

describe('migrateSnapshot: every stored v1 request is placed in version 2', () => {
  it.each(V1.map((r) => [r.reference, r] as const))('%s', (_ref, r) => {
    const m = migrateSnapshot(r.stored, r.history);
    expect(m).toMatchObject({ ok: true, from: 1 });
    const p = migrated(r);
    const v1 = r.stored.context as unknown as Omit<MlaRequestContext, 'consultation'>;
    const consultations = r.history.filter((e) => e.type === 'consultationOpened');
    // (a) same state, same milestones plus the first consultation's date, every other field untouched
    expect(p.machineVersion).toBe(MLA_REQUEST_MACHINE_VERSION);
    expect(p.value).toBe(r.stored.value);
    expect(p.context.milestones).toEqual({ ...v1.milestones, consultedOn: consultations[0]?.occurredOn ?? null });
    const { milestones: _m1, refusal: _r1, consultation, ...rest } = p.context;
    const { milestones: _m2, refusal: _r2, ...v1Rest } = v1;
    expect(rest).toEqual(v1Rest);
    if (r.stored.value === 'consultation') {
      const last = consultations.at(-1)!;
      expect(consultation).toEqual({ openedOn: last.occurredOn, subject: (last.payload.subject as string | undefined) ?? null });
    } else expect(consultation).toBeNull();
    expect(p.context.refusal === null).toBe(v1.refusal === null);
    // it runs: the restored snapshot is the request, in that state
    const s = restoreRequest(JSON.parse(JSON.stringify(p)) as PersistedMlaRequest);
    expect([s.value, s.status]).toEqual([r.stored.value, r.stored.value === 'closed' ? 'done' : 'active']);
  });
});

describe('migrateSnapshot against a replay of the stored history through version 2', () => {
  const results = V1.map((r) => ({ r, replayed: replay(r) }));
  const valid = results.filter((x) => x.replayed.refused === null);
  const invalid = results.filter((x) => x.replayed.refused !== null);

  it.each(valid.map((x) => [x.r.reference, x] as const))('%s: the migrated snapshot equals the replayed one', (_ref, { r, replayed }) => {
    const p = migrated(r);
    expect(p.value).toBe(String(replayed.snapshot.value));
    // the whole context: milestones (consultedOn), consultation, refusal and its consultedOn, deadlines, conditions…
    // …except what version 2 added later as optional and only events record (informal consultations'
    // instants, linked networks): absent in a migrated snapshot, read as none.
    const {
      informalConsultations: _i,
      linkedNetworks: _l,
      ...replayedContext
    } = JSON.parse(JSON.stringify(replayed.snapshot.context)) as Record<string, unknown>;
    expect(p.context).toEqual(replayedContext);
    const persisted = JSON.parse(JSON.stringify(persistRequest(replayed.snapshot))) as { context: Record<string, unknown> };
    expect(persistRequest(restoreRequest(p))).toEqual({ ...persisted, context: replayedContext });
  });

  it('most histories are valid in version 2; the others only break UNTOC art. 18(26) (a refusal or a postponement without consultation)', () => {
    expect(valid.length).toBeGreaterThan(200);
    for (const { r, replayed } of invalid) {
      expect([r.reference, replayed.refused?.type]).toEqual([r.reference, expect.stringMatching(/^(requestRefused|executionPostponed)$/)]);
      expect([r.reference, String(replayed.snapshot.value)]).toEqual([r.reference, expect.stringMatching(/^(underAssessment|inExecution|postponed)$/)]);
    }
    expect(invalid.map((x) => x.r.reference)).toEqual(
      expect.arrayContaining(['FIXTURE/POSTPONED', 'FIXTURE/REFUSED-WITHOUT-CONSULTATION', 'FIXTURE/REFUSED-FROM-POSTPONEMENT']),
    );
    expect(valid.map((x) => x.r.reference)).toEqual(
      expect.arrayContaining([
        'FIXTURE/CONSULTATION-ASSESSMENT',
        'FIXTURE/CONSULTATION-EXECUTION',
        'FIXTURE/CONSULTED-TWICE',
        'FIXTURE/POSTPONED-AFTER-CONSULTATION',
        'FIXTURE/REFUSED-AFTER-CONSULTATION',
        'FIXTURE/WITHDRAWN-IN-CONSULTATION',
        'FIXTURE/IN-EXECUTION-REFUSAL-PENDING',
      ]),
    );
  });
});

describe('migrateSnapshot: the consultation fields of the driven requests', () => {
  it.each([
    ['FIXTURE/CONSULTATION-ASSESSMENT', 'consultation', '2022-02-24', { openedOn: '2022-02-24', subject: 'use of the evidence in a second case' }, null],
    ['FIXTURE/CONSULTATION-EXECUTION', 'consultation', '2022-03-07', { openedOn: '2022-03-07', subject: null }, null],
    ['FIXTURE/CONSULTED-TWICE', 'consultation', '2022-03-16', { openedOn: '2022-03-18', subject: 'second round' }, null],
    ['FIXTURE/IN-EXECUTION-AFTER-CONSULTATION', 'inExecution', '2022-04-05', null, null],
    ['FIXTURE/POSTPONED-AFTER-CONSULTATION', 'postponed', '2022-04-26', null, null],
    ['FIXTURE/POSTPONED', 'postponed', null, null, null],
    [
      'FIXTURE/REFUSED-AFTER-CONSULTATION',
      'closed',
      '2022-05-25',
      null,
      { ground: 'ESSENTIAL_INTERESTS', reasons: 'national security', consultedOn: '2022-05-25' },
    ],
    ['FIXTURE/REFUSED-WITHOUT-CONSULTATION', 'closed', null, null, { ground: 'ESSENTIAL_INTERESTS', reasons: 'national security', consultedOn: null }],
    ['FIXTURE/REFUSED-FROM-POSTPONEMENT', 'closed', null, null, { ground: 'ESSENTIAL_INTERESTS', reasons: 'national security', consultedOn: null }],
    ['FIXTURE/WITHDRAWN-IN-CONSULTATION', 'closed', '2022-06-24', null, null],
  ])('%s: %s, first consulted on %s', (reference, state, consultedOn, consultation, refusal) => {
    const p = migrated(byRef(reference));
    expect([p.value, p.context.milestones.consultedOn, p.context.consultation, p.context.refusal]).toEqual([state, consultedOn, consultation, refusal]);
  });

  it('a request v1 postponed without consultation stays postponed; a refusal now needs a consultation', () => {
    const r = byRef('FIXTURE/POSTPONED');
    const s = restoreRequest(migrated(r));
    expect(s.context.deadlines).toMatchObject({ EXECUTION: { paused: true }, POSTPONEMENT_REVIEW: { paused: false } });
    expect(allowedEvents(s, REQUESTED(r)).sort()).toEqual(['consultationOpened', 'executionResumed', 'postponementReviewed', 'requestLapsed']);
  });

  it('a request in execution with a refusal to come: refused directly no more, refused after a consultation', () => {
    const r = byRef('FIXTURE/IN-EXECUTION-REFUSAL-PENDING');
    const s = restoreRequest(migrated(r));
    const at = (on: string) => ({ actor: REQUESTED(r), occurredAt: `${on}T10:00:00.000Z`, occurredOn: on });
    const refusal = { type: 'requestRefused', ground: 'CONTRARY_TO_LEGAL_SYSTEM', reasons: 'no dual criminality', ...at('2022-04-01') } as MlaRequestEvent;
    expect(applyEvent(s, refusal).accepted).toBe(false);
    const consulting = applyEvent(s, { type: 'consultationOpened', subject: 'dual criminality', ...at('2022-03-30') });
    const refused = applyEvent(consulting.snapshot, refusal);
    expect([refused.accepted, refused.state, refused.snapshot.context.refusal?.consultedOn]).toEqual([true, 'closed', '2022-03-30']);
  });
});

describe('migrateSnapshot: snapshots that cannot be placed are reported, never placed', () => {
  const r = byRef('FIXTURE/CONSULTATION-EXECUTION');
  const ctx = r.stored.context;
  const withoutMilestone = { ...ctx, milestones: { ...(ctx.milestones as object), closedOn: undefined } };
  const { executionStarted: _e, ...withoutField } = ctx;

  it.each([
    ['an unknown state', { ...r.stored, value: 'underReview' }, r.history, /state "underReview" is not a state of machine version 1/],
    ['a transient state', { ...r.stored, value: 'transmitting' }, r.history, /state "transmitting" is not a state/],
    ['a state that is not a name', { ...r.stored, value: { consultation: {} } }, r.history, /is not a state name/],
    ['no context', { ...r.stored, context: null }, r.history, /has no context/],
    ['a context field missing', { ...r.stored, context: withoutField }, r.history, /executionStarted missing/],
    ['a milestone missing', { ...r.stored, context: withoutMilestone }, r.history, /milestones\.closedOn missing/],
    ['a field of the wrong type', { ...r.stored, context: { ...ctx, urgent: 'no' } }, r.history, /urgent is not a boolean/],
    ['machine version 0', { ...r.stored, machineVersion: 0 }, r.history, /machine version 0; this code places versions 1 to 2/],
    ['a newer machine version', { ...r.stored, machineVersion: 3 }, r.history, /machine version 3/],
    ['a version that is not a number', { ...r.stored, machineVersion: '1' }, r.history, /machine version "1"/],
    ['in consultation with no consultation in its history', r.stored, r.history.slice(0, -1), /no consultationOpened that is still open/],
    ['a consultation in its history the snapshot left', { ...r.stored, value: 'inExecution' }, r.history, /ends in a consultation opened on 2022-03-07/],
    [
      'a refusal with no requestRefused in its history',
      { ...r.stored, context: { ...ctx, refusal: { ground: 'NON_CONFORMITY', reasons: 'x' } } },
      r.history,
      /no requestRefused/,
    ],
  ])('%s', (_label, stored, history, reason) => {
    const m = migrateSnapshot(stored as never, history);
    expect(m.ok).toBe(false);
    expect(m.ok ? '' : m.reason).toMatch(reason);
  });

  it('a snapshot of the current version is checked and returned unchanged', () => {
    const p = migrated(r);
    expect(migrateSnapshot(p, r.history)).toEqual({ ok: true, from: 2, persisted: p });
    const { consultation: _c, ...broken } = p.context;
    expect(migrateSnapshot({ ...p, context: broken }, r.history)).toEqual({ ok: false, reason: 'context: consultation missing' });
  });
});
