import { OUTCOMES } from '@rogatory/workflow';
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

/** {@link suppressSmallCounts} for a breakdown: the same rule on every row and on the total. */
export function suppressBreakdown(b: Breakdown, minCount: number): SuppressedBreakdown {
  const suppressed: string[] = [];
  const rows = b.rows.map((r) => ({ ...r, figures: suppressFigures(`rows.${r.key}`, r.figures, minCount, suppressed) }));
  return { ...b, rows, total: suppressFigures('total', b.total, minCount, suppressed), suppressed, minCount };
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
