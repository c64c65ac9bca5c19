// One request: references, parties, content, open deadlines with their reminders and escalation level, the
// facilitation record, the timeline of every event, and the actions the workflow allows the user now
// (yourAllowedEvents) as forms. A stale version (409) is explained, the request reloaded, the form kept.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, call, get, type EventType, type HistoryEvent, type RequestView } from '../api/client';
import { useMe } from '../app';
import { DueText, StepOwed } from '../components/deadline';
import { EventForm, eventBody, useFieldLabel, type FormValues } from '../components/event-form';
import { Done, ErrorNotice } from '../components/notices';
import { useI18n, type I18n } from '../i18n';

/** Events recorded elsewhere (draft amendment: the edit page; meetings: the plenary; deadlines: the engine). */
const NOT_FROM_HERE = new Set(['draftAmended', 'bilateralMeetingHeld', 'deadlineReached']);

interface Stale {
  /** Events recorded by others since the version the form was opened on. */
  newer: HistoryEvent[];
  stillAllowed: boolean;
}

export function RequestPage({ id }: { id: string }) {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const fieldLabel = useFieldLabel();
  const [request, setRequest] = useState<RequestView | null>(null);
  const [version, setVersion] = useState<string | null>(null);
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [open, setOpen] = useState<EventType | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [stale, setStale] = useState<Stale | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [r, h] = await Promise.all([
      call<RequestView>('GET', `/api/v1/requests/${id}`),
      get<HistoryEvent[] | { items: HistoryEvent[] }>(`/api/v1/requests/${id}/events`),
    ]);
    setRequest(r.data);
    setVersion(r.etag ?? String(r.data.version));
    const list = Array.isArray(h) ? h : h.items;
    setEvents(list);
    return { request: r.data, events: list };
  }, [id]);

  useEffect(() => {
    setRequest(null);
    load().catch(setLoadError);
  }, [load]);

  const send = async () => {
    if (!open || !request) return;
    setBusy(true);
    setError(null);
    setDone(null);
    const seenSeq = events.length ? events[events.length - 1].seq : 0;
    try {
      await call('POST', `/api/v1/requests/${id}/events`, { body: eventBody(open, values), ifMatch: version ?? request.version });
      const recorded = open;
      setOpen(null);
      setValues({});
      setStale(null);
      await load();
      setDone(t('request.recorded', { event: i.code('event', recorded) }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'STALE_VERSION') {
        // Someone else changed the request: reload it, keep what the user typed, say what changed.
        const fresh = await load();
        setStale({ newer: fresh.events.filter((e) => e.seq > seenSeq), stillAllowed: fresh.request.yourAllowedEvents.includes(open) });
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <section>
        <h1 tabIndex={-1}>{loadError instanceof ApiError && loadError.status === 404 ? t('request.notFound') : t('app.unavailable')}</h1>
        {loadError instanceof ApiError && loadError.status === 404 ? <p>{t('request.notFoundHelp')}</p> : <ErrorNotice error={loadError} />}
        <p>
          <Link href="/requests">{t('request.back')}</Link>
        </p>
      </section>
    );
  }
  if (!request) return <p role="status">{t('app.loading')}</p>;

  const actions = request.yourAllowedEvents.filter((e) => !NOT_FROM_HERE.has(e)) as EventType[];
  const full = request.view === 'FULL';
  const canEdit = me.role === 'CENTRAL_AUTHORITY' && me.state === request.requestingState && ['draft', 'informalConsultation'].includes(request.state);
  const facilitation = events.filter((e) => e.type === 'facilitationRecorded');

  return (
    <article className="request">
      <p className="crumbs">
        <Link href="/requests">{t('request.back')}</Link>
      </p>
      <h1 tabIndex={-1}>
        {t('request.title', { reference: request.reference })}
        <span className={`badge state-${request.state}`}>{i.code('state', request.state)}</span>
      </h1>
      <p className="lead">
        {t('request.parties', { requesting: i.stateName(request.requestingState), requested: i.stateName(request.requestedState) })} · {request.network} ·{' '}
        {i.code('requestType', request.requestType)}
        {request.urgent ? ` · ${t('field.urgent')}` : ''}
        {request.confidential ? ` · ${t('field.confidential')}` : ''}
      </p>
      {!full && <p className="notice info">{t('request.metadataOnly')}</p>}
      {request.attention && <p className="notice error">{t('request.attention', { reason: request.attention })}</p>}

      <Done>{done}</Done>
      {stale && (
        <div className="notice warn" role="alert">
          <p>
            <strong>{t('stale.title')}</strong> {t('stale.explain')}
          </p>
          {stale.newer.length > 0 && (
            <ul>
              {stale.newer.map((e) => (
                <li key={e.seq}>
                  {i.code('happened', e.type)} · {actorText(i, e.actor)} · {i.dateTime(e.occurredAt, me.timeZone)}
                </li>
              ))}
            </ul>
          )}
          <p>{stale.stillAllowed ? t('stale.formKept') : t('stale.noLongerAllowed')}</p>
        </div>
      )}

      <section aria-labelledby="actions-h" className="panel">
        <h2 id="actions-h">{t('request.actions')}</h2>
        {actions.length === 0 && !canEdit && <p>{t('request.noActions')}</p>}
        <div className="buttons">
          {canEdit && (
            <Link className="button" href={`/requests/${request.id}/edit`}>
              {t('request.editDraft')}
            </Link>
          )}
          {actions.map((e) => (
            <button
              key={e}
              type="button"
              aria-expanded={open === e}
              className={open === e ? 'selected' : undefined}
              onClick={() => {
                setOpen(open === e ? null : e);
                setValues({});
                setError(null);
                setStale(null);
              }}
            >
              {i.code('event', e)}
            </button>
          ))}
        </div>
        {open && (stale?.stillAllowed ?? true) && (
          <>
            <ErrorNotice error={error} fieldLabel={fieldLabel} />
            <EventForm type={open} values={values} onChange={setValues} onSubmit={() => void send()} onCancel={() => setOpen(null)} busy={busy} />
          </>
        )}
      </section>

      <section aria-labelledby="deadlines-h" className="panel">
        <h2 id="deadlines-h">{t('request.deadlines')}</h2>
        {request.openDeadlines.length === 0 ? (
          <p>{t('request.noDeadlines')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.stepOwed')}</th>
                  <th scope="col">{t('field.due')}</th>
                  <th scope="col">{t('deadline.sent')}</th>
                  <th scope="col">{t('deadline.level')}</th>
                  <th scope="col">{t('deadline.next')}</th>
                </tr>
              </thead>
              <tbody>
                {request.openDeadlines.map((d) => {
                  const level = [...d.sentStages].reverse().find((s) => s.startsWith('LEVEL_'));
                  return (
                    <tr key={d.id}>
                      <th scope="row">
                        <StepOwed step={d.step} owedByState={d.owedByState} />
                        {d.status === 'PAUSED' && <div className="sub">{t('deadline.paused')}</div>}
                      </th>
                      <td>
                        <DueText dueOn={d.dueOn} overdue={d.overdue} />
                      </td>
                      <td>{d.sentStages.length ? d.sentStages.map((s) => i.code('stage', s)).join(', ') : t('deadline.noneSent')}</td>
                      <td>{level ? i.code('stage', level) : t('deadline.notEscalated')}</td>
                      <td>{d.nextStage ? `${i.code('stage', d.nextStage)} · ${i.dateTime(d.nextFireAt, me.timeZone)}` : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="hint">{t('deadline.timesIn', { zone: me.timeZone })}</p>
          </div>
        )}
      </section>

      <section aria-labelledby="details-h" className="panel">
        <h2 id="details-h">{t('request.details')}</h2>
        <dl className="details">
          <Row label={t('field.reference')} value={request.reference} />
          <Row label={t('field.requestingState')} value={i.stateName(request.requestingState)} />
          <Row label={t('field.requestedState')} value={i.stateName(request.requestedState)} />
          <Row label={t('field.legalBasis')} value={i.code('legalBasis', request.legalBasis)} />
          <Row label={t('field.offences')} value={request.offences.map((o) => i.code('offence', o)).join(', ')} />
          <Row label={t('field.measures')} value={request.measures.map((m) => i.code('measure', m)).join(', ')} />
          <Row label={t('field.channel')} value={i.code('channel', request.channel)} />
          <Row label={t('field.transmittedOn')} value={i.date(request.transmittedOn)} />
          {request.suggestedDeadline && (
            <Row
              label={t('field.suggestedDeadlineDate')}
              value={`${i.date(request.suggestedDeadline.date)}${request.suggestedDeadline.reasons ? ` · ${request.suggestedDeadline.reasons}` : ''}`}
            />
          )}
          {full && (
            <>
              <Row label={t('field.subject')} value={request.subject} />
              <Row label={t('field.requestingAuthority')} value={request.requestingAuthority} />
              <Row label={t('field.investigatingAuthority')} value={request.investigatingAuthority} />
              <Row label={t('field.factsSummary')} value={request.factsSummary} pre />
              <Row label={t('field.purpose')} value={request.purpose} pre />
              <Row label={t('field.procedure')} value={request.procedure} pre />
              <Row
                label={t('field.personsConcerned')}
                value={(request.personsConcerned ?? [])
                  .map((p) => [p.name, p.nationality ? i.stateName(p.nationality) : '', p.location ?? ''].filter(Boolean).join(', '))
                  .join('; ')}
              />
            </>
          )}
          {request.consultation && (
            <Row
              label={t('field.consultation')}
              value={`${i.date(request.consultation.openedOn)}${request.consultation.subject ? ` · ${request.consultation.subject}` : ''}`}
            />
          )}
          {request.refusal && (
            <Row
              label={t('field.refusal')}
              value={[i.code('ground', request.refusal.ground), request.refusal.reasons, request.refusal.consultedOn ? i.date(request.refusal.consultedOn) : '']
                .filter(Boolean)
                .join(' · ')}
            />
          )}
          {request.outcome && <Row label={t('field.outcome')} value={i.code('outcome', request.outcome)} />}
        </dl>
        {request.completeness && (
          <>
            <h3>{t('completeness.title')}</h3>
            <Checklist items={request.completeness.items} />
          </>
        )}
      </section>

      <section aria-labelledby="facilitation-h" className="panel">
        <h2 id="facilitation-h">{t('request.facilitation')}</h2>
        {request.linkedNetworks.length > 0 && <p>{t('request.linkedNetworks', { networks: request.linkedNetworks.join(', ') })}</p>}
        {request.informalConsultations.length > 0 && (
          <ul>
            {request.informalConsultations.map((c) => (
              <li key={c.sharedAt}>
                {t('request.consultationShared', { at: i.dateTime(c.sharedAt, me.timeZone) })}{' '}
                {c.reviewedAt
                  ? t('request.consultationReviewed', { at: i.dateTime(c.reviewedAt, me.timeZone), hours: c.hours ?? 0 })
                  : t('request.underReview')}
              </li>
            ))}
          </ul>
        )}
        {facilitation.length === 0 ? (
          <p>{t('request.noFacilitation')}</p>
        ) : (
          <ul className="facilitation">
            {facilitation.map((e) => (
              <li key={e.seq}>
                <strong>{i.code('facilitation', String(e.payload.action ?? ''))}</strong> · {actorText(i, e.actor)} · {i.dateTime(e.occurredAt, me.timeZone)}
                {typeof e.payload.note === 'string' && e.payload.note && <div className="note">{e.payload.note}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="timeline-h" className="panel">
        <h2 id="timeline-h">{t('request.timeline')}</h2>
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.seq}>
              <div className="when">
                <time dateTime={e.occurredAt}>{i.dateTime(e.occurredAt, me.timeZone)}</time>
              </div>
              <div className="what">
                <strong>{i.code('happened', e.type)}</strong>
                {e.inferred && <span className="sub"> ({t('timeline.inferred')})</span>}
                <div className="sub">
                  {actorText(i, e.actor)}
                  {e.fromState !== e.toState && ` · ${i.code('state', e.fromState)} → ${i.code('state', e.toState)}`}
                </div>
                <Payload payload={e.payload} />
              </div>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

function actorText(i: I18n, a: HistoryEvent['actor']): string {
  const role = i.code('role', a.role);
  return [a.name, role === a.name ? '' : role, a.state ? i.stateName(a.state) : ''].filter(Boolean).join(', ');
}

function Row({ label, value, pre }: { label: string; value: string | null | undefined; pre?: boolean }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd className={pre ? 'pre' : undefined}>{value}</dd>
    </>
  );
}

/** The 18(15) checklist: each item, its paragraph, given or missing (required) or recommended. */
export function Checklist({ items }: { items: Array<{ item: string; paragraph: string; required: boolean; present: boolean }> }) {
  const i = useI18n();
  return (
    <ul className="checklist">
      {items.map((c) => (
        <li key={c.item} className={c.present ? 'ok' : c.required ? 'missing' : 'recommended'}>
          <span aria-hidden="true">{c.present ? '✓' : c.required ? '✗' : '○'}</span> {i.code('item', c.item)} <span className="sub">({c.paragraph})</span> —{' '}
          {c.present ? i.t('completeness.given') : c.required ? i.t('completeness.missing') : i.t('completeness.recommended')}
        </li>
      ))}
    </ul>
  );
}

/** What an event carried (questions, reasons, notes, checklist marks), as the API gives it (FULL view only). */
function Payload({ payload }: { payload: Record<string, unknown> }) {
  const i = useI18n();
  const entries = Object.entries(payload).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!entries.length) return null;
  const show = (k: string, v: unknown): string => {
    if (k === 'checklist' && typeof v === 'object' && v)
      return Object.entries(v as Record<string, string>)
        .map(([item, mark]) => `${i.code('item', item)}: ${i.code('mark', mark)}`)
        .join('; ');
    if (k === 'suggestedDeadline' && typeof v === 'object' && v) {
      const s = v as { date: string; reasons?: string };
      return `${i.date(s.date)}${s.reasons ? ` · ${s.reasons}` : ''}`;
    }
    if (k === 'action') return i.code('facilitation', String(v));
    if (k === 'channel') return i.code('channel', String(v));
    if (k === 'ground') return i.code('ground', String(v));
    if (k === 'stage') return i.code('stage', String(v));
    if (k === 'step') return i.code('step', String(v));
    if (typeof v === 'boolean') return v ? i.t('form.yes') : i.t('form.no');
    if (Array.isArray(v)) return v.map(String).join(', ');
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return (
    <dl className="payload">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{i.code('field', k)}</dt>
          <dd>{show(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
