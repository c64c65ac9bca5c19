// The directory (GET /api/v1/directory/states): each State's central authority, competent authorities and
// contact points, the languages and channels it accepts, its formal requirements, and when each entry was
// last confirmed (stale after a year).
import { useEffect, useState } from 'react';
import { get, type StateEntry, type StateEntryList } from '../api/client';
import { useMe } from '../app';
import { ErrorNotice } from '../components/notices';
import { useI18n } from '../i18n';
import { NetworkSelect, useQueryState } from '../components/filters';

export function DirectoryPage() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const { query: q, set: setQuery } = useQueryState('/directory');
  const network = q.get('network') ?? '';
  const language = q.get('language') ?? '';
  const [list, setList] = useState<StateEntryList | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    get<StateEntryList>('/api/v1/directory/states', { network, language }).then(setList, setError);
  }, [network, language]);
  const set = (k: string, v: string) => setQuery({ [k]: v });
  const items = [...(list?.items ?? [])].sort((a, b) => i.stateName(a.code).localeCompare(i.stateName(b.code), i.locale));
  return (
    <section>
      <h1 tabIndex={-1}>{t('directory.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('directory.filters')}>
        <NetworkSelect value={network} onChange={(v) => set('network', v)} allLabel={t('filter.all')} />
        <label>
          {t('directory.language')}
          <select value={language} onChange={(e) => set('language', e.target.value)}>
            <option value="">{t('filter.all')}</option>
            {['en', 'fr', 'pt', 'ru', 'ar', 'es', 'zh'].map((l) => (
              <option key={l} value={l}>
                {i.languageName(l)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={error} />
      {list && <p role="status">{t('directory.count', { n: list.total })}</p>}
      <div className="cards">
        {items.map((s) => (
          <StateCard key={s.code} s={s} mine={s.code === me.state} />
        ))}
      </div>
    </section>
  );
}

function Confirmed({ at, stale }: { at: string | null; stale: boolean }) {
  const i = useI18n();
  return (
    <span className={stale ? 'confirmed stale' : 'confirmed'}>
      {at ? i.t('directory.confirmedOn', { date: i.date(at.slice(0, 10)) }) : i.t('directory.neverConfirmed')}
      {stale ? ` · ${i.t('directory.stale')}` : ''}
    </span>
  );
}

function StateCard({ s, mine }: { s: StateEntry; mine: boolean }) {
  const i = useI18n();
  const { t } = i;
  return (
    <article className="card" aria-labelledby={`st-${s.code}`}>
      <h2 id={`st-${s.code}`}>
        {i.stateName(s.code)} <span className="sub">({s.code})</span>
        {mine && <span className="badge">{t('directory.yours')}</span>}
      </h2>
      <p className="sub">
        {s.networks.join(', ')} · {s.timeZone} · <Confirmed at={s.lastConfirmedAt} stale={s.stale} />
      </p>
      <dl className="details">
        <dt>{t('directory.acceptedLanguages')}</dt>
        <dd>{s.acceptedLanguages.map((l) => i.languageName(l)).join(', ') || '–'}</dd>
        <dt>{t('field.channel')}</dt>
        <dd>{s.channels.map((c) => i.code('channel', c)).join(', ') || '–'}</dd>
        <dt>{t('directory.requirements')}</dt>
        <dd className="pre">{s.formalRequirements || '–'}</dd>
        <dt>{t('directory.centralAuthority')}</dt>
        <dd>
          {s.centralAuthority ? (
            <>
              {s.centralAuthority.name} · <a href={`mailto:${s.centralAuthority.email}`}>{s.centralAuthority.email}</a> ·{' '}
              <Confirmed at={s.centralAuthority.lastConfirmedAt} stale={s.centralAuthority.stale} />
            </>
          ) : (
            '–'
          )}
        </dd>
        {s.competentAuthorities.length > 0 && (
          <>
            <dt>{t('directory.competentAuthorities')}</dt>
            <dd>
              <ul>
                {s.competentAuthorities.map((c) => (
                  <li key={c.id}>
                    {c.name} ({c.measures.map((m) => i.code('measure', m)).join(', ')}) · <Confirmed at={c.lastConfirmedAt} stale={c.stale} />
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>{t('directory.contactPoints')}</dt>
        <dd>
          {s.contactPoints.length === 0 ? (
            '–'
          ) : (
            <ul>
              {s.contactPoints.map((c) => (
                <li key={c.id}>
                  {c.name} · {c.network} · {i.languageName(c.language)} · <a href={`mailto:${c.email}`}>{c.email}</a> ·{' '}
                  <Confirmed at={c.lastConfirmedAt} stale={c.stale} />
                  {c.absence && <div className="sub">{t('directory.absent', { from: i.date(c.absence.from), until: i.date(c.absence.until) })}</div>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </article>
  );
}
