import { OUTCOMES } from '@rogatory/workflow';
import type { NullableFigures, YearFigures, YearlyStatistics } from '../statistics/statistics.service';

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
  const cell = (path: string, n: number): number | null => {
    if (n > 0 && n < minCount) {
      suppressed.push(path);
      return null;
    }
    return n;
  };
  const figures = (path: string, f: YearFigures): NullableFigures => {
    const closedTotal = OUTCOMES.reduce((a, o) => a + f.closed[o], 0);
    const median = (name: string, v: number | null, over: number) => {
      if (v !== null && over < minCount) {
        suppressed.push(`${path}.${name}`);
        return null;
      }
      return v;
    };
    return {
      facilitated: cell(`${path}.facilitated`, f.facilitated),
      transmitted: cell(`${path}.transmitted`, f.transmitted),
      acknowledged: cell(`${path}.acknowledged`, f.acknowledged),
      closed: Object.fromEntries(OUTCOMES.map((o) => [o, cell(`${path}.closed.${o}`, f.closed[o])])),
      pendingAtYearEnd: cell(`${path}.pendingAtYearEnd`, f.pendingAtYearEnd),
      medianDaysToAcknowledge: median('medianDaysToAcknowledge', f.medianDaysToAcknowledge, f.acknowledged),
      medianDaysToClose: median('medianDaysToClose', f.medianDaysToClose, closedTotal),
    };
  };
  const networks = Object.fromEntries(Object.entries(s.networks).map(([n, f]) => [n, figures(`networks.${n}`, f)]));
  return { year: s.year, networks, total: figures('total', s.total), suppressed, minCount };
}
