// My requests: the requests in the user's scope (GET /api/v1/requests), filtered by network, counterpart
// State, state and overdue, sorted by the next deadline or newest first. Filters live in the address, so a
// filtered list can be bookmarked and shared.
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { get, type RequestList } from '../api/client';
import { useMe } from '../app';
import { DueText, StepOwed } from '../components/deadline';
import { ErrorNotice } from '../components/notices';
import { useI18n } from '../i18n';
import { NetworkSelect, useOtherStates, useQueryState } from '../components/filters';
import { REQUEST_STATES } from '../workflow-terms';

const PAGE = 50;

export function RequestsPage() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const { query: q, search, set } = useQueryState('/requests', ['offset']);
  const filters = {
    network: q.get('network') ?? '',
    counterpartState: q.get('counterpartState') ?? '',
    state: q.get('state') ?? '',
    overdue: q.get('overdue') ?? '',
    sort: q.get('sort') ?? 'nextDeadline',
    offset: Number(q.get('offset') ?? 0) || 0,
  };
  const [list, setList] = useState<RequestList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const states = useOtherStates();

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    get<RequestList>('/api/v1/requests', { ...filters, limit: PAGE }, ctl.signal).then(setList, (e: unknown) => {
      if (!ctl.signal.aborted) setError(e);
    });
    return () => ctl.abort();
    // the filters are the address's query
  }, [search]);

  return (
    <section>
      <h1 tabIndex={-1}>{me.role === 'CENTRAL_AUTHORITY' ? t('requests.titleOfState', { state: i.stateName(me.state) }) : t('requests.title')}</h1>
      <form className="filters" aria-label={t('requests.filters')} onSubmit={(e) => e.preventDefault()}>
        <NetworkSelect value={filters.network} onChange={(network) => set({ network })} withOther allLabel={t('filter.all')} />
        <label>
          {t('field.counterpartState')}
          <select value={filters.counterpartState} onChange={(e) => set({ counterpartState: e.target.value })}>
            <option value="">{t('filter.all')}</option>
            {states.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.state')}
          <select value={filters.state} onChange={(e) => set({ state: e.target.value })}>
            <option value="">{t('filter.all')}</option>
            {REQUEST_STATES.map((s) => (
              <option key={s} value={s}>
                {i.code('state', s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.overdue')}
          <select value={filters.overdue} onChange={(e) => set({ overdue: e.target.value })}>
            <option value="">{t('filter.all')}</option>
            <option value="true">{t('filter.overdueOnly')}</option>
            <option value="false">{t('filter.notOverdue')}</option>
          </select>
        </label>
        <label>
          {t('field.sort')}
          <select value={filters.sort} onChange={(e) => set({ sort: e.target.value })}>
            <option value="nextDeadline">{t('sort.nextDeadline')}</option>
            <option value="createdAt">{t('sort.createdAt')}</option>
          </select>
        </label>
      </form>
      <ErrorNotice error={error} />
      {list && (
        <>
          <p role="status" className="count">
            {list.total === 0 ? t('requests.none') : t('requests.showing', { from: list.offset + 1, to: list.offset + list.items.length, total: list.total })}
          </p>
          {list.items.length > 0 && (
            <div className="table-wrap">
              <table className="list">
                <caption className="visually-hidden">{t('requests.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('field.reference')}</th>
                    <th scope="col">{t('field.parties')}</th>
                    <th scope="col">{t('field.state')}</th>
                    <th scope="col">{t('field.stepOwed')}</th>
                    <th scope="col">{t('field.due')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <Link href={`/requests/${r.id}`}>{r.reference}</Link>
                        <div className="sub">
                          {r.network} · {i.code('requestType', r.requestType)}
                          {r.urgent ? ` · ${t('field.urgent')}` : ''}
                        </div>
                      </th>
                      <td>
                        {i.stateName(r.requestingState)} → {i.stateName(r.requestedState)}
                      </td>
                      <td>{i.code('state', r.state)}</td>
                      <td>{r.nextDeadline ? <StepOwed step={r.nextDeadline.step} owedByState={r.nextDeadline.owedByState} /> : '–'}</td>
                      <td>{r.nextDeadline ? <DueText dueOn={r.nextDeadline.dueOn} overdue={r.nextDeadline.overdue} /> : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {list.total > PAGE && (
            <nav className="pager" aria-label={t('requests.pages')}>
              <button type="button" disabled={filters.offset === 0} onClick={() => set({ offset: String(Math.max(0, filters.offset - PAGE)) })}>
                {t('requests.previous')}
              </button>
              <button type="button" disabled={filters.offset + PAGE >= list.total} onClick={() => set({ offset: String(filters.offset + PAGE) })}>
                {t('requests.next')}
              </button>
            </nav>
          )}
        </>
      )}
      {!list && !error && <p role="status">{t('app.loading')}</p>}
    </section>
  );
}
