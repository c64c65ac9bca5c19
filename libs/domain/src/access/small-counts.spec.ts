import { protectDimension, suppressBreakdown } from './small-counts';

/** Complementary suppression (threshold 3): no hidden cell can be worked out from the total and the cells shown. */
describe('protectDimension', () => {
  const hiddenOf = (values: number[], total: number) => {
    const { hidden, hideTotal } = protectDimension(values, total, 3);
    return { hidden: [...hidden].sort(), hideTotal };
  };

  it.each<[string, number[], number, number[], boolean]>([
    ['nothing small: nothing hidden', [5, 4, 0], 9, [], false],
    ['one small cell: the smallest other hidden with it', [1, 5, 4], 10, [0, 2], false],
    // By requesting State in the review: GH 1, NG 5, SN 1 of 7. GH + SN = 2 would give 1 each.
    ['two cells of 1 whose sum pins them: one more hidden', [1, 5, 1], 7, [0, 1, 2], false],
    ['two cells of 2 (both at their most): one more hidden', [2, 6, 2], 10, [0, 1, 2], false],
    ['a 1 and a 2: their sum 3 leaves each open', [1, 6, 2], 9, [0, 2], false],
    // The open-requests summary of the review: NG-GH 4 and three pairs of 1 (total 7).
    ['three 1s and a 4', [4, 1, 1, 1], 7, [0, 1, 2, 3], false],
    ['a small total is itself hidden (primary): nothing more to do', [1, 1], 2, [0, 1], false],
    ['a small cell and one other that together pin both (1 + 3 = 4): the total hidden', [0, 1, 0, 3], 4, [1, 3], true],
    ['a small cell alone against zeros: the total is small too', [1, 0, 0], 1, [0], false],
  ])('%s', (_, values, total, hidden, hideTotal) => {
    expect(hiddenOf(values, total)).toEqual({ hidden, hideTotal });
  });

  it('hides the total when the small cells are the only ones and their sum pins them', () => {
    expect(hiddenOf([1, 1, 1, 0], 3)).toEqual({ hidden: [0, 1, 2], hideTotal: true });
  });
});

describe('suppressBreakdown', () => {
  const figures = (transmitted: number) => ({
    facilitated: 0,
    transmitted,
    acknowledged: 0,
    closed: { EXECUTED: 0, PARTIALLY_EXECUTED: 0, REFUSED: 0, WITHDRAWN: 0, LAPSED: 0 },
    pendingAtYearEnd: 0,
    medianDaysToAcknowledge: null,
    medianDaysToClose: null,
  });
  const rows = [
    { key: 'GH', name: 'Ghana', figures: figures(1) },
    { key: 'NG', name: 'Nigeria', figures: figures(5) },
    { key: 'SN', name: 'Senegal', figures: figures(1) },
  ];

  it('hides by State enough cells that none can be worked out from the total (the review’s GH 1, NG 5, SN 1 of 7)', () => {
    const s = suppressBreakdown({ year: 2026, by: 'requestingState', network: 'WACAP', rows, total: figures(7) }, 3);
    expect(s.rows.map((r) => r.figures.transmitted)).toEqual([null, null, null]);
    expect(s.total.transmitted).toBe(7);
    expect(s.suppressed).toEqual(['rows.GH.transmitted', 'rows.SN.transmitted', 'rows.NG.transmitted']);
  });

  it('keeps per-cell suppression only where rows do not add up (offences: a case counts under each of its codes)', () => {
    const s = suppressBreakdown({ year: 2026, by: 'offence', network: 'WACAP', rows, total: figures(7) }, 3);
    expect(s.rows.map((r) => r.figures.transmitted)).toEqual([null, 5, null]);
  });
});
