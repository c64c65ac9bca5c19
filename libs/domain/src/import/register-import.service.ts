import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { MlaRequestEvent, NetworkCode } from '@rogatory/workflow';
import { Clock } from '../clock';
import { DirectoryService } from '../directory/directory.service';
import { MlaRequest } from '../entities';
import { DomainError } from '../errors';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { parseRegister, planReplay, registerFingerprint, type PlannedEvent, type RegisterRejection, type RegisterRow } from '../register';
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
   * Imports without replay: each row in its own transaction, all its events at the register's dates;
   * deadlines are recorded but no reminder goes out for stages already past.
   */
  async importHistory(input: string | Buffer): Promise<ImportReport> {
    const prepared = await this.prepare(input);
    const report: ImportReport = { imported: 0, unchanged: prepared.unchanged, rejected: prepared.rejected };
    for (const row of prepared.toImport) {
      const jobs: PostCommitJob[] = [];
      try {
        await this.orm.em.fork().transactional(async (em) => {
          const request = this.newRequest(em, row);
          for (const ev of planReplay(row)) jobs.push(...(await this.applyPlanned(em, request, row, ev, true)));
        });
        report.imported++;
        await this.jobs.dispatch(jobs);
      } catch (err) {
        report.rejected.push({ line: row.line, caseRef: row.caseRef, errors: [reasonOf(err)] });
      }
    }
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
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

  private async applyPlanned(em: EntityManager, request: MlaRequest, row: RegisterRow, p: PlannedEvent, historyOnly: boolean): Promise<PostCommitJob[]> {
    const state = p.actor === 'REQUESTING_CA' ? row.requestingState : row.requestedState;
    const cal = (await this.directory.calendarRegistry(em)).forState(state);
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
    const { jobs } = await this.requests.applyInTransaction(em, request, event, { skipPastStages: historyOnly, recordedAt: this.clock.now() });
    return jobs;
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof UniqueConstraintViolationException) return 'case_ref: imported meanwhile by another import';
  if (err instanceof DomainError) return `replay refused: ${err.message}`;
  return `not imported: ${(err as Error).message}`;
}
