import { durationsChart, yearlyCountsChart, type ChartYear } from './statistics-charts';
import type { NullableFigures } from './statistics.service';

const figures = (n: number | null, median: number | null): NullableFigures => ({
  facilitated: n,
  transmitted: n,
  acknowledged: n,
  closed: { EXECUTED: n, PARTIALLY_EXECUTED: 0, REFUSED: 0, WITHDRAWN: 0, LAPSED: 0 },
  pendingAtYearEnd: n,
  medianDaysToAcknowledge: median,
  medianDaysToClose: median,
});

describe('statistics charts (SVG)', () => {
  it('draws one bar per year and series, none for a suppressed figure, and says why', () => {
    const years: ChartYear[] = [
      { year: 2020, figures: figures(5, 10) },
      { year: 2021, figures: figures(null, null) },
      { year: 2022, figures: figures(0, 3.5) },
    ];
    const svg = yearlyCountsChart(years, { title: 'Cases <per> year & "more"', minCount: 3 });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(8);
    expect(svg).toContain('<title id="chart-title">Cases &lt;per&gt; year &amp; &quot;more&quot;</title>');
    expect(svg).toContain('Gaps: figure suppressed (counts from 1 to 2, or a median over fewer than 3 cases) or none.');
    expect(svg).toContain('2021: transmitted suppressed');
    const lines = durationsChart(years, { title: 'Durations', idPrefix: 'd' });
    expect(lines.match(/<circle class="point"/g)).toHaveLength(4);
    // the null of 2021 breaks each line: two subpaths (M … M …), no segment (L) across the gap
    expect(lines.match(/<path d="M[\d.]+ [\d.]+ M[\d.]+ [\d.]+"/g)).toHaveLength(2);
    expect(lines).toContain('aria-labelledby="d-title d-desc"');
    expect(lines).toContain('Gaps: no figure (no case counted).');
  });

  it('draws twenty years and an empty series without dividing by zero', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ year: 2002 + i, figures: figures(i * 7, i * 3 + 0.5) }));
    const svg = yearlyCountsChart(twenty, { title: 't' });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(80);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(durationsChart([], { title: 'none' })).not.toMatch(/NaN|Infinity/);
    expect(yearlyCountsChart([{ year: 2021, figures: figures(0, null) }], { title: 'zeros' })).not.toMatch(/NaN|Infinity/);
  });
});
