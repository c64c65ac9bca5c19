// The secretariat's counts: open requests per State pair, step owed and age (GET
// /api/v1/networks/{network}/open-requests/summary), the yearly statistics of DOMAIN.md §5 with their charts,
// and the plenary's agenda of bilateral meetings. Counts only: the API gives a secretariat no case facts,
// and suppresses counts from 1 to STATISTICS_MIN_COUNT - 1 (shown as "fewer than N").
import { useEffect, useMemo, useState } from 'react';
import { call, get, type OpenRequestsSummary, type Plenary, type PlenaryMeetings, type YearFigures, type YearlyStatistics } from '../api/client';
import { useMe } from '../app';
import { ErrorNotice } from '../components/notices';
import { useI18n, type I18n } from '../i18n';
import { NetworkSelect } from '../components/filters';

const FIGURES: Array<{ key: string; value: (f: YearFigures) => number | null }> = [
  { key: 'facilitated', value: (f) => f.facilitated },
  { key: 'transmitted', value: (f) => f.transmitted },
  { key: 'acknowledged', value: (f) => f.acknowledged },
  { key: 'executed', value: (f) => f.closed.EXECUTED },
  { key: 'partiallyExecuted', value: (f) => f.closed.PARTIALLY_EXECUTED },
  { key: 'refused', value: (f) => f.closed.REFUSED },
  { key: 'withdrawn', value: (f) => f.closed.WITHDRAWN },
  { key: 'lapsed', value: (f) => f.closed.LAPSED },
  { key: 'pending', value: (f) => f.pendingAtYearEnd },
  { key: 'medianAck', value: (f) => f.medianDaysToAcknowledge },
  { key: 'medianClose', value: (f) => f.medianDaysToClose },
];

/** A count, or "not shown" where the API withheld it (null) for a secretariat. */
function count(i: I18n, n: number | null | undefined, minCount: number | null | undefined): string {
  if (n === null || n === undefined) return minCount ? i.t('stats.suppressed') : '–';
  return i.num(n);
}

export function SecretariatPage() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const [network, setNetwork] = useState<string>(me.network ?? 'WACAP');
  const thisYear = new Date().getUTCFullYear();
  const [year, setYear] = useState(thisYear);
  // The yearly figures, each (network, year) read once while the page is open: the search below and the
  // table share them.
  const yearly = useMemo(() => {
    const read = new Map<string, Promise<YearlyStatistics>>();
    return (net: string, y: number): Promise<YearlyStatistics> => {
      const key = `${net}/${y}`;
      if (!read.has(key)) read.set(key, get<YearlyStatistics>('/api/v1/statistics/yearly', { year: y, network: net }));
      return read.get(key)!;
    };
  }, []);
  // Open on the latest year with figures (the current one, or the last year a request moved in)
  useEffect(() => {
    let live = true;
    void (async () => {
      for (let y = thisYear; y > thisYear - 8; y--) {
        const s = await yearly(network, y).catch(() => null);
        const f = s ? (s.networks[network] ?? s.total) : null;
        if (f && [f.facilitated, f.transmitted, f.acknowledged, f.pendingAtYearEnd].some((n) => n !== 0)) {
          if (live) setYear(y);
          return;
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [network, thisYear, yearly]);
  return (
    <section>
      <h1 tabIndex={-1}>{t('secretariat.title', { network })}</h1>
      <p>{t('secretariat.intro')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('secretariat.choose')}>
        {me.role === 'ADMINISTRATOR' && <NetworkSelect value={network} onChange={setNetwork} />}
        <label>
          {t('field.year')}
          <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {Array.from({ length: 8 }, (_, k) => thisYear - k).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      </form>
      <OpenRequests network={network} />
      <Yearly network={network} year={year} load={yearly} />
      <Agenda network={network} />
    </section>
  );
}

function OpenRequests({ network }: { network: string }) {
  const i = useI18n();
  const { t } = i;
  const [s, setS] = useState<OpenRequestsSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setS(null);
    get<OpenRequestsSummary>(`/api/v1/networks/${network}/open-requests/summary`).then(setS, setError);
  }, [network]);
  const min = s?.minCount as number | null | undefined;
  return (
    <section className="panel" aria-labelledby="open-h">
      <h2 id="open-h">{t('secretariat.open')}</h2>
      <ErrorNotice error={error} />
      {s && (
        <>
          <p data-testid="open-total">{t('secretariat.openTotal', { total: count(i, s.total as number | null, min), asOf: i.date(s.asOf.slice(0, 10)) })}</p>
          <div className="cols">
            <CountTable
              testId="by-pair"
              caption={t('secretariat.byPair')}
              heads={[t('field.requestingState'), t('field.requestedState')]}
              rows={s.byPair.map((p) => ({
                key: `${p.requestingState}-${p.requestedState}`,
                cells: [i.stateName(p.requestingState), i.stateName(p.requestedState)],
                n: p.count,
              }))}
              min={min}
            />
            <CountTable
              testId="by-step"
              caption={t('secretariat.byStep')}
              heads={[t('field.stepOwed')]}
              rows={Object.entries(s.byStep).map(([step, n]) => ({ key: step, cells: [i.code('step', step)], n }))}
              min={min}
            />
            <CountTable
              testId="by-age"
              caption={t('secretariat.byAge')}
              heads={[t('secretariat.age')]}
              rows={Object.entries(s.byAge).map(([age, n]) => ({ key: age, cells: [t('secretariat.ageDays', { age })], n }))}
              min={min}
            />
          </div>
        </>
      )}
    </section>
  );
}

/** A table of counts: the row's labels (`heads` columns), then its count or "not shown". */
function CountTable({
  testId,
  caption,
  heads,
  rows,
  min,
}: {
  testId: string;
  caption: string;
  heads: string[];
  rows: Array<{ key: string; cells: string[]; n: number | null | undefined }>;
  min: number | null | undefined;
}) {
  const i = useI18n();
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {heads.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
            <th scope="col" className="num">
              {i.t('secretariat.requests')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, k) => (
                <td key={k}>{c}</td>
              ))}
              <td className="num">{count(i, r.n, min)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An SVG chart of the API, fetched with the user's token and shown as an image with its description. */
function Chart({ path, alt }: { path: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    call<Blob>('GET', path, { blob: true }).then((a) => {
      objectUrl = URL.createObjectURL(a.data);
      setUrl(objectUrl);
    }, setError);
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [path]);
  if (error) return <ErrorNotice error={error} />;
  return url ? <img className="chart" src={url} alt={alt} width={720} /> : null;
}

function Yearly({ network, year, load }: { network: string; year: number; load: (network: string, year: number) => Promise<YearlyStatistics> }) {
  const i = useI18n();
  const { t } = i;
  const [s, setS] = useState<YearlyStatistics | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setS(null);
    setError(null);
    load(network, year).then(setS, setError);
  }, [network, year, load]);
  const from = year - 4;
  return (
    <section className="panel" aria-labelledby="yearly-h">
      <h2 id="yearly-h">{t('secretariat.yearly', { year: String(year) })}</h2>
      <ErrorNotice error={error} />
      {s && (
        <div className="table-wrap">
          <table data-testid="yearly">
            <caption>{t('secretariat.yearlyCaption', { year: String(year), network })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stats.figure')}</th>
                <th scope="col" className="num">
                  {network}
                </th>
              </tr>
            </thead>
            <tbody>
              {FIGURES.map((f) => {
                const fig = s.networks[network] ?? s.total;
                return (
                  <tr key={f.key}>
                    <th scope="row">{t(`stats.${f.key}` as never)}</th>
                    <td className="num">{count(i, f.value(fig), s.minCount)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">{t('stats.definitions')}</p>
      <figure>
        <Chart
          path={`/api/v1/statistics/charts/yearly-counts.svg?from=${from}&to=${year}&network=${network}`}
          alt={t('stats.chartCounts', { from: String(from), to: String(year), network })}
        />
        <figcaption>{t('stats.chartCounts', { from: String(from), to: String(year), network })}</figcaption>
      </figure>
      <figure>
        <Chart
          path={`/api/v1/statistics/charts/durations.svg?from=${from}&to=${year}&network=${network}`}
          alt={t('stats.chartDurations', { from: String(from), to: String(year), network })}
        />
        <figcaption>{t('stats.chartDurations', { from: String(from), to: String(year), network })}</figcaption>
      </figure>
    </section>
  );
}

function Agenda({ network }: { network: string }) {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const [plenaries, setPlenaries] = useState<Plenary[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [meetings, setMeetings] = useState<PlenaryMeetings | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setPlenaries(null);
    setMeetings(null);
    get<Plenary[]>(`/api/v1/networks/${network}/plenaries`).then((list) => {
      const sorted = [...list].sort((a, b) => b.date.localeCompare(a.date));
      setPlenaries(sorted);
      setChosen(sorted[0]?.id ?? '');
    }, setError);
  }, [network]);
  useEffect(() => {
    if (!chosen) return;
    get<PlenaryMeetings>(`/api/v1/plenaries/${chosen}/bilateral-meetings`).then(setMeetings, setError);
  }, [chosen]);
  return (
    <section className="panel" aria-labelledby="agenda-h">
      <h2 id="agenda-h">{t('secretariat.agenda')}</h2>
      <ErrorNotice error={error} />
      {plenaries && plenaries.length === 0 && <p>{t('secretariat.noPlenary')}</p>}
      {plenaries && plenaries.length > 0 && (
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('secretariat.plenary')}
            <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {plenaries.map((p) => (
                <option key={p.id} value={p.id}>
                  {i.date(p.date)} · {p.place}
                </option>
              ))}
            </select>
          </label>
        </form>
      )}
      {meetings && meetings.meetings.length === 0 && <p>{t('secretariat.noMeetings')}</p>}
      {meetings?.meetings.map((m) => (
        <div key={m.id} className="meeting">
          <h3>{m.states.map((s) => i.stateName(s.code)).join(' – ')}</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.reference')}</th>
                  <th scope="col">{t('field.stepOwed')}</th>
                  <th scope="col">{t('field.due')}</th>
                  <th scope="col" className="num">
                    {t('agenda.daysOverdue')}
                  </th>
                  <th scope="col">{t('deadline.level')}</th>
                  <th scope="col">{t('agenda.why')}</th>
                </tr>
              </thead>
              <tbody>
                {m.items.map((it) => (
                  <tr key={it.requestId}>
                    <th scope="row">{it.reference}</th>
                    <td>{it.stepOwed ? `${i.code('step', it.stepOwed.step)} · ${i.stateName(it.stepOwed.owedByState)}` : '–'}</td>
                    <td>{it.stepOwed ? i.date(it.stepOwed.dueOn) : '–'}</td>
                    <td className="num">{i.num(it.daysOverdue as number | null)}</td>
                    <td>{it.escalationLevel > 0 ? i.code('stage', `LEVEL_${it.escalationLevel}`) : t('deadline.notEscalated')}</td>
                    <td>{it.why.map((w) => i.code('why', w)).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      {me.role === 'SECRETARIAT' && <p className="hint">{t('secretariat.agendaHint')}</p>}
    </section>
  );
}
