import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { BusinessCalendar, type Weekday } from '../calendar';
import { Clock } from '../clock';
import { DeadlineService, type DeadlineMove } from '../deadlines/deadline.service';
import { StateEntity, StateHoliday } from '../entities';
import { contentEtag, type Precondition } from '../entity-tag';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldError } from '../errors';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { NOT_ONE_LINE, isCalendarDate, isStorableText } from '../requests/request-validation';
import { lockCalendarsExclusive } from './calendar-lock';

/** One day off of a State, from date-holidays or from the administrators' table. */
export interface HolidayView {
  /** Calendar date `YYYY-MM-DD` of the State. */
  date: string;
  name: string;
  /** `DATE_HOLIDAYS`: the date-holidays library; `ADMINISTRATOR`: entered here (may be removed here). */
  source: 'DATE_HOLIDAYS' | 'ADMINISTRATOR';
  /** When an administrator entered it (UTC); who did is kept in the table, not shown on this public list. */
  createdAt?: string;
}

/** What a change of the holiday table did. */
export interface HolidayChangeResult {
  added: number;
  removed: number;
  /** Rows of an import that were already there with the same name. */
  unchanged: number;
  /** Open deadlines whose due date moved (each also recorded on its case). */
  deadlinesMoved: DeadlineMove[];
}

/** A State's days off in a year, and the entity tag of its administrators' table (all years). */
export interface HolidayList {
  state: string;
  year: number;
  weekend: string[];
  coveredByDateHolidays: boolean;
  holidays: HolidayView[];
  /** Entity tag of the State's administrators' table (a hash of its rows, every year), read in the same query as `holidays`. */
  etag: string;
}

const MAX_NAME = 200;
const MAX_IMPORT_ROWS = 5000;
/** Holidays are kept from 2000 to 2100: a wider year is a typo. */
const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

/**
 * The administrators' holiday table per State and year (DOMAIN.md §4): for the States date-holidays does
 * not cover (KH, LA, MV, MM, TL, KG, TJ, TM among the members) and for dates announced late (moon
 * sighting). Every change is one transaction that also recomputes the open deadlines owed by the State
 * ({@link DeadlineService.recompute}: never earlier once the reminder has gone out; each move recorded
 * on the case) and queues their new stage times after commit.
 */
@Injectable()
export class HolidayService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly deadlines: DeadlineService,
    private readonly jobs: JobDispatcher,
  ) {}

  /**
   * The days off of `state` in `year` other than weekends: date-holidays' and the administrators', by
   * date, with the entity tag of the State's administrators' table (every year of it, read in the same
   * query as the holidays listed). Errors: NotFoundError (State), ValidationFailedError (`year` outside 2000–2100).
   */
  async list(state: string, year: number): Promise<HolidayList> {
    if (!Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX)
      throw new ValidationFailedError([{ field: 'year', reason: `must be a year from ${YEAR_MIN} to ${YEAR_MAX}` }]);
    const em = this.orm.em.fork();
    const s = await this.state(em, state);
    const all = await this.table(em, s);
    const own = all.filter((h) => h.date.startsWith(`${year}-`));
    const library = new BusinessCalendar({ code: s.code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] });
    const views: HolidayView[] = [
      ...library.holidaysIn(year).map((h): HolidayView => ({ date: h.date, name: h.name, source: 'DATE_HOLIDAYS' })),
      ...own.map((h): HolidayView => ({ date: h.date, name: h.name, source: 'ADMINISTRATOR', createdAt: h.createdAt.toISOString() })),
    ].sort((a, b) => a.date.localeCompare(b.date) || a.source.localeCompare(b.source));
    return { state: s.code, year, weekend: s.weekend, coveredByDateHolidays: library.coversPublicHolidays, holidays: views, etag: revision(all) };
  }

  /**
   * Adds a holiday `{ date: 'YYYY-MM-DD', name }` to `state`'s table and recomputes its open deadlines;
   * returns what changed and the table's new entity tag. `precondition` (the caller's `If-Match`) is
   * called with the table's current tag under the State's calendar lock, before anything is written.
   * Errors: NotFoundError (State), ValidationFailedError (naming `date` or `name`), ConflictError (the
   * date is already in the table), whatever `precondition` throws. Nothing is written on error.
   */
  async add(state: string, body: unknown, createdBy: string, precondition?: Precondition): Promise<HolidayChangeResult & { etag: string }> {
    const h = checkHoliday(body, '');
    if ('errors' in h) throw new ValidationFailedError(h.errors);
    return this.change(state, createdBy, precondition, async (em, s) => {
      if (await em.findOne(StateHoliday, { state: s, date: h.date })) throw new ConflictError(`${s.code} already has a holiday on ${h.date}`, { date: h.date });
      em.persist(new StateHoliday({ state: s, date: h.date, name: h.name, createdBy, createdAt: this.clock.now() }));
      return { added: 1, removed: 0, unchanged: 0, reason: `holiday ${h.date} (${h.name}) added to the calendar of ${s.code}` };
    });
  }

  /**
   * Removes an administrator's holiday and recomputes; returns what changed and the table's new entity tag.
   * `precondition` as for {@link add}, checked before the holiday is looked up. Errors: ValidationFailedError
   * (`date`), NotFoundError (State, or no such holiday in the table), whatever `precondition` throws.
   */
  async remove(state: string, date: string, removedBy: string, precondition?: Precondition): Promise<HolidayChangeResult & { etag: string }> {
    if (!isCalendarDate(date)) throw new ValidationFailedError([{ field: 'date', reason: 'must be a calendar date YYYY-MM-DD' }]);
    return this.change(state, removedBy, precondition, async (em, s) => {
      const row = await em.findOne(StateHoliday, { state: s, date });
      if (!row) throw new NotFoundError(`holiday of ${s.code} on`, date);
      em.remove(row);
      return { added: 0, removed: 1, unchanged: 0, reason: `holiday ${date} (${row.name}) removed from the calendar of ${s.code}` };
    });
  }

  /**
   * Imports a CSV of holidays with the header `state,date,name` (UTF-8, comma-separated, quoted as RFC
   * 4180). All or nothing: every row is checked first and the errors name the line and column (e.g.
   * `line 3: date`); a row already in the table with the same name is unchanged, with another name a
   * conflict. Then one transaction takes the calendar locks of every State named, adds the rows and
   * recomputes each State's open deadlines. Takes no precondition (a file spans many States' tables): an
   * import changes the entity tag of each State it adds to, so an `If-Match` read before it fails afterwards.
   */
  async importCsv(text: string, createdBy: string): Promise<HolidayChangeResult> {
    let records: Array<{ record: string[]; info: { lines: number } }>;
    try {
      records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true, trim: true, info: true }) as typeof records;
    } catch (err) {
      throw new ValidationFailedError([{ field: '(file)', reason: `not a CSV file: ${(err as Error).message}` }]);
    }
    const [header, ...rows] = records;
    if (!header || header.record.join(',').toLowerCase() !== 'state,date,name')
      throw new ValidationFailedError([{ field: 'line 1', reason: 'the header must be exactly: state,date,name' }]);
    if (rows.length > MAX_IMPORT_ROWS) throw new ValidationFailedError([{ field: '(file)', reason: `at most ${MAX_IMPORT_ROWS} rows` }]);
    const errors: FieldError[] = [];
    const byState = new Map<string, Array<{ date: string; name: string }>>();
    const seen = new Set<string>();
    const known = new Set((await this.orm.em.fork().find(StateEntity, {}, { fields: ['code'] })).map((s) => s.code));
    for (const { record, info } of rows) {
      const [state, date, name] = record;
      const line = `line ${info.lines}`;
      if (!known.has(state)) errors.push({ field: `${line}: state`, reason: `unknown State code ${JSON.stringify(state)}` });
      const h = checkHoliday({ date, name }, `${line}: `);
      if ('errors' in h) errors.push(...h.errors);
      else if (seen.has(`${state}/${h.date}`)) errors.push({ field: `${line}: date`, reason: `${state} ${h.date} is listed twice` });
      else {
        seen.add(`${state}/${h.date}`);
        byState.set(state, [...(byState.get(state) ?? []), h]);
      }
    }
    if (errors.length) throw new ValidationFailedError(errors.slice(0, 50));
    const total: HolidayChangeResult = { added: 0, removed: 0, unchanged: 0, deadlinesMoved: [] };
    const jobs: PostCommitJob[] = [];
    await this.inChange(async (tx) => {
      await lockCalendarsExclusive(tx, [...byState.keys()]);
      // Every State is checked against the table, under the locks, before anything is written.
      const existing = new Map<string, StateHoliday>();
      for (const [state, list] of byState)
        for (const row of await tx.find(StateHoliday, { state: { code: state }, date: { $in: list.map((h) => h.date) } }))
          existing.set(`${state}/${row.date}`, row);
      for (const [state, list] of byState)
        for (const h of list) {
          const row = existing.get(`${state}/${h.date}`);
          if (row && row.name !== h.name)
            throw new ConflictError(`${state} already has "${row.name}" on ${row.date}, not "${h.name}"`, { state, date: row.date });
        }
      const now = this.clock.now();
      for (const [state, list] of byState) {
        const s = await this.state(tx, state);
        const fresh = list.filter((h) => !existing.has(`${state}/${h.date}`));
        total.unchanged += list.length - fresh.length;
        if (!fresh.length) continue;
        for (const h of fresh) tx.persist(new StateHoliday({ state: s, date: h.date, name: h.name, createdBy, createdAt: now }));
        await tx.flush();
        total.added += fresh.length;
        const r = await this.deadlines.recompute(tx, s.code, `${fresh.length} holiday(s) imported into the calendar of ${s.code}`, createdBy, now);
        total.deadlinesMoved.push(...r.moves);
        jobs.push(...r.jobs);
      }
    });
    await this.jobs.dispatch(jobs);
    return total;
  }

  /** Runs a holiday change in one transaction; a row entered at the same moment by someone else is a 409. */
  private async inChange(work: (em: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.orm.em.fork().transactional(work);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`that holiday was entered at the same moment by someone else`);
      throw err;
    }
  }

  /**
   * One change of a State's table: under its exclusive calendar lock (so add, remove and import of that
   * State run one at a time), checks `precondition` against the table as it is, writes, recomputes the
   * open deadlines and reads the new entity tag, all in one transaction.
   */
  private async change(
    state: string,
    actor: string,
    precondition: Precondition | undefined,
    write: (em: EntityManager, s: StateEntity) => Promise<Omit<HolidayChangeResult, 'deadlinesMoved'> & { reason: string }>,
  ): Promise<HolidayChangeResult & { etag: string }> {
    let result: (HolidayChangeResult & { etag: string }) | undefined;
    let jobs: PostCommitJob[] = [];
    await this.inChange(async (em) => {
      const s = await this.state(em, state);
      await lockCalendarsExclusive(em, [s.code]);
      // Read after the lock: under READ COMMITTED this statement sees every change committed before it.
      precondition?.(revision(await this.table(em, s)));
      const { reason, ...counts } = await write(em, s);
      await em.flush();
      const r = await this.deadlines.recompute(em, s.code, reason, actor, this.clock.now());
      jobs = r.jobs;
      result = { ...counts, deadlinesMoved: r.moves, etag: revision(await this.table(em, s)) };
    });
    await this.jobs.dispatch(jobs);
    return result!;
  }

  /** Every row of the State's administrators' table, by date (what {@link revision} is computed from). */
  private table(em: EntityManager, s: StateEntity): Promise<StateHoliday[]> {
    return em.find(StateHoliday, { state: s }, { orderBy: { date: 'asc' } });
  }

  private async state(em: EntityManager, code: string): Promise<StateEntity> {
    const s = typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? await em.findOne(StateEntity, { code }) : null;
    if (!s) throw new NotFoundError('State', String(code));
    return s;
  }
}

/**
 * The entity tag of a State's administrators' holiday table: a content hash ({@link contentEtag}) of every
 * row, all years, by date: its date, name and entry time (what the list shows). Computed, not stored: no
 * column or migration, and any writer of the table (add, remove, import, the CLI) changes it.
 */
function revision(rows: StateHoliday[]): string {
  return contentEtag(rows.map((h) => [h.date, h.name, h.createdAt.toISOString()]));
}

/** Checks `{ date, name }`; field names are prefixed with `prefix` (e.g. `line 3: `). */
function checkHoliday(body: unknown, prefix: string): { date: string; name: string } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { errors: [{ field: `${prefix}(body)`, reason: 'must be a JSON object { date, name }' }] };
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== 'date' && key !== 'name') errors.push({ field: `${prefix}${key}`, reason: 'unknown field' });
  const date = b.date;
  if (typeof date !== 'string' || !isCalendarDate(date)) errors.push({ field: `${prefix}date`, reason: 'must be a calendar date YYYY-MM-DD' });
  else if (Number(date.slice(0, 4)) < YEAR_MIN || Number(date.slice(0, 4)) > YEAR_MAX)
    errors.push({ field: `${prefix}date`, reason: `must fall in ${YEAR_MIN}–${YEAR_MAX}` });
  const name = typeof b.name === 'string' ? b.name.trim() : b.name;

  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || NOT_ONE_LINE.test(name) || !isStorableText(name))
    errors.push({ field: `${prefix}name`, reason: `must be 1 to ${MAX_NAME} characters on one line, without control or direction-override characters` });
  return errors.length ? { errors } : { date: date as string, name: name as string };
}
