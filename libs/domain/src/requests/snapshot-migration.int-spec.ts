import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { migrateSnapshot, type PersistedMlaRequest } from '@rogatory/workflow';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManualClock } from '../clock';
import { DeadlineRunner } from '../deadlines/deadline-runner.service';
import { DirectoryService } from '../directory/directory.service';
import { DomainModule } from '../domain.module';
import { CaseEvent, MlaRequest } from '../entities';
import { DomainError, EventNotAllowedError } from '../errors';
import { createTestEnvironment, type TestEnvironment } from '../testing';
import { MlaRequestService, RequestFlaggedError } from './mla-request.service';
import { SnapshotMigrationService } from './snapshot-migration.service';

/** Stored data of machine version 1: libs/workflow/src/testing/v1-histories.json (scripts/dump-machine-histories.ts). */
interface FixtureRequest {
  reference: string;
  stored: { machineVersion: number; value: string; context: Record<string, unknown> };
  history: Array<{
    type: string;
    actor: { role: string; state: string | null };
    occurredAt: string;
    occurredOn: string;
    inferred?: boolean;
    payload: Record<string, unknown>;
  }>;
}
const FIXTURE: FixtureRequest[] = JSON.parse(readFileSync(path.join(__dirname, '../../../workflow/src/testing/v1-histories.json'), 'utf8')).requests;
const byRef = (reference: string) => FIXTURE.find((r) => r.reference === reference)!;

const consultationExecution = byRef('FIXTURE/CONSULTATION-EXECUTION');
/** Two snapshots no machine can place: an unknown state name, and a context without its milestones. */
const CORRUPTED: FixtureRequest[] = [
  { ...consultationExecution, reference: 'CORRUPT/STATE', stored: { ...consultationExecution.stored, value: 'underReview' } },
  {
    ...consultationExecution,
    reference: 'CORRUPT/CONTEXT',
    stored: { ...consultationExecution.stored, context: { ...consultationExecution.stored.context, milestones: undefined } },
  },
];

const GH = { role: 'CENTRAL_AUTHORITY', state: 'GH', name: 'GH officer' };
const NG = { role: 'CENTRAL_AUTHORITY', state: 'NG', name: 'NG officer' };

/**
 * Machine version 2 (UNTOC art. 18(26)) against requests stored by version 1, in real PostgreSQL: the lazy
 * migration of one request in its event's transaction, `migrate-snapshots` over all of them, and the
 * requests that cannot be placed flagged for an administrator.
 */
describe('snapshot migration to machine version 2 (PostgreSQL)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let requests: MlaRequestService;
  const clock = new ManualClock(new Date('2026-11-02T10:00:00Z'));
  const ids = new Map<string, string>();
  const row = async (reference: string) =>
    (
      await env.sql<{
        machine_version: number;
        state: string;
        version: number;
        event_count: number;
        attention: string | null;
        attention_since: Date | null;
        snapshot: PersistedMlaRequest;
      }>(`select machine_version, state, version, event_count, attention, attention_since, snapshot from mla_request where reference = $1`, [reference])
    )[0];

  beforeAll(async () => {
    env = await createTestEnvironment('snapshots');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    await app.get(DirectoryService).seed();
    requests = app.get(MlaRequestService);
    // The v1 rows as version 1 wrote them: snapshot, machine_version 1, derived columns, event history.
    const em = app.get(MikroORM).em.fork();
    for (const f of [...FIXTURE, ...CORRUPTED]) {
      const c = f.stored.context as { network: string; requestingState: string; requestedState: string; urgent: boolean };
      const r = new MlaRequest({
        reference: f.reference,
        network: c.network,
        requestingState: c.requestingState,
        requestedState: c.requestedState,
        requestType: 'MLA',
        urgent: c.urgent,
        legalBasis: null,
        offences: [],
        measures: [],
        subject: null,
        snapshot: f.stored as unknown as PersistedMlaRequest,
        createdAt: clock.now(),
      });
      if (f.stored.context.milestones) r.applySnapshot(f.stored as unknown as PersistedMlaRequest, clock.now());
      r.eventCount = f.history.length;
      f.history.forEach((e, i) =>
        em.persist(
          new CaseEvent({
            request: r,
            seq: i + 1,
            type: e.type,
            actorRole: e.actor.role,
            actorState: e.actor.state,
            actorName: null,
            occurredAt: new Date(e.occurredAt),
            occurredOn: e.occurredOn,
            inferred: e.inferred === true,
            payload: e.payload,
            fromState: '(v1 fixture)',
            toState: '(v1 fixture)',
            recordedAt: clock.now(),
          }),
        ),
      );
      em.persist(r);
      ids.set(f.reference, r.id);
    }
    await em.flush();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('holds the v1 rows: 219 requests of machine version 1 with their 1,117 events, and 2 corrupted ones', async () => {
    expect(await env.sql(`select machine_version, count(*)::int as n from mla_request group by machine_version`)).toEqual([{ machine_version: 1, n: 221 }]);
    expect(await env.sql(`select count(*)::int as n from case_event`)).toEqual([{ n: 1117 + 2 * consultationExecution.history.length }]);
  });

  it('migrates a v1 request lazily, in the transaction of its next event; a refused event migrates nothing', async () => {
    const ref = 'FIXTURE/IN-EXECUTION-REFUSAL-PENDING';
    const id = ids.get(ref)!;
    const before = await row(ref);
    // version 2: no refusal without a consultation (UNTOC art. 18(26)); the rolled-back transaction leaves the v1 row
    const refusal = { type: 'requestRefused', actor: GH, ground: 'CONTRARY_TO_LEGAL_SYSTEM', reasons: 'no dual criminality' };
    await expect(requests.sendEvent(id, refusal, before.version)).rejects.toThrow(EventNotAllowedError);
    await expect(requests.sendEvent(id, refusal, before.version)).rejects.toThrow(/consultationOpened first/);
    expect(await row(ref)).toEqual(before);

    const { event } = await requests.sendEvent(id, { type: 'consultationOpened', actor: GH, subject: 'dual criminality' }, before.version);
    const after = await row(ref);
    expect(after).toMatchObject({
      machine_version: 2,
      state: 'consultation',
      version: before.version + 1,
      event_count: before.event_count + 1,
      attention: null,
    });
    expect(event.seq).toBe(before.event_count + 1);
    expect(after.snapshot.machineVersion).toBe(2);
    expect(after.snapshot.context.consultation).toEqual({ openedOn: '2026-11-02', subject: 'dual criminality' });
    expect(after.snapshot.context.milestones.consultedOn).toBe('2026-11-02');

    await requests.sendEvent(id, refusal, after.version);
    expect((await row(ref)).snapshot.context).toMatchObject({ outcome: 'REFUSED', refusal: { ground: 'CONTRARY_TO_LEGAL_SYSTEM', consultedOn: '2026-11-02' } });
  });

  it('flags a v1 request it cannot place when an event comes, and refuses the event with a 409 CONFLICT', async () => {
    const before = await row('CORRUPT/STATE');
    const attempt = requests.sendEvent(ids.get('CORRUPT/STATE')!, { type: 'requestAccepted', actor: GH }, before.version);
    await expect(attempt).rejects.toThrow(RequestFlaggedError);
    const flagged = await row('CORRUPT/STATE');
    expect(flagged).toMatchObject({ machine_version: 1, state: 'underReview', event_count: before.event_count });
    expect(flagged.attention).toMatch(
      /^snapshot of machine version 1 cannot be placed: version 1 to 2: state "underReview" is not a state of machine version 1$/,
    );
    expect(flagged.attention_since).toEqual(clock.now());
  });

  it('migrate-snapshots: every placeable request to version 2 exactly as the pure migration places it, the others flagged', async () => {
    const report = await app.get(SnapshotMigrationService).migrateAll({ batchSize: 50 });
    expect(report).toEqual({ migrated: 218, flagged: 2, alreadyCurrent: 1 });
    const rows = await env.sql<{ reference: string; machine_version: number; state: string; snapshot: PersistedMlaRequest; attention: string | null }>(
      `select reference, machine_version, state, snapshot, attention from mla_request`,
    );
    const lazy = 'FIXTURE/IN-EXECUTION-REFUSAL-PENDING'; // migrated and moved on above
    const stored = FIXTURE.filter((f) => f.reference !== lazy).map((f) => {
      const r = rows.find((x) => x.reference === f.reference)!;
      return [f.reference, r.machine_version, r.state, r.attention, r.snapshot];
    });
    const placed = FIXTURE.filter((f) => f.reference !== lazy).map((f) => {
      const m = migrateSnapshot(f.stored, f.history);
      return [f.reference, 2, f.stored.value, null, m.ok ? m.persisted : m.reason];
    });
    expect(stored).toEqual(placed);
    const twice = rows.find((x) => x.reference === 'FIXTURE/CONSULTED-TWICE')!;
    expect([twice.snapshot.context.milestones.consultedOn, twice.snapshot.context.consultation]).toEqual([
      '2022-03-16',
      { openedOn: '2022-03-18', subject: 'second round' },
    ]);
    const flagged = rows.filter((x) => x.attention !== null).map((x) => [x.reference, x.machine_version, x.attention]);
    expect(flagged.sort()).toEqual([
      ['CORRUPT/CONTEXT', 1, expect.stringMatching(/cannot be placed: version 1 to 2: context: milestones missing$/)],
      ['CORRUPT/STATE', 1, expect.stringMatching(/state "underReview" is not a state of machine version 1$/)],
    ]);
    // run again: nothing left to migrate, the flagged ones still flagged
    expect(await app.get(SnapshotMigrationService).migrateAll()).toEqual({ migrated: 0, flagged: 2, alreadyCurrent: 219 });
  });

  it('a flagged request refuses every event with a clear conflict and is listed with attention=true', async () => {
    const id = ids.get('CORRUPT/CONTEXT')!;
    for (const body of [
      { type: 'requestAccepted', actor: GH },
      { type: 'requestWithdrawn', actor: NG },
      { type: 'facilitationRecorded', actor: { role: 'SECRETARIAT', state: null }, action: 'OTHER' },
    ]) {
      const err = await requests.sendEvent(id, body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/^request CORRUPT\/CONTEXT is flagged for an administrator: snapshot of machine version 1/),
      });
    }
    const flagged = await requests.list({ attention: true });
    expect([flagged.total, flagged.items.map((r) => r.reference).sort()]).toEqual([2, ['CORRUPT/CONTEXT', 'CORRUPT/STATE']]);
    expect((await requests.list({ attention: false, limit: 500 })).total).toBe(219);
    const stored = await requests.get(id);
    expect([await requests.placedSnapshot(stored), requests.allowedFor(stored, GH as never)]).toEqual([null, []]);
  });

  it('a migrated request accepts its next event: a refusal out of the consultation v1 left it in', async () => {
    const ref = 'FIXTURE/CONSULTATION-ASSESSMENT';
    const r = await requests.get(ids.get(ref)!);
    expect((await requests.placedSnapshot(r))?.value).toBe('consultation');
    expect(requests.allowedFor(r, GH as never).sort()).toEqual(['requestAccepted', 'requestLapsed', 'requestRefused']);
    const { request } = await requests.sendEvent(
      r.id,
      { type: 'requestRefused', actor: GH, ground: 'ESSENTIAL_INTERESTS', reasons: 'national security' },
      r.version,
    );
    expect([request.state, request.outcome, request.machineVersion]).toEqual(['closed', 'REFUSED', 2]);
    expect(request.snapshot.context.refusal).toEqual({ ground: 'ESSENTIAL_INTERESTS', reasons: 'national security', consultedOn: '2022-02-24' });
  });

  it("a flagged request's deadline stages wait, kept, and fire once an administrator repaired it", async () => {
    const created = await requests.create({
      reference: 'LIVE/1',
      network: 'WACAP',
      requestingState: 'NG',
      requestedState: 'GH',
      requestType: 'MLA',
      urgent: false,
    });
    await requests.sendEvent(created.id, { type: 'requestTransmitted', actor: NG, channel: 'CENTRAL_AUTHORITY' });
    const good = await row('LIVE/1');
    // as if version 1 had stored a state version 2 cannot place
    await env.sql(`update mla_request set machine_version = 1, snapshot = $2 where id = $1`, [
      created.id,
      JSON.stringify({ ...good.snapshot, machineVersion: 1, value: 'underReview' }),
    ]);
    const [d] = await requests.openDeadlines(created.id);
    clock.set(d.nextFireAt!);
    const runner = app.get(DeadlineRunner);
    // the stage finds the snapshot cannot be placed: the request is flagged, the stage kept for later
    expect(await runner.fire(d.id, d.nextStage!)).toBe('skipped');
    expect((await row('LIVE/1')).attention).toMatch(/state "underReview" is not a state of machine version 1/);
    expect(await runner.fire(d.id, d.nextStage!)).toBe('skipped');
    expect(await requests.openDeadlines(created.id)).toEqual([
      expect.objectContaining({ id: d.id, status: 'OPEN', nextStage: d.nextStage, nextFireAt: d.nextFireAt }),
    ]);
    expect(await env.sql(`select count(*)::int as n from outbox_email where request_id = $1`, [created.id])).toEqual([{ n: 0 }]);
    // an administrator repairs the snapshot and clears the flag: the stage fires
    await env.sql(`update mla_request set machine_version = 2, snapshot = $2, attention = null, attention_since = null where id = $1`, [
      created.id,
      JSON.stringify(good.snapshot),
    ]);
    expect(await runner.fire(d.id, d.nextStage!)).toBe('notified');
  });
});
