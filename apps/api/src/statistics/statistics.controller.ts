import { applyDecorators, Controller, Get, Header, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  attachmentDisposition,
  BREAKDOWN_DIMENSIONS,
  breakdownTable,
  CaseAccessService,
  CSV_CONTENT_TYPE,
  durationsChart,
  MAX_YEAR_RANGE,
  renderPlenaryReport,
  ValidationFailedError,
  writeCsv,
  writeXlsx,
  XLSX_CONTENT_TYPE,
  yearlyCountsChart,
  yearlyTable,
  type FieldError,
  type Principal,
  type ScopedBreakdown,
  type ScopedStatistics,
  type Table,
} from '@rogatory/domain';
import { NETWORK_CODES } from '@rogatory/workflow';
import type { Response } from 'express';
import { ANY_ROLE, CurrentPrincipal, FORBIDDEN_RESPONSE, Roles, UNAUTHENTICATED_RESPONSE } from '../auth/access.decorators';

const PROBLEM = { description: 'application/problem+json naming the field and the reason' };
const NOT_FOUND = { status: 404, description: "application/problem+json: a secretariat asked for another network's statistics" };
const SVG_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

/** The route and OpenAPI description shared by the chart routes: GET `path`?from=YYYY&to=YYYY[&network=CODE], an SVG document, not cached. */
function ChartRoute(path: string, summary: string): MethodDecorator {
  return applyDecorators(
    Get(path),
    Header('Cache-Control', 'no-store'),
    ApiOperation({ summary }),
    ApiQuery({ name: 'from', required: true, example: 2017 }),
    ApiQuery({ name: 'to', required: true, example: 2021, description: `at most ${MAX_YEAR_RANGE} years after from, included` }),
    ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES }),
    ApiProduces('image/svg+xml'),
    ApiOkResponse({ description: 'SVG document' }),
    ApiResponse({ status: 400, ...PROBLEM }),
    ApiResponse(UNAUTHENTICATED_RESPONSE),
    ApiResponse(FORBIDDEN_RESPONSE),
    ApiResponse(NOT_FOUND),
  );
}
/**
 * Content-Security-Policy of the plenary report page: its inline CSS (and the inline SVG's presentation
 * attributes) and data: images, nothing else (no script, no fetch, no external resource, no framing).
 */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

type Format = 'json' | 'csv' | 'xlsx';
type Query = Record<string, unknown>;

/**
 * Checks a statistics query: only the `allowed` parameters, each given once, `year`/`from`/`to` as
 * YYYY, `by` one of BREAKDOWN_DIMENSIONS, `format` one of `formats`. Returns the field errors (empty when fine).
 */
function checkQuery(q: Query, allowed: string[], required: string[], formats: Format[] = []): FieldError[] {
  const errors: FieldError[] = [];
  for (const k of Object.keys(q)) if (!allowed.includes(k)) errors.push({ field: k, reason: `is not a parameter (${allowed.join(', ')})` });
  for (const k of ['year', 'from', 'to'])
    if (allowed.includes(k) && (required.includes(k) || q[k] !== undefined) && (typeof q[k] !== 'string' || !/^\d{4}$/.test(q[k] as string)))
      errors.push({ field: k, reason: `is required, a year YYYY` });
  for (const k of ['network', 'by'])
    if (allowed.includes(k) && q[k] !== undefined && typeof q[k] !== 'string') errors.push({ field: k, reason: 'give it once' });
  if (allowed.includes('by') && q.by === undefined) errors.push({ field: 'by', reason: `is required, one of ${BREAKDOWN_DIMENSIONS.join(', ')}` });
  else if (typeof q.by === 'string' && !(BREAKDOWN_DIMENSIONS as readonly string[]).includes(q.by))
    errors.push({ field: 'by', reason: `"${q.by}" is not one of ${BREAKDOWN_DIMENSIONS.join(', ')}` });
  if (q.format !== undefined && !(formats as unknown[]).includes(q.format))
    errors.push({ field: 'format', reason: `must be ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}` });
  return errors;
}

/** File name of an export: `rogatory-<network|all>-<year>-<what>.<ext>`. */
function fileName(network: string | null | undefined, year: string | number, what: string, ext: string): string {
  return `rogatory-${(network ?? 'all').toLowerCase()}-${year}-${what}.${ext}`;
}

/** The network yearly statistics are about: the only one in `networks` when a network was asked for (or is a secretariat's), else null. */
function networkOf(s: ScopedStatistics, asked: unknown): string | null {
  const keys = Object.keys(s.networks);
  return typeof asked === 'string' || keys.length === 1 ? keys[0] : null;
}

/**
 * Statistics of DOMAIN.md §5 for every signed-in role, counted over the requests in the caller's scope
 * through CaseAccessService (a secretariat: its own network, small counts suppressed): yearly figures,
 * breakdowns, CSV and XLSX exports, SVG charts and the one-page plenary report. Every read and export is
 * audited (STATISTICS_READ, STATISTICS_EXPORTED). Counts only, never case contents.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Roles(...ANY_ROLE)
@Controller('api/v1/statistics')
export class StatisticsController {
  constructor(private readonly cases: CaseAccessService) {}

  /**
   * GET /api/v1/statistics/yearly?year=YYYY[&network=CODE][&format=json|csv|xlsx]: the figures of DOMAIN.md §5
   * for calendar year YYYY, `{ year, networks: { WACAP, SEAJUST, CASC, OTHER }, total }`, medians in
   * calendar days, counted over the requests in the signed-in user's scope (a request counts under its
   * network and each linked network, once in the total); for a secretariat, its own network only, counts
   * from 1 to STATISTICS_MIN_COUNT - 1 null and listed in `suppressed`. `format=csv`: UTF-8 with BOM, CRLF,
   * header row `year,network,facilitated,…`, one row per network and TOTAL, as an attachment
   * `rogatory-<network|all>-<year>-yearly.csv`; `format=xlsx`: the same table as a workbook. 400
   * problem+json for a bad year, network or format; 404 for another network's statistics (secretariat).
   */
  @Get('yearly')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Yearly statistics (DOMAIN.md §5)' })
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'] })
  @ApiProduces('application/json', 'text/csv', XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: '{ year, networks, total } (and, for a secretariat, suppressed, minCount); or the CSV / XLSX file' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async yearly(
    @CurrentPrincipal() p: Principal,
    @Query() q: Query,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScopedStatistics | string | StreamableFile> {
    const errors = checkQuery(q, ['year', 'network', 'format'], ['year'], ['json', 'csv', 'xlsx']);
    if (errors.length) throw new ValidationFailedError(errors);
    const format = (q.format ?? 'json') as Format;
    const stats = await this.cases.statistics(p, Number(q.year), q.network as string | undefined, format);
    if (format === 'json') return stats;
    return this.file(res, yearlyTable(stats), format, fileName(networkOf(stats, q.network), stats.year, 'yearly', format), `${stats.year} yearly`);
  }

  /**
   * GET /api/v1/statistics/breakdown?year=YYYY&by=requestingState|requestedState|requestType|offence|measure
   * [&network=CODE][&format=json|csv|xlsx]: the figures of DOMAIN.md §5 for calendar year YYYY per key of
   * the dimension `by`, `{ year, by, network, rows: [{ key, name, figures }], total }` (rows sorted by key,
   * rows of zeros left out; `name`: the State's name for a State dimension, else null; medians in calendar
   * days). Offences and measures are lists: a case counts once under each of its codes (so those rows may
   * add up to more than the total, which counts each case once), under `NONE` when it has none, and for a
   * secretariat or administrator a confidential case (UNTOC art. 18(20)) counts under `CONFIDENTIAL`
   * instead. A secretariat gets its own network with small counts suppressed (null, listed in
   * `suppressed`). CSV/XLSX as for `yearly`, file `rogatory-<network|all>-<year>-<by>.<ext>`. 400 naming
   * `year`, `by`, `network` or `format`; 404 for another network (secretariat).
   */
  @Get('breakdown')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Statistics broken down by requesting State, requested State, request type, offence or measure (DOMAIN.md §5)' })
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'by', required: true, enum: BREAKDOWN_DIMENSIONS })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'] })
  @ApiProduces('application/json', 'text/csv', XLSX_CONTENT_TYPE)
  @ApiOkResponse({
    description: '{ year, by, network, rows: [{ key, name, figures }], total } (and, for a secretariat, suppressed, minCount); or the CSV / XLSX file',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async breakdown(
    @CurrentPrincipal() p: Principal,
    @Query() q: Query,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScopedBreakdown | string | StreamableFile> {
    const errors = checkQuery(q, ['year', 'by', 'network', 'format'], ['year'], ['json', 'csv', 'xlsx']);
    if (errors.length) throw new ValidationFailedError(errors);
    const format = (q.format ?? 'json') as Format;
    const b = await this.cases.breakdown(p, Number(q.year), q.by as string, q.network as string | undefined, format);
    if (format === 'json') return b;
    return this.file(res, breakdownTable(b), format, fileName(b.network, b.year, b.by, format), `${b.year} ${b.by}`);
  }

  /**
   * GET /api/v1/statistics/charts/yearly-counts.svg?from=YYYY&to=YYYY[&network=CODE]: a grouped bar chart
   * (SVG, 720 wide) of the cases transmitted, acknowledged, closed (all outcomes) and facilitated in each
   * calendar year from `from` to `to` (at most 20 years), for a secretariat's plenary report: title,
   * legend, axes, `role="img"` with `<title>` and `<desc>`; a suppressed figure is a gap with a note. 400
   * naming `from`, `to` or `network`; 404 for another network (secretariat).
   */
  @ChartRoute('charts/yearly-counts.svg', 'Chart: cases per calendar year (SVG)')
  async yearlyCountsChart(@CurrentPrincipal() p: Principal, @Query() q: Query, @Res({ passthrough: true }) res: Response): Promise<string> {
    return this.chart(p, q, res, 'yearly-counts', (years, title, minCount) => yearlyCountsChart(years, { title: `Cases per year${title}`, minCount }));
  }

  /**
   * GET /api/v1/statistics/charts/durations.svg?from=YYYY&to=YYYY[&network=CODE]: a line chart (SVG, 720
   * wide) of the median calendar days from transmission to acknowledgement and to closure in each
   * calendar year from `from` to `to` (at most 20 years); a year without a median, or with it suppressed,
   * is a gap with a note. Errors as yearly-counts.svg.
   */
  @ChartRoute('charts/durations.svg', 'Chart: median calendar days to acknowledge and to close per calendar year (SVG)')
  async durationsChart(@CurrentPrincipal() p: Principal, @Query() q: Query, @Res({ passthrough: true }) res: Response): Promise<string> {
    return this.chart(p, q, res, 'durations', (years, title, minCount) =>
      durationsChart(years, { title: `Median calendar days from transmission${title}`, minCount }),
    );
  }

  /**
   * GET /api/v1/statistics/plenary-report?year=YYYY[&network=CODE]: the one-page plenary report of
   * calendar year YYYY as a self-contained HTML page (text/html): the network's name, the figures, the
   * breakdown by requested State, the two charts of the five years up to YYYY inline, the definitions of
   * DOMAIN.md §5, the time generated (UTC); counts only, no case contents. Inline CSS, no script, no
   * external resource, served with its own Content-Security-Policy (inline styles only). A secretariat
   * gets its own network (small counts suppressed); without `network`, others get every network in
   * their scope. 400 naming `year` or `network`; 404 for another network (secretariat).
   */
  @Get('plenary-report')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One-page plenary report (HTML)' })
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'network', required: false, enum: NETWORK_CODES })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse(UNAUTHENTICATED_RESPONSE)
  @ApiResponse(FORBIDDEN_RESPONSE)
  @ApiResponse(NOT_FOUND)
  async plenaryReport(@CurrentPrincipal() p: Principal, @Query() q: Query, @Res({ passthrough: true }) res: Response): Promise<string> {
    const errors = checkQuery(q, ['year', 'network'], ['year']);
    if (errors.length) throw new ValidationFailedError(errors);
    const data = await this.cases.plenaryReport(p, Number(q.year), q.network as string | undefined);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', REPORT_CSP);
    res.setHeader('Content-Disposition', `inline; filename="${fileName(data.network?.code, data.year, 'plenary-report', 'html')}"`);
    return renderPlenaryReport(data);
  }

  /** A chart route: checks from/to/network, reads the years through CaseAccessService (audited), renders, serves SVG. */
  private async chart(
    p: Principal,
    q: Query,
    res: Response,
    name: string,
    render: (years: Array<{ year: number; figures: ScopedStatistics['total'] }>, title: string, minCount: number | null) => string,
  ): Promise<string> {
    const errors = checkQuery(q, ['from', 'to', 'network'], ['from', 'to']);
    if (errors.length) throw new ValidationFailedError(errors);
    const s = await this.cases.statisticsSeries(p, Number(q.from), Number(q.to), q.network as string | undefined, name);
    const title = `, ${s.network ?? 'all networks'}, ${q.from}–${q.to}`;
    const svg = render(
      s.years.map((y) => ({ year: y.year, figures: y.total })),
      title,
      s.minCount,
    );
    res.setHeader('Content-Type', SVG_CONTENT_TYPE);
    res.setHeader('Content-Disposition', `inline; filename="${fileName(s.network, `${q.from}-${q.to}`, name, 'svg')}"`);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
  }

  /** Serves `table` as a CSV (string) or XLSX (StreamableFile) attachment named `name`. */
  private async file(res: Response, table: Table, format: 'csv' | 'xlsx', name: string, sheet: string): Promise<string | StreamableFile> {
    if (format === 'csv') {
      res.setHeader('Content-Type', CSV_CONTENT_TYPE);
      res.setHeader('Content-Disposition', attachmentDisposition(name));
      return writeCsv(table);
    }
    return new StreamableFile(await writeXlsx(table, sheet), { type: XLSX_CONTENT_TYPE, disposition: attachmentDisposition(name) });
  }
}
