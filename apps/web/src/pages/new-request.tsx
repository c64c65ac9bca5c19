// New request (and /requests/{id}/edit for a draft): the letter of request's content with the checklist of
// UNTOC art. 18(15) kept up to date as the officer types (the same pure check the API runs), saved as a
// draft (POST, then PATCH with If-Match), shared with the requested State's contact point for informal
// consultation (draftShared) and transmitted (requestTransmitted).
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, call, type RequestView } from '../api/client';
import { useMe } from '../app';
import { useFieldLabel } from '../components/event-form';
import { useOtherStates } from '../components/filters';
import { Done, ErrorNotice } from '../components/notices';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { Checklist } from './request';
import { CHANNELS, checkCompleteness, LEGAL_BASES, MEASURES, NETWORK_CODES, OFFENCES, REQUEST_TYPES } from '../workflow-terms';

interface Person {
  name: string;
  nationality: string;
  location: string;
}

interface Draft {
  reference: string;
  network: string;
  requestedState: string;
  requestType: string;
  urgent: boolean;
  confidential: boolean;
  legalBasis: string;
  offences: string[];
  measures: string[];
  subject: string;
  requestingAuthority: string;
  investigatingAuthority: string;
  factsSummary: string;
  purpose: string;
  procedure: string;
  personsConcerned: Person[];
}

const EMPTY: Draft = {
  reference: '',
  network: '',
  requestedState: '',
  requestType: 'MLA',
  urgent: false,
  confidential: false,
  legalBasis: '',
  offences: [],
  measures: [],
  subject: '',
  requestingAuthority: '',
  investigatingAuthority: '',
  factsSummary: '',
  purpose: '',
  procedure: '',
  personsConcerned: [],
};

const TEXTS = ['subject', 'requestingAuthority', 'investigatingAuthority', 'factsSummary', 'purpose', 'procedure'] as const;

function fromRequest(r: RequestView): Draft {
  return {
    reference: r.reference,
    network: r.network,
    requestedState: r.requestedState,
    requestType: r.requestType,
    urgent: r.urgent,
    confidential: r.confidential,
    legalBasis: r.legalBasis ?? '',
    offences: r.offences,
    measures: r.measures,
    subject: r.subject ?? '',
    requestingAuthority: r.requestingAuthority ?? '',
    investigatingAuthority: r.investigatingAuthority ?? '',
    factsSummary: r.factsSummary ?? '',
    purpose: r.purpose ?? '',
    procedure: r.procedure ?? '',
    personsConcerned: (r.personsConcerned ?? []).map((p) => ({ name: p.name, nationality: p.nationality ?? '', location: p.location ?? '' })),
  };
}

/** The content fields as the API takes them: empty text is null (cleared), persons without a name left out. */
function content(d: Draft) {
  const text = (s: string) => (s.trim() === '' ? null : s);
  return {
    requestType: d.requestType,
    urgent: d.urgent,
    confidential: d.confidential,
    legalBasis: d.legalBasis || null,
    offences: d.offences,
    measures: d.measures,
    ...Object.fromEntries(TEXTS.map((k) => [k, text(d[k])])),
    personsConcerned: d.personsConcerned
      .filter((p) => p.name.trim() !== '')
      .map((p) => ({ name: p.name, ...(p.nationality ? { nationality: p.nationality } : {}), ...(p.location.trim() ? { location: p.location } : {}) })),
  };
}

export function NewRequestPage({ draftId }: { draftId?: string }) {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const id = useId();
  const fieldLabel = useFieldLabel();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const states = useOtherStates(draft.network);
  const [saved, setSaved] = useState<RequestView | null>(null);
  const [version, setVersion] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // a draft just created arrives here from /requests/new with history state `{ saved: true }`
  const [done, setDone] = useState<string | null>((history.state as { saved?: boolean } | null)?.saved ? t('draft.saved') : null);
  const [channel, setChannel] = useState('');
  const [suggestedDate, setSuggestedDate] = useState('');
  const [suggestedReasons, setSuggestedReasons] = useState('');

  useEffect(() => {
    if (!draftId) return;
    call<RequestView>('GET', `/api/v1/requests/${draftId}`).then((r) => {
      setSaved(r.data);
      setVersion(r.etag);
      setDraft(fromRequest(r.data));
    }, setError);
  }, [draftId]);
  const completeness = useMemo(() => checkCompleteness({ ...draft, personsConcerned: draft.personsConcerned.filter((p) => p.name.trim()) }), [draft]);
  const requiredCount = completeness.items.filter((c) => c.required).length;
  const givenCount = completeness.items.filter((c) => c.required && c.present).length;

  const update = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setDirty(true);
  };
  const toggle = (k: 'offences' | 'measures', code: string) => update(k, draft[k].includes(code) ? draft[k].filter((c) => c !== code) : [...draft[k], code]);

  /** Saves the draft (create or amend); returns its id and version. */
  const save = async (): Promise<{ id: string; version: string }> => {
    if (!saved) {
      const body = {
        ...(draft.reference.trim() ? { reference: draft.reference.trim() } : {}),
        network: draft.network,
        requestingState: me.state,
        requestedState: draft.requestedState,
        ...content(draft),
      };
      const r = await call<RequestView>('POST', '/api/v1/requests', { body });
      setSaved(r.data);
      setVersion(r.etag);
      setDraft(fromRequest(r.data));
      setDirty(false);
      navigate(`/requests/${r.data.id}/edit`, { replace: true, state: { saved: true } });
      return { id: r.data.id, version: r.etag ?? String(r.data.version) };
    }
    if (!dirty) return { id: saved.id, version: version ?? String(saved.version) };
    const r = await call<RequestView>('PATCH', `/api/v1/requests/${saved.id}`, { body: content(draft), ifMatch: version ?? saved.version });
    setSaved(r.data);
    setVersion(r.etag);
    setDirty(false);
    return { id: r.data.id, version: r.etag ?? String(r.data.version) };
  };

  const run = async (what: 'save' | 'share' | 'transmit') => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const s = await save();
      if (what === 'save') {
        setDone(t('draft.saved'));
        return;
      }
      const body =
        what === 'share'
          ? { type: 'draftShared' }
          : {
              type: 'requestTransmitted',
              channel,
              ...(suggestedDate ? { suggestedDeadline: { date: suggestedDate, ...(suggestedReasons.trim() ? { reasons: suggestedReasons } : {}) } } : {}),
            };
      await call('POST', `/api/v1/requests/${s.id}/events`, { body, ifMatch: s.version });
      navigate(`/requests/${s.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && saved) {
        // changed meanwhile (a review arrived): reload, keep the officer's text
        const r = await call<RequestView>('GET', `/api/v1/requests/${saved.id}`);
        setSaved(r.data);
        setVersion(r.etag);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('save');
  };
  const allowed = saved?.yourAllowedEvents ?? [];
  const label = (k: string) => t(`field.${k}` as MessageKey);

  return (
    <section className="new-request">
      <p className="crumbs">
        <Link href={saved ? `/requests/${saved.id}` : '/requests'}>{t('request.back')}</Link>
      </p>
      <h1 tabIndex={-1}>{saved ? t('draft.editTitle', { reference: saved.reference }) : t('draft.newTitle')}</h1>
      <p>{t('draft.intro', { state: i.stateName(me.state) })}</p>
      <div className="two-col">
        <form onSubmit={submit} aria-describedby={`${id}-checklist`} noValidate>
          <ErrorNotice error={error} fieldLabel={fieldLabel} />
          <Done>{done}</Done>
          <fieldset>
            <legend>{t('draft.parties')}</legend>
            <div className="field">
              <label htmlFor={`${id}-network`}>
                {label('network')} <span className="req">({t('form.required')})</span>
              </label>
              <select id={`${id}-network`} required disabled={!!saved} value={draft.network} onChange={(e) => update('network', e.target.value)}>
                <option value="">{t('form.choose')}</option>
                {NETWORK_CODES.map((n) => (
                  <option key={n} value={n}>
                    {i.code('network', n)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <span className="label-like">{label('requestingState')}</span> <strong>{i.stateName(me.state)}</strong>
            </div>
            <div className="field">
              <label htmlFor={`${id}-requested`}>
                {label('requestedState')} <span className="req">({t('form.required')})</span>
              </label>
              <select
                id={`${id}-requested`}
                required
                disabled={!!saved}
                value={draft.requestedState}
                onChange={(e) => update('requestedState', e.target.value)}
              >
                <option value="">{t('form.choose')}</option>
                {states.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-reference`}>{label('reference')}</label>
              <input
                id={`${id}-reference`}
                disabled={!!saved}
                maxLength={100}
                value={draft.reference}
                aria-describedby={`${id}-reference-hint`}
                onChange={(e) => update('reference', e.target.value)}
              />
              <p className="hint" id={`${id}-reference-hint`}>
                {t('draft.referenceHint')}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-type`}>{label('requestType')}</label>
              <select id={`${id}-type`} value={draft.requestType} onChange={(e) => update('requestType', e.target.value)}>
                {REQUEST_TYPES.map((c) => (
                  <option key={c} value={c}>
                    {i.code('requestType', c)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-basis`}>{label('legalBasis')}</label>
              <select id={`${id}-basis`} value={draft.legalBasis} onChange={(e) => update('legalBasis', e.target.value)}>
                <option value="">{t('form.choose')}</option>
                {LEGAL_BASES.map((c) => (
                  <option key={c} value={c}>
                    {i.code('legalBasis', c)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field check">
              <input id={`${id}-urgent`} type="checkbox" checked={draft.urgent} onChange={(e) => update('urgent', e.target.checked)} />
              <label htmlFor={`${id}-urgent`}>{label('urgent')}</label>
            </div>
            <div className="field check">
              <input id={`${id}-confidential`} type="checkbox" checked={draft.confidential} onChange={(e) => update('confidential', e.target.checked)} />
              <label htmlFor={`${id}-confidential`}>{t('draft.confidentialLabel')}</label>
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('draft.content')}</legend>
            {(['requestingAuthority', 'subject', 'investigatingAuthority'] as const).map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`${id}-${k}`}>{label(k)}</label>
                <input id={`${id}-${k}`} maxLength={k === 'subject' ? 500 : 300} value={draft[k]} onChange={(e) => update(k, e.target.value)} />
              </div>
            ))}
            <div className="field">
              <label htmlFor={`${id}-facts`}>{label('factsSummary')}</label>
              <textarea
                id={`${id}-facts`}
                rows={5}
                maxLength={20000}
                value={draft.factsSummary}
                aria-describedby={`${id}-facts-hint`}
                onChange={(e) => update('factsSummary', e.target.value)}
              />
              <p className="hint" id={`${id}-facts-hint`}>
                {t('draft.factsHint')}
              </p>
            </div>
            {(['purpose', 'procedure'] as const).map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`${id}-${k}`}>{label(k)}</label>
                <textarea id={`${id}-${k}`} rows={3} maxLength={4000} value={draft[k]} onChange={(e) => update(k, e.target.value)} />
              </div>
            ))}
          </fieldset>

          <fieldset className="codes">
            <legend>{label('measures')}</legend>
            {MEASURES.map((m) => (
              <div className="field check" key={m}>
                <input id={`${id}-m-${m}`} type="checkbox" checked={draft.measures.includes(m)} onChange={() => toggle('measures', m)} />
                <label htmlFor={`${id}-m-${m}`}>{i.code('measure', m)}</label>
              </div>
            ))}
          </fieldset>
          <fieldset className="codes">
            <legend>{label('offences')}</legend>
            {OFFENCES.map((o) => (
              <div className="field check" key={o}>
                <input id={`${id}-o-${o}`} type="checkbox" checked={draft.offences.includes(o)} onChange={() => toggle('offences', o)} />
                <label htmlFor={`${id}-o-${o}`}>{i.code('offence', o)}</label>
              </div>
            ))}
          </fieldset>

          <fieldset>
            <legend>{label('personsConcerned')}</legend>
            {draft.personsConcerned.map((p, n) => (
              <div className="person" key={n}>
                {(['name', 'nationality', 'location'] as const).map((k) => (
                  <div className="field" key={k}>
                    <label htmlFor={`${id}-p${n}-${k}`}>{t(`person.${k}` as MessageKey, { n: n + 1 })}</label>
                    {k === 'nationality' ? (
                      <input
                        id={`${id}-p${n}-${k}`}
                        value={p[k]}
                        maxLength={2}
                        size={3}
                        aria-describedby={`${id}-iso`}
                        onChange={(e) =>
                          update(
                            'personsConcerned',
                            draft.personsConcerned.map((q, m) => (m === n ? { ...q, [k]: e.target.value.toUpperCase() } : q)),
                          )
                        }
                      />
                    ) : (
                      <input
                        id={`${id}-p${n}-${k}`}
                        value={p[k]}
                        maxLength={300}
                        onChange={(e) =>
                          update(
                            'personsConcerned',
                            draft.personsConcerned.map((q, m) => (m === n ? { ...q, [k]: e.target.value } : q)),
                          )
                        }
                      />
                    )}
                  </div>
                ))}
                <button
                  type="button"
                  onClick={() =>
                    update(
                      'personsConcerned',
                      draft.personsConcerned.filter((_, m) => m !== n),
                    )
                  }
                >
                  {t('person.remove', { n: n + 1 })}
                </button>
              </div>
            ))}
            <p className="hint" id={`${id}-iso`}>
              {t('person.isoHint')}
            </p>
            <button type="button" onClick={() => update('personsConcerned', [...draft.personsConcerned, { name: '', nationality: '', location: '' }])}>
              {t('person.add')}
            </button>
          </fieldset>

          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('form.sending') : t('draft.save')}
            </button>
          </div>

          {saved && allowed.includes('draftShared') && (
            <section className="panel" aria-labelledby={`${id}-share-h`}>
              <h2 id={`${id}-share-h`}>{t('draft.shareTitle')}</h2>
              <p>{t('draft.shareHelp', { state: i.stateName(saved.requestedState) })}</p>
              <button type="button" disabled={busy} onClick={() => void run('share')}>
                {t('draft.share')}
              </button>
            </section>
          )}
          {saved && allowed.includes('requestTransmitted') && (
            <section className="panel" aria-labelledby={`${id}-transmit-h`}>
              <h2 id={`${id}-transmit-h`}>{t('draft.transmitTitle')}</h2>
              {!completeness.complete && <p className="notice warn">{t('draft.incomplete')}</p>}
              <div className="field">
                <label htmlFor={`${id}-channel`}>
                  {label('channel')} <span className="req">({t('form.required')})</span>
                </label>
                <select id={`${id}-channel`} required value={channel} onChange={(e) => setChannel(e.target.value)}>
                  <option value="">{t('form.choose')}</option>
                  {CHANNELS.filter((c) => c !== 'ORAL_URGENT' || draft.urgent).map((c) => (
                    <option key={c} value={c}>
                      {i.code('channel', c)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-sdate`}>{label('suggestedDeadlineDate')}</label>
                <input id={`${id}-sdate`} type="date" value={suggestedDate} onChange={(e) => setSuggestedDate(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-sreasons`}>{label('suggestedDeadlineReasons')}</label>
                <textarea id={`${id}-sreasons`} rows={2} maxLength={4000} value={suggestedReasons} onChange={(e) => setSuggestedReasons(e.target.value)} />
              </div>
              <button type="button" className="primary" disabled={busy} onClick={() => void run('transmit')}>
                {t('draft.transmit')}
              </button>
            </section>
          )}
        </form>
        <aside id={`${id}-checklist`} className="panel checklist-panel" aria-labelledby={`${id}-cl-h`}>
          <h2 id={`${id}-cl-h`}>{t('completeness.title')}</h2>
          <p aria-live="polite">{t('completeness.progress', { given: givenCount, required: requiredCount })}</p>
          <Checklist items={completeness.items} />
          <p className="hint">{t('completeness.source')}</p>
        </aside>
      </div>
    </section>
  );
}
