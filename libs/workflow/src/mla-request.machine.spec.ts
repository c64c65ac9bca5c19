import {
  allowedEvents,
  applyEvent,
  persistRequest,
  restoreRequest,
  SnapshotMigrationRequiredError,
  startRequest,
  type Actor,
  type MlaRequestEvent,
  type MlaRequestSnapshot,
  type MlaRequestEventType,
} from './index';

const REQUESTING: Actor = { role: 'CENTRAL_AUTHORITY', state: 'NG', name: 'NG officer' };
const REQUESTED: Actor = { role: 'CENTRAL_AUTHORITY', state: 'GH', name: 'GH officer' };
const THIRD: Actor = { role: 'CENTRAL_AUTHORITY', state: 'SN', name: 'SN officer' };
const CONTACT_POINT: Actor = { role: 'CONTACT_POINT', state: 'GH', name: 'GH contact point' };
const SECRETARIAT: Actor = { role: 'SECRETARIAT', state: null, name: 'WACAP secretariat' };
const SYSTEM: Actor = { role: 'SYSTEM', state: null };

let day = 1;
function ev(type: MlaRequestEventType, actor: Actor, payload: Record<string, unknown> = {}): MlaRequestEvent {
  const d = `2021-03-${String((day++ % 28) + 1).padStart(2, '0')}`;
  return { type, actor, occurredAt: `${d}T10:00:00.000Z`, occurredOn: d, ...payload } as MlaRequestEvent;
}

function start(urgent = false): MlaRequestSnapshot {
  return startRequest({ network: 'WACAP', requestingState: 'NG', requestedState: 'GH', urgent }).snapshot;
}

/** Feeds events that must all be accepted; returns the last snapshot. */
function run(s: MlaRequestSnapshot, events: MlaRequestEvent[]): MlaRequestSnapshot {
  for (const e of events) {
    const r = applyEvent(s, e);
    if (!r.accepted) throw new Error(`${e.type} refused in ${String(s.value)}`);
    s = r.snapshot;
  }
  return s;
}

const transmit = (p: Record<string, unknown> = {}) => ev('requestTransmitted', REQUESTING, { channel: 'CENTRAL_AUTHORITY', ...p });
const ack = () => ev('receiptAcknowledged', REQUESTED);
const accept = () => ev('requestAccepted', REQUESTED, { executingAuthority: 'Accra Police' });
const consult = (subject?: string) => ev('consultationOpened', REQUESTED, subject ? { subject } : {});
const postpone = () => ev('executionPostponed', REQUESTED, { reasons: 'ongoing domestic investigation' });
const refuse = () => ev('requestRefused', REQUESTED, { ground: 'ESSENTIAL_INTERESTS', reasons: 'national security' });

const PATHS: Record<string, () => MlaRequestEvent[]> = {
  draft: () => [],
  informalConsultation: () => [ev('draftShared', REQUESTING)],
  awaitingWrittenConfirmation: () => [transmit({ channel: 'ORAL_URGENT' })],
  awaitingAcknowledgement: () => [transmit()],
  underAssessment: () => [transmit(), ack()],
  awaitingAdditionalInformation: () => [transmit(), ack(), ev('additionalInformationRequested', REQUESTED)],
  consultation: () => [transmit(), ack(), ev('consultationOpened', REQUESTED)],
  inExecution: () => [transmit(), ack(), accept()],
  postponed: () => [transmit(), ack(), accept(), consult(), postpone()],
  executed: () => [transmit(), ack(), accept(), ev('executionCompleted', REQUESTED, { partial: false })],
  closed: () => [transmit(), ack(), consult(), refuse()],
};

describe('MLA request machine: every state is reachable', () => {
  it.each(Object.entries(PATHS))('reaches %s', (state, path) => {
    const s = run(start(state === 'awaitingWrittenConfirmation'), path());
    expect(s.value).toBe(state);
  });

  it.each([
    ['EXECUTED', [transmit(), ack(), accept(), ev('executionCompleted', REQUESTED, { partial: false }), ev('caseClosed', REQUESTING)]],
    ['PARTIALLY_EXECUTED', [transmit(), ack(), accept(), ev('executionCompleted', REQUESTED, { partial: true }), ev('caseClosed', REQUESTED)]],
    ['REFUSED', [transmit(), ack(), consult(), refuse()]],
    ['WITHDRAWN', [transmit(), ev('requestWithdrawn', REQUESTING, { reasons: 'no longer required' })]],
    ['LAPSED', [transmit(), ev('requestLapsed', REQUESTING)]],
  ] as const)('closes with outcome %s', (outcome, events) => {
    const s = run(start(), [...events]);
    expect(s.value).toBe('closed');
    expect(s.status).toBe('done');
    expect(s.context.outcome).toBe(outcome);
    expect(s.context.milestones.closedOn).toBe(events[events.length - 1].occurredOn);
    expect(s.context.deadlines).toEqual({});
  });
});

describe('MLA request machine: guards both ways', () => {
  const consulting = () => run(start(), [transmit(), ack(), consult()]);

  it.each([
    ['without reasons', { ground: 'ESSENTIAL_INTERESTS', reasons: '' }, false],
    ['with blank reasons', { ground: 'ESSENTIAL_INTERESTS', reasons: '   ' }, false],
    ['without a ground', { reasons: 'national security' }, false],
    ['with an unknown ground', { ground: 'BECAUSE', reasons: 'national security' }, false],
    ['with a ground and reasons', { ground: 'DOMESTIC_LAW_PROHIBITS', reasons: 'no dual criminality' }, true],
  ])('refusal %s (18(21), 18(23))', (_label, payload, accepted) => {
    const r = applyEvent(consulting(), ev('requestRefused', REQUESTED, payload));
    expect(r.accepted).toBe(accepted);
    expect(r.state).toBe(accepted ? 'closed' : 'consultation');
  });

  it.each([
    [REQUESTING, true],
    [REQUESTED, false],
    [CONTACT_POINT, false],
    [THIRD, false],
  ])('withdrawal by %o accepted: %s (only the requesting side, 18(24))', (actor, accepted) => {
    const r = applyEvent(run(start(), [transmit(), ack(), accept()]), ev('requestWithdrawn', actor));
    expect(r.accepted).toBe(accepted);
  });

  it('withdrawal is not possible before transmission', () => {
    expect(applyEvent(start(), ev('requestWithdrawn', REQUESTING)).accepted).toBe(false);
  });

  it('an oral transmission is refused for a request that is not urgent (18(14))', () => {
    expect(applyEvent(start(false), transmit({ channel: 'ORAL_URGENT' })).accepted).toBe(false);
  });

  it('an urgent oral request cannot be acknowledged before its written confirmation (18(14))', () => {
    let s = run(start(true), [transmit({ channel: 'ORAL_URGENT' })]);
    expect(s.context.deadlines.WRITTEN_CONFIRMATION).toBeDefined();
    expect(applyEvent(s, ack()).accepted).toBe(false);
    const confirmed = applyEvent(s, ev('writtenConfirmationSent', REQUESTING));
    expect(confirmed.accepted).toBe(true);
    expect(confirmed.effects.map((e) => `${e.type}:${'step' in e ? e.step : ''}`)).toEqual([
      'deadline.closed:WRITTEN_CONFIRMATION',
      'deadline.opened:ACKNOWLEDGEMENT',
    ]);
    s = run(confirmed.snapshot, [ack()]);
    expect(s.value).toBe('underAssessment');
  });

  it('a postponement needs reasons (18(25))', () => {
    const s = run(start(), [transmit(), ack(), accept(), consult()]);
    expect(applyEvent(s, ev('executionPostponed', REQUESTED, { reasons: '' })).accepted).toBe(false);
    expect(applyEvent(s, postpone()).accepted).toBe(true);
  });

  it('only one progress enquiry is open at a time, and only the requested side answers it (18(24))', () => {
    let s = run(start(), [transmit(), ev('progressEnquirySent', REQUESTING)]);
    expect(applyEvent(s, ev('progressEnquirySent', REQUESTING)).accepted).toBe(false);
    expect(applyEvent(s, ev('progressEnquiryAnswered', REQUESTING)).accepted).toBe(false);
    s = run(s, [ev('progressEnquiryAnswered', REQUESTED)]);
    expect(s.context.deadlines.PROGRESS_ENQUIRY_REPLY).toBeUndefined();
    expect(s.value).toBe('awaitingAcknowledgement');
  });

  it('additional information during execution returns to execution and resumes its clock (18(16))', () => {
    const s = run(start(), [transmit(), ack(), accept(), ev('additionalInformationRequested', REQUESTED)]);
    expect(s.context.deadlines.EXECUTION?.paused).toBe(true);
    const r = applyEvent(s, ev('additionalInformationProvided', REQUESTING));
    expect(r.state).toBe('inExecution');
    expect(r.effects.map((e) => e.type)).toEqual(['deadline.closed', 'deadline.resumed']);
  });

  it('additional information during assessment returns to assessment with a fresh assessment deadline', () => {
    const s = run(start(), [transmit(), ack(), ev('additionalInformationRequested', REQUESTED)]);
    const r = applyEvent(s, ev('additionalInformationProvided', REQUESTING));
    expect(r.state).toBe('underAssessment');
    expect(r.effects).toEqual([
      { type: 'deadline.closed', step: 'ADDITIONAL_INFORMATION', reason: 'DONE' },
      expect.objectContaining({ type: 'deadline.opened', step: 'ASSESSMENT' }),
    ]);
  });

  it('consultation (18(26)) leads to acceptance with conditions, or to refusal', () => {
    const s = run(start(), [transmit(), ack(), ev('consultationOpened', REQUESTED)]);
    const accepted = applyEvent(s, ev('requestAccepted', REQUESTED, { conditions: 'use limited to case 12/2021' }));
    expect(accepted.state).toBe('inExecution');
    expect(accepted.snapshot.context.conditions).toBe('use limited to case 12/2021');
    expect(applyEvent(s, refuse()).state).toBe('closed');
    expect(applyEvent(s, postpone()).accepted).toBe(false); // execution not started yet
  });

  it('the execution deadline is the suggested one only when reasons are given (18(24))', () => {
    const withReasons = run(start(), [transmit({ suggestedDeadline: { date: '2021-06-30', reasons: 'trial opens in July' } }), ack()]);
    expect(applyEvent(withReasons, accept()).effects).toContainEqual(expect.objectContaining({ step: 'EXECUTION', dueOn: '2021-06-30' }));
    const without = run(start(), [transmit({ suggestedDeadline: { date: '2021-06-30' } }), ack()]);
    const opened = applyEvent(without, accept()).effects.find((e) => e.type === 'deadline.opened');
    expect(opened).toEqual(expect.objectContaining({ step: 'EXECUTION' }));
    expect(opened && 'dueOn' in opened).toBe(false);
  });
});

describe('MLA request machine: roles', () => {
  const cases: Array<[string, () => MlaRequestSnapshot, MlaRequestEventType, Actor[], Actor[]]> = [
    ['draft', () => start(), 'requestTransmitted', [REQUESTING], [REQUESTED, THIRD, CONTACT_POINT, SECRETARIAT, SYSTEM]],
    ['draft', () => start(), 'draftShared', [REQUESTING], [REQUESTED, CONTACT_POINT]],
    ['informalConsultation', () => run(start(), PATHS.informalConsultation()), 'draftReviewed', [CONTACT_POINT], [REQUESTING, REQUESTED, SECRETARIAT]],
    [
      'awaitingAcknowledgement',
      () => run(start(), PATHS.awaitingAcknowledgement()),
      'receiptAcknowledged',
      [REQUESTED],
      [REQUESTING, THIRD, CONTACT_POINT, SYSTEM],
    ],
    ['underAssessment', () => run(start(), PATHS.underAssessment()), 'requestAccepted', [REQUESTED], [REQUESTING, THIRD, CONTACT_POINT]],
    ['underAssessment', () => run(start(), PATHS.underAssessment()), 'additionalInformationRequested', [REQUESTED], [REQUESTING, CONTACT_POINT]],
    [
      'awaitingAdditionalInformation',
      () => run(start(), PATHS.awaitingAdditionalInformation()),
      'additionalInformationProvided',
      [REQUESTING],
      [REQUESTED, THIRD, CONTACT_POINT],
    ],
    ['inExecution', () => run(start(), PATHS.inExecution()), 'executionCompleted', [REQUESTED], [REQUESTING, CONTACT_POINT, SECRETARIAT]],
    ['postponed', () => run(start(), PATHS.postponed()), 'executionResumed', [REQUESTED], [REQUESTING, CONTACT_POINT]],
    ['executed', () => run(start(), PATHS.executed()), 'caseClosed', [REQUESTING, REQUESTED], [THIRD, CONTACT_POINT, SECRETARIAT]],
    ['inExecution', () => run(start(), PATHS.inExecution()), 'facilitationRecorded', [CONTACT_POINT, SECRETARIAT], [REQUESTING, REQUESTED, SYSTEM]],
    ['inExecution', () => run(start(), PATHS.inExecution()), 'requestLapsed', [REQUESTING, REQUESTED], [THIRD, CONTACT_POINT, SECRETARIAT]],
  ];
  it.each(cases)('in %s, %s is allowed to the right actors only', (_s, make, type, allowed, refused) => {
    const s = make();
    for (const a of allowed) expect(allowedEvents(s, a)).toContain(type);
    for (const a of refused) expect(allowedEvents(s, a)).not.toContain(type);
  });

  it('nothing is allowed once closed', () => {
    const s = run(start(), PATHS.closed());
    for (const a of [REQUESTING, REQUESTED, CONTACT_POINT, SECRETARIAT]) expect(allowedEvents(s, a)).toEqual([]);
  });

  it('lists what the requested central authority may do under assessment: no refusal before a consultation (18(26))', () => {
    expect(allowedEvents(run(start(), PATHS.underAssessment()), REQUESTED).sort()).toEqual(
      ['additionalInformationRequested', 'consultationOpened', 'requestAccepted', 'requestLapsed'].sort(),
    );
  });

  it.each([
    ['inExecution', ['additionalInformationRequested', 'consultationOpened', 'executionCompleted', 'requestLapsed']],
    ['postponed', ['consultationOpened', 'executionResumed', 'postponementReviewed', 'requestLapsed']],
    ['consultation', ['requestAccepted', 'requestLapsed', 'requestRefused']],
  ])('lists what the requested central authority may do in %s', (state, expected) => {
    expect(allowedEvents(run(start(), PATHS[state]()), REQUESTED).sort()).toEqual([...expected].sort());
  });
});

describe('MLA request machine: deadlines and escalation', () => {
  const due = (s: MlaRequestSnapshot, stage: string, step = 'ACKNOWLEDGEMENT') => applyEvent(s, ev('deadlineReached', SYSTEM, { step, stage }));

  it('walks the escalation ladder once per stage and lists the case for the plenary at level 4', () => {
    let s = run(start(), [transmit()]);
    const levels: number[] = [];
    for (const stage of ['REMINDER', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4']) {
      expect(due(s, 'REMINDER').accepted).toBe(stage === 'REMINDER');
      const r = due(s, stage);
      expect(r.accepted).toBe(true);
      const n = r.effects.find((e) => e.type === 'notification.requested');
      if (n?.type === 'notification.requested') levels.push(n.level);
      // the same stage again is not accepted: each reminder or escalation at most once
      expect(due(r.snapshot, stage).accepted).toBe(false);
      s = r.snapshot;
    }
    expect(levels).toEqual([0, 1, 2, 3, 4]);
    expect(s.context.listedForPlenary).toBe(true);
    expect(s.context.deadlines.ACKNOWLEDGEMENT?.nextStage).toBeNull();
  });

  it('a step that is done cancels its reminders', () => {
    const s = run(start(), [transmit(), ack()]);
    expect(due(s, 'REMINDER').accepted).toBe(false);
    expect(due(s, 'REMINDER', 'ASSESSMENT').accepted).toBe(true);
  });

  it('a paused execution clock sends nothing', () => {
    const s = run(start(), PATHS.postponed());
    expect(due(s, 'REMINDER', 'EXECUTION').accepted).toBe(false);
    const review = due(s, 'REMINDER', 'POSTPONEMENT_REVIEW');
    expect(review.accepted).toBe(true);
    // the review is owed every 60 days: the next period opens when one falls due
    expect(review.effects.map((e) => e.type)).toEqual(['notification.requested', 'deadline.closed', 'deadline.opened']);
    expect(review.snapshot.context.deadlines.POSTPONEMENT_REVIEW).toEqual({ sent: [], nextStage: 'REMINDER', paused: false });
    expect(due(review.snapshot, 'REMINDER', 'POSTPONEMENT_REVIEW').accepted).toBe(true);
  });

  it('only the system may report a deadline', () => {
    const s = run(start(), [transmit()]);
    expect(applyEvent(s, ev('deadlineReached', REQUESTED, { step: 'ACKNOWLEDGEMENT', stage: 'REMINDER' })).accepted).toBe(false);
  });
});

describe('MLA request machine: persistence', () => {
  it('a stored snapshot restores to the same state, context and allowed events', () => {
    const s = run(start(), PATHS.postponed());
    const json = JSON.parse(JSON.stringify(persistRequest(s)));
    const restored = restoreRequest(json);
    expect(restored.value).toBe('postponed');
    expect(restored.context).toEqual(s.context);
    expect(allowedEvents(restored, REQUESTED)).toEqual(allowedEvents(s, REQUESTED));
  });

  it('a snapshot of an unknown machine version is refused, not run', () => {
    const json = { ...persistRequest(start()), machineVersion: 99 };
    expect(() => restoreRequest(json)).toThrow('machine version 99');
  });

  it('a snapshot of an older machine version is not run as it is: it must be migrated first', () => {
    const json = { ...persistRequest(run(start(), PATHS.inExecution())), machineVersion: 1 };
    expect(() => restoreRequest(json)).toThrow(SnapshotMigrationRequiredError);
    expect(() => restoreRequest(json)).toThrow('migrate it to version 2 first');
  });

  it('records milestones with the dates of the events, and marks an inferred acknowledgement', () => {
    const t = transmit();
    const a = { ...ack(), inferred: true };
    const f = ev('facilitationRecorded', CONTACT_POINT, { action: 'CHASED_REQUESTED_SIDE' });
    const s = run(start(), [t, a, f]);
    expect(s.context.milestones).toEqual(
      expect.objectContaining({ transmittedOn: t.occurredOn, acknowledgedOn: a.occurredOn, acknowledgementInferred: true, facilitatedOn: f.occurredOn }),
    );
  });
});

describe('MLA request machine: scope of contact points and of executed cases', () => {
  const OTHER_CP: Actor = { role: 'CONTACT_POINT', state: 'BR' };
  const REQUESTING_CP: Actor = { role: 'CONTACT_POINT', state: 'NG' };

  it('only the requested State contact point reviews a draft', () => {
    const s = run(start(), PATHS.informalConsultation());
    expect(applyEvent(s, ev('draftReviewed', OTHER_CP)).accepted).toBe(false);
    expect(applyEvent(s, ev('draftReviewed', REQUESTING_CP)).accepted).toBe(false);
    expect(applyEvent(s, ev('draftReviewed', CONTACT_POINT)).accepted).toBe(true);
  });

  it('facilitation by a contact point of either State or by the secretariat, not by another State', () => {
    const s = run(start(), PATHS.inExecution());
    const f = (a: Actor) => applyEvent(s, ev('facilitationRecorded', a, { action: 'ARRANGED_CALL' })).accepted;
    expect([f(CONTACT_POINT), f(REQUESTING_CP), f(SECRETARIAT), f(OTHER_CP), f({ role: 'SECRETARIAT', state: 'JP' })]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('an executed case can only be closed: no withdrawal, lapse or progress enquiry', () => {
    const s = run(start(), PATHS.executed());
    expect(allowedEvents(s, REQUESTING)).toEqual(['caseClosed']);
    expect(allowedEvents(s, REQUESTED)).toEqual(['caseClosed']);
  });
});

describe('MLA request machine: consultation before a refusal or a postponement (UNTOC art. 18(26), version 2)', () => {
  const from = (state: string) => run(start(), PATHS[state]());

  it.each([
    ['underAssessment', false],
    ['awaitingAdditionalInformation', false],
    ['inExecution', false],
    ['postponed', false],
    ['consultation', true],
  ])('a refusal in %s is accepted: %s', (state, accepted) => {
    expect(applyEvent(from(state), refuse()).accepted).toBe(accepted);
  });

  it.each([
    ['inExecution', false],
    ['consultation opened during execution', true],
    ['consultation opened during assessment', false], // nothing to postpone yet
  ])('a postponement in %s is accepted: %s', (label, accepted) => {
    const s =
      label === 'inExecution'
        ? from('inExecution')
        : run(start(), label.endsWith('execution') ? [transmit(), ack(), accept(), consult()] : [transmit(), ack(), consult()]);
    expect(applyEvent(s, postpone()).accepted).toBe(accepted);
  });

  it('a postponed request is refused through a consultation opened from the postponement', () => {
    const consulting = applyEvent(from('postponed'), consult('refusal considered'));
    expect(consulting.state).toBe('consultation');
    // the postponement stands meanwhile: execution clock paused, review still owed
    expect(consulting.effects).toEqual([]);
    expect(consulting.snapshot.context.deadlines).toMatchObject({ EXECUTION: { paused: true }, POSTPONEMENT_REVIEW: { paused: false } });
    const refused = applyEvent(consulting.snapshot, refuse());
    expect([refused.state, refused.snapshot.context.outcome]).toEqual(['closed', 'REFUSED']);
    expect(refused.snapshot.context.deadlines).toEqual({});
  });

  it('accepting after a consultation opened from a postponement ends the postponement; postponing again restarts its review', () => {
    const consulting = run(from('postponed'), [consult()]);
    const accepted = applyEvent(consulting, ev('requestAccepted', REQUESTED, { conditions: 'witness heard by video link only' }));
    expect(accepted.state).toBe('inExecution');
    expect(accepted.effects).toEqual([
      { type: 'deadline.closed', step: 'POSTPONEMENT_REVIEW', reason: 'DONE' },
      expect.objectContaining({ type: 'deadline.resumed', step: 'EXECUTION' }),
    ]);
    expect(accepted.snapshot.context.conditions).toBe('witness heard by video link only');
    const postponedAgain = applyEvent(consulting, postpone());
    expect(postponedAgain.state).toBe('postponed');
    expect(postponedAgain.effects.map((e) => `${e.type}:${'step' in e ? e.step : ''}`)).toEqual([
      'deadline.closed:POSTPONEMENT_REVIEW',
      'deadline.opened:POSTPONEMENT_REVIEW',
    ]);
  });

  it('keeps the deadline effects of a consultation: assessment deadline closed, execution clock running', () => {
    expect(applyEvent(from('underAssessment'), consult()).effects).toEqual([{ type: 'deadline.closed', step: 'ASSESSMENT', reason: 'DONE' }]);
    const duringExecution = applyEvent(from('inExecution'), consult());
    expect(duringExecution.effects).toEqual([]);
    expect(duringExecution.snapshot.context.deadlines.EXECUTION?.paused).toBe(false);
    // postponing from that consultation pauses the execution clock and opens the review, as in version 1
    expect(applyEvent(duringExecution.snapshot, postpone()).effects.map((e) => `${e.type}:${'step' in e ? e.step : ''}`)).toEqual([
      'deadline.paused:EXECUTION',
      'deadline.opened:POSTPONEMENT_REVIEW',
    ]);
  });

  it('records the consultation in progress, the first one as a milestone, and the one a refusal came out of', () => {
    const c1 = consult('conditions on the use of the evidence');
    let s = run(start(), [transmit(), ack(), c1]);
    expect(s.context.consultation).toEqual({ openedOn: c1.occurredOn, subject: 'conditions on the use of the evidence' });
    expect(s.context.milestones.consultedOn).toBe(c1.occurredOn);
    s = run(s, [ev('requestAccepted', REQUESTED, { conditions: 'use limited to case 12/2021' })]);
    expect([s.context.consultation, s.context.milestones.consultedOn]).toEqual([null, c1.occurredOn]);
    const c2 = consult();
    s = run(s, [c2]);
    expect([s.context.consultation, s.context.milestones.consultedOn]).toEqual([{ openedOn: c2.occurredOn, subject: null }, c1.occurredOn]);
    s = run(s, [refuse()]);
    expect(s.context.refusal).toEqual({ ground: 'ESSENTIAL_INTERESTS', reasons: 'national security', consultedOn: c2.occurredOn });
    expect(s.context.consultation).toBeNull();
  });

  it('a withdrawal during a consultation ends it', () => {
    const s = run(from('consultation'), [ev('requestWithdrawn', REQUESTING)]);
    expect([s.value, s.context.outcome, s.context.consultation]).toEqual(['closed', 'WITHDRAWN', null]);
    expect(s.context.milestones.consultedOn).not.toBeNull();
  });
});
