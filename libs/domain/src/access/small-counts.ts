import { OUTCOMES, type Outcome } from '@rogatory/workflow';
import type { Breakdown, NullableFigures, YearFigures, YearlyStatistics } from '../statistics/statistics.service';

/** Yearly statistics as served to a secretariat: small cells null, and the list of what was suppressed. */
export interface SuppressedStatistics {
  year: number;
  networks: Record<string, NullableFigures>;
  total: NullableFigures;
  /** Paths of the suppressed figures, e.g. `networks.WACAP.closed.REFUSED`. */
  suppressed: string[];
  /** Counts from 1 to minCount - 1 are suppressed (STATISTICS_MIN_COUNT). */
  minCount: number;
}

/**
 * Small-count suppression for statistics served to a secretariat: every count from 1 to `minCount` - 1
 * becomes null (0 is kept: it singles out no case), and a median over fewer than `minCount` cases
 * becomes null too, since it would give one case's duration. Statistical disclosure control as national
 * statistics offices apply it to tables of small populations.
 */
export function suppressSmallCounts(s: YearlyStatistics, minCount: number): SuppressedStatistics {
  const suppressed: string[] = [];
  const networks = Object.fromEntries(Object.entries(s.networks).map(([n, f]) => [n, suppressFigures(`networks.${n}`, f, minCount, suppressed)]));
  return { year: s.year, networks, total: suppressFigures('total', s.total, minCount, suppressed), suppressed, minCount };
}

/** A breakdown as served to a secretariat: small cells null, and the list of what was suppressed (paths like `rows.GH.transmitted`). */
export type SuppressedBreakdown = Breakdown<NullableFigures> & { suppressed: string[]; minCount: number };

/** Breakdowns whose rows add up to the total (each case under one key): a hidden cell could be worked out by subtraction. */
const ADDITIVE_BREAKDOWNS: ReadonlySet<string> = new Set(['requestingState', 'requestedState', 'requestType']);

/** The counts of a row of figures, by path (`transmitted`, `closed.REFUSED`…). */
const COUNT_PATHS = ['facilitated', 'transmitted', 'acknowledged', ...OUTCOMES.map((o) => `closed.${o}`), 'pendingAtYearEnd'];
const countAt = (f: YearFigures, path: string): number =>
  path.startsWith('closed.') ? f.closed[path.slice(7) as Outcome] : (f[path as keyof YearFigures] as number);
function hideAt(f: NullableFigures, path: string): void {
  if (path.startsWith('closed.')) f.closed[path.slice(7)] = null;
  else (f as unknown as Record<string, number | null>)[path] = null;
}

/**
 * {@link suppressSmallCounts} for a breakdown: the same rule on every row and on the total; and, where the
 * rows add up to the total (by State or request type), complementary suppression of each count
 * ({@link protectDimension}), so that no hidden cell can be worked out by subtracting the others from
 * the total. Offences and measures count a case under each of its codes: their rows do not add up.
 */
export function suppressBreakdown(b: Breakdown, minCount: number): SuppressedBreakdown {
  const suppressed: string[] = [];
  const rows = b.rows.map((r) => ({ ...r, figures: suppressFigures(`rows.${r.key}`, r.figures, minCount, suppressed) }));
  const total = suppressFigures('total', b.total, minCount, suppressed);
  if (ADDITIVE_BREAKDOWNS.has(b.by)) {
    for (const path of COUNT_PATHS) {
      const { hidden, hideTotal } = protectDimension(
        b.rows.map((r) => countAt(r.figures, path)),
        countAt(b.total, path),
        minCount,
      );
      for (const i of hidden) {
        const at = `rows.${b.rows[i].key}.${path}`;
        if (!suppressed.includes(at)) suppressed.push(at);
        hideAt(rows[i].figures, path);
      }
      if (hideTotal && !suppressed.includes(`total.${path}`)) {
        suppressed.push(`total.${path}`);
        hideAt(total, path);
      }
    }
  }
  return { ...b, rows, total, suppressed, minCount };
}

/**
 * Complementary (secondary) suppression of one dimension whose cells add up to `total` (statistical
 * disclosure control): the cells from 1 to `minCount` - 1 are hidden (primary); then, while the hidden
 * cells could be worked out from the total and the cells shown (a single hidden cell; or hidden cells
 * whose sum allows one value each: all at 1, or all primary at `minCount` - 1), the smallest cell shown
 * is hidden too (secondary, at least `minCount`). When no cell is left to hide, the total is hidden.
 * Returns the indices of every cell to hide (primary and secondary) and whether to hide the total.
 */
export function protectDimension(values: readonly number[], total: number, minCount: number): { hidden: Set<number>; hideTotal: boolean } {
  const hidden = new Set(values.flatMap((v, i) => (v > 0 && v < minCount ? [i] : [])));
  if (hidden.size === 0 || (total > 0 && total < minCount)) return { hidden, hideTotal: false };
  for (;;) {
    const primaries = [...hidden].filter((i) => values[i] < minCount).length;
    const secondaries = hidden.size - primaries;
    const sum = [...hidden].reduce((a, i) => a + values[i], 0); // what the total less the cells shown gives away
    const least = primaries + secondaries * minCount;
    const most = secondaries ? Infinity : primaries * (minCount - 1);
    if (hidden.size >= 2 && sum > least && sum < most) return { hidden, hideTotal: false };
    const shown = values.map((v, i) => [v, i] as const).filter(([v, i]) => v > 0 && !hidden.has(i));
    if (!shown.length) return { hidden, hideTotal: true };
    hidden.add(shown.reduce((a, b) => (b[0] < a[0] ? b : a))[1]);
  }
}

/**
 * {@link protectDimension} for several dimensions of the same cases, each adding up to `total` (a table
 * by pair, by step and by age of the same requests). A total one dimension must hide could be given back
 * by another whose cells are all shown (they add up to it): when the total is hidden, each such dimension
 * hides its smallest count too (at least `minCount`, since none below it is shown). Returns the hidden
 * indices per dimension, in the order given, and whether to hide the total.
 */
export function protectDimensions(
  dimensions: ReadonlyArray<readonly number[]>,
  total: number,
  minCount: number,
): { hidden: Set<number>[]; hideTotal: boolean } {
  const each = dimensions.map((values) => protectDimension(values, total, minCount));
  const hideTotal = each.some((d) => d.hideTotal);
  const hidden = each.map((d) => d.hidden);
  if (hideTotal)
    dimensions.forEach((values, k) => {
      if (hidden[k].size > 0) return;
      const shown = values.map((v, i) => [v, i] as const).filter(([v]) => v > 0);
      if (shown.length) hidden[k].add(shown.reduce((a, b) => (b[0] < a[0] ? b : a))[1]);
    });
  return { hidden, hideTotal };
}

/**
 * The suppression rule on one set of figures at `path`: counts from 1 to `minCount` - 1 null, a median
 * over fewer than `minCount` cases null; each suppressed figure's path is appended to `suppressed`.
 */
export function suppressFigures(path: string, f: YearFigures, minCount: number, suppressed: string[]): NullableFigures {
  const cell = (name: string, n: number): number | null => {
    if (n > 0 && n < minCount) {
      suppressed.push(`${path}.${name}`);
      return null;
    }
    return n;
  };
  const closedTotal = OUTCOMES.reduce((a, o) => a + f.closed[o], 0);
  const median = (name: string, v: number | null, over: number) => {
    if (v !== null && over < minCount) {
      suppressed.push(`${path}.${name}`);
      return null;
    }
    return v;
  };
  return {
    facilitated: cell('facilitated', f.facilitated),
    transmitted: cell('transmitted', f.transmitted),
    acknowledged: cell('acknowledged', f.acknowledged),
    closed: Object.fromEntries(OUTCOMES.map((o) => [o, cell(`closed.${o}`, f.closed[o])])),
    pendingAtYearEnd: cell('pendingAtYearEnd', f.pendingAtYearEnd),
    medianDaysToAcknowledge: median('medianDaysToAcknowledge', f.medianDaysToAcknowledge, f.acknowledged),
    medianDaysToClose: median('medianDaysToClose', f.medianDaysToClose, closedTotal),
  };
}
