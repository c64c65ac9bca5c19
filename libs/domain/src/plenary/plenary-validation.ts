import { BILATERAL_MEETING_OUTCOMES, type BilateralMeetingOutcome } from '@rogatory/workflow';
import { ValidationFailedError, type FieldError } from '../errors';
import { isCalendarDate, isStorableText, NOT_ONE_LINE } from '../requests/request-validation';

/** A plenary meeting as entered: its calendar date and place. */
export interface PlenaryInput {
  /** `YYYY-MM-DD`, from 2000-01-01 to 2099-12-31. */
  date: string;
  /** One line, 1–200 characters, trimmed. */
  place: string;
}

/** The outcome of one request at a bilateral meeting, as entered. */
export interface OutcomeInput {
  /** The request's id (UUID, lower case). */
  requestId: string;
  outcome: BilateralMeetingOutcome;
  /** Free text for the two central authorities, ≤ 1,000 characters; goes only into the request's history. */
  note?: string;
}

/** Most outcomes in one call: more requests than any bilateral meeting holds. */
export const OUTCOMES_MAX = 500;
const NOTE_MAX = 1000;
const PLACE_MAX = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function objectOrFail(body: unknown, errors: FieldError[], path = '(body)'): Record<string, unknown> | null {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  errors.push({ field: path, reason: 'must be a JSON object' });
  return null;
}

function onlyFields(o: Record<string, unknown>, allowed: string[], errors: FieldError[], prefix = ''): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      errors.push({
        field: `${prefix}${k}`,
        reason: allowed.length ? `is not a known field (known: ${allowed.join(', ')})` : 'is not accepted: this call takes no body',
      });
}

/**
 * Validates `{ date, place }` of POST /networks/{network}/plenaries: `date` a real calendar date
 * `YYYY-MM-DD` in 2000–2099, `place` one line of 1–200 characters (no control or direction-override
 * characters). Unknown fields are refused. Throws ValidationFailedError naming every bad field.
 */
export function validatePlenaryInput(body: unknown): PlenaryInput {
  const errors: FieldError[] = [];
  const o = objectOrFail(body, errors);
  if (!o) throw new ValidationFailedError(errors);
  onlyFields(o, ['date', 'place'], errors);
  const { date, place } = o;
  if (date === undefined || date === null) errors.push({ field: 'date', reason: 'is required, a calendar date YYYY-MM-DD' });
  else if (!isCalendarDate(date)) errors.push({ field: 'date', reason: 'must be a calendar date YYYY-MM-DD' });
  else if (date < '2000-01-01' || date > '2099-12-31') errors.push({ field: 'date', reason: 'must be from 2000-01-01 to 2099-12-31' });
  if (place === undefined || place === null) errors.push({ field: 'place', reason: 'is required' });
  else if (typeof place !== 'string') errors.push({ field: 'place', reason: `must be a string, got ${typeof place}` });
  else if (!isStorableText(place)) errors.push({ field: 'place', reason: 'must be valid Unicode without NUL characters' });
  else if (NOT_ONE_LINE.test(place)) errors.push({ field: 'place', reason: 'must be one line without control or direction-override characters' });
  else if (place.trim() === '') errors.push({ field: 'place', reason: 'must not be blank' });
  else if (place.trim().length > PLACE_MAX) errors.push({ field: 'place', reason: `must be at most ${PLACE_MAX} characters, got ${place.trim().length}` });
  if (errors.length) throw new ValidationFailedError(errors);
  return { date: date as string, place: (place as string).trim() };
}

/**
 * Validates the (empty) body of POST /plenaries/{id}/bilateral-meetings/proposals: nothing, or `{}`.
 * Throws ValidationFailedError naming each field sent.
 */
export function validateNoBody(body: unknown): void {
  if (body === undefined || body === null) return;
  const errors: FieldError[] = [];
  const o = objectOrFail(body, errors);
  if (o) onlyFields(o, [], errors);
  if (errors.length) throw new ValidationFailedError(errors);
}

/**
 * Validates `{ items: [{ requestId, outcome, note? }] }` of POST /bilateral-meetings/{id}/outcomes: 1 to
 * OUTCOMES_MAX items, each a request id (UUID), an outcome of BILATERAL_MEETING_OUTCOMES (any case), an
 * optional note of at most 1,000 characters (several lines allowed; no NUL, no lone surrogate); a request
 * given twice is an error on its second `items[i].requestId`. Throws ValidationFailedError naming every
 * bad field (`items[2].outcome`). Whether each request is on the meeting's agenda is PlenaryService's check.
 */
export function validateOutcomes(body: unknown): OutcomeInput[] {
  const errors: FieldError[] = [];
  const o = objectOrFail(body, errors);
  if (!o) throw new ValidationFailedError(errors);
  onlyFields(o, ['items'], errors);
  const items = o.items;
  if (!Array.isArray(items)) {
    errors.push({ field: 'items', reason: 'is required: an array of { requestId, outcome, note? }' });
    throw new ValidationFailedError(errors);
  }
  if (items.length === 0 || items.length > OUTCOMES_MAX)
    errors.push({ field: 'items', reason: `must hold 1 to ${OUTCOMES_MAX} outcomes, got ${items.length}` });
  const out: OutcomeInput[] = [];
  const seen = new Map<string, number>();
  items.slice(0, OUTCOMES_MAX).forEach((item, i) => {
    const path = `items[${i}]`;
    const io = objectOrFail(item, errors, path);
    if (!io) return;
    onlyFields(io, ['requestId', 'outcome', 'note'], errors, `${path}.`);
    const { requestId, outcome, note } = io;
    let id: string | undefined;
    if (typeof requestId !== 'string' || !UUID.test(requestId))
      errors.push({ field: `${path}.requestId`, reason: 'is required: the id (UUID) of a request on the agenda' });
    else if (seen.has(requestId.toLowerCase()))
      errors.push({ field: `${path}.requestId`, reason: `is given twice (also items[${seen.get(requestId.toLowerCase())}]): one outcome per request` });
    else seen.set((id = requestId.toLowerCase()), i);
    let code: BilateralMeetingOutcome | undefined;
    const up = typeof outcome === 'string' ? outcome.trim().toUpperCase() : undefined;
    if (up !== undefined && (BILATERAL_MEETING_OUTCOMES as readonly string[]).includes(up)) code = up as BilateralMeetingOutcome;
    else errors.push({ field: `${path}.outcome`, reason: `is required, one of ${BILATERAL_MEETING_OUTCOMES.join(', ')}` });
    let text: string | undefined;
    if (note !== undefined && note !== null) {
      if (typeof note !== 'string') errors.push({ field: `${path}.note`, reason: `must be a string, got ${typeof note}` });
      else if (!isStorableText(note)) errors.push({ field: `${path}.note`, reason: 'must be valid Unicode without NUL characters' });
      else if (note.length > NOTE_MAX) errors.push({ field: `${path}.note`, reason: `must be at most ${NOTE_MAX} characters, got ${note.length}` });
      else if (note.trim() !== '') text = note;
    }
    if (id && code) out.push({ requestId: id, outcome: code, ...(text !== undefined ? { note: text } : {}) });
  });
  if (errors.length) throw new ValidationFailedError(errors);
  return out;
}
