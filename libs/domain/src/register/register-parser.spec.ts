import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRegister, registerFingerprint, RegisterFormatError, REGISTER_COLUMNS, type RegisterColumn, type RegisterRow } from './register-parser';

const DATA = join(__dirname, '../../../../data');
const KNOWN = new Set(['NG', 'GH', 'SN', 'KH', 'TH', 'AZ', 'TR']);
const isKnown = (code: string) => KNOWN.has(code);

type Cells = Partial<Record<RegisterColumn, string>>;

/** A valid executed case; each test changes the cells it is about. */
const BASE: Record<RegisterColumn, string> = {
  case_ref: 'WACAP/2021/900',
  network: 'WACAP',
  requesting_state: 'NG',
  requested_state: 'GH',
  request_type: 'MLA',
  offences: 'CORRUPTION;MONEY_LAUNDERING',
  measures: 'FINANCIAL_RECORDS',
  urgent: 'no',
  legal_basis: 'UNTOC',
  facilitated_on: '2021-01-10',
  transmitted_on: '2021-02-01',
  acknowledged_on: '2021-02-03',
  info_requested_on: '2021-02-10',
  info_provided_on: '2021-03-01',
  execution_started_on: '2021-03-05',
  postponed_on: '2021-04-01',
  resumed_on: '2021-05-01',
  executed_on: '2021-08-01',
  outcome: 'EXECUTED',
  closed_on: '2021-08-10',
  refusal_ground: '',
  requested_deadline: '2021-09-30',
};

/** An open case that was only transmitted: the minimum around which rules are tested. */
const TRANSMITTED: Cells = {
  acknowledged_on: '',
  info_requested_on: '',
  info_provided_on: '',
  execution_started_on: '',
  postponed_on: '',
  resumed_on: '',
  executed_on: '',
  outcome: '',
  closed_on: '',
  requested_deadline: '',
};

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (cells: Cells, columns: readonly string[] = REGISTER_COLUMNS) =>
  columns.map((c) => quote({ ...BASE, ...cells }[c as RegisterColumn] ?? '')).join(',');
const csv = (...rows: Cells[]) => [REGISTER_COLUMNS.join(','), ...rows.map((r) => line(r))].join('\n') + '\n';

/** Errors of a single row built from BASE with `cells` changed. */
function errorsOf(cells: Cells): string[] {
  const { rows, rejected } = parseRegister(csv(cells), isKnown);
  expect(rows).toHaveLength(0);
  expect(rejected).toHaveLength(1);
  return rejected[0].errors;
}

function parsedRow(cells: Cells): RegisterRow {
  const { rows, rejected } = parseRegister(csv(cells), isKnown);
  expect(rejected).toEqual([]);
  return rows[0];
}

describe('parseRegister: a valid row', () => {
  it('reads every column into the RegisterRow shape', () => {
    expect(parsedRow({})).toEqual({
      line: 2,
      caseRef: 'WACAP/2021/900',
      network: 'WACAP',
      requestingState: 'NG',
      requestedState: 'GH',
      requestType: 'MLA',
      offences: ['CORRUPTION', 'MONEY_LAUNDERING'],
      measures: ['FINANCIAL_RECORDS'],
      urgent: false,
      legalBasis: 'UNTOC',
      facilitatedOn: '2021-01-10',
      transmittedOn: '2021-02-01',
      acknowledgedOn: '2021-02-03',
      infoRequestedOn: '2021-02-10',
      infoProvidedOn: '2021-03-01',
      executionStartedOn: '2021-03-05',
      postponedOn: '2021-04-01',
      resumedOn: '2021-05-01',
      executedOn: '2021-08-01',
      outcome: 'EXECUTED',
      closedOn: '2021-08-10',
      refusalGround: null,
      requestedDeadline: '2021-09-30',
    });
  });

  it('reads an open draft with only the required columns filled', () => {
    const row = parsedRow({
      ...TRANSMITTED,
      transmitted_on: '',
      offences: '',
      measures: '',
      legal_basis: '',
    });
    expect(row).toMatchObject({ offences: [], measures: [], legalBasis: null, transmittedOn: null, outcome: null });
  });

  it('matches codes case-insensitively and stores them upper-case; urgent is yes/no in any case', () => {
    const row = parsedRow({
      network: 'wacap',
      requesting_state: 'ng',
      requested_state: 'Gh',
      request_type: 'asset_recovery',
      offences: ' corruption ; Money_Laundering ;',
      measures: 'freeze_or_seize;FREEZE_OR_SEIZE',
      urgent: 'YES',
      legal_basis: 'uncac',
      outcome: 'partially_executed',
    });
    expect(row).toMatchObject({
      network: 'WACAP',
      requestingState: 'NG',
      requestedState: 'GH',
      requestType: 'ASSET_RECOVERY',
      offences: ['CORRUPTION', 'MONEY_LAUNDERING'],
      measures: ['FREEZE_OR_SEIZE'],
      urgent: true,
      legalBasis: 'UNCAC',
      outcome: 'PARTIALLY_EXECUTED',
    });
  });

  it('allows equal dates for consecutive milestones', () => {
    const d = '2021-06-01';
    const row = parsedRow({
      transmitted_on: d,
      acknowledged_on: d,
      info_requested_on: d,
      info_provided_on: d,
      execution_started_on: d,
      postponed_on: d,
      resumed_on: d,
      executed_on: d,
      closed_on: d,
    });
    expect(row.closedOn).toBe(d);
  });

  it('lets facilitated_on stand apart: before transmission or after closure', () => {
    expect(parsedRow({ facilitated_on: '2020-12-01' }).facilitatedOn).toBe('2020-12-01');
    expect(parsedRow({ facilitated_on: '2022-01-15' }).facilitatedOn).toBe('2022-01-15');
  });

  it('accepts a refusal with its ground, a withdrawal and a lapse without execution', () => {
    const closedEarly = { ...TRANSMITTED, acknowledged_on: '2021-02-03', closed_on: '2021-03-01' };
    expect(parsedRow({ ...closedEarly, outcome: 'REFUSED', refusal_ground: 'essential_interests' })).toMatchObject({
      outcome: 'REFUSED',
      refusalGround: 'ESSENTIAL_INTERESTS',
    });
    expect(parsedRow({ ...closedEarly, outcome: 'WITHDRAWN' }).outcome).toBe('WITHDRAWN');
    expect(parsedRow({ ...closedEarly, outcome: 'LAPSED' }).outcome).toBe('LAPSED');
  });

  it('accepts an executed case that is not closed yet', () => {
    expect(parsedRow({ outcome: '', closed_on: '' })).toMatchObject({ executedOn: '2021-08-01', outcome: null });
  });
});

describe('parseRegister: each rule of REGISTER.md rejects the row with its reason', () => {
  it.each<[string, Cells, string[]]>([
    ['case_ref required', { case_ref: '' }, ['case_ref: required']],
    ['network required', { network: '' }, ['network: required']],
    ['network code', { network: 'EUROJUST' }, ['network: "EUROJUST" is not a network code (WACAP, SEAJUST, CASC, OTHER)']],
    ['requesting_state required', { requesting_state: '' }, ['requesting_state: required']],
    ['requested_state required', { requested_state: ' ' }, ['requested_state: required']],
    ['State known to the directory', { requested_state: 'XX' }, ['requested_state: "XX" is not a State known to the directory']],
    ['alpha-2 code', { requesting_state: 'NGA' }, ['requesting_state: "NGA" is not an ISO 3166-1 alpha-2 code']],
    ['two different States', { requested_state: 'ng' }, ['requested_state: "ng" is the same State as requesting_state']],
    ['request_type required', { request_type: '' }, ['request_type: required']],
    ['request type code', { request_type: 'LETTER_ROGATORY' }, ['request_type: "LETTER_ROGATORY" is not a request type (MLA, EXTRADITION, ASSET_RECOVERY)']],
    ['each offence code', { offences: 'CORRUPTION;THEFT;fraud' }, ['offences: "THEFT" is not an offence code', 'offences: "fraud" is not an offence code']],
    ['each measure code', { measures: 'WIRETAP;TAKING_EVIDENCE' }, ['measures: "WIRETAP" is not a measure code']],
    ['urgent required', { urgent: '' }, ['urgent: required']],
    ['urgent yes or no', { urgent: 'true' }, ['urgent: "true" is not yes or no']],
    ['legal basis code', { legal_basis: 'BILATERAL' }, ['legal_basis: "BILATERAL" is not a legal basis (UNTOC, UNCAC, TREATY, REGIONAL, RECIPROCITY)']],
    ['facilitated_on required', { facilitated_on: '' }, ['facilitated_on: required']],
    ['calendar date, not 30 February', { facilitated_on: '2021-02-30' }, ['facilitated_on: "2021-02-30" is not a calendar date (YYYY-MM-DD)']],
    ['date format YYYY-MM-DD', { acknowledged_on: '03/02/2021' }, ['acknowledged_on: "03/02/2021" is not a calendar date (YYYY-MM-DD)']],
    ['requested_deadline a date if present', { requested_deadline: '2021-13-01' }, ['requested_deadline: "2021-13-01" is not a calendar date (YYYY-MM-DD)']],
    [
      'transmitted_on required with a later milestone',
      { transmitted_on: '', facilitated_on: '2021-01-10' },
      [
        'transmitted_on: required with acknowledged_on, info_requested_on, info_provided_on, execution_started_on, ' +
          'postponed_on, resumed_on, executed_on, closed_on',
      ],
    ],
    [
      'closed_on needs transmitted_on',
      { ...TRANSMITTED, transmitted_on: '', outcome: 'WITHDRAWN', closed_on: '2021-03-01' },
      ['transmitted_on: required with closed_on'],
    ],
    [
      'acknowledged on or after transmitted',
      { ...TRANSMITTED, transmitted_on: '2021-03-05', acknowledged_on: '2021-03-01' },
      ['acknowledged_on (2021-03-01) is before transmitted_on (2021-03-05)'],
    ],
    [
      'every present pair in order, not only neighbours',
      { ...TRANSMITTED, transmitted_on: '2021-03-05', execution_started_on: '2021-03-01' },
      ['execution_started_on (2021-03-01) is before transmitted_on (2021-03-05)'],
    ],
    ['info_provided needs info_requested', { info_requested_on: '' }, ['info_requested_on: required with info_provided_on']],
    ['resumed needs postponed', { postponed_on: '' }, ['postponed_on: required with resumed_on']],
    ['executed_on required with EXECUTED', { executed_on: '' }, ['executed_on: required with outcome EXECUTED']],
    [
      'executed_on required with PARTIALLY_EXECUTED',
      { executed_on: '', outcome: 'partially_executed' },
      ['executed_on: required with outcome PARTIALLY_EXECUTED'],
    ],
    [
      'executed_on contradicts a refusal',
      { outcome: 'REFUSED', refusal_ground: 'NON_CONFORMITY' },
      ['executed_on: not allowed with outcome REFUSED (only with EXECUTED or PARTIALLY_EXECUTED)'],
    ],
    [
      'executed_on contradicts a withdrawal',
      { outcome: 'WITHDRAWN' },
      ['executed_on: not allowed with outcome WITHDRAWN (only with EXECUTED or PARTIALLY_EXECUTED)'],
    ],
    ['closed_on with outcome', { closed_on: '' }, ['closed_on: required with outcome']],
    ['outcome with closed_on', { outcome: '' }, ['outcome: required with closed_on']],
    ['outcome code', { outcome: 'DONE' }, ['outcome: "DONE" is not an outcome (EXECUTED, PARTIALLY_EXECUTED, REFUSED, WITHDRAWN, LAPSED)']],
    [
      'refusal_ground always with REFUSED',
      { ...TRANSMITTED, acknowledged_on: '2021-02-03', outcome: 'REFUSED', closed_on: '2021-03-01' },
      ['refusal_ground: required with outcome REFUSED'],
    ],
    ['refusal_ground only with REFUSED', { refusal_ground: 'NON_CONFORMITY' }, ['refusal_ground: only with outcome REFUSED']],
    ['refusal_ground not on an open case', { ...TRANSMITTED, refusal_ground: 'NON_CONFORMITY' }, ['refusal_ground: only with outcome REFUSED']],
    [
      'refusal ground code',
      { ...TRANSMITTED, outcome: 'REFUSED', closed_on: '2021-03-01', refusal_ground: 'POLITICAL' },
      ['refusal_ground: "POLITICAL" is not a refusal ground ' + '(NON_CONFORMITY, ESSENTIAL_INTERESTS, DOMESTIC_LAW_PROHIBITS, CONTRARY_TO_LEGAL_SYSTEM)'],
    ],
  ])('%s', (_rule, cells, errors) => {
    expect(errorsOf(cells)).toEqual(errors);
  });

  it('reports every pair out of order, each naming both columns and dates', () => {
    expect(
      errorsOf({
        ...TRANSMITTED,
        transmitted_on: '2021-03-05',
        acknowledged_on: '2021-03-10',
        execution_started_on: '2021-03-12',
        executed_on: '2021-03-20',
        outcome: 'EXECUTED',
        closed_on: '2021-03-08',
      }),
    ).toEqual([
      'closed_on (2021-03-08) is before acknowledged_on (2021-03-10)',
      'closed_on (2021-03-08) is before execution_started_on (2021-03-12)',
      'closed_on (2021-03-08) is before executed_on (2021-03-20)',
    ]);
  });

  it('collects every reason of one row, not only the first', () => {
    expect(
      errorsOf({
        case_ref: '',
        network: 'interpol',
        requested_state: 'XX',
        urgent: 'maybe',
        facilitated_on: '2021-02-29',
        transmitted_on: '2021-02-05',
        acknowledged_on: '2021-02-01',
        info_requested_on: '',
        outcome: 'REFUSED',
        refusal_ground: '',
      }),
    ).toEqual([
      'case_ref: required',
      'network: "interpol" is not a network code (WACAP, SEAJUST, CASC, OTHER)',
      'requested_state: "XX" is not a State known to the directory',
      'urgent: "maybe" is not yes or no',
      'facilitated_on: "2021-02-29" is not a calendar date (YYYY-MM-DD)',
      'acknowledged_on (2021-02-01) is before transmitted_on (2021-02-05)',
      'info_requested_on: required with info_provided_on',
      'executed_on: not allowed with outcome REFUSED (only with EXECUTED or PARTIALLY_EXECUTED)',
      'refusal_ground: required with outcome REFUSED',
    ]);
  });

  it('rejects a row whole, with its line and case_ref, and imports the others', () => {
    const { rows, rejected } = parseRegister(csv({ case_ref: 'A' }, { case_ref: 'B', requested_state: 'XX' }, { case_ref: 'C' }), isKnown);
    expect(rows.map((r) => [r.line, r.caseRef])).toEqual([
      [2, 'A'],
      [4, 'C'],
    ]);
    expect(rejected).toEqual([{ line: 3, caseRef: 'B', errors: ['requested_state: "XX" is not a State known to the directory'] }]);
  });

  it('rejects a case_ref already seen in the file; the first occurrence stays', () => {
    const { rows, rejected } = parseRegister(csv({ case_ref: 'A' }, { case_ref: 'B' }, { case_ref: 'A', network: 'CASC' }), isKnown);
    expect(rows.map((r) => [r.line, r.caseRef, r.network])).toEqual([
      [2, 'A', 'WACAP'],
      [3, 'B', 'WACAP'],
    ]);
    expect(rejected).toEqual([{ line: 4, caseRef: 'A', errors: ['case_ref: "A" already seen on line 2'] }]);
  });

  it('rejects a row with another number of fields than the header', () => {
    const text = csv({ case_ref: 'A' }).trimEnd() + '\n' + line({ case_ref: 'B' }).replace(/,[^,]*$/, '') + '\n';
    expect(parseRegister(text, isKnown).rejected).toEqual([{ line: 3, caseRef: 'B', errors: ['row has 21 fields, the header has 22'] }]);
    const extra = csv({ case_ref: 'A' }).trimEnd() + ',,\n';
    expect(parseRegister(extra, isKnown).rejected).toEqual([]);
  });
});

describe('parseRegister: the file (REGISTER.md § File)', () => {
  it('reads a file with a byte-order mark, as a string and as a Buffer', () => {
    const text = '\ufeff' + csv({});
    expect(parseRegister(text, isKnown).rows[0].caseRef).toBe('WACAP/2021/900');
    expect(parseRegister(Buffer.from(text, 'utf8'), isKnown).rows[0].caseRef).toBe('WACAP/2021/900');
  });

  it('reads CRLF line endings, and LF and CRLF mixed', () => {
    const crlf = csv({ case_ref: 'A' }, { case_ref: 'B' }).replace(/\n/g, '\r\n');
    expect(parseRegister(crlf, isKnown).rows.map((r) => [r.line, r.caseRef, r.requestedDeadline])).toEqual([
      [2, 'A', '2021-09-30'],
      [3, 'B', '2021-09-30'],
    ]);
    const mixed = `${REGISTER_COLUMNS.join(',')}\r\n${line({ case_ref: 'A' })}\n${line({ case_ref: 'B' })}\r\n`;
    expect(parseRegister(mixed, isKnown).rows.map((r) => [r.line, r.caseRef])).toEqual([
      [2, 'A'],
      [3, 'B'],
    ]);
  });

  it('reads quoted commas, doubled quotes and a line break inside a quoted field, with the right line numbers', () => {
    const text = [
      REGISTER_COLUMNS.join(','),
      line({ case_ref: 'Case "A", Lagos' }),
      line({ case_ref: 'B: first line\nsecond line\nthird line' }),
      line({ case_ref: 'C' }),
      '',
      line({ case_ref: 'D' }),
    ].join('\n');
    // B parses as one record over three lines, and is then rejected: a reference must be one line.
    const oneLine = 'case_ref: must be one line without control characters';
    const lf = parseRegister(text, isKnown);
    expect(lf.rejected).toEqual([{ line: 3, caseRef: 'B: first line\nsecond line\nthird line', errors: [oneLine] }]);
    expect(lf.rows.map((r) => [r.line, r.caseRef])).toEqual([
      [2, 'Case "A", Lagos'],
      [6, 'C'],
      [8, 'D'],
    ]);
    const crlf = parseRegister(text.replace(/\n/g, '\r\n'), isKnown);
    expect(crlf.rejected).toEqual([{ line: 3, caseRef: 'B: first line\r\nsecond line\r\nthird line', errors: [oneLine] }]);
    expect(crlf.rows.map((r) => [r.line, r.caseRef])).toEqual([
      [2, 'Case "A", Lagos'],
      [6, 'C'],
      [8, 'D'],
    ]);
  });

  it('reports the line where a rejected multi-line record starts', () => {
    const text = [REGISTER_COLUMNS.join(','), line({ case_ref: 'A\r\nwith a note' }), line({ case_ref: 'B', requested_state: 'XX' })].join('\r\n');
    expect(parseRegister(text, isKnown).rejected.map((r) => [r.line, r.caseRef])).toEqual([
      [2, 'A\r\nwith a note'],
      [4, 'B'],
    ]);
  });

  it('ignores blank lines, whitespace-only lines and rows of empty cells, but counts them as lines', () => {
    const empty = REGISTER_COLUMNS.map(() => '').join(',');
    const text = ['', REGISTER_COLUMNS.join(','), '', line({ case_ref: 'A' }), '   ', empty, line({ case_ref: 'B', requested_state: 'XX' }), '', ''];
    const { rows, rejected } = parseRegister(text.join('\n'), isKnown);
    expect(rows.map((r) => [r.line, r.caseRef])).toEqual([[4, 'A']]);
    expect(rejected.map((r) => [r.line, r.caseRef])).toEqual([[7, 'B']]);
  });

  it('trims values, also inside quotes', () => {
    const text = REGISTER_COLUMNS.join(',') + '\n' + line({}).replace('WACAP/2021/900', '"  WACAP/2021/900 "');
    expect(parseRegister(text, isKnown).rows[0].caseRef).toBe('WACAP/2021/900');
  });

  it('reads columns in any order, header names in any case, and ignores unknown columns', () => {
    const columns = [...REGISTER_COLUMNS].reverse();
    const header = ['Remarks', ...columns.map((c) => (c === 'network' ? ' Network ' : c))];
    const text = [header.join(','), ['"chased twice, see file"', line({}, columns)].join(',')].join('\n');
    const { rows, rejected } = parseRegister(text, isKnown);
    expect(rejected).toEqual([]);
    expect(rows[0]).toEqual(parsedRow({}));
  });

  it('needs only the required columns in the header', () => {
    const text = 'urgent,facilitated_on,case_ref,network,requesting_state,requested_state,request_type\nno,2021-01-10,A,OTHER,KH,TH,MLA\n';
    expect(parseRegister(text, isKnown).rows[0]).toMatchObject({
      caseRef: 'A',
      network: 'OTHER',
      transmittedOn: null,
      offences: [],
    });
  });

  it('gives no rows for a header alone', () => {
    expect(parseRegister(REGISTER_COLUMNS.join(',') + '\n', isKnown)).toEqual({ rows: [], rejected: [] });
  });
});

describe('parseRegister: files that cannot be read as a register', () => {
  const formatError = (input: string | Buffer): RegisterFormatError => {
    try {
      parseRegister(input, isKnown);
    } catch (error) {
      expect(error).toBeInstanceOf(RegisterFormatError);
      expect((error as RegisterFormatError).code).toBe('REGISTER_FORMAT');
      return error as RegisterFormatError;
    }
    throw new Error('expected a RegisterFormatError');
  };

  it('names the missing required columns of the header', () => {
    const header = REGISTER_COLUMNS.filter((c) => c !== 'network' && c !== 'urgent').join(',');
    expect(formatError(header + '\nA\n').message).toBe('missing required columns in the header: network, urgent');
    expect(formatError(REGISTER_COLUMNS.filter((c) => c !== 'case_ref').join(',') + '\n').message).toBe('missing required column in the header: case_ref');
  });

  it('says so when the separator is not a comma', () => {
    expect(formatError(REGISTER_COLUMNS.join(';') + '\n').message).toBe(
      'missing required columns in the header: case_ref, network, requesting_state, requested_state, request_type, ' +
        'urgent, facilitated_on (columns must be separated by commas)',
    );
  });

  it('refuses a known column given twice', () => {
    expect(formatError(REGISTER_COLUMNS.join(',') + ',NETWORK\n').message).toBe('column given twice in the header: network');
  });

  it('refuses an unterminated quote, naming the line where it opens', () => {
    const text = csv({ case_ref: 'A' }) + line({ case_ref: 'B' }).replace('B,', '"B,') + '\n' + line({ case_ref: 'C' }) + '\n';
    expect(formatError(text).message).toBe('not a readable CSV file: unterminated quote, the quoted field opened on line 3 is never closed');
  });

  it('refuses a quote in the middle of a field', () => {
    expect(formatError(csv({ case_ref: 'A' }) + line({}).replace('WACAP/2021/900', '"WACAP"/2021') + '\n').message).toBe(
      'not a readable CSV file: misplaced quote near line 3 (a field with a quote must be quoted whole, quotes doubled inside)',
    );
  });

  it('refuses an empty file', () => {
    expect(formatError('').message).toBe('empty file: no header line and no rows');
    expect(formatError('\ufeff\r\n\n  \n').message).toBe('empty file: no header line and no rows');
  });

  it('refuses content that is not UTF-8 text', () => {
    expect(formatError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00])).message).toBe('not a CSV text file: the content is not UTF-8 text');
    expect(formatError('case_ref\u0000,network').message).toBe('not a CSV text file: the content holds NUL characters');
  });
});

describe('registerFingerprint', () => {
  it('is a SHA-256 hex digest that ignores the line and the order of offences and measures', () => {
    const a = parseRegister(csv({ case_ref: 'X' }, {}), isKnown).rows[1];
    const b = parseRegister('\n\n' + csv({}, { case_ref: 'X' }).replace('CORRUPTION;MONEY_LAUNDERING', 'money_laundering;corruption'), isKnown).rows[0];
    expect(a.line).not.toBe(b.line);
    expect(registerFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(registerFingerprint(a)).toBe(registerFingerprint(b));
  });

  it('changes when any content changes', () => {
    const base = registerFingerprint(parsedRow({}));
    expect(registerFingerprint(parsedRow({ closed_on: '2021-08-11' }))).not.toBe(base);
    expect(registerFingerprint(parsedRow({ urgent: 'yes' }))).not.toBe(base);
    expect(registerFingerprint(parsedRow({ requested_deadline: '' }))).not.toBe(base);
    expect(registerFingerprint(parsedRow({ offences: 'CORRUPTION' }))).not.toBe(base);
  });
});

describe('parseRegister: data/register-2021.csv', () => {
  const states = Object.keys(JSON.parse(readFileSync(join(DATA, 'networks.json'), 'utf8')).states as object);
  const file = readFileSync(join(DATA, 'register-2021.csv'));
  const { rows, rejected } = parseRegister(file, (code) => states.includes(code));

  it('reads all 201 rows with no rejection', () => {
    expect(rejected).toEqual([]);
    expect(rows).toHaveLength(201);
    expect(rows[0].line).toBe(2);
    expect(rows[200].line).toBe(202);
  });

  it('gives every row a distinct fingerprint, the same on a second read', () => {
    const again = parseRegister(file.toString('utf8').replace(/\n/g, '\r\n'), (code) => states.includes(code)).rows;
    expect(new Set(rows.map(registerFingerprint)).size).toBe(201);
    expect(again.map(registerFingerprint)).toEqual(rows.map(registerFingerprint));
  });
});

describe('parseRegister: references that reach emails', () => {
  it('rejects a case_ref with a line break or another control character', () => {
    const header = 'case_ref,network,requesting_state,requested_state,request_type,urgent,facilitated_on';
    const text = [
      header,
      '"X/5\r\nBcc: evil@example.org",WACAP,NG,GH,MLA,no,2021-01-04',
      '"X/6\tTab",WACAP,NG,GH,MLA,no,2021-01-04',
      'X/7,WACAP,NG,GH,MLA,no,2021-01-04',
    ].join('\n');
    const { rows, rejected } = parseRegister(text, () => true);
    expect(rows.map((r) => r.caseRef)).toEqual(['X/7']);
    expect(rejected.map((r) => r.errors)).toEqual([
      ['case_ref: must be one line without control characters'],
      ['case_ref: must be one line without control characters'],
    ]);
  });
});
