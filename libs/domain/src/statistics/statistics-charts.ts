import { OUTCOMES } from '@rogatory/workflow';
import { el, fragment, type Markup } from '../export/svg';
import type { NullableFigures } from './statistics.service';

/** The figures of one calendar year (DOMAIN.md §5), as served to the reader: suppressed figures are null. */
export interface ChartYear {
  year: number;
  figures: NullableFigures;
}

/** What a chart says about itself: its title, a prefix for its element ids (unique within a page), and the suppression threshold if any. */
export interface ChartOptions {
  title: string;
  /** Prefix of the ids of the chart's `<title>` and `<desc>` (letters, digits, `-`): two charts inline in one page need two prefixes. */
  idPrefix?: string;
  /** STATISTICS_MIN_COUNT when small counts were suppressed (the note says so), else null. */
  minCount?: number | null;
}

/** Chart size in SVG user units (pixels at 100 %): fixed width, to paste into a report. */
export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 380;
const MARGIN = { top: 64, right: 16, bottom: 76, left: 64 };
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
const AXIS = '#444444';
const GRID = '#e3e3e3';

/** Bar series of the yearly counts chart, in drawing order, with colours of the Okabe–Ito palette (safe for colour-blind readers). */
const COUNT_SERIES = [
  { key: 'transmitted', label: 'transmitted', colour: '#0072B2', value: (f: NullableFigures) => f.transmitted },
  { key: 'acknowledged', label: 'acknowledged', colour: '#E69F00', value: (f: NullableFigures) => f.acknowledged },
  { key: 'closed', label: 'closed (all outcomes)', colour: '#009E73', value: closedTotal },
  { key: 'facilitated', label: 'facilitated', colour: '#CC79A7', value: (f: NullableFigures) => f.facilitated },
] as const;

/** Line series of the durations chart. */
const DURATION_SERIES = [
  { key: 'medianDaysToAcknowledge', label: 'median days to acknowledge', colour: '#0072B2', value: (f: NullableFigures) => f.medianDaysToAcknowledge },
  { key: 'medianDaysToClose', label: 'median days to close', colour: '#D55E00', value: (f: NullableFigures) => f.medianDaysToClose },
] as const;

/**
 * Cases closed in the year, all outcomes together; null when any outcome's count is suppressed (the sum
 * would let a reader work the suppressed count out).
 */
function closedTotal(f: NullableFigures): number | null {
  let n = 0;
  for (const o of OUTCOMES) {
    const v = f.closed[o];
    if (v === null || v === undefined) return null;
    n += v;
  }
  return n;
}

/** A round upper bound of the axis and its tick step (1, 2 or 5 times a power of ten; about five ticks). */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 5, step: 1 };
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const stepInt = Math.max(step, 1);
  return { top: Math.ceil(max / stepInt) * stepInt, step: stepInt };
}

const fmtNumber = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** The frame every chart shares: the svg root with role="img", title, description, heading, legend, axes, grid, x labels, note. */
function frame(
  opts: ChartOptions,
  years: number[],
  scale: { top: number; step: number },
  yLabel: string,
  legend: ReadonlyArray<{ label: string; colour: string; line?: boolean }>,
  description: string,
  plot: Markup,
  hasGaps: boolean,
): string {
  const id = (opts.idPrefix ?? 'chart').replace(/[^A-Za-z0-9-]/g, '-');
  const plotW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v: number) => MARGIN.top + plotH - (v / scale.top) * plotH;
  const band = plotW / Math.max(years.length, 1);
  const ticks: Markup[] = [];
  for (let v = 0; v <= scale.top + 1e-9; v += scale.step) {
    ticks.push(
      el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(v), y2: y(v), stroke: v === 0 ? AXIS : GRID, 'stroke-width': 1 }),
      el('text', { x: MARGIN.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: AXIS }, fmtNumber(v)),
    );
  }
  const xLabels = years.map((yr, i) =>
    el('text', { x: MARGIN.left + band * (i + 0.5), y: MARGIN.top + plotH + 16, 'text-anchor': 'middle', 'font-size': 11, fill: AXIS }, String(yr)),
  );
  let lx = MARGIN.left;
  const legendItems = legend.map((s) => {
    const item = el(
      'g',
      {},
      s.line
        ? el('line', { x1: lx, x2: lx + 16, y1: 44, y2: 44, stroke: s.colour, 'stroke-width': 3 })
        : el('rect', { x: lx, y: 38, width: 12, height: 12, fill: s.colour }),
      el('text', { x: lx + (s.line ? 20 : 16), y: 48, 'font-size': 12, fill: '#222222' }, s.label),
    );
    lx += (s.line ? 20 : 16) + s.label.length * 6.6 + 18;
    return item;
  });
  const notes = [
    hasGaps
      ? opts.minCount
        ? `Gaps: figure suppressed (counts from 1 to ${opts.minCount - 1}, or a median over fewer than ${opts.minCount} cases) or none.`
        : 'Gaps: no figure (no case counted).'
      : null,
    'Source: Rogatory, DOMAIN.md §5; counts only, no case contents.',
  ].filter((n): n is string => n !== null);
  const root = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      'font-family': FONT,
    },
    el('title', { id: `${id}-title` }, opts.title),
    el('desc', { id: `${id}-desc` }, description),
    el('rect', { x: 0, y: 0, width: CHART_WIDTH, height: CHART_HEIGHT, fill: '#ffffff' }),
    el('text', { x: MARGIN.left, y: 22, 'font-size': 15, 'font-weight': 'bold', fill: '#111111' }, opts.title),
    fragment(legendItems),
    fragment(ticks),
    el('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH, stroke: AXIS, 'stroke-width': 1 }),
    el(
      'text',
      {
        x: 16,
        y: MARGIN.top + plotH / 2,
        'text-anchor': 'middle',
        'font-size': 12,
        fill: AXIS,
        transform: `rotate(-90 16 ${Math.round(MARGIN.top + plotH / 2)})`,
      },
      yLabel,
    ),
    plot,
    fragment(xLabels),
    el('text', { x: MARGIN.left + plotW / 2, y: MARGIN.top + plotH + 34, 'text-anchor': 'middle', 'font-size': 12, fill: AXIS }, 'calendar year'),
    fragment(notes.map((n, i) => el('text', { x: MARGIN.left, y: MARGIN.top + plotH + 52 + i * 14, 'font-size': 10, fill: '#555555' }, n))),
  );
  return root.markup;
}

/**
 * Grouped bar chart of the yearly counts of DOMAIN.md §5 (transmitted, acknowledged, closed with any
 * outcome, facilitated), one group per calendar year, as a standalone SVG document (720 × 380, viewBox,
 * `role="img"`, `<title>` and `<desc>` listing every value; all text XML-escaped; presentation attributes
 * only, no style sheet or script, so it renders under a strict Content Security Policy). A null figure
 * (suppressed) is a gap, explained in a note. Each bar is a `<rect class="bar">` with its own `<title>`.
 */
export function yearlyCountsChart(years: ChartYear[], opts: ChartOptions): string {
  const values = years.flatMap((y) => COUNT_SERIES.map((s) => s.value(y.figures)));
  const scale = niceScale(Math.max(0, ...values.filter((v): v is number => v !== null)));
  const plotW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotW / Math.max(years.length, 1);
  const barW = (band * 0.8) / COUNT_SERIES.length;
  const bars: Markup[] = [];
  let gaps = false;
  years.forEach((y, i) =>
    COUNT_SERIES.forEach((s, j) => {
      const v = s.value(y.figures);
      if (v === null) {
        gaps = true;
        return;
      }
      const h = (v / scale.top) * plotH;
      bars.push(
        el(
          'rect',
          {
            class: 'bar',
            'data-series': s.key,
            'data-year': y.year,
            x: MARGIN.left + band * i + band * 0.1 + barW * j,
            y: MARGIN.top + plotH - h,
            width: barW,
            height: h,
            fill: s.colour,
          },
          el('title', {}, `${y.year}, ${s.label}: ${v}`),
        ),
      );
    }),
  );
  const description = years.map((y) => `${y.year}: ${COUNT_SERIES.map((s) => `${s.label} ${s.value(y.figures) ?? 'suppressed'}`).join(', ')}`).join('; ');
  return frame(
    opts,
    years.map((y) => y.year),
    scale,
    'cases',
    COUNT_SERIES,
    `Cases per calendar year. ${description}.`,
    fragment(bars),
    gaps,
  );
}

/**
 * Line chart of the medians of DOMAIN.md §5 per calendar year, in calendar days: from transmission to
 * acknowledgement and to closure, as a standalone SVG document (same frame as {@link yearlyCountsChart}).
 * A null median (none, or suppressed) breaks the line: a gap, explained in a note. Each value is a
 * `<circle class="point">` with its own `<title>`.
 */
export function durationsChart(years: ChartYear[], opts: ChartOptions): string {
  const values = years.flatMap((y) => DURATION_SERIES.map((s) => s.value(y.figures)));
  const scale = niceScale(Math.max(0, ...values.filter((v): v is number => v !== null)));
  const plotW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotW / Math.max(years.length, 1);
  const x = (i: number) => MARGIN.left + band * (i + 0.5);
  const yOf = (v: number) => MARGIN.top + plotH - (v / scale.top) * plotH;
  const parts: Markup[] = [];
  let gaps = false;
  for (const s of DURATION_SERIES) {
    // One path per run of consecutive years with a value: a null breaks the line.
    let d = '';
    let run = 0;
    years.forEach((y, i) => {
      const v = s.value(y.figures);
      if (v === null) {
        gaps = true;
        run = 0;
        return;
      }
      d += `${run === 0 ? 'M' : 'L'}${Math.round(x(i) * 10) / 10} ${Math.round(yOf(v) * 10) / 10} `;
      run++;
    });
    if (d) parts.push(el('path', { d: d.trim(), fill: 'none', stroke: s.colour, 'stroke-width': 2.5, 'stroke-linejoin': 'round', 'data-series': s.key }));
    years.forEach((y, i) => {
      const v = s.value(y.figures);
      if (v === null) return;
      parts.push(
        el(
          'circle',
          { class: 'point', 'data-series': s.key, 'data-year': y.year, cx: x(i), cy: yOf(v), r: 4, fill: s.colour },
          el('title', {}, `${y.year}, ${s.label}: ${fmtNumber(v)} calendar days`),
        ),
      );
    });
  }
  const description = years
    .map((y) => `${y.year}: ${DURATION_SERIES.map((s) => `${s.label} ${s.value(y.figures) ?? 'none or suppressed'}`).join(', ')}`)
    .join('; ');
  return frame(
    opts,
    years.map((y) => y.year),
    scale,
    'calendar days (median)',
    DURATION_SERIES.map((s) => ({ ...s, line: true })),
    `Median calendar days from transmission, per calendar year. ${description}.`,
    fragment(parts),
    gaps,
  );
}
