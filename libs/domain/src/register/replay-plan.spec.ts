import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvent, startRequest, type Actor, type MlaRequestEvent, type MlaRequestSnapshot, type NetworkCode } from '@rogatory/workflow';
import { parseRegister, REGISTER_COLUMNS, type RegisterColumn, type RegisterRow } from './register-parser';
import { planReplay, REGISTER_CONSULTATION_SUBJECT, type PlannedActor, type PlannedEvent } from './replay-plan';

const DATA = join(__dirname, '../../../../data');

/** Every milestone empty: tests fill in those they are about. */
const EMPTY: Record<RegisterColumn, string> = {
  case_ref: 'CASC/2021/900',
  network: 'CASC',
  requesting_state: 'AZ',
  requested_state: 'TR',
  request_type: 'MLA',
  offences: 'DRUG_TRAFFICKING',
  measures: '',
  urgent: 'no',
  legal_basis: 'UNTOC',
  facilitated_on: '2021-01-04',
  transmitted_on: '',
  acknowledged_on: '',
  info_requested_on: '',
  info_provided_on: '',
  execution_started_on: '',
  postponed_on: '',
  resumed_on: '',
  executed_on: '',
  outcome: '',
  closed_on: '',
  refusal_ground: '',
  requested_deadline: '',
};

/** A row through the real parser, so that every test row is one the import accepts. */
function row(cells: Partial<Record<RegisterColumn, string>>): RegisterRow {
  const values = { ...EMPTY, ...cells };
  const text = `${REGISTER_COLUMNS.join(',')}\n${REGISTER_COLUMNS.map((c) => values[c]).join(',')}\n`;
  const { rows, rejected } = parseRegister(text, () => true);
  expect(rejected).toEqual([]);
  return rows[0];
}

function actorOf(r: RegisterRow, actor: PlannedActor): Actor {
  if (actor === 'FACILITATOR') return { role: 'CONTACT_POINT', state: r.requestedState };
  return { role: 'CENTRAL_AUTHORITY', state: actor === 'REQUESTING_CA' ? r.requestingState : r.requestedState };
}

function machineEvent(r: RegisterRow, e: PlannedEvent): MlaRequestEvent {
  return {
    type: e.type,
    ...e.payload,
    actor: actorOf(r, e.actor),
    occurredAt: `${e.on}T12:00:00.000Z`,
    occurredOn: e.on,
    ...(e.inferred ? { inferred: true } : {}),
  } as MlaRequestEvent;
}

/** Replays the plan of `r`; throws at the first event the machine refuses. */
function replay(r: RegisterRow): MlaRequestSnapshot {
  let snapshot = startRequest({
    network: r.network,
    requestingState: r.requestingState,
    requestedState: r.requestedState,
    urgent: r.urgent,
  }).snapshot;
  for (const e of planReplay(r)) {
    const result = applyEvent(snapshot, machineEvent(r, e));
    if (!result.accepted) throw new Error(`${r.caseRef}: ${e.type} on ${e.on} refused in state ${String(snapshot.value)}`);
    snapshot = result.snapshot;
  }
  return snapshot;
}

/** The plan as `type@date` with `*` for inferred events: short enough to read in an assertion. */
const steps = (r: RegisterRow) => planReplay(r).map((e) => `${e.type}@${e.on}${e.inferred ? '*' : ''}`);

describe('planReplay', () => {
  it('gives a draft only its facilitation', () => {
    const r = row({});
    expect(planReplay(r)).toEqual([
      {
        type: 'facilitationRecorded',
        on: '2021-01-04',
        actor: 'FACILITATOR',
        inferred: false,
        payload: { action: 'OTHER' },
      },
    ]);
    expect(replay(r).value).toBe('draft');
  });

  it('replays every milestone of an executed case, with actors and payloads', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-12',
      info_requested_on: '2021-01-20',
      info_provided_on: '2021-02-01',
      execution_started_on: '2021-02-05',
      postponed_on: '2021-03-01',
      resumed_on: '2021-04-01',
      executed_on: '2021-06-01',
      outcome: 'PARTIALLY_EXECUTED',
      closed_on: '2021-06-10',
      requested_deadline: '2021-05-31',
    });
    expect(planReplay(r).map((e) => [e.type, e.on, e.actor, e.inferred, e.payload])).toEqual([
      ['facilitationRecorded', '2021-01-04', 'FACILITATOR', false, { action: 'OTHER' }],
      ['requestTransmitted', '2021-01-10', 'REQUESTING_CA', false, { channel: 'CENTRAL_AUTHORITY', suggestedDeadline: { date: '2021-05-31' } }],
      ['receiptAcknowledged', '2021-01-12', 'REQUESTED_CA', false, {}],
      ['additionalInformationRequested', '2021-01-20', 'REQUESTED_CA', false, {}],
      ['additionalInformationProvided', '2021-02-01', 'REQUESTING_CA', false, {}],
      ['requestAccepted', '2021-02-05', 'REQUESTED_CA', false, {}],
      ['consultationOpened', '2021-03-01', 'REQUESTED_CA', true, { subject: REGISTER_CONSULTATION_SUBJECT }],
      ['executionPostponed', '2021-03-01', 'REQUESTED_CA', false, { reasons: 'recorded in the register' }],
      ['executionResumed', '2021-04-01', 'REQUESTED_CA', false, {}],
      ['executionCompleted', '2021-06-01', 'REQUESTED_CA', false, { partial: true }],
      ['caseClosed', '2021-06-10', 'REQUESTED_CA', false, {}],
    ]);
    const s = replay(r);
    expect([s.value, s.context.outcome, s.context.milestones.consultedOn]).toEqual(['closed', 'PARTIALLY_EXECUTED', '2021-03-01']);
    // Suggested without reasons: information only, the default execution deadline stays (UNTOC art. 18(24)).
    expect(s.context.suggestedDeadline).toEqual({ date: '2021-05-31' });
  });

  it('infers the acknowledgement at the next milestone present', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      execution_started_on: '2021-02-05',
      executed_on: '2021-06-01',
      outcome: 'EXECUTED',
      closed_on: '2021-06-10',
    });
    expect(steps(r)).toEqual([
      'facilitationRecorded@2021-01-04',
      'requestTransmitted@2021-01-10',
      'receiptAcknowledged@2021-02-05*',
      'requestAccepted@2021-02-05',
      'executionCompleted@2021-06-01',
      'caseClosed@2021-06-10',
    ]);
    const s = replay(r);
    expect(s.context.milestones).toMatchObject({ acknowledgedOn: '2021-02-05', acknowledgementInferred: true });
  });

  it('infers the acknowledgement of a refusal at closed_on', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      outcome: 'REFUSED',
      closed_on: '2021-03-01',
      refusal_ground: 'NON_CONFORMITY',
    });
    expect(steps(r)).toEqual([
      'facilitationRecorded@2021-01-04',
      'requestTransmitted@2021-01-10',
      'receiptAcknowledged@2021-03-01*',
      'consultationOpened@2021-03-01*',
      'requestRefused@2021-03-01',
    ]);
    expect(planReplay(r)[4].payload).toEqual({ ground: 'NON_CONFORMITY', reasons: 'recorded in the register' });
    const s = replay(r);
    expect([s.value, s.context.outcome, s.context.refusal]).toEqual([
      'closed',
      'REFUSED',
      { ground: 'NON_CONFORMITY', reasons: 'recorded in the register', consultedOn: '2021-03-01' },
    ]);
  });

  it('infers the additional information before a refusal, which the machine refuses while it is awaited', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      info_requested_on: '2021-01-20',
      outcome: 'REFUSED',
      closed_on: '2021-04-01',
      refusal_ground: 'DOMESTIC_LAW_PROHIBITS',
    });
    expect(steps(r).slice(2)).toEqual([
      'receiptAcknowledged@2021-01-11',
      'additionalInformationRequested@2021-01-20',
      'additionalInformationProvided@2021-04-01*',
      'consultationOpened@2021-04-01*',
      'requestRefused@2021-04-01',
    ]);
    expect(replay(r).context.outcome).toBe('REFUSED');
  });

  it('infers the additional information before the acceptance', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      info_requested_on: '2021-01-20',
      execution_started_on: '2021-03-01',
    });
    expect(steps(r).slice(3)).toEqual(['additionalInformationRequested@2021-01-20', 'additionalInformationProvided@2021-03-01*', 'requestAccepted@2021-03-01']);
    expect(replay(r).value).toBe('inExecution');
  });

  it('infers the acceptance of an execution with no execution_started_on', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      executed_on: '2021-05-01',
      outcome: 'EXECUTED',
      closed_on: '2021-05-02',
    });
    expect(steps(r).slice(3)).toEqual(['requestAccepted@2021-05-01*', 'executionCompleted@2021-05-01', 'caseClosed@2021-05-02']);
    expect(replay(r).context.outcome).toBe('EXECUTED');
  });

  it('infers the acceptance of a postponement, and the resumption of an execution completed after it', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      postponed_on: '2021-02-01',
      executed_on: '2021-05-01',
    });
    expect(steps(r).slice(3)).toEqual([
      'requestAccepted@2021-02-01*',
      'consultationOpened@2021-02-01*',
      'executionPostponed@2021-02-01',
      'executionResumed@2021-05-01*',
      'executionCompleted@2021-05-01',
    ]);
    const s = replay(r);
    expect([s.value, s.context.outcome, s.context.milestones.executedOn]).toEqual(['executed', null, '2021-05-01']);
  });

  it('refuses from a postponement without inferring a resumption', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      execution_started_on: '2021-01-20',
      postponed_on: '2021-02-01',
      outcome: 'REFUSED',
      closed_on: '2021-06-01',
      refusal_ground: 'ESSENTIAL_INTERESTS',
    });
    expect(steps(r).slice(-4)).toEqual([
      'consultationOpened@2021-02-01*',
      'executionPostponed@2021-02-01',
      'consultationOpened@2021-06-01*',
      'requestRefused@2021-06-01',
    ]);
    const s = replay(r);
    expect([s.context.outcome, s.context.milestones.consultedOn, s.context.refusal?.consultedOn]).toEqual(['REFUSED', '2021-02-01', '2021-06-01']);
  });

  it('records a consultation before a refusal or a postponement, on its date, saying why (UNTOC art. 18(26))', () => {
    const r = row({
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-11',
      outcome: 'REFUSED',
      closed_on: '2021-02-01',
      refusal_ground: 'NON_CONFORMITY',
    });
    const consultation = planReplay(r).find((e) => e.type === 'consultationOpened');
    expect(consultation).toEqual({
      type: 'consultationOpened',
      on: '2021-02-01',
      actor: 'REQUESTED_CA',
      inferred: true,
      payload: { subject: REGISTER_CONSULTATION_SUBJECT },
    });
    expect(REGISTER_CONSULTATION_SUBJECT).toMatch(/18\(26\) requires a consultation before a refusal or a postponement; the register gives no date/);
    // the assessment deadline closes with the consultation, the same day: no reminder differs
    expect(replay(r).context.deadlines).toEqual({});
  });

  it('withdraws or lets lapse from any transmitted state, without inferring anything', () => {
    for (const outcome of ['WITHDRAWN', 'LAPSED'] as const) {
      const r = row({ transmitted_on: '2021-01-10', outcome, closed_on: '2021-02-01' });
      expect(planReplay(r).map((e) => [e.type, e.actor, e.inferred])).toEqual([
        ['facilitationRecorded', 'FACILITATOR', false],
        ['requestTransmitted', 'REQUESTING_CA', false],
        outcome === 'WITHDRAWN' ? ['requestWithdrawn', 'REQUESTING_CA', false] : ['requestLapsed', 'REQUESTED_CA', false],
      ]);
      expect(replay(r).context.outcome).toBe(outcome);
    }
    const awaitingInformation = row({
      transmitted_on: '2021-01-10',
      info_requested_on: '2021-01-20',
      outcome: 'WITHDRAWN',
      closed_on: '2021-03-01',
    });
    expect(steps(awaitingInformation).slice(1)).toEqual([
      'requestTransmitted@2021-01-10',
      'receiptAcknowledged@2021-01-20*',
      'additionalInformationRequested@2021-01-20',
      'requestWithdrawn@2021-03-01',
    ]);
    expect(replay(awaitingInformation).context.outcome).toBe('WITHDRAWN');
  });

  it('places the facilitation in date order, first on an equal date', () => {
    const cells = { transmitted_on: '2021-01-10', acknowledged_on: '2021-01-12', execution_started_on: '2021-02-01' };
    expect(steps(row({ ...cells, facilitated_on: '2021-01-12' }))).toEqual([
      'requestTransmitted@2021-01-10',
      'facilitationRecorded@2021-01-12',
      'receiptAcknowledged@2021-01-12',
      'requestAccepted@2021-02-01',
    ]);
    expect(steps(row({ ...cells, facilitated_on: '2021-03-01' })).at(-1)).toBe('facilitationRecorded@2021-03-01');
    expect(replay(row({ ...cells, facilitated_on: '2021-03-01' })).context.milestones.facilitatedOn).toBe('2021-03-01');
  });

  it('puts a facilitation dated after closed_on just before the closing event, keeping its date', () => {
    const r = row({
      facilitated_on: '2021-07-01',
      transmitted_on: '2021-01-10',
      acknowledged_on: '2021-01-12',
      execution_started_on: '2021-02-01',
      executed_on: '2021-05-01',
      outcome: 'EXECUTED',
      closed_on: '2021-05-10',
    });
    expect(steps(r).slice(-3)).toEqual(['executionCompleted@2021-05-01', 'facilitationRecorded@2021-07-01', 'caseClosed@2021-05-10']);
    const s = replay(r);
    expect([s.value, s.context.milestones.facilitatedOn]).toEqual(['closed', '2021-07-01']);
    const refused = row({
      facilitated_on: '2021-07-01',
      transmitted_on: '2021-01-10',
      outcome: 'REFUSED',
      closed_on: '2021-05-10',
      refusal_ground: 'NON_CONFORMITY',
    });
    expect(steps(refused).slice(-3)).toEqual(['facilitationRecorded@2021-07-01', 'consultationOpened@2021-05-10*', 'requestRefused@2021-05-10']);
    expect(replay(refused).context.milestones.facilitatedOn).toBe('2021-07-01');
  });
});

describe('planReplay: data/register-2021.csv', () => {
  const states = Object.keys(JSON.parse(readFileSync(join(DATA, 'networks.json'), 'utf8')).states as object);
  const { rows, rejected } = parseRegister(readFileSync(join(DATA, 'register-2021.csv')), (code) => states.includes(code));

  it('parses with no rejection', () => {
    expect(rejected).toEqual([]);
    expect(rows).toHaveLength(201);
  });

  it('replays every row with every event accepted, ending in the state the row describes', () => {
    const mismatches: string[] = [];
    for (const r of rows) {
      const s = replay(r);
      const m = s.context.milestones;
      const expected = {
        closed: r.outcome !== null,
        outcome: r.outcome,
        facilitatedOn: r.facilitatedOn,
        transmittedOn: r.transmittedOn,
        acknowledgedOn: r.acknowledgedOn ?? (m.acknowledgementInferred ? m.acknowledgedOn : null),
        executedOn: r.executedOn,
        closedOn: r.closedOn,
      };
      const actual = {
        closed: s.value === 'closed' && s.status === 'done',
        outcome: s.context.outcome,
        facilitatedOn: m.facilitatedOn,
        transmittedOn: m.transmittedOn,
        acknowledgedOn: m.acknowledgedOn,
        executedOn: m.executedOn,
        closedOn: m.closedOn,
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${r.caseRef}: ${JSON.stringify(actual)}`);
      if (r.refusalGround !== null && s.context.refusal?.ground !== r.refusalGround) mismatches.push(`${r.caseRef}: ground`);
    }
    expect(mismatches).toEqual([]);
  });

  it('consults before every refusal and postponement of the register, on the same date (UNTOC art. 18(26))', () => {
    const pairs = rows.flatMap((r) => {
      const plan = planReplay(r);
      return plan.filter((e) => e.type === 'requestRefused' || e.type === 'executionPostponed').map((e) => [e, plan[plan.indexOf(e) - 1]] as const);
    });
    expect(pairs.length).toBe(rows.filter((r) => r.outcome === 'REFUSED').length + rows.filter((r) => r.postponedOn !== null).length);
    for (const [e, before] of pairs)
      expect([before.type, before.on, before.actor, before.inferred]).toEqual(['consultationOpened', e.on, 'REQUESTED_CA', true]);
  });

  it('leaves open cases open, drafts as drafts', () => {
    const open = rows.filter((r) => r.outcome === null).map((r) => [r.transmittedOn === null, String(replay(r).value)]);
    expect(open.filter(([draft, state]) => draft !== (state === 'draft'))).toEqual([]);
    expect(open.every(([, state]) => state !== 'closed')).toBe(true);
  });

  it('counts the cases facilitated in 2021 per network as published: WACAP 32, SEAJUST 26, CASC 18, OTHER 43', () => {
    const counts: Record<NetworkCode, number> = { WACAP: 0, SEAJUST: 0, CASC: 0, OTHER: 0 };
    for (const r of rows) {
      const { network, milestones } = replay(r).context;
      if (milestones.facilitatedOn?.startsWith('2021-')) counts[network]++;
    }
    expect(counts).toEqual({ WACAP: 32, SEAJUST: 26, CASC: 18, OTHER: 43 });
    expect(counts.WACAP + counts.SEAJUST + counts.CASC).toBe(76);
  });

  it('finds the facilitations dated after closure that the replay moves before the closing event', () => {
    const late = rows.filter((r) => r.closedOn !== null && r.facilitatedOn > r.closedOn).map((r) => r.caseRef);
    expect(late).toEqual([
      'GP/2020/008',
      'GP/2020/009',
      'WACAP/2021/002',
      'WACAP/2021/005',
      'WACAP/2021/006',
      'CASC/2021/007',
      'SEAJUST/2021/024',
      'GP/2022/002',
      'GP/2022/004',
      'GP/2022/016',
      'GP/2022/023',
    ]);
  });
});
