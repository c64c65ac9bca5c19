// Dumps real stored data of the current MLA request machine as a test fixture: every request's stored
// snapshot { machineVersion, value, context } and its ordered event history, into
// libs/workflow/src/testing/v<N>-histories.json (N = the machine version that wrote them).
//
//   node -r ./scripts/register.js scripts/dump-machine-histories.ts [--out FILE]
//
// It imports data/register-2021.csv (201 cases, history only) into a scratch database and drives a few
// requests through MlaRequestService and the DeadlineRunner into the states a migration must place
// (consultation, postponed, awaiting additional information, in execution with a refusal to come…),
// then drops the database. A scenario with a step the running machine refuses (a path an earlier or a
// later version allows) is left out of the dump, with a line on stderr. PostgreSQL and Redis as for the tests (DATABASE_URL, REDIS_URL). The fixture
// of machine version N is generated with the code of version N: check out the commit before a machine
// change to regenerate the previous version's fixture (README § Workflow versions).
import { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import {
  CaseEvent,
  DATA_DIR,
  DeadlineRunner,
  DirectoryService,
  DomainModule,
  EventNotAllowedError,
  ManualClock,
  MlaRequest,
  MlaRequestService,
  RegisterImportService,
} from '@rogatory/domain';
import { createTestEnvironment } from '@rogatory/domain/testing';
import { MLA_REQUEST_MACHINE_VERSION } from '@rogatory/workflow';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const NG = { role: 'CENTRAL_AUTHORITY', state: 'NG', name: 'NG officer' };
const GH = { role: 'CENTRAL_AUTHORITY', state: 'GH', name: 'GH officer' };
const GH_CP = { role: 'CONTACT_POINT', state: 'GH', name: 'GH contact point' };

type Step = Record<string, unknown> | 'fireNextDeadline';

const transmit = { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' };
const ack = { type: 'receiptAcknowledged', actor: GH };
const accept = { type: 'requestAccepted', actor: GH, executingAuthority: 'Accra Police' };
const consult = (subject?: string) => ({ type: 'consultationOpened', actor: GH, ...(subject ? { subject } : {}) });
const postpone = { type: 'executionPostponed', actor: GH, reasons: 'ongoing domestic investigation' };
const refuse = { type: 'requestRefused', actor: GH, ground: 'ESSENTIAL_INTERESTS', reasons: 'national security' };
const askInfo = { type: 'additionalInformationRequested', actor: GH, questions: 'bank account holder' };

/** Requests driven through the service, one per state (or path into it) a snapshot migration must handle. */
const SCENARIOS: Array<{ reference: string; urgent?: boolean; steps: Step[] }> = [
  { reference: 'FIXTURE/INFORMAL-CONSULTATION', steps: [{ type: 'draftShared', actor: NG }] },
  { reference: 'FIXTURE/AWAITING-WRITTEN-CONFIRMATION', urgent: true, steps: [{ ...transmit, channel: 'ORAL_URGENT' }] },
  { reference: 'FIXTURE/ACK-REMINDER-AND-ENQUIRY', steps: [transmit, { type: 'progressEnquirySent', actor: NG }, 'fireNextDeadline'] },
  { reference: 'FIXTURE/AWAITING-INFO-ASSESSMENT', steps: [transmit, ack, askInfo] },
  { reference: 'FIXTURE/AWAITING-INFO-EXECUTION', steps: [transmit, ack, accept, askInfo] },
  { reference: 'FIXTURE/CONSULTATION-ASSESSMENT', steps: [transmit, ack, consult('use of the evidence in a second case')] },
  { reference: 'FIXTURE/CONSULTATION-EXECUTION', steps: [transmit, ack, accept, consult()] },
  {
    reference: 'FIXTURE/CONSULTED-TWICE',
    steps: [transmit, ack, consult('first round'), { ...accept, conditions: 'use limited to case 12/2021' }, consult('second round')],
  },
  // v1 lets the requested side refuse from here without consulting first; a later version may not.
  {
    reference: 'FIXTURE/IN-EXECUTION-REFUSAL-PENDING',
    steps: [transmit, ack, accept, { type: 'facilitationRecorded', actor: GH_CP, action: 'ARRANGED_CALL' }],
  },
  { reference: 'FIXTURE/IN-EXECUTION-AFTER-CONSULTATION', steps: [transmit, ack, consult('conditions'), { ...accept, conditions: 'no use for tax matters' }] },
  { reference: 'FIXTURE/POSTPONED', steps: [transmit, ack, accept, postpone] },
  { reference: 'FIXTURE/POSTPONED-AFTER-CONSULTATION', steps: [transmit, ack, accept, consult('postponement'), postpone] },
  { reference: 'FIXTURE/POSTPONED-REVIEWED', steps: [transmit, ack, accept, postpone, { type: 'postponementReviewed', actor: GH }] },
  { reference: 'FIXTURE/EXECUTED', steps: [transmit, ack, accept, { type: 'executionCompleted', actor: GH, partial: true }] },
  { reference: 'FIXTURE/REFUSED-AFTER-CONSULTATION', steps: [transmit, ack, consult('refusal'), refuse] },
  { reference: 'FIXTURE/REFUSED-WITHOUT-CONSULTATION', steps: [transmit, ack, refuse] },
  { reference: 'FIXTURE/REFUSED-FROM-POSTPONEMENT', steps: [transmit, ack, accept, postpone, refuse] },
  { reference: 'FIXTURE/WITHDRAWN-IN-CONSULTATION', steps: [transmit, ack, consult(), { type: 'requestWithdrawn', actor: NG, reasons: 'no longer required' }] },
  // Since version 2 (UNTOC art. 18(26)): a postponed request consulted before its refusal, or before its execution resumes under conditions.
  { reference: 'FIXTURE/REFUSED-AFTER-CONSULTATION-FROM-POSTPONEMENT', steps: [transmit, ack, accept, consult(), postpone, consult('refusal'), refuse] },
  { reference: 'FIXTURE/CONSULTATION-FROM-POSTPONEMENT', steps: [transmit, ack, accept, consult(), postpone, consult('conditions for resuming')] },
];

/**
 * JSON with one line per stored snapshot and per event: a few hundred KB that a reader can still scan
 * (the file is left out of Prettier, which would spread every object over many lines).
 */
function layout(f: { description: string; machineVersion: number; requests: Array<{ reference: string; stored: unknown; history: unknown[] }> }): string {
  const j = (v: unknown) => JSON.stringify(v);
  const requests = f.requests.map((r) =>
    [
      '    {',
      `      "reference": ${j(r.reference)},`,
      `      "stored": ${j(r.stored)},`,
      r.history.length ? `      "history": [\n${r.history.map((e) => `        ${j(e)}`).join(',\n')}\n      ]` : '      "history": []',
      '    }',
    ].join('\n'),
  );
  return `{\n  "description": ${j(f.description)},\n  "machineVersion": ${f.machineVersion},\n  "requests": [\n${requests.join(',\n')}\n  ]\n}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(__dirname, `../libs/workflow/src/testing/v${MLA_REQUEST_MACHINE_VERSION}-histories.json`));
  const env = await createTestEnvironment('fixture');
  const clock = new ManualClock(new Date('2022-01-03T08:00:00Z'));
  const app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false, abortOnError: false });
  try {
    await app.get(DirectoryService).seed();
    const requests = app.get(MlaRequestService);
    // Scenario i starts on 3 January 2022 + 10·i days, one event a day at 10:00 UTC.
    const leftOut = new Set<string>();
    scenarios: for (const [i, s] of SCENARIOS.entries()) {
      const created = await requests.create({
        reference: s.reference,
        network: 'WACAP',
        requestingState: 'NG',
        requestedState: 'GH',
        requestType: 'MLA',
        urgent: s.urgent === true,
      });
      for (const [j, step] of s.steps.entries()) {
        if (step === 'fireNextDeadline') {
          const [d] = await requests.openDeadlines(created.id);
          clock.set(d.nextFireAt!);
          const outcome = await app.get(DeadlineRunner).fire(d.id, d.nextStage!);
          if (outcome !== 'notified') throw new Error(`${s.reference}: deadline ${d.step} ${outcome}`);
          continue;
        }
        clock.set(new Date(Math.max(clock.now().getTime(), Date.parse('2022-01-03T10:00:00Z') + (10 * i + j) * 86_400_000)));
        try {
          await requests.sendEvent(created.id, step);
        } catch (err) {
          if (!(err instanceof EventNotAllowedError)) throw err;
          process.stderr.write(`${s.reference} left out: machine version ${MLA_REQUEST_MACHINE_VERSION} refuses ${String(step.type)}\n`);
          leftOut.add(s.reference);
          continue scenarios;
        }
      }
    }
    // The register, history only, long after its dates (as register-import.int-spec.ts): no reminder for the past.
    clock.set(new Date('2026-11-01T00:00:00Z'));
    const report = await app.get(RegisterImportService).importHistory(readFileSync(path.join(DATA_DIR, 'register-2021.csv')));
    if (report.imported !== 201 || report.rejected.length) throw new Error(`register import: ${JSON.stringify(report)}`);

    const em = app.get(MikroORM).em.fork();
    const rows = (await em.find(MlaRequest, {}, { orderBy: { reference: 'asc' } })).filter((r) => !leftOut.has(r.reference));
    const events = await em.find(CaseEvent, {}, { orderBy: { request: 'asc', seq: 'asc' } });
    const byRequest = new Map<string, CaseEvent[]>();
    for (const e of events) byRequest.set(e.request.id, [...(byRequest.get(e.request.id) ?? []), e]);
    const fixture = {
      description: `Stored snapshots and event histories written by machine version ${MLA_REQUEST_MACHINE_VERSION} (scripts/dump-machine-histories.ts): the 201 cases of data/register-2021.csv imported, and requests driven into the states a snapshot migration must place. Actor names left out.`,
      machineVersion: MLA_REQUEST_MACHINE_VERSION,
      requests: rows.map((r) => ({
        reference: r.reference,
        stored: { machineVersion: r.snapshot.machineVersion, value: r.snapshot.value, context: r.snapshot.context },
        history: (byRequest.get(r.id) ?? []).map((e) => ({
          type: e.type,
          actor: { role: e.actorRole, state: e.actorState },
          occurredAt: e.occurredAt.toISOString(),
          occurredOn: e.occurredOn,
          ...(e.inferred ? { inferred: true } : {}),
          payload: e.payload,
        })),
      })),
    };
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, layout(fixture));
    process.stdout.write(`${JSON.stringify({ out: path.relative(process.cwd(), out), requests: fixture.requests.length, leftOut: [...leftOut] })}\n`);
  } finally {
    await app.close();
    await env.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
