import type { INestApplication } from '@nestjs/common';
import { DATA_DIR, ManualClock, RegisterImportService } from '@rogatory/domain';
import type { TestEnvironment } from '@rogatory/domain/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/** Planted in the subject and facts of a request: no statistics output may ever carry it. */
const CANARY = 'CANARY-STATS-5d1e';
/** The State names planted in the directory: a comma, double quotes, an apostrophe and accents; and a formula. */
const IVORY_COAST = 'Côte d\'Ivoire, "République"';
const FORMULA = '=1+1';
const REGISTER = readFileSync(path.join(DATA_DIR, 'register-2021.csv'));
const COUNTS = ['facilitated', 'transmitted', 'acknowledged', 'pendingAtYearEnd'] as const;
const OUTCOMES = ['EXECUTED', 'PARTIALLY_EXECUTED', 'REFUSED', 'WITHDRAWN', 'LAPSED'] as const;

interface Figures {
  facilitated: number | null;
  transmitted: number | null;
  acknowledged: number | null;
  closed: Record<string, number | null>;
  pendingAtYearEnd: number | null;
  medianDaysToAcknowledge: number | null;
  medianDaysToClose: number | null;
}
interface BreakdownBody {
  year: number;
  by: string;
  network: string | null;
  rows: Array<{ key: string; name: string | null; figures: Figures }>;
  total: Figures;
  suppressed?: string[];
  minCount?: number;
}

/** The CSV columns of a set of figures, in order. */
const figureCells = (f: Figures) => [
  f.facilitated,
  f.transmitted,
  f.acknowledged,
  ...OUTCOMES.map((o) => f.closed[o]),
  f.pendingAtYearEnd,
  f.medianDaysToAcknowledge,
  f.medianDaysToClose,
];

/**
 * A small well-formedness check of an XML document: one root element, every tag closed in order,
 * attribute values quoted, no bare `<` or `&` in text or attributes, nothing but whitespace around the root.
 */
function expectWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>/, '');
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  const stack: string[] = [];
  let roots = 0;
  let m: RegExpExecArray | null;
  let outside = '';
  let last = 0;
  while ((m = tag.exec(body))) {
    if (!m[2]) throw new Error(`not well-formed: bare "${m[0]}" at ${m.index}: …${body.slice(m.index - 40, m.index + 40)}…`);
    if (stack.length === 0) outside += body.slice(last, m.index);
    last = tag.lastIndex;
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(m[3])) throw new Error(`bare & in an attribute of <${m[2]}>`);
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}>`);
    } else {
      if (stack.length === 0) roots++;
      if (!m[4]) stack.push(m[2]);
    }
  }
  outside += body.slice(last);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(outside.trim()).toBe('');
}

/** Sums of each count over the rows of a breakdown. */
function sums(rows: BreakdownBody['rows']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    for (const k of COUNTS) out[k] = (out[k] ?? 0) + (r.figures[k] ?? 0);
    for (const o of OUTCOMES) out[`closed.${o}`] = (out[`closed.${o}`] ?? 0) + (r.figures.closed[o] ?? 0);
  }
  return out;
}
const countsOf = (f: Figures): Record<string, number | null> => ({
  ...Object.fromEntries(COUNTS.map((k) => [k, f[k]])),
  ...Object.fromEntries(OUTCOMES.map((o) => [`closed.${o}`, f.closed[o]])),
});

describe('statistics breakdowns, CSV/XLSX exports, SVG charts and the plenary report (e2e)', () => {
  let app: ApiTestApp | undefined;
  let env: TestEnvironment;
  let api: INestApplication;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const auth: Record<string, { Authorization: string }> = {};
  let canaryId: string;
  const get = (url: string, login = 'admin') => request(api.getHttpServer()).get(url).set(auth[login]);
  /** The answer's bytes, untouched (BOM included). */
  const raw = (url: string, login = 'admin') =>
    get(url, login)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  /** The answer as UTF-8 text, whatever its media type (supertest leaves image/svg+xml unread). */
  const text = async (url: string, login = 'admin') => {
    const res = await raw(url, login).expect(200);
    return { res, text: (res.body as Buffer).toString('utf8') };
  };

  beforeAll(async () => {
    app = await startApiTestApp('statistics', { clock, withWorker: false });
    ({ env, api } = app);
    for (const login of ['admin', 'officer.ng', 'secretariat.wacap', 'secretariat.casc']) auth[login] = await app.auth(login);
    expect(await api.get(RegisterImportService).importHistory(REGISTER)).toMatchObject({ imported: 201, rejected: [] });
    await env.sql(`update state set name = $1 where code = 'CI'`, [IVORY_COAST]);
    await env.sql(`update state set name = $1 where code = 'GW'`, [FORMULA]);
    // A confidential request (UNTOC 18(20)) with the canary in its subject and facts, transmitted in 2026.
    const r = await request(api.getHttpServer())
      .post('/api/v1/requests')
      .set(auth['officer.ng'])
      .send({
        network: 'WACAP',
        requestingState: 'NG',
        requestedState: 'GH',
        requestType: 'MLA',
        urgent: false,
        confidential: true,
        offences: ['CORRUPTION'],
        measures: ['FINANCIAL_RECORDS'],
        subject: `${CANARY} subject`,
        factsSummary: `${CANARY}: transfers through a bank`,
      })
      .expect(201);
    canaryId = r.body.id;
    await request(api.getHttpServer())
      .post(`/api/v1/requests/${r.body.id}/events`)
      .set(auth['officer.ng'])
      .set('If-Match', `"${r.body.version}"`)
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  it('breaks the 2021 figures down by requesting State, requested State and request type: the rows add up to the published totals', async () => {
    const register = parse(REGISTER, { columns: true }) as Array<Record<string, string>>;
    const in2021 = (d: string) => d.startsWith('2021-');
    for (const by of ['requestingState', 'requestedState', 'requestType']) {
      const b: BreakdownBody = (await get(`/api/v1/statistics/breakdown?year=2021&by=${by}`).expect(200)).body;
      expect(b.total).toEqual({
        facilitated: 119,
        transmitted: 111,
        acknowledged: 106,
        closed: { EXECUTED: 48, PARTIALLY_EXECUTED: 4, REFUSED: 3, WITHDRAWN: 9, LAPSED: 0 },
        pendingAtYearEnd: 80,
        medianDaysToAcknowledge: 13,
        medianDaysToClose: 185.5,
      });
      expect({ by, sums: sums(b.rows) }).toEqual({ by, sums: countsOf(b.total) });
      const keys = b.rows.map((r) => r.key);
      expect(keys).toEqual([...keys].sort());
      // each row's counts, recomputed from the register file itself
      const column = { requestingState: 'requesting_state', requestedState: 'requested_state', requestType: 'request_type' }[by]!;
      for (const row of b.rows) {
        const cases = register.filter((c) => c[column] === row.key);
        expect({ by, key: row.key, facilitated: row.figures.facilitated, transmitted: row.figures.transmitted }).toEqual({
          by,
          key: row.key,
          facilitated: cases.filter((c) => in2021(c.facilitated_on)).length,
          transmitted: cases.filter((c) => in2021(c.transmitted_on)).length,
        });
      }
    }
    const types: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestType').expect(200)).body;
    expect(types.rows.map((r) => [r.key, r.name, r.figures.transmitted])).toEqual([
      ['ASSET_RECOVERY', null, expect.any(Number)],
      ['EXTRADITION', null, expect.any(Number)],
      ['MLA', null, expect.any(Number)],
    ]);
    const states: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState').expect(200)).body;
    expect(states.rows.find((r) => r.key === 'GH')!.name).toBe('Ghana');
    expect(states.rows.find((r) => r.key === 'CI')!.name).toBe(IVORY_COAST);
    // one network: the total is that network's yearly figures
    const wacap: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestType&network=wacap').expect(200)).body;
    expect(wacap.network).toBe('WACAP');
    expect(wacap.total).toMatchObject({ facilitated: 32, transmitted: 26, acknowledged: 24, pendingAtYearEnd: 18, medianDaysToAcknowledge: 11.5 });
    expect(sums(wacap.rows)).toEqual(countsOf(wacap.total));
  });

  it('counts a case once under each of its offences and measures, NONE when it has none', async () => {
    const offences: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=offence').expect(200)).body;
    const measures: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=measure').expect(200)).body;
    expect(offences.total.transmitted).toBe(111);
    expect(sums(offences.rows).transmitted).toBeGreaterThan(111); // cases with two offences count twice
    expect(measures.rows.map((r) => r.key)).toContain('NONE');
    const register = parse(REGISTER, { columns: true }) as Array<Record<string, string>>;
    const moneyLaundering = register.filter((c) => c.offences.split(';').includes('MONEY_LAUNDERING') && c.transmitted_on.startsWith('2021-')).length;
    expect(offences.rows.find((r) => r.key === 'MONEY_LAUNDERING')!.figures.transmitted).toBe(moneyLaundering);
    const noMeasure = register.filter((c) => c.measures === '' && c.transmitted_on.startsWith('2021-')).length;
    expect(measures.rows.find((r) => r.key === 'NONE')!.figures.transmitted).toBe(noMeasure);
  });

  it('exports CSV with a BOM, CRLF and RFC 4180 quoting: read back, the same values; names with commas, quotes and accents survive; a formula is neutralised', async () => {
    const json: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState').expect(200)).body;
    const res = await raw('/api/v1/statistics/breakdown?year=2021&by=requestedState&format=csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="rogatory-all-2021-requestedState.csv"');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    const rows = parse(bytes, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'year',
      'network',
      'by',
      'key',
      'name',
      'facilitated',
      'transmitted',
      'acknowledged',
      'closed_EXECUTED',
      'closed_PARTIALLY_EXECUTED',
      'closed_REFUSED',
      'closed_WITHDRAWN',
      'closed_LAPSED',
      'pendingAtYearEnd',
      'medianDaysToAcknowledge',
      'medianDaysToClose',
    ]);
    const expected = [
      ...json.rows.map((r) => [
        '2021',
        'ALL',
        'requestedState',
        r.key,
        r.key === 'GW' ? `'${FORMULA}` : (r.name ?? ''),
        ...figureCells(r.figures).map((v) => (v === null ? '' : String(v))),
      ]),
      ['2021', 'ALL', 'requestedState', 'TOTAL', '', ...figureCells(json.total).map((v) => (v === null ? '' : String(v)))],
    ];
    expect(rows.slice(1)).toEqual(expected);
    expect(rows.find((r) => r[3] === 'CI')![4]).toBe(IVORY_COAST);
    expect(rows.find((r) => r[3] === 'GW')![4]).toBe("'=1+1");
    expect(text).toContain('"Côte d\'Ivoire, ""République"""');
    // yearly figures: the published 2021 totals, the file named after the network asked for
    const yearly = await raw('/api/v1/statistics/yearly?year=2021&format=csv').expect(200);
    expect(yearly.headers['content-disposition']).toBe('attachment; filename="rogatory-all-2021-yearly.csv"');
    const y = parse(yearly.body as Buffer, { bom: true }) as string[][];
    expect(y.find((r) => r[1] === 'TOTAL')).toEqual(['2021', 'TOTAL', '119', '111', '106', '48', '4', '3', '9', '0', '80', '13', '185.5']);
    const casc = await raw('/api/v1/statistics/yearly?year=2021&format=csv', 'secretariat.casc').expect(200);
    expect(casc.headers['content-disposition']).toBe('attachment; filename="rogatory-casc-2021-yearly.csv"');
    // a secretariat's suppressed figures are empty cells (CASC 2021: 1 refused, 1 withdrawn)
    expect((parse(casc.body as Buffer, { bom: true }) as string[][])[1]).toEqual(['2021', 'CASC', '18', '15', '14', '9', '0', '', '', '0', '9', '14.5', '178']);
  });

  it('exports XLSX: one sheet, bold header, numbers as numbers, suppressed figures as empty cells', async () => {
    const json: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestType').expect(200)).body;
    const res = await raw('/api/v1/statistics/breakdown?year=2021&by=requestType&format=xlsx').expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="rogatory-all-2021-requestType.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    expect(wb.worksheets).toHaveLength(1);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    const values = (i: number) => (ws.getRow(i).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      'year',
      'network',
      'by',
      'key',
      'facilitated',
      'transmitted',
      'acknowledged',
      ...OUTCOMES.map((o) => `closed_${o}`),
      'pendingAtYearEnd',
      'medianDaysToAcknowledge',
      'medianDaysToClose',
    ]);
    json.rows.forEach((r, i) => expect(values(i + 2)).toEqual([2021, 'ALL', 'requestType', r.key, ...figureCells(r.figures)]));
    expect(values(json.rows.length + 2)).toEqual([2021, 'ALL', 'requestType', 'TOTAL', 119, 111, 106, 48, 4, 3, 9, 0, 80, 13, 185.5]);
    expect(ws.rowCount).toBe(json.rows.length + 2);
    // a secretariat's export: the suppressed cells are empty (null), the others numbers
    const s: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState', 'secretariat.casc').expect(200)).body;
    const sx = await raw('/api/v1/statistics/breakdown?year=2021&by=requestedState&format=xlsx', 'secretariat.casc').expect(200);
    const swb = new ExcelJS.Workbook();
    await swb.xlsx.load(sx.body as never);
    const sws = swb.worksheets[0];
    s.rows.forEach((r, i) => {
      const cells = Array.from({ length: 16 }, (_, j) => sws.getRow(i + 2).getCell(j + 1).value);
      expect(cells.slice(0, 5)).toEqual([2021, 'CASC', 'requestedState', r.key, r.name]);
      expect(cells.slice(5)).toEqual(figureCells(r.figures));
    });
    expect(s.rows.some((r) => r.figures.transmitted === null)).toBe(true);
  });

  it('suppresses small counts in a secretariat breakdown exactly as in the yearly figures', async () => {
    const s: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState', 'secretariat.casc').expect(200)).body;
    const a: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState&network=CASC').expect(200)).body;
    expect(s.minCount).toBe(3);
    expect(s.network).toBe('CASC');
    expect(s.rows.map((r) => r.key)).toEqual(a.rows.map((r) => r.key));
    for (const [i, row] of a.rows.entries()) {
      const full = countsOf(row.figures);
      const served = countsOf(s.rows[i].figures);
      for (const [k, v] of Object.entries(full)) {
        const hidden = v! > 0 && v! < 3;
        expect({ key: row.key, figure: k, served: served[k] }).toEqual({ key: row.key, figure: k, served: hidden ? null : v });
        expect(s.suppressed!.includes(`rows.${row.key}.${k}`)).toBe(hidden);
      }
    }
    expect(s.total).toMatchObject({ facilitated: 18, transmitted: 15, closed: expect.objectContaining({ REFUSED: null, WITHDRAWN: null }) });
    // an officer's breakdown is not suppressed
    const o: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestedState', 'officer.ng').expect(200)).body;
    expect(o.suppressed).toBeUndefined();
    expect(o.rows.some((r) => r.figures.transmitted === 1)).toBe(true);
  });

  it('counts a confidential request under CONFIDENTIAL, not its offences or measures, for a secretariat or an administrator', async () => {
    const admin: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2026&by=offence').expect(200)).body;
    expect(admin.rows.find((r) => r.key === 'CONFIDENTIAL')!.figures).toMatchObject({ transmitted: 1, pendingAtYearEnd: 1 });
    expect(admin.rows.find((r) => r.key === 'CORRUPTION')?.figures.transmitted ?? 0).toBe(0);
    const measures: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2026&by=measure').expect(200)).body;
    expect(measures.rows.find((r) => r.key === 'CONFIDENTIAL')!.figures.transmitted).toBe(1);
    expect(measures.rows.find((r) => r.key === 'FINANCIAL_RECORDS')?.figures.transmitted ?? 0).toBe(0);
    const secretariat: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2026&by=offence', 'secretariat.wacap').expect(200)).body;
    expect(secretariat.rows.find((r) => r.key === 'CONFIDENTIAL')!.figures.transmitted).toBeNull(); // 1: suppressed
    expect(secretariat.rows.find((r) => r.key === 'CORRUPTION')?.figures.transmitted ?? 0).toBe(0);
    // the requesting State's officer (FULL view) sees its offence
    const officer: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2026&by=offence', 'officer.ng').expect(200)).body;
    expect(officer.rows.map((r) => r.key)).not.toContain('CONFIDENTIAL');
    expect(officer.rows.find((r) => r.key === 'CORRUPTION')!.figures.transmitted).toBe(1);
  });

  it('counts a request linked to another network in both networks, and once in the total', async () => {
    const before = (await get('/api/v1/statistics/yearly?year=2021').expect(200)).body;
    await env.sql(`update mla_request set linked_networks = '{CASC}' where reference = 'SEAJUST/2021/006'`);
    try {
      const after = (await get('/api/v1/statistics/yearly?year=2021').expect(200)).body;
      expect(after.networks.SEAJUST).toEqual(before.networks.SEAJUST);
      expect(after.total).toEqual(before.total);
      expect(after.networks.CASC).toMatchObject({
        facilitated: before.networks.CASC.facilitated + 1,
        transmitted: before.networks.CASC.transmitted + 1,
        acknowledged: before.networks.CASC.acknowledged + 1,
        closed: { ...before.networks.CASC.closed, EXECUTED: before.networks.CASC.closed.EXECUTED + 1 },
      });
      expect(after.networks.CASC.facilitated).toBe(19);
      const casc: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestingState&network=CASC').expect(200)).body;
      expect(casc.total.facilitated).toBe(19);
      expect(casc.rows.find((r) => r.key === 'TH')!.figures.facilitated).toBeGreaterThanOrEqual(1);
      const all: BreakdownBody = (await get('/api/v1/statistics/breakdown?year=2021&by=requestingState').expect(200)).body;
      expect(all.total.facilitated).toBe(119);
      // the CASC secretariat counts it too (its scope includes requests linked to CASC)
      expect((await get('/api/v1/statistics/yearly?year=2021', 'secretariat.casc').expect(200)).body.networks.CASC.facilitated).toBe(19);
    } finally {
      await env.sql(`update mla_request set linked_networks = '{}' where reference = 'SEAJUST/2021/006'`);
    }
  });

  it('draws the yearly counts as an SVG bar chart: well-formed, accessible, one bar per year and series, gaps for suppressed figures', async () => {
    const { res, text: svg } = await text('/api/v1/statistics/charts/yearly-counts.svg?from=2019&to=2022');
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expectWellFormedXml(svg);
    expect(svg).toMatch(/<svg [^>]*role="img"[^>]*viewBox="0 0 720 380"/);
    expect(svg).toMatch(/<title id="chart-title">Cases per year, all networks, 2019–2022<\/title>/);
    for (const y of ['2019', '2020', '2021', '2022']) expect(svg).toContain(`>${y}</text>`);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(16);
    expect(svg).toContain('<title>2021, transmitted: 111</title>');
    expect(svg).toContain('<title>2021, facilitated: 119</title>');
    expect(svg).toContain('<title>2021, closed (all outcomes): 64</title>');
    expect(svg).not.toContain('Gaps:');
    // a secretariat: its network; suppressed figures are gaps, with a note
    const years = await Promise.all(
      [2019, 2020, 2021, 2022].map(async (y) => (await get(`/api/v1/statistics/yearly?year=${y}`, 'secretariat.casc')).body.total as Figures),
    );
    const drawn = years
      .flatMap((f) => [f.transmitted, f.acknowledged, OUTCOMES.some((o) => f.closed[o] === null) ? null : 1, f.facilitated])
      .filter((v) => v !== null);
    const casc = (await text('/api/v1/statistics/charts/yearly-counts.svg?from=2019&to=2022', 'secretariat.casc')).text;
    expectWellFormedXml(casc);
    expect(casc.match(/<rect class="bar"/g)?.length ?? 0).toBe(drawn.length);
    expect(drawn.length).toBeLessThan(16);
    expect(casc).toContain('Gaps: figure suppressed');
    expect(casc).toContain('Cases per year, CASC, 2019–2022');
  });

  it('draws the median durations as an SVG line chart, one point per year and median, gaps where there is none', async () => {
    const years = await Promise.all(
      [2018, 2019, 2020, 2021, 2022].map(async (y) => (await get(`/api/v1/statistics/yearly?year=${y}&network=WACAP`)).body.total as Figures),
    );
    const { text: svg } = await text('/api/v1/statistics/charts/durations.svg?from=2018&to=2022&network=WACAP');
    expectWellFormedXml(svg);
    for (const y of ['2018', '2019', '2020', '2021', '2022']) expect(svg).toContain(`>${y}</text>`);
    const points = years.flatMap((f) => [f.medianDaysToAcknowledge, f.medianDaysToClose]).filter((v) => v !== null);
    expect(svg.match(/<circle class="point"/g)?.length ?? 0).toBe(points.length);
    expect(svg).toContain('<title>2021, median days to acknowledge: 11.5 calendar days</title>');
    expect(svg).toContain('<title>2021, median days to close: 208.5 calendar days</title>');
    expect(svg).toContain('calendar days (median)');
    expect(svg).toContain('Gaps:'); // 2018: no case
  });

  it('the plenary report is one self-contained HTML page with the figures, the breakdown, both charts and the definitions', async () => {
    const res = await get('/api/v1/statistics/plenary-report?year=2021', 'secretariat.wacap').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toMatch(/script-src/);
    const html = res.text;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('West African Network of Central Authorities and Prosecutors against Organized Crime (WACAP)');
    expect(html).toContain('calendar year 2021');
    // the figures of WACAP 2021, as the yearly route serves them to this secretariat
    const y = (await get('/api/v1/statistics/yearly?year=2021', 'secretariat.wacap').expect(200)).body.total as Figures;
    expect(html).toContain(`<tr><td>facilitated</td><td>${y.facilitated}</td></tr>`);
    expect(html).toContain(`<tr><td>transmitted</td><td>${y.transmitted}</td></tr>`);
    expect(html).toContain(`<tr><td>pending at year end</td><td>${y.pendingAtYearEnd}</td></tr>`);
    expect(html).toContain(`<tr><td>median days to acknowledge</td><td>${y.medianDaysToAcknowledge}</td></tr>`);
    // by requested State: CI with its planted name, escaped
    expect(html).toContain('<td>CI</td><td class="name">Côte d&apos;Ivoire, &quot;République&quot;</td>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('id="counts-title"');
    expect(html).toContain('id="durations-title"');
    expect(html).toContain('>pending at year end</dt>');
    expect(html).toContain('cases transmitted on or before 31 December of the year and not closed by then.');
    expect(html).toContain('Generated 2026-03-02 10:00:00 UTC');
    expect(html).toContain('Counts only, no case contents.');
    // self-contained: no script, no external resource
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
    const admin = (await get('/api/v1/statistics/plenary-report?year=2021').expect(200)).text;
    expect(admin).toContain('All networks in your scope');
    expect(admin).toContain('<tr><td>facilitated</td><td>32</td><td>26</td><td>18</td><td>43</td><td>119</td></tr>');
  });

  it('never shows case contents: the canary appears in no output to a secretariat or an administrator', async () => {
    const urls = [
      ...['requestingState', 'requestedState', 'requestType', 'offence', 'measure'].flatMap((by) => [
        `/api/v1/statistics/breakdown?year=2026&by=${by}`,
        `/api/v1/statistics/breakdown?year=2026&by=${by}&format=csv`,
      ]),
      '/api/v1/statistics/yearly?year=2026&format=csv',
      '/api/v1/statistics/charts/yearly-counts.svg?from=2020&to=2026',
      '/api/v1/statistics/charts/durations.svg?from=2020&to=2026',
      '/api/v1/statistics/plenary-report?year=2026',
    ];
    for (const login of ['secretariat.wacap', 'admin'])
      for (const url of urls) {
        const body = (await text(url, login)).text;
        expect({ login, url, leaked: body.includes(CANARY) }).toEqual({ login, url, leaked: false });
      }
    // the XLSX export, cell by cell
    for (const login of ['secretariat.wacap', 'admin']) {
      const x = await raw('/api/v1/statistics/breakdown?year=2026&by=offence&format=xlsx', login).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.body as never);
      const cells: string[] = [];
      wb.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
      expect(cells.some((c) => c.includes(CANARY))).toBe(false);
      expect(cells).toContain('CONFIDENTIAL');
    }
    // the positive control: the canary is in the database, readable by the requesting officer
    const own = await get(`/api/v1/requests/${canaryId}`, 'officer.ng').expect(200);
    expect(own.body.subject).toBe(`${CANARY} subject`);
  });

  it("a secretariat gets 404 for another network's statistics on every route", async () => {
    for (const url of [
      '/api/v1/statistics/breakdown?year=2021&by=requestedState&network=CASC',
      '/api/v1/statistics/breakdown?year=2021&by=requestedState&network=CASC&format=csv',
      '/api/v1/statistics/yearly?year=2021&network=CASC&format=xlsx',
      '/api/v1/statistics/charts/yearly-counts.svg?from=2020&to=2021&network=CASC',
      '/api/v1/statistics/charts/durations.svg?from=2020&to=2021&network=CASC',
      '/api/v1/statistics/plenary-report?year=2021&network=CASC',
    ]) {
      const res = await get(url, 'secretariat.wacap');
      expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({
        url,
        status: 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
    }
    await get('/api/v1/statistics/plenary-report?year=2021&network=wacap', 'secretariat.wacap').expect(200);
  });

  it('refuses bad queries with 400 naming the field', async () => {
    const cases: Array<[string, Array<{ field: string; reason: unknown }>]> = [
      ['/api/v1/statistics/breakdown?year=2021', [{ field: 'by', reason: expect.stringContaining('requestingState') }]],
      ['/api/v1/statistics/breakdown?year=2021&by=colour', [{ field: 'by', reason: expect.stringContaining('"colour" is not one of') }]],
      ['/api/v1/statistics/breakdown?year=2021&by=offence&format=pdf', [{ field: 'format', reason: 'must be json, csv or xlsx' }]],
      ['/api/v1/statistics/breakdown?year=21&by=offence', [{ field: 'year', reason: 'is required, a year YYYY' }]],
      ['/api/v1/statistics/breakdown?year=2021&by=offence&network=EU', [{ field: 'network', reason: expect.stringContaining('"EU" is not one of') }]],
      ['/api/v1/statistics/breakdown?year=2021&by=offence&by=measure', [{ field: 'by', reason: 'give it once' }]],
      ['/api/v1/statistics/breakdown?year=2021&by=offence&sort=key', [{ field: 'sort', reason: 'is not a parameter (year, by, network, format)' }]],
      ['/api/v1/statistics/yearly?year=2021&format=pdf', [{ field: 'format', reason: 'must be json, csv or xlsx' }]],
      ['/api/v1/statistics/charts/yearly-counts.svg?from=2000&to=2020', [{ field: 'to', reason: expect.stringContaining('at most 20 years') }]],
      ['/api/v1/statistics/charts/durations.svg?from=2021&to=2020', [{ field: 'to', reason: expect.stringContaining('must not be before from') }]],
      ['/api/v1/statistics/charts/durations.svg?to=2020', [{ field: 'from', reason: 'is required, a year YYYY' }]],
      ['/api/v1/statistics/plenary-report', [{ field: 'year', reason: 'is required, a year YYYY' }]],
    ];
    for (const [url, errors] of cases) {
      const res = await get(url);
      expect({ url, status: res.status, errors: res.body.errors }).toEqual({ url, status: 400, errors });
    }
    // twenty years is the limit, included
    await get('/api/v1/statistics/charts/yearly-counts.svg?from=2002&to=2021').expect(200);
  });

  it('audits every read and export with what was asked', async () => {
    const [{ id }] = await env.sql<{ id: string }>(`select id from app_user where login = 'secretariat.casc'`);
    await get('/api/v1/statistics/breakdown?year=2021&by=measure&format=csv', 'secretariat.casc').expect(200);
    await get('/api/v1/statistics/charts/durations.svg?from=2020&to=2021', 'secretariat.casc').expect(200);
    await get('/api/v1/statistics/plenary-report?year=2021', 'secretariat.casc').expect(200);
    await get('/api/v1/statistics/breakdown?year=2021&by=measure', 'secretariat.casc').expect(200);
    const rows = await env.sql<{ action: string; detail: Record<string, unknown> }>(
      `select action, entry->'detail' as detail from audit_log where user_id = $1 order by seq desc limit 4`,
      [id],
    );
    expect(rows.reverse()).toEqual([
      { action: 'STATISTICS_EXPORTED', detail: { year: 2021, network: 'CASC', by: 'measure', format: 'csv' } },
      { action: 'STATISTICS_EXPORTED', detail: { from: 2020, to: 2021, network: 'CASC', chart: 'durations', format: 'svg' } },
      { action: 'STATISTICS_EXPORTED', detail: { year: 2021, network: 'CASC', format: 'html', report: 'plenary' } },
      { action: 'STATISTICS_READ', detail: { year: 2021, network: 'CASC', by: 'measure', format: 'json' } },
    ]);
  });
});
