import { UniqueConstraintViolationException, wrap } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { MlaRequestEvent, NetworkCode } from '@rogatory/workflow';
import { Clock } from '../clock';
import { DeadlinePolicyService, type PolicyInForce } from '../deadlines/deadline-policy.service';
import { type DeadlineLookups } from '../deadlines/deadline.service';
import { DirectoryService } from '../directory/directory.service';
import { MlaRequest } from '../entities';
import { DomainError } from '../errors';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { parseRegister, planReplay, registerFingerprint, type PlannedEvent, type RegisterRejection, type RegisterRow } from '../register';
import { lockCalendarsShared } from '../holidays/calendar-lock';
import { MlaRequestService } from '../requests/mla-request.service';

/** What `import-register` prints (REGISTER.md). */
export interface ImportReport {
  imported: number;
  unchanged: number;
  rejected: RegisterRejection[];
}

/** A register parsed and checked against the database: rows to import, rows already imported. */
export interface PreparedRegister {
  toImport: RegisterRow[];
  unchanged: number;
  rejected: RegisterRejection[];
}

/** Rows of the register written in one transaction (importHistory). */
export const IMPORT_BATCH_ROWS = 250;

/** What one batch gave: rows imported, rows rejected, jobs to queue after its commit. */
interface BatchResult {
  imported: number;
  rejected: RegisterRejection[];
  jobs: PostCommitJob[];
}

/** One planned event of a row, placed on the replay timeline. */
export interface TimelineEvent {
  row: RegisterRow;
  event: PlannedEvent;
  /** Position of the event within its row (keeps the machine's order on equal dates). */
  index: number;
  /** Date the replay applies it (its own date, or earlier to keep the row's order). */
  at: string;
}

/**
 * Imports a case register (REGISTER.md): every row replayed through the machine, inferred milestones
 * marked, rejected rows reported whole with every reason and nothing of them written, a second import of
 * the same file changing nothing.
 */
@Injectable()
export class RegisterImportService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly requests: MlaRequestService,
    private readonly jobs: JobDispatcher,
    private readonly policies: DeadlinePolicyService,
  ) {}

  /**
   * Parses the file and compares it with what is stored: a case_ref stored with the same content is
   * `unchanged`; stored with other content, rejected. Throws RegisterFormatError when the file cannot
   * be read as a register.
   */
  async prepare(input: string | Buffer): Promise<PreparedRegister> {
    const states = await this.directory.stateCodes();
    const parsed = parseRegister(input, (c) => states.has(c));
    const rejected = [...parsed.rejected];
    const toImport: RegisterRow[] = [];
    let unchanged = 0;
    const em = this.orm.em.fork();
    const existing = new Map(
      (await em.find(MlaRequest, { reference: { $in: parsed.rows.map((r) => r.caseRef) } }, { fields: ['reference', 'importFingerprint'] })).map((r) => [
        r.reference,
        r.importFingerprint,
      ]),
    );
    for (const row of parsed.rows) {
      if (!existing.has(row.caseRef)) toImport.push(row);
      else if (existing.get(row.caseRef) === registerFingerprint(row)) unchanged++;
      else rejected.push({ line: row.line, caseRef: row.caseRef, errors: ['case_ref: a request with this reference exists already with other content'] });
    }
    rejected.sort((a, b) => a.line - b.line);
    return { toImport, unchanged, rejected };
  }

  /**
   * Imports without replay: all the events of each row at the register's dates; deadlines are recorded
   * but no reminder goes out for stages already past. Rows go {@link IMPORT_BATCH_ROWS} to a transaction
   * (importBatch); when a batch cannot be written (a case_ref imported meanwhile by another import, say)
   * its rows are imported again one per transaction, so that only the failing ones are rejected. Jobs are
   * queued after each commit. Throws RegisterFormatError when the file cannot be read as a register.
   */
  async importHistory(input: string | Buffer): Promise<ImportReport> {
    const prepared = await this.prepare(input);
    const report: ImportReport = { imported: 0, unchanged: prepared.unchanged, rejected: prepared.rejected };
    for (let i = 0; i < prepared.toImport.length; i += IMPORT_BATCH_ROWS) {
      const batch = prepared.toImport.slice(i, i + IMPORT_BATCH_ROWS);
      let results: BatchResult[];
      try {
        results = [await this.importBatch(batch)];
      } catch {
        results = [];
        for (const row of batch) {
          try {
            results.push(await this.importBatch([row]));
          } catch (err) {
            results.push({ imported: 0, rejected: [{ line: row.line, caseRef: row.caseRef, errors: [reasonOf(err)] }], jobs: [] });
          }
        }
      }
      for (const r of results) {
        report.imported += r.imported;
        report.rejected.push(...r.rejected);
        await this.jobs.dispatch(r.jobs);
      }
    }
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }

  /**
   * Imports `rows` in one transaction: the shared locks on the calendars of all their States first, the
   * calendars and policies read once (DeadlineLookups), each row replayed through the machine in memory
   * (none of its deadlines is in the database yet, so none is queried), then one flush. A row the machine
   * refuses is rejected and nothing of it is persisted; the others are written. Throws what the database
   * throws (nothing of the batch is then written).
   */
  private async importBatch(rows: RegisterRow[]): Promise<BatchResult> {
    const result: BatchResult = { imported: 0, rejected: [], jobs: [] };
    await this.orm.em.fork().transactional(async (em) => {
      await lockCalendarsShared(
        em,
        rows.flatMap((r) => [r.requestingState, r.requestedState]),
      );
      const lookups = await this.lookups(em);
      for (const row of rows) {
        const request = this.newRequest(em, row);
        lookups.unflushed.set(request.id, []);
        try {
          const jobs: PostCommitJob[] = [];
          for (const ev of planReplay(row)) jobs.push(...(await this.applyPlanned(em, request, row, ev, true, lookups)));
          result.jobs.push(...jobs);
          result.imported++;
        } catch (err) {
          forget(em, request);
          result.rejected.push({ line: row.line, caseRef: row.caseRef, errors: [reasonOf(err)] });
        }
        lookups.unflushed.delete(request.id);
      }
    });
    return result;
  }

  /**
   * Calendars (memoized for as long as the holiday table is unchanged) and policies of one transaction,
   * read after its calendar locks.
   */
  private async lookups(em: EntityManager): Promise<DeadlineLookups> {
    const registry = await this.directory.calendarRegistry(em);
    const policies = new Map<string, Promise<PolicyInForce>>();
    return {
      registry,
      policy: (network) => {
        let p = policies.get(network);
        if (!p) {
          p = this.policies.current(em, network);
          policies.set(network, p);
        }
        return p;
      },
      unflushed: new Map(),
    };
  }

  /**
   * Every planned event of the rows on one timeline, in date order (then row order, then the row's own
   * order). A row's events keep their order: an event planned before a later one with an earlier date (a
   * facilitation recorded after closure, REGISTER.md: facilitated_on stands apart) is placed at that later
   * event's date, keeping its own date as the date it occurred.
   */
  timeline(rows: RegisterRow[]): TimelineEvent[] {
    const all = rows.flatMap((row) => {
      const plan = planReplay(row);
      let at = '9999-12-31';
      const placed = plan.map((event, index) => ({ row, event, index, at: '' }));
      for (let i = placed.length - 1; i >= 0; i--) {
        at = placed[i].event.on < at ? placed[i].event.on : at;
        placed[i].at = at;
      }
      return placed;
    });
    all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.row.line - b.row.line || a.index - b.index));
    return all;
  }

  /**
   * Applies one timeline event now (replay): creates the request at its row's first event. Deadlines
   * and reminders follow the clock as for a live case. Throws what the machine or the database throws.
   */
  async replayEvent(t: TimelineEvent): Promise<void> {
    let jobs: PostCommitJob[] = [];
    await this.orm.em.fork().transactional(async (em) => {
      const request = (await em.findOne(MlaRequest, { reference: t.row.caseRef })) ?? this.newRequest(em, t.row);
      jobs = await this.applyPlanned(em, request, t.row, t.event, false);
    });
    await this.jobs.dispatch(jobs);
  }

  private newRequest(em: EntityManager, row: RegisterRow): MlaRequest {
    const request = this.requests.newRequest(
      {
        reference: row.caseRef,
        network: row.network as NetworkCode,
        requestingState: row.requestingState,
        requestedState: row.requestedState,
        requestType: row.requestType,
        urgent: row.urgent,
        legalBasis: row.legalBasis,
        offences: row.offences,
        measures: row.measures,
        subject: null,
        confidential: false,
        factsSummary: null,
        personsConcerned: [],
      },
      row.caseRef,
      registerFingerprint(row),
    );
    em.persist(request);
    return request;
  }

  private async applyPlanned(
    em: EntityManager,
    request: MlaRequest,
    row: RegisterRow,
    p: PlannedEvent,
    historyOnly: boolean,
    lookups?: DeadlineLookups,
  ): Promise<PostCommitJob[]> {
    const state = p.actor === 'REQUESTING_CA' ? row.requestingState : row.requestedState;
    const cal = (lookups?.registry ?? (await this.directory.calendarRegistry(em))).forState(state);
    const actor =
      p.actor === 'FACILITATOR'
        ? row.network === 'OTHER'
          ? { role: 'SECRETARIAT' as const, state: null, name: 'Programme (register import)' }
          : { role: 'CONTACT_POINT' as const, state, name: `${row.network} contact point (register import)` }
        : { role: 'CENTRAL_AUTHORITY' as const, state, name: 'Central authority (register import)' };
    const event = {
      type: p.type,
      actor,
      occurredAt: cal.localTime(p.on, 12).toISOString(),
      occurredOn: p.on,
      inferred: p.inferred,
      ...p.payload,
    } as MlaRequestEvent;
    const { jobs } = await this.requests.applyInTransaction(em, request, event, { skipPastStages: historyOnly, recordedAt: this.clock.now(), lookups });
    return jobs;
  }
}

/**
 * Takes back everything persisted for `request` in `em` and not yet flushed: the request, and its events,
 * deadlines and outbox rows. Throws when some of it was flushed already (it can then only be rolled back).
 */
function forget(em: EntityManager, request: MlaRequest): void {
  const stack = [...em.getUnitOfWork().getPersistStack()];
  const mine = stack.filter((e) => e === request || (e as { request?: unknown }).request === request);
  if (mine.some((e) => wrap(e, true).isManaged())) throw new Error(`request ${request.reference}: written already, cannot be taken back`);
  for (const e of mine) em.remove(e);
}

function reasonOf(err: unknown): string {
  if (err instanceof UniqueConstraintViolationException) return 'case_ref: imported meanwhile by another import';
  if (err instanceof DomainError) return `replay refused: ${err.message}`;
  return `not imported: ${(err as Error).message}`;
}
