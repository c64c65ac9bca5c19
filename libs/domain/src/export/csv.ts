import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Cell, Table } from './table';

/**
 * A cell that a spreadsheet would run as a formula starts with = + - @ (or tab or CR: OWASP "CSV
 * injection"). Such a cell is written with a leading `'` (which spreadsheets show as text); so is one that
 * already starts with quotes followed by such a character, so that reading strips exactly one `'` and
 * gives back what was written ({@link restoreCell}).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** MIME type of {@link writeCsv}'s output, as served over HTTP. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * A text cell made inert for spreadsheets: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'` (OWASP CSV Injection), so `=1+1` is shown as the text `'=1+1`, never
 * evaluated. Numbers are left as they are (they are data, not user text); null is an empty cell.
 */
export function neutraliseCell(c: Cell): string | number {
  if (c === null) return '';
  if (typeof c === 'number') return c;
  return FORMULA_START.test(c) ? `'${c}` : c;
}

/** The value of a text cell as {@link neutraliseCell} wrote it: its leading `'` removed when one was added. */
export function restoreCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/**
 * `table` as a CSV file that opens correctly in spreadsheets and parsers: UTF-8 with a byte-order mark
 * (U+FEFF, so Excel reads accents), a header row, RFC 4180 quoting (a field with a comma, a double quote
 * or a line break is quoted, its quotes doubled; so is one starting or ending with white space, which
 * tools trimming unquoted cells would lose), CRLF line ends, every text cell neutralised against
 * formula injection ({@link neutraliseCell}). Throws a plain Error when a row's length differs from the
 * header's (a programming error, not input).
 */
export function writeCsv(table: Table): string {
  for (const [i, row] of table.rows.entries())
    if (row.length !== table.header.length) throw new Error(`CSV row ${i + 1} has ${row.length} cells, the header ${table.header.length}`);
  return stringify([table.header.map(neutraliseCell), ...table.rows.map((r) => r.map(neutraliseCell))], {
    bom: true,
    record_delimiter: '\r\n',
    // RFC 4180: any line break inside a field is quoted, a lone LF or CR included; and edge white space.
    quoted_match: /[\r\n]|^\s|\s$/,
  });
}

/** One record of a file read by {@link readCsv}. */
export interface CsvRecord {
  /** Physical line (1 = the first line) where the record starts. */
  line: number;
  /** Its cells, as written before neutralisation; not trimmed. */
  cells: string[];
}

/**
 * The records of a CSV text (a byte order mark is skipped; blank lines are skipped; CRLF or LF), each with
 * the line where it starts, cells restored ({@link restoreCell}). Throws csv-parse's error (with its
 * message naming the line) when the text is not CSV, e.g. a quote not closed.
 *
 * csv-parse's `info.lines` is the line where a record ends, counting each CR and each LF inside quoted
 * cells (a CRLF twice); the start line is that less the CRs inside cells read so far and the LFs inside
 * this record (the same reckoning as register-parser.ts).
 */
export function readCsv(text: string): CsvRecord[] {
  const parsed = parse(text, {
    bom: true,
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as Array<{ record: string[]; info: { lines: number } }>;
  let carriageReturns = 0;
  return parsed.map(({ record, info }) => {
    carriageReturns += record.reduce((n, cell) => n + cell.split('\r').length - 1, 0);
    const lineFeeds = record.reduce((n, cell) => n + cell.split('\n').length - 1, 0);
    return { line: info.lines - carriageReturns - lineFeeds, cells: record.map(restoreCell) };
  });
}

/**
 * `Content-Disposition` value for an attachment named `filename`: the name is kept to letters, digits,
 * `.`, `_` and `-` (anything else becomes `_`), so it needs no quoting rules beyond the quotes.
 */
export function attachmentDisposition(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
