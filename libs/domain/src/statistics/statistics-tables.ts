import { OUTCOMES } from '@rogatory/workflow';
import type { Cell, Table } from '../export/table';
import type { Breakdown, NullableFigures, YearlyStatistics } from './statistics.service';

/** Yearly statistics or a breakdown whose figures may be suppressed (null): what a principal is served. */
type Yearly = Pick<YearlyStatistics, 'year'> & { networks: Record<string, NullableFigures>; total: NullableFigures };
type AnyBreakdown = Omit<Breakdown, 'rows' | 'total'> & { rows: Array<{ key: string; name: string | null; figures: NullableFigures }>; total: NullableFigures };

/** Columns of the figures of DOMAIN.md §5, in the order of every statistics table (medians in calendar days). */
export const FIGURE_COLUMNS = [
  'facilitated',
  'transmitted',
  'acknowledged',
  ...OUTCOMES.map((o) => `closed_${o}`),
  'pendingAtYearEnd',
  'medianDaysToAcknowledge',
  'medianDaysToClose',
];

/** The cells of {@link FIGURE_COLUMNS} for `f`: numbers, null for a suppressed or undefined figure. */
export function figureCells(f: NullableFigures): Cell[] {
  return [
    f.facilitated,
    f.transmitted,
    f.acknowledged,
    ...OUTCOMES.map((o) => f.closed[o] ?? null),
    f.pendingAtYearEnd,
    f.medianDaysToAcknowledge,
    f.medianDaysToClose,
  ];
}

/**
 * Yearly statistics (DOMAIN.md §5) as a table: columns `year, network,` then {@link FIGURE_COLUMNS}; one
 * row per network, then a `TOTAL` row. Suppressed figures are null (empty cells).
 */
export function yearlyTable(s: Yearly): Table {
  return {
    header: ['year', 'network', ...FIGURE_COLUMNS],
    rows: [...Object.entries(s.networks).map(([n, f]) => [s.year, n, ...figureCells(f)]), [s.year, 'TOTAL', ...figureCells(s.total)]],
  };
}

/**
 * A breakdown (DOMAIN.md §5) as a table: columns `year, network, by, key,` (`name` for a State dimension),
 * then {@link FIGURE_COLUMNS}; one row per key, then a `TOTAL` row (each case once). `network` is `ALL`
 * when the breakdown is over every network in the reader's scope.
 */
export function breakdownTable(b: AnyBreakdown): Table {
  const named = b.by === 'requestingState' || b.by === 'requestedState';
  const lead = (key: string, name: string | null): Cell[] => [b.year, b.network ?? 'ALL', b.by, key, ...(named ? [name] : [])];
  return {
    header: ['year', 'network', 'by', 'key', ...(named ? ['name'] : []), ...FIGURE_COLUMNS],
    rows: [...b.rows.map((r) => [...lead(r.key, r.name), ...figureCells(r.figures)]), [...lead('TOTAL', null), ...figureCells(b.total)]],
  };
}
