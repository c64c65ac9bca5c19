import { OUTCOMES } from '@rogatory/workflow';
import { escapeXml } from '../export/svg';
import { durationsChart, yearlyCountsChart, type ChartYear } from './statistics-charts';
import type { BreakdownRow, NullableFigures } from './statistics.service';

/** Years of history the report's two charts show, ending with the report's year. */
export const PLENARY_CHART_YEARS = 5;

/** What the one-page plenary report shows: counts only, as served to the reader (suppressed figures null). */
export interface PlenaryReportData {
  year: number;
  /** The network reported on, or null for every network in the reader's scope. */
  network: { code: string; name: string } | null;
  /** Yearly figures of `year`: per network (one when `network` is set) and the total. */
  statistics: { networks: Record<string, NullableFigures>; total: NullableFigures };
  /** The breakdown of `year` by requested State, and its total. */
  byRequestedState: { rows: Array<BreakdownRow<NullableFigures>>; total: NullableFigures };
  /** Figures of the years the charts show (PLENARY_CHART_YEARS up to `year`), oldest first. */
  series: ChartYear[];
  generatedAt: Date;
  /** STATISTICS_MIN_COUNT when small counts were suppressed for this reader, else null. */
  minCount: number | null;
}

/** The definitions of DOMAIN.md §5, one short paragraph each, as the report prints them. */
export const STATISTICS_DEFINITIONS: ReadonlyArray<{ term: string; definition: string }> = [
  { term: 'facilitated', definition: 'cases whose first facilitation by a contact point or the programme falls in the year.' },
  { term: 'transmitted', definition: 'cases transmitted in the year.' },
  { term: 'acknowledged', definition: 'acknowledgements recorded in the year; acknowledgements inferred by an import are not counted.' },
  {
    term: 'closed',
    definition: 'cases closed in the year, per outcome: executed, partially executed, refused, withdrawn, lapsed.',
  },
  { term: 'pending at year end', definition: 'cases transmitted on or before 31 December of the year and not closed by then.' },
  {
    term: 'median days to acknowledge',
    definition:
      'median, over the acknowledgements counted in “acknowledged”, of calendar days from transmission; none if there is no acknowledgement. A median of an even count is the mean of the two middle values.',
  },
  {
    term: 'median days to close',
    definition: 'median, over the cases counted in “closed”, of calendar days from transmission; none if no case was closed.',
  },
  {
    term: 'dates',
    definition:
      'calendar dates: as written in an imported register; for an event recorded through Rogatory, the date in the time zone of the State whose authority recorded it.',
  },
  {
    term: 'networks',
    definition: 'a case facilitated through several networks counts under each of them; the total counts it once.',
  },
];

const CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10.5px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; margin: 0 auto; max-width: 760px; padding: 12px; }
h1 { font-size: 18px; margin: 0 0 2px; }
h2 { font-size: 13px; margin: 14px 0 4px; border-bottom: 1px solid #ccc; }
p.sub { margin: 0 0 6px; color: #444; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { border: 1px solid #ccc; padding: 2px 5px; text-align: right; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child, td.name { text-align: left; }
thead th { background: #f0f0f0; }
tr.total td { font-weight: bold; background: #fafafa; }
.charts svg { display: block; width: 100%; height: auto; margin: 6px 0; }
dl { margin: 0; columns: 2; column-gap: 18px; }
dt { font-weight: bold; break-after: avoid; }
dd { margin: 0 0 4px; break-inside: avoid; }
footer { margin-top: 10px; color: #444; font-size: 9.5px; border-top: 1px solid #ccc; padding-top: 4px; }
@media print { .charts svg { break-inside: avoid; } }
`;

const e = escapeXml;
const cell = (v: number | null | undefined) =>
  v === null || v === undefined ? '<td class="none">—</td>' : `<td>${e(Number.isInteger(v) ? v : v.toFixed(1))}</td>`;

/** Closed in all outcomes; null when any is suppressed (the sum would reveal it). */
function closedTotal(f: NullableFigures): number | null {
  let n = 0;
  for (const o of OUTCOMES) {
    const v = f.closed[o];
    if (v === null || v === undefined) return null;
    n += v;
  }
  return n;
}

const FIGURE_ROWS: Array<{ label: string; value: (f: NullableFigures) => number | null | undefined }> = [
  { label: 'facilitated', value: (f) => f.facilitated },
  { label: 'transmitted', value: (f) => f.transmitted },
  { label: 'acknowledged', value: (f) => f.acknowledged },
  ...OUTCOMES.map((o) => ({ label: `closed: ${o.toLowerCase().replace(/_/g, ' ')}`, value: (f: NullableFigures) => f.closed[o] })),
  { label: 'pending at year end', value: (f) => f.pendingAtYearEnd },
  { label: 'median days to acknowledge', value: (f) => f.medianDaysToAcknowledge },
  { label: 'median days to close', value: (f) => f.medianDaysToClose },
];

/**
 * The one-page plenary report of a network secretariat for calendar year `year` (DOMAIN.md §5), as a
 * self-contained HTML document: the network's name, the figures table, the breakdown by requested State,
 * the yearly-counts and durations charts as inline SVG, the definitions of §5, the time generated (UTC)
 * and "counts only, no case contents". Inline CSS, no script, no external resource; every text
 * HTML-escaped. Serve it with a Content-Security-Policy allowing `style-src 'unsafe-inline'` and nothing
 * else. A null figure is printed "—" (suppressed, or no median).
 */
export function renderPlenaryReport(d: PlenaryReportData): string {
  const who = d.network ? `${d.network.name} (${d.network.code})` : 'All networks in your scope';
  const columns = d.network
    ? [[d.network.code, d.statistics.total] as const]
    : [...Object.entries(d.statistics.networks), ['TOTAL', d.statistics.total] as const];
  const figures = `<table><thead><tr><th>figure</th>${columns.map(([n]) => `<th>${e(n)}</th>`).join('')}</tr></thead><tbody>${FIGURE_ROWS.map(
    (r) => `<tr><td>${e(r.label)}</td>${columns.map(([, f]) => cell(r.value(f))).join('')}</tr>`,
  ).join('')}</tbody></table>`;
  const stateRow = (key: string, name: string | null, f: NullableFigures, cls = '') =>
    `<tr${cls ? ` class="${cls}"` : ''}><td>${e(key)}</td><td class="name">${e(name ?? '')}</td>${[
      f.facilitated,
      f.transmitted,
      f.acknowledged,
      closedTotal(f),
      f.pendingAtYearEnd,
      f.medianDaysToAcknowledge,
      f.medianDaysToClose,
    ]
      .map(cell)
      .join('')}</tr>`;
  const byState = `<table><thead><tr><th>State</th><th>name</th><th>facilitated</th><th>transmitted</th><th>acknowledged</th><th>closed</th><th>pending at year end</th><th>median days to acknowledge</th><th>median days to close</th></tr></thead><tbody>${
    d.byRequestedState.rows.length ? d.byRequestedState.rows.map((r) => stateRow(r.key, r.name, r.figures)).join('') : '<tr><td colspan="9">No case.</td></tr>'
  }${stateRow('TOTAL', '', d.byRequestedState.total, 'total')}</tbody></table>`;
  const span = d.series.length ? `${d.series[0].year}–${d.series[d.series.length - 1].year}` : String(d.year);
  const chartOpts = { minCount: d.minCount };
  const counts = yearlyCountsChart(d.series, { ...chartOpts, title: `Cases per year, ${span}`, idPrefix: 'counts' });
  const durations = durationsChart(d.series, { ...chartOpts, title: `Median calendar days from transmission, ${span}`, idPrefix: 'durations' });
  const definitions = `<dl>${STATISTICS_DEFINITIONS.map((x) => `<dt>${e(x.term)}</dt><dd>${e(x.definition)}</dd>`).join('')}</dl>`;
  const legend = d.minCount
    ? `— : suppressed (a count from 1 to ${d.minCount - 1}, a median over fewer than ${d.minCount} cases, or a closed total including one), or no median.`
    : '— : no median (no case counted).';
  const title = `Rogatory plenary report ${d.year}: ${who}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${e(title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${e(who)}</h1><p class="sub">Mutual legal assistance: statistics for the plenary meeting, calendar year ${e(d.year)}</p></header>
<section><h2>Figures ${e(d.year)}</h2>${figures}</section>
<section><h2>By requested State, ${e(d.year)}</h2>${byState}<p class="sub">${e(legend)}</p></section>
<section class="charts"><h2>Trends ${e(span)}</h2>${counts}${durations}</section>
<section><h2>Definitions (DOMAIN.md §5)</h2>${definitions}</section>
<footer>Generated ${e(
    d.generatedAt
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ''),
  )} UTC by Rogatory. Counts only, no case contents.</footer>
</body></html>
`;
}
