import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { attachmentDisposition, neutraliseCell, writeCsv } from './csv';

describe('CSV export (UTF-8 BOM, CRLF, RFC 4180, formula injection neutralised)', () => {
  it('writes a BOM, the header, CRLF line ends and quotes what needs quoting', () => {
    const csv = writeCsv({
      header: ['key', 'name', 'n'],
      rows: [
        ['CI', 'Côte d\'Ivoire, "RCI"', 3],
        ['XX', 'two\nlines', null],
      ],
    });
    expect(csv).toBe('\uFEFFkey,name,n\r\nCI,"Côte d\'Ivoire, ""RCI""",3\r\nXX,"two\nlines",\r\n');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+33 1 23', "'+33 1 23"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=x', "'\r=x"],
    ['Ghana', 'Ghana'],
    ['a=b', 'a=b'],
  ])('neutralises a cell starting a formula: %j → %j', (cell, out) => {
    expect(neutraliseCell(cell)).toBe(out);
    expect((parse(writeCsv({ header: ['c'], rows: [[cell]] }), { bom: true }) as string[][])[1]).toEqual([out]);
  });

  it('keeps numbers as numbers (a negative number is data, not a formula) and null as an empty cell', () => {
    expect(neutraliseCell(-3)).toBe(-3);
    expect(neutraliseCell(185.5)).toBe(185.5);
    expect(neutraliseCell(null)).toBe('');
  });

  it('any table reads back cell for cell (text neutralised), whatever the text', () => {
    const cell = fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 8 }), (width, rows) => {
        const table = { header: Array.from({ length: width }, (_, i) => `c${i}`), rows: rows.map((r) => r.slice(0, width)) };
        const back = parse(writeCsv(table), { bom: true, relax_column_count: false }) as string[][];
        expect(back).toEqual([table.header, ...table.rows.map((r) => r.map((c) => String(neutraliseCell(c))))]);
        // no text cell reads back as a formula (numbers are data: a negative number stays a number)
        table.rows.forEach((r, i) => r.forEach((c, j) => typeof c === 'string' && expect(/^[=+\-@\t\r]/.test(back[i + 1][j])).toBe(false)));
      }),
    );
  });

  it('refuses a row of the wrong length (a programming error)', () => {
    expect(() => writeCsv({ header: ['a', 'b'], rows: [['x']] })).toThrow('CSV row 1 has 1 cells, the header 2');
  });

  it('names the attachment with safe characters only', () => {
    expect(attachmentDisposition('rogatory-all-2021-requestedState.csv')).toBe('attachment; filename="rogatory-all-2021-requestedState.csv"');
    expect(attachmentDisposition('a"b\r\n;c.csv')).toBe('attachment; filename="a_b___c.csv"');
  });
});
