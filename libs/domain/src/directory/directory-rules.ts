import { CHANNELS, MEASURES, type Channel, type Measure } from '@rogatory/workflow';
import type { FieldError } from '../errors';
import { isCalendarDate, isStorableText, NOT_ONE_LINE } from '../requests/request-validation';

/**
 * Rules of the directory entries (issue 5), pure: staleness, ISO 639-1 codes, and the checks of the
 * bodies that change an entry. Each check returns the value or the field errors, never throws.
 */

/** An entry not confirmed for this many days (or never) is stale. */
export const STALE_AFTER_DAYS = 365;
const DAY_MS = 86_400_000;

/** Longest formal requirements text (characters), as the other free texts of the product. */
export const REQUIREMENTS_MAX = 4000;
/** Longest name of an authority or contact point (characters). */
export const NAME_MAX = 200;
/** Longest email address (RFC 5321 §4.5.3.1.3 path limit). */
export const EMAIL_MAX = 254;
/** Longest absence (days, both ends included): a longer one is a handover to a successor, not an absence. */
export const ABSENCE_MAX_DAYS = 366;

/** Whether an entry is stale, and since when. */
export interface Staleness {
  /** True when never confirmed, or last confirmed {@link STALE_AFTER_DAYS} days ago or more. */
  stale: boolean;
  /**
   * When it became stale (UTC): the last confirmation + 365 days; for an entry never confirmed, the time
   * it entered the directory. Null while not stale.
   */
  staleSince: Date | null;
}

/**
 * Staleness of an entry at `now` from its last confirmation (null: never) and when it was entered.
 * Durations are exact: 365 × 24 hours after the confirmation instant.
 */
export function staleness(lastConfirmedAt: Date | null, createdAt: Date, now: Date): Staleness {
  if (lastConfirmedAt === null) return { stale: true, staleSince: createdAt };
  const since = new Date(lastConfirmedAt.getTime() + STALE_AFTER_DAYS * DAY_MS);
  return since.getTime() <= now.getTime() ? { stale: true, staleSince: since } : { stale: false, staleSince: null };
}

/** The 183 two-letter codes of ISO 639-1 (Library of Congress registration authority list). */
export const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr ' +
    'fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln ' +
    'lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk ' +
    'sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

/** True for an ISO 639-1 code written as two lower-case letters (`en`, not `EN` or `eng`). */
export function isIso6391(code: unknown): code is string {
  return typeof code === 'string' && /^[a-z]{2}$/.test(code) && ISO_639_1.has(code);
}

/** A plausible email address: one line, `local@domain.tld`, no spaces, angle brackets, commas or quotes (they would break a To header or a CSV cell). */
export function isEmailAddress(s: string): boolean {
  return s.length <= EMAIL_MAX && !NOT_ONE_LINE.test(s) && /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$/.test(s);
}

type Result<T> = { value: T; errors: [] } | { value?: undefined; errors: FieldError[] };

function done<T>(value: T | undefined, errors: FieldError[]): Result<T> {
  return errors.length || value === undefined ? { errors } : { value, errors: [] };
}

/** The body must be a JSON object with only `known` fields; the field errors otherwise. */
function objectWith(body: unknown, known: string[], shape: string): { obj?: Record<string, unknown>; errors: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { errors: [{ field: '(body)', reason: `must be a JSON object ${shape}` }] };
  const obj = body as Record<string, unknown>;
  const errors = Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => ({ field: k, reason: `is not a known field (known: ${known.join(', ')})` }));
  return { obj, errors };
}

/** A list of ISO 639-1 codes (`field`: the name in errors), at least one, duplicates dropped, order kept. */
export function checkLanguages(v: unknown, field: string): Result<string[]> {
  if (v === undefined || v === null) return { errors: [{ field, reason: 'is required: a list of ISO 639-1 codes, e.g. ["en", "fr"]' }] };
  if (!Array.isArray(v)) return { errors: [{ field, reason: 'must be a list of ISO 639-1 codes, e.g. ["en", "fr"]' }] };
  const errors: FieldError[] = [];
  const out: string[] = [];
  v.forEach((c, i) => {
    if (!isIso6391(c)) errors.push({ field: `${field}[${i}]`, reason: `${JSON.stringify(c)} is not an ISO 639-1 code (two lower-case letters, e.g. "en")` });
    else if (!out.includes(c)) out.push(c);
  });
  if (!errors.length && !out.length) errors.push({ field, reason: 'must name at least one language' });
  return done(out, errors);
}

/** A list of codes of `allowed` (any case, stored upper-case), at least one, duplicates dropped, order kept. */
export function checkCodes<T extends string>(v: unknown, field: string, allowed: readonly T[]): Result<T[]> {
  const list = allowed.join(', ');
  if (v === undefined || v === null) return { errors: [{ field, reason: `is required: a list of codes among ${list}` }] };
  if (!Array.isArray(v)) return { errors: [{ field, reason: `must be a list of codes among ${list}` }] };
  const errors: FieldError[] = [];
  const out: T[] = [];
  v.forEach((c, i) => {
    const up = typeof c === 'string' ? (c.trim().toUpperCase() as T) : undefined;
    if (!up || !allowed.includes(up)) errors.push({ field: `${field}[${i}]`, reason: `${JSON.stringify(c)} is not one of ${list}` });
    else if (!out.includes(up)) out.push(up);
  });
  if (!errors.length && !out.length) errors.push({ field, reason: 'must name at least one code' });
  return done(out, errors);
}

/** Free text of at most `max` characters that PostgreSQL stores unchanged (no NUL, no lone surrogate); `oneLine` also refuses controls and direction overrides. */
export function checkText(v: unknown, field: string, opts: { max: number; oneLine: boolean; required: boolean }): Result<string> {
  if (v === undefined || v === null) return opts.required ? { errors: [{ field, reason: 'is required' }] } : { value: '', errors: [] };
  if (typeof v !== 'string') return { errors: [{ field, reason: `must be a string, got ${typeof v}` }] };
  const reason = !isStorableText(v)
    ? 'must be valid Unicode text without NUL characters or lone surrogates'
    : opts.oneLine && NOT_ONE_LINE.test(v)
      ? 'must be one line without control or direction-override characters'
      : opts.required && v.trim() === ''
        ? 'must not be blank'
        : v.length > opts.max
          ? `must be at most ${opts.max} characters, got ${v.length}`
          : null;
  return reason ? { errors: [{ field, reason }] } : { value: opts.oneLine ? v.trim() : v, errors: [] };
}

/** A required email address, returned lower-case. */
export function checkEmail(v: unknown, field: string): Result<string> {
  if (v === undefined || v === null || v === '') return { errors: [{ field, reason: 'is required: an email address' }] };
  if (typeof v !== 'string' || !isStorableText(v) || !isEmailAddress(v.trim()))
    return { errors: [{ field, reason: `${JSON.stringify(v).slice(0, 80)} is not an email address (name@domain.tld, at most ${EMAIL_MAX} characters)` }] };
  return { value: v.trim().toLowerCase(), errors: [] };
}

/** What a State's entry holds that its administrators or contact points edit. */
export interface StateEntryInput {
  acceptedLanguages: string[];
  channels: Channel[];
  formalRequirements: string;
}

/**
 * Body of PUT /directory/states/{code}: `{ acceptedLanguages: string[] (ISO 639-1, ≥ 1), channels:
 * string[] (CHANNELS, ≥ 1, any case), formalRequirements: string (≤ 4000 characters, may be empty, several
 * lines) }`, all three required (the entry is replaced). Field errors name each bad field.
 */
export function checkStateEntry(body: unknown): Result<StateEntryInput> {
  const known = ['acceptedLanguages', 'channels', 'formalRequirements'];
  const { obj, errors } = objectWith(body, known, '{ acceptedLanguages, channels, formalRequirements }');
  if (!obj) return { errors };
  const languages = checkLanguages(obj.acceptedLanguages, 'acceptedLanguages');
  const channels = checkCodes(obj.channels, 'channels', CHANNELS);
  const requirements =
    obj.formalRequirements === undefined
      ? { errors: [{ field: 'formalRequirements', reason: 'is required (an empty string when there are none)' }] }
      : checkText(obj.formalRequirements, 'formalRequirements', { max: REQUIREMENTS_MAX, oneLine: false, required: false });
  errors.push(...languages.errors, ...channels.errors, ...requirements.errors);
  return done(
    languages.value && channels.value && requirements.value !== undefined
      ? { acceptedLanguages: languages.value, channels: channels.value, formalRequirements: requirements.value }
      : undefined,
    errors,
  );
}

/** A competent authority as written by an administrator. */
export interface CompetentAuthorityInput {
  /** ISO code of its State, upper-case (only when creating). */
  state?: string;
  name: string;
  email: string;
  measures: Measure[];
}

/**
 * Body of POST /directory/competent-authorities (`withState`: `{ state, name, email, measures }`) or of
 * PUT /directory/competent-authorities/{id} (`{ name, email, measures }`: the State does not change).
 * `name` one line ≤ 200 characters; `email` an address (stored lower-case); `measures` MEASURES codes, ≥ 1.
 * `knownStates`: ISO codes of the directory.
 */
export function checkCompetentAuthority(body: unknown, withState: boolean, knownStates: Set<string>): Result<CompetentAuthorityInput> {
  const known = withState ? ['state', 'name', 'email', 'measures'] : ['name', 'email', 'measures'];
  const { obj, errors } = objectWith(body, known, `{ ${known.join(', ')} }`);
  if (!obj) return { errors };
  let state: string | undefined;
  if (withState) {
    const s = obj.state;
    if (typeof s !== 'string' || !/^[A-Za-z]{2}$/.test(s.trim())) errors.push({ field: 'state', reason: 'is required: an ISO 3166-1 alpha-2 code' });
    else if (!knownStates.has(s.trim().toUpperCase()))
      errors.push({ field: 'state', reason: `"${s.trim().toUpperCase()}" is not a State known to the directory` });
    else state = s.trim().toUpperCase();
  }
  const name = checkText(obj.name, 'name', { max: NAME_MAX, oneLine: true, required: true });
  const email = checkEmail(obj.email, 'email');
  const measures = checkCodes(obj.measures, 'measures', MEASURES);
  errors.push(...name.errors, ...email.errors, ...measures.errors);
  return done(
    name.value && email.value && measures.value && (!withState || state)
      ? { ...(state ? { state } : {}), name: name.value, email: email.value, measures: measures.value }
      : undefined,
    errors,
  );
}

/** An absence as asked for: calendar dates of the absent contact point's State, both included. */
export interface AbsenceInput {
  from: string;
  until: string;
  delegateId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Body of PUT /contact-points/{id}/absence: `{ from: 'YYYY-MM-DD', until: 'YYYY-MM-DD', delegateId: uuid }`,
 * `from` ≤ `until`, `until` not before `today` (the absent contact point's local date), at most
 * {@link ABSENCE_MAX_DAYS} days. Whether the delegate may stand in is checked against the directory by the service.
 */
export function checkAbsence(body: unknown, today: string): Result<AbsenceInput> {
  const { obj, errors } = objectWith(body, ['from', 'until', 'delegateId'], '{ from, until, delegateId }');
  if (!obj) return { errors };
  for (const f of ['from', 'until'] as const)
    if (!isCalendarDate(obj[f])) errors.push({ field: f, reason: "is required: a calendar date YYYY-MM-DD of the contact point's State" });
  const { from, until, delegateId } = obj as { from: string; until: string; delegateId: unknown };
  if (isCalendarDate(from) && isCalendarDate(until)) {
    if (until < from) errors.push({ field: 'until', reason: `must not be before from (${from})` });
    else if (until < today)
      errors.push({ field: 'until', reason: `must not be before today (${today} in the contact point's State): the absence would be over` });
    else if ((Date.parse(until) - Date.parse(from)) / DAY_MS + 1 > ABSENCE_MAX_DAYS)
      errors.push({ field: 'until', reason: `an absence lasts at most ${ABSENCE_MAX_DAYS} days; a longer one is a handover to a successor` });
  }
  if (typeof delegateId !== 'string' || !UUID.test(delegateId))
    errors.push({ field: 'delegateId', reason: 'is required: the id (uuid) of the contact point standing in' });
  return done(errors.length ? undefined : { from, until, delegateId: (delegateId as string).toLowerCase() }, errors);
}
