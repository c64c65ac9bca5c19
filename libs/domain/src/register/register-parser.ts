import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  LEGAL_BASES,
  MEASURES,
  NETWORK_CODES,
  OFFENCES,
  OUTCOMES,
  REFUSAL_GROUNDS,
  REQUEST_TYPES,
  type LegalBasis,
  type Measure,
  type NetworkCode,
  type Offence,
  type Outcome,
  type RefusalGround,
  type RequestType,
} from '@rogatory/workflow';

/**
 * Import of a case register, the spreadsheet that secretariats and central authorities keep today
 * (REGISTER.md). One row per case with the date of each milestone. This module only reads and checks
 * the file; `planReplay` (replay-plan.ts) turns a valid row into machine events.
 */

/**
 * One valid row of the register (REGISTER.md § Columns). Codes are upper-case, dates are calendar
 * dates `YYYY-MM-DD` exactly as written (no time, no time zone), absent optional values are `null`.
 */
export interface RegisterRow {
  /** Physical line of the file where the record starts (1-based; the header is line 1; blank lines count). */
  line: number;
  /** `case_ref`, trimmed, compared exactly (case-sensitive) for uniqueness within the file. */
  caseRef: string;
  network: NetworkCode;
  /** ISO 3166-1 alpha-2, upper-case, known to the directory, different from `requestedState`. */
  requestingState: string;
  requestedState: string;
  requestType: RequestType;
  /** `;`-separated codes of DOMAIN.md §6, in file order, duplicates dropped; `[]` when empty. */
  offences: Offence[];
  measures: Measure[];
  urgent: boolean;
  legalBasis: LegalBasis | null;
  /** First facilitation by a contact point or the programme; stands apart from the formal milestones. */
  facilitatedOn: string;
  /** Formal milestones, in order transmitted ≤ acknowledged ≤ … ≤ executed ≤ closed (REGISTER.md § Rules). */
  transmittedOn: string | null;
  acknowledgedOn: string | null;
  infoRequestedOn: string | null;
  infoProvidedOn: string | null;
  executionStartedOn: string | null;
  postponedOn: string | null;
  resumedOn: string | null;
  executedOn: string | null;
  /** Set together with `closedOn`; both `null` while the case is open. */
  outcome: Outcome | null;
  closedOn: string | null;
  /** Set if and only if `outcome` is `REFUSED`. */
  refusalGround: RefusalGround | null;
  /** Deadline suggested by the requesting State (UNTOC art. 18(24)); the register gives no reasons. */
  requestedDeadline: string | null;
}

/** A row rejected whole (REGISTER.md § Rules): its line, its `case_ref` ('' if empty) and every reason. */
export interface RegisterRejection {
  line: number;
  caseRef: string;
  /** One sentence per broken rule, each starting with the column it concerns, e.g. `closed_on: required with outcome`. */
  errors: string[];
}

/**
 * The input cannot be read as a register at all (REGISTER.md § File): not UTF-8 text, malformed CSV
 * (an unterminated or stray quote), empty, or a required column missing from the header. Nothing is
 * imported; `message` says what is wrong.
 */
export class RegisterFormatError extends Error {
  readonly code = 'REGISTER_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'RegisterFormatError';
  }
}

/** Required columns (REGISTER.md § Columns); their header must be present, their value non-empty. */
export const REGISTER_REQUIRED_COLUMNS = ['case_ref', 'network', 'requesting_state', 'requested_state', 'request_type', 'urgent', 'facilitated_on'] as const;

/** Every column the register knows, in the order an export writes them. */
export const REGISTER_COLUMNS = [
  'case_ref',
  'network',
  'requesting_state',
  'requested_state',
  'request_type',
  'offences',
  'measures',
  'urgent',
  'legal_basis',
  'facilitated_on',
  'transmitted_on',
  'acknowledged_on',
  'info_requested_on',
  'info_provided_on',
  'execution_started_on',
  'postponed_on',
  'resumed_on',
  'executed_on',
  'outcome',
  'closed_on',
  'refusal_ground',
  'requested_deadline',
] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

/** The formal milestones in the order REGISTER.md § Rules requires (each on or after every earlier one). */
const MILESTONES = [
  'transmitted_on',
  'acknowledged_on',
  'info_requested_on',
  'info_provided_on',
  'execution_started_on',
  'postponed_on',
  'resumed_on',
  'executed_on',
  'closed_on',
] as const satisfies readonly RegisterColumn[];

const EXECUTION_OUTCOMES: readonly Outcome[] = ['EXECUTED', 'PARTIALLY_EXECUTED'];

/**
 * Reads a register (REGISTER.md) and checks every rule on every row.
 *
 * - `input`: the file, UTF-8 with or without a BOM (a Buffer is decoded strictly; invalid UTF-8 is a
 *   format error). Comma-separated, RFC 4180 quotes (quoted commas, doubled quotes, line breaks), LF or
 *   CRLF (mixed too), blank lines and rows whose cells are all empty ignored, values trimmed.
 * - Header: first line; column names trimmed and matched case-insensitively, in any order; unknown
 *   columns ignored; a missing required column or a known column given twice is a format error.
 * - `isKnownState(code)`: the directory, asked with an upper-case alpha-2 code.
 *
 * Returns the valid rows and the rejected ones, both in file order. A row that breaks any rule is
 * rejected whole with every reason (REGISTER.md § Rules); a `case_ref` already seen on an earlier line
 * (valid or not) is rejected, the first occurrence is judged on its own.
 *
 * @throws RegisterFormatError when the file cannot be read as a register.
 */
export function parseRegister(input: string | Buffer, isKnownState: (code: string) => boolean): { rows: RegisterRow[]; rejected: RegisterRejection[] } {
  const records = readRecords(decode(input));
  if (records.length === 0) throw new RegisterFormatError('empty file: no header line and no rows');
  const [header, ...body] = records;
  const columns = readHeader(header.fields);

  const rows: RegisterRow[] = [];
  const rejected: RegisterRejection[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    const cells = new Map<RegisterColumn, string>();
    for (const [column, index] of columns) cells.set(column, (record.fields[index] ?? '').trim());
    const errors = fieldCountErrors(record.fields, header.fields.length);
    const row = checkRow(cells, record.line, isKnownState, errors);
    const caseRef = cells.get('case_ref') ?? '';
    if (caseRef !== '') {
      const first = firstLineOf.get(caseRef);
      if (first !== undefined) errors.push(`case_ref: ${JSON.stringify(caseRef)} already seen on line ${first}`);
      else firstLineOf.set(caseRef, record.line);
    }
    if (errors.length > 0 || row === null) rejected.push({ line: record.line, caseRef, errors });
    else rows.push(row);
  }
  return { rows, rejected };
}

/**
 * SHA-256 (hex, 64 characters) of the row's content without `line`: keys sorted, offences and measures
 * sorted, JSON-encoded. The same case written the same way gives the same fingerprint wherever it
 * stands in the file, so a second import of the same file can see that nothing changed (REGISTER.md
 * § Rules, last sentence).
 */
export function registerFingerprint(row: RegisterRow): string {
  const content: Record<string, unknown> = {
    ...row,
    offences: [...row.offences].sort(),
    measures: [...row.measures].sort(),
  };
  delete content['line'];
  const canonical = Object.keys(content)
    .sort()
    .map((key) => [key, content[key] ?? null]);
  return createHash('sha256')
    .update(JSON.stringify(['register-row/1', canonical]))
    .digest('hex');
}

// ---------------------------------------------------------------------------------------------------
// Reading the file

interface RawRecord {
  /** Physical line where the record starts (1-based). */
  line: number;
  fields: string[];
}

function decode(input: string | Buffer): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new RegisterFormatError('not a CSV text file: the content is not UTF-8 text');
    }
  }
  if (text.includes('\u0000')) throw new RegisterFormatError('not a CSV text file: the content holds NUL characters');
  return text;
}

/**
 * Parses the CSV with csv-parse and gives each record the physical line where it starts.
 *
 * csv-parse's `info.lines` is the line where a record ENDS, and (5.6) it counts every CR and every LF
 * inside a quoted field as a line, so a CRLF inside quotes counts twice and shifts every later record.
 * Start line = `info.lines` − CRs inside quoted values so far − LFs inside this record's values.
 * (The CRLF test in register-parser.spec.ts catches any change of that behaviour.)
 */
function readRecords(text: string): RawRecord[] {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text, {
      bom: true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n'],
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    });
  } catch (error) {
    throw csvFormatError(error, text);
  }
  let carriageReturns = 0;
  return parsed.map(({ record, info }) => {
    carriageReturns += record.reduce((n, field) => n + count(field, '\r'), 0);
    const lineFeeds = record.reduce((n, field) => n + count(field, '\n'), 0);
    return { line: info.lines - carriageReturns - lineFeeds, fields: record };
  });
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

function csvFormatError(error: unknown, text: string): RegisterFormatError {
  const e = error as { code?: string; message?: string; lines?: number };
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    const opened = unclosedQuoteLine(text);
    return new RegisterFormatError(`not a readable CSV file: unterminated quote, the quoted field opened on line ${opened ?? e.lines} is never closed`);
  }
  if (e.code === 'CSV_INVALID_CLOSING_QUOTE' || e.code === 'INVALID_OPENING_QUOTE') {
    return new RegisterFormatError(
      `not a readable CSV file: misplaced quote near line ${e.lines} (a field with a quote must be quoted whole, quotes doubled inside)`,
    );
  }
  return new RegisterFormatError(`not a readable CSV file: ${e.message ?? String(error)}`);
}

/** Line of the quote that opens a field never closed, by a plain RFC 4180 scan (only for the message). */
function unclosedQuoteLine(text: string): number | null {
  let line = 1;
  let openedOn: number | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      if (openedOn === null) openedOn = line;
      else if (text[i + 1] === '"') i++;
      else openedOn = null;
    }
  }
  return openedOn;
}

/** Maps each known column to its index; unknown columns are ignored (REGISTER.md § File). */
function readHeader(fields: string[]): Map<RegisterColumn, number> {
  const columns = new Map<RegisterColumn, number>();
  const duplicated = new Set<string>();
  fields.forEach((field, index) => {
    const name = field.trim().toLowerCase();
    if (!(REGISTER_COLUMNS as readonly string[]).includes(name)) return;
    if (columns.has(name as RegisterColumn)) duplicated.add(name);
    else columns.set(name as RegisterColumn, index);
  });
  const missing = REGISTER_REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    const hint = fields.length === 1 && /[;\t]/.test(fields[0]) ? ' (columns must be separated by commas)' : '';
    throw new RegisterFormatError(`missing required column${missing.length > 1 ? 's' : ''} in the header: ${missing.join(', ')}${hint}`);
  }
  if (duplicated.size > 0) {
    throw new RegisterFormatError(`column given twice in the header: ${[...duplicated].join(', ')}`);
  }
  return columns;
}

/** RFC 4180: every record has as many fields as the header (empty trailing extra cells are tolerated). */
function fieldCountErrors(fields: string[], headerLength: number): string[] {
  if (fields.length < headerLength) return [`row has ${fields.length} fields, the header has ${headerLength}`];
  if (fields.length > headerLength && fields.slice(headerLength).some((f) => f.trim() !== '')) {
    return [`row has ${fields.length} fields, the header has ${headerLength}`];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Checking a row (REGISTER.md § Columns and § Rules)

/** Checks one row; pushes every broken rule onto `errors`; returns the row, or null if a value is unusable. */
function checkRow(cells: Map<RegisterColumn, string>, line: number, isKnownState: (code: string) => boolean, errors: string[]): RegisterRow | null {
  const value = (column: RegisterColumn): string => cells.get(column) ?? '';
  const required = (column: RegisterColumn): string | null => {
    const v = value(column);
    if (v === '') errors.push(`${column}: required`);
    return v === '' ? null : v;
  };
  const code = <T extends string>(column: RegisterColumn, list: readonly T[], what: string): T | null => {
    const v = value(column);
    if (v === '') return null;
    const upper = v.toUpperCase();
    if ((list as readonly string[]).includes(upper)) return upper as T;
    errors.push(`${column}: ${JSON.stringify(v)} is not ${what} (${list.join(', ')})`);
    return null;
  };
  /** `;`-separated codes; empty items skipped, duplicates dropped; the lists are too long to quote. */
  const codes = <T extends string>(column: RegisterColumn, list: readonly T[], what: string): T[] => {
    const found: T[] = [];
    const items = value(column)
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const item of items) {
      const upper = item.toUpperCase();
      const known = (list as readonly string[]).includes(upper);
      if (!known) errors.push(`${column}: ${JSON.stringify(item)} is not ${what}`);
      else if (!found.includes(upper as T)) found.push(upper as T);
    }
    return found;
  };
  const state = (column: RegisterColumn): string | null => {
    const v = required(column);
    if (v === null) return null;
    const upper = v.toUpperCase();
    if (!/^[A-Z]{2}$/.test(upper)) errors.push(`${column}: ${JSON.stringify(v)} is not an ISO 3166-1 alpha-2 code`);
    else if (!isKnownState(upper)) errors.push(`${column}: ${JSON.stringify(v)} is not a State known to the directory`);
    else return upper;
    return null;
  };
  /** A present value that is not a calendar date is reported and counts as present but undated. */
  const date = (column: RegisterColumn): string | null => {
    const v = value(column);
    if (v === '') return null;
    if (isCalendarDate(v)) return v;
    errors.push(`${column}: ${JSON.stringify(v)} is not a calendar date (YYYY-MM-DD)`);
    return null;
  };
  const present = (column: RegisterColumn): boolean => value(column) !== '';

  // § Columns: each value on its own.
  const caseRef = required('case_ref');
  // A reference appears in email subjects and bodies: one line, no control characters, at most 100 characters.
  if (caseRef !== null && /[\u0000-\u001f\u007f]/.test(caseRef)) errors.push('case_ref: must be one line without control characters');
  if (caseRef !== null && caseRef.length > 100) errors.push(`case_ref: must be at most 100 characters, got ${caseRef.length}`);
  const networkValue = required('network') === null ? null : code('network', NETWORK_CODES, 'a network code');
  const requestingState = state('requesting_state');
  const requestedState = state('requested_state');
  if (requestingState !== null && requestingState === requestedState) {
    errors.push(`requested_state: ${JSON.stringify(value('requested_state'))} is the same State as requesting_state`);
  }
  const requestType = required('request_type') === null ? null : code('request_type', REQUEST_TYPES, 'a request type');
  const offences = codes('offences', OFFENCES, 'an offence code');
  const measures = codes('measures', MEASURES, 'a measure code');
  let urgent: boolean | null = null;
  const urgentValue = required('urgent');
  if (urgentValue !== null) {
    const lower = urgentValue.toLowerCase();
    if (lower === 'yes' || lower === 'no') urgent = lower === 'yes';
    else errors.push(`urgent: ${JSON.stringify(urgentValue)} is not yes or no`);
  }
  const legalBasis = code('legal_basis', LEGAL_BASES, 'a legal basis');
  const facilitatedOn = required('facilitated_on') === null ? null : date('facilitated_on');
  const dates = new Map<RegisterColumn, string | null>(MILESTONES.map((m) => [m, date(m)]));
  const outcome = code('outcome', OUTCOMES, 'an outcome');
  const refusalGround = code('refusal_ground', REFUSAL_GROUNDS, 'a refusal ground');
  const requestedDeadline = date('requested_deadline');

  // § Rules: between columns. Presence rules look at the written value, order rules at valid dates.
  const laterMilestones = MILESTONES.slice(1).filter(present);
  if (!present('transmitted_on') && laterMilestones.length > 0) {
    errors.push(`transmitted_on: required with ${laterMilestones.join(', ')}`);
  }
  MILESTONES.forEach((later, j) => {
    const laterDate = dates.get(later);
    if (!laterDate) return;
    for (const earlier of MILESTONES.slice(0, j)) {
      const earlierDate = dates.get(earlier);
      if (earlierDate && laterDate < earlierDate) {
        errors.push(`${later} (${laterDate}) is before ${earlier} (${earlierDate})`);
      }
    }
  });
  if (present('info_provided_on') && !present('info_requested_on')) {
    errors.push('info_requested_on: required with info_provided_on');
  }
  if (present('resumed_on') && !present('postponed_on')) errors.push('postponed_on: required with resumed_on');
  if (present('outcome') && !present('closed_on')) errors.push('closed_on: required with outcome');
  if (present('closed_on') && !present('outcome')) errors.push('outcome: required with closed_on');
  if (outcome !== null && EXECUTION_OUTCOMES.includes(outcome) && !present('executed_on')) {
    errors.push(`executed_on: required with outcome ${outcome}`);
  }
  if (outcome !== null && !EXECUTION_OUTCOMES.includes(outcome) && present('executed_on')) {
    errors.push(`executed_on: not allowed with outcome ${outcome} (only with EXECUTED or PARTIALLY_EXECUTED)`);
  }
  if (outcome === 'REFUSED' && !present('refusal_ground')) errors.push('refusal_ground: required with outcome REFUSED');
  // An outcome written but not a code is reported above; it says nothing about the refusal ground.
  const outcomeNotRefused = present('outcome') ? outcome !== null && outcome !== 'REFUSED' : true;
  if (present('refusal_ground') && outcomeNotRefused) errors.push('refusal_ground: only with outcome REFUSED');

  if (
    errors.length > 0 ||
    caseRef === null ||
    networkValue === null ||
    requestingState === null ||
    requestedState === null ||
    requestType === null ||
    urgent === null ||
    facilitatedOn === null
  ) {
    return null;
  }
  return {
    line,
    caseRef,
    network: networkValue,
    requestingState,
    requestedState,
    requestType,
    offences,
    measures,
    urgent,
    legalBasis,
    facilitatedOn,
    transmittedOn: dates.get('transmitted_on') ?? null,
    acknowledgedOn: dates.get('acknowledged_on') ?? null,
    infoRequestedOn: dates.get('info_requested_on') ?? null,
    infoProvidedOn: dates.get('info_provided_on') ?? null,
    executionStartedOn: dates.get('execution_started_on') ?? null,
    postponedOn: dates.get('postponed_on') ?? null,
    resumedOn: dates.get('resumed_on') ?? null,
    executedOn: dates.get('executed_on') ?? null,
    outcome,
    closedOn: dates.get('closed_on') ?? null,
    refusalGround,
    requestedDeadline,
  };
}

/** `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar (2021-02-30 is not one). */
function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
