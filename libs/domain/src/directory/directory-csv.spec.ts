import { parse } from 'csv-parse/sync';
import { neutraliseCell, readCsv, restoreCell, writeCsv } from '../export/csv';
import { checkAbsence, checkLanguages, staleness } from './directory-rules';

describe('directory CSV: formula cells neutralised, values read back as written', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+33 1 23', "'+33 1 23"],
    ['-1', "'-1"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tx', "'\tx"],
    ["'=x", "''=x"], // already starting with a quote before a formula: one more, so reading gives it back
    ["'s-Hertogenbosch", "'s-Hertogenbosch"], // a quote before anything else is left alone
    ['Ndiaye, Aïssatou', 'Ndiaye, Aïssatou'],
    ['', ''],
  ])('%j is written %j and read back', (value, cell) => {
    expect(neutraliseCell(value)).toBe(cell);
    expect(restoreCell(cell)).toBe(value);
  });

  it('writes UTF-8 with BOM, CRLF, RFC 4180 quoting; csv-parse reads the same values; readCsv gives each record its first line', () => {
    const rows = [
      ['Parquet, "PJF" de Dakar', 'line one\r\nline two', '=1+1'],
      ['Côte d’Ivoire', 'a\nb', ' padded '],
      ['last', '', ''],
    ];
    const text = writeCsv({ header: ['name', 'requirements', 'formula'], rows });
    expect(text.startsWith('\uFEFFname,requirements,formula\r\n')).toBe(true);
    expect(text).toContain('"Parquet, ""PJF"" de Dakar","line one\r\nline two",\'=1+1\r\n');
    expect(text).toContain('" padded "'); // kept from tools that trim unquoted cells
    expect(parse(text, { bom: true })).toEqual([['name', 'requirements', 'formula'], ...rows.map((r, i) => (i === 0 ? [r[0], r[1], "'=1+1"] : r))]);
    expect(readCsv(text)).toEqual([
      { line: 1, cells: ['name', 'requirements', 'formula'] },
      { line: 2, cells: rows[0] },
      { line: 4, cells: rows[1] },
      { line: 6, cells: rows[2] },
    ]);
    // LF files with blank lines, as a text editor may save them
    expect(readCsv('a,b\n\n"x\ny",z\n1,2\n').map((r) => r.line)).toEqual([1, 3, 5]);
  });
});

describe('directory rules', () => {
  const at = (iso: string) => new Date(iso);
  it('an entry is stale 365 days after its confirmation, or from its entry when never confirmed', () => {
    const created = at('2026-03-02T10:00:00Z');
    expect(staleness(null, created, created)).toEqual({ stale: true, staleSince: created });
    const confirmed = at('2026-03-02T10:00:00Z');
    expect(staleness(confirmed, created, at('2027-03-02T09:59:59Z'))).toEqual({ stale: false, staleSince: null });
    expect(staleness(confirmed, created, at('2027-03-02T10:00:00Z'))).toEqual({ stale: true, staleSince: at('2027-03-02T10:00:00Z') });
    // 2028 is a leap year: 365 days, not "the same date next year"
    expect(staleness(at('2028-01-01T00:00:00Z'), created, at('2028-12-31T00:00:00Z')).stale).toBe(true);
  });

  it('languages are ISO 639-1 codes in lower case', () => {
    expect(checkLanguages(['fr', 'en', 'fr'], 'l')).toEqual({ value: ['fr', 'en'], errors: [] });
    expect(checkLanguages(['FR', 'eng', 'qq', 3], 'l').errors.map((e) => e.field)).toEqual(['l[0]', 'l[1]', 'l[2]', 'l[3]']);
    expect(checkLanguages([], 'l').errors).toEqual([{ field: 'l', reason: 'must name at least one language' }]);
    expect(checkLanguages('fr', 'l').errors[0].field).toBe('l');
  });

  it('an absence ends on or after today, starts before it ends, lasts at most 366 days', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(checkAbsence({ from: '2026-03-01', until: '2026-03-02', delegateId: id.toUpperCase() }, '2026-03-02')).toEqual({
      value: { from: '2026-03-01', until: '2026-03-02', delegateId: id },
      errors: [],
    });
    expect(checkAbsence({ from: '2026-03-01', until: '2027-03-01', delegateId: id }, '2026-03-02').errors).toEqual([]); // 366 days
    expect(checkAbsence({ from: '2026-03-01', until: '2027-03-02', delegateId: id }, '2026-03-02').errors[0].field).toBe('until');
    expect(checkAbsence(null, '2026-03-02').errors).toEqual([{ field: '(body)', reason: 'must be a JSON object { from, until, delegateId }' }]);
  });
});
