// The form of one workflow event: the fields its payload takes, sent with POST /api/v1/requests/{id}/events
// by the request page. Which events are offered is the workflow's decision (yourAllowedEvents); this only
// collects what the event carries.
import { useId, type FormEvent } from 'react';
import type { EventBody, EventType } from '../api/client';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { CHANNELS, CHECKLIST_MARKS, CONTENT_ITEMS, FACILITATION_ACTIONS, NETWORK_CODES, REFUSAL_GROUNDS, type EventField } from '../workflow-terms';

/** Payload fields of each event type (the API's EVENT_FIELDS); events not listed carry none. */
export const EVENT_FIELDS: Partial<Record<EventType, EventField[]>> = {
  draftReviewed: [
    { name: 'comments', kind: 'text', max: 4000 },
    { name: 'requirements', kind: 'text', max: 4000 },
  ],
  requestTransmitted: [
    { name: 'channel', kind: 'code', codes: CHANNELS, codePrefix: 'channel', required: true },
    { name: 'suggestedDeadlineDate', kind: 'date' },
    { name: 'suggestedDeadlineReasons', kind: 'text', max: 4000 },
  ],
  additionalInformationRequested: [{ name: 'questions', kind: 'text', max: 4000 }],
  consultationOpened: [{ name: 'subject', kind: 'text', max: 4000 }],
  requestAccepted: [
    { name: 'executingAuthority', kind: 'line', max: 300 },
    { name: 'conditions', kind: 'text', max: 4000 },
  ],
  requestRefused: [
    { name: 'ground', kind: 'code', codes: REFUSAL_GROUNDS, codePrefix: 'ground', required: true },
    { name: 'reasons', kind: 'text', required: true, max: 4000 },
  ],
  executionPostponed: [{ name: 'reasons', kind: 'text', required: true, max: 4000 }],
  executionCompleted: [{ name: 'partial', kind: 'bool' }],
  requestWithdrawn: [{ name: 'reasons', kind: 'text', max: 4000 }],
  requestLapsed: [{ name: 'reasons', kind: 'text', max: 4000 }],
  facilitationRecorded: [
    { name: 'action', kind: 'code', codes: FACILITATION_ACTIONS, codePrefix: 'facilitation', required: true },
    { name: 'note', kind: 'text', max: 1000 },
    { name: 'network', kind: 'code', codes: NETWORK_CODES, codePrefix: 'network' },
  ],
};

export type FormValues = Record<string, string | boolean>;

/** The API body of `type` from the form's values: empty fields left out, the suggested deadline and checklist nested. */
export function eventBody(type: EventType, v: FormValues): EventBody {
  const body: Record<string, unknown> = { type };
  for (const f of EVENT_FIELDS[type] ?? []) {
    const value = v[f.name];
    if (f.name.startsWith('suggestedDeadline')) continue;
    if (f.kind === 'bool') body[f.name] = value === true;
    else if (typeof value === 'string' && value.trim() !== '') body[f.name] = value;
  }
  if (type === 'requestTransmitted' && typeof v.suggestedDeadlineDate === 'string' && v.suggestedDeadlineDate) {
    const reasons = typeof v.suggestedDeadlineReasons === 'string' ? v.suggestedDeadlineReasons.trim() : '';
    body.suggestedDeadline = { date: v.suggestedDeadlineDate, ...(reasons ? { reasons } : {}) };
  }
  if (type === 'draftReviewed') {
    const checklist: Record<string, string> = {};
    for (const item of CONTENT_ITEMS) {
      const mark = v[`checklist.${item}`];
      if (typeof mark === 'string' && mark) checklist[item] = mark;
    }
    if (Object.keys(checklist).length) body.checklist = checklist;
  }
  return body as EventBody;
}

/** Maps an API error's field (`suggestedDeadline.date`, `checklist.PURPOSE`) to this form's label. */
export function useFieldLabel(): (field: string) => string {
  const i = useI18n();
  return (field) => {
    if (field.startsWith('checklist.')) return i.code('item', field.slice('checklist.'.length));
    const key = `field.${field.replace('suggestedDeadline.date', 'suggestedDeadlineDate').replace('suggestedDeadline.reasons', 'suggestedDeadlineReasons')}`;
    const label = i.t(key as MessageKey);
    return label === key ? field : label;
  };
}

export function EventForm({
  type,
  values,
  onChange,
  onSubmit,
  onCancel,
  busy,
}: {
  type: EventType;
  values: FormValues;
  onChange: (v: FormValues) => void;
  onSubmit: () => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const i = useI18n();
  const { t } = i;
  const id = useId();
  const fields = EVENT_FIELDS[type] ?? [];
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form className="event-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{i.code('event', type)}</h3>
      <p className="hint">{i.code('eventHelp', type)}</p>
      {fields.map((f) => {
        if (f.name === 'network' && values.action !== 'LINKED_OTHER_NETWORK') return null;
        const label = t(`field.${f.name}` as MessageKey);
        const fid = `${id}-${f.name}`;
        const required = f.required || (f.name === 'network' && values.action === 'LINKED_OTHER_NETWORK');
        const value = values[f.name];
        if (f.kind === 'bool')
          return (
            <div className="field check" key={f.name}>
              <input id={fid} type="checkbox" checked={value === true} onChange={(e) => set(f.name, e.target.checked)} />
              <label htmlFor={fid}>{label}</label>
            </div>
          );
        return (
          <div className="field" key={f.name}>
            <label htmlFor={fid}>
              {label}
              {required ? <span className="req"> ({t('form.required')})</span> : null}
            </label>
            {f.kind === 'code' ? (
              <select id={fid} required={required} value={typeof value === 'string' ? value : ''} onChange={(e) => set(f.name, e.target.value)}>
                <option value="">{t('form.choose')}</option>
                {f.codes.map((c) => (
                  <option key={c} value={c}>
                    {i.code(f.codePrefix, c)}
                  </option>
                ))}
              </select>
            ) : f.kind === 'text' ? (
              <textarea
                id={fid}
                required={required}
                maxLength={f.max}
                rows={3}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(f.name, e.target.value)}
              />
            ) : (
              <input
                id={fid}
                type={f.kind === 'date' ? 'date' : 'text'}
                required={required}
                maxLength={f.kind === 'line' ? f.max : undefined}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(f.name, e.target.value)}
              />
            )}
          </div>
        );
      })}
      {type === 'draftReviewed' && (
        <fieldset>
          <legend>{t('review.checklist')}</legend>
          {CONTENT_ITEMS.map((item) => {
            const fid = `${id}-cl-${item}`;
            return (
              <div className="field inline" key={item}>
                <label htmlFor={fid}>{i.code('item', item)}</label>
                <select id={fid} value={(values[`checklist.${item}`] as string) ?? ''} onChange={(e) => set(`checklist.${item}`, e.target.value)}>
                  <option value="">{t('form.notMarked')}</option>
                  {CHECKLIST_MARKS.map((m) => (
                    <option key={m} value={m}>
                      {i.code('mark', m)}
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('form.sending') : t('form.record', { event: i.code('event', type) })}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
