import {
  CHANNELS,
  CHECKLIST_MARKS,
  CONTENT_ITEMS,
  FACILITATION_ACTIONS,
  LEGAL_BASES,
  MEASURES,
  MLA_REQUEST_EVENT_TYPES,
  NETWORK_CODES,
  OFFENCES,
  REFUSAL_GROUNDS,
  REQUEST_TYPES,
  ROLES,
  type Actor,
  type MlaRequestEventType,
} from '@rogatory/workflow';
import { isValid as isIsoCountry } from 'i18n-iso-countries';
import type { FieldError } from '../errors';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TEXT_MAX = 4000;

/**
 * Characters a one-line field (a reference, a name, a subject) refuses: C0 and C1 controls (CR and LF
 * would split an email header or a CSV row), line and paragraph separators, and the bidirectional
 * embedding, override and isolate controls that can make a text read differently from what it holds
 * (CVE-2021-42574, "Trojan Source").
 */
export const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * True when `s` can be stored and read back unchanged: no NUL (PostgreSQL text cannot hold it) and no
 * lone surrogate (UTF-8 cannot encode one; it would come back as U+FFFD, or break the field encryption).
 */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

class Checker {
  readonly errors: FieldError[] = [];
  fail(field: string, reason: string): void {
    this.errors.push({ field, reason });
  }
  text(obj: Record<string, unknown>, field: string, opts: { required?: boolean; max?: number; path?: string; singleLine?: boolean } = {}): string | undefined {
    const v = obj[field];
    const path = opts.path ?? field;
    if (v === undefined || v === null) {
      if (opts.required) this.fail(path, 'is required');
      return undefined;
    }
    const reason =
      typeof v !== 'string'
        ? `must be a string, got ${typeof v}`
        : opts.required && v.trim() === ''
          ? 'must not be blank'
          : v.includes('\u0000')
            ? 'must not contain NUL characters'
            : !(v as string & { isWellFormed(): boolean }).isWellFormed()
              ? 'must be valid Unicode (no lone surrogate)'
              : opts.singleLine && NOT_ONE_LINE.test(v)
                ? 'must be one line without control or direction-override characters'
                : v.length > (opts.max ?? TEXT_MAX)
                  ? `must be at most ${opts.max ?? TEXT_MAX} characters, got ${v.length}`
                  : null;
    if (reason) {
      this.fail(path, reason);
      return undefined;
    }
    return v as string;
  }
  code<T extends string>(obj: Record<string, unknown>, field: string, allowed: readonly T[], opts: { required?: boolean; path?: string } = {}): T | undefined {
    const v = obj[field];
    const path = opts.path ?? field;
    if (v === undefined || v === null || v === '') {
      if (opts.required) this.fail(path, `is required, one of ${allowed.join(', ')}`);
      return undefined;
    }
    if (typeof v !== 'string') return (this.fail(path, `must be a string, one of ${allowed.join(', ')}`), undefined);
    const up = v.trim().toUpperCase() as T;
    if (!allowed.includes(up)) return (this.fail(path, `"${v}" is not one of ${allowed.join(', ')}`), undefined);
    return up;
  }
  codes<T extends string>(obj: Record<string, unknown>, field: string, allowed: readonly T[]): T[] {
    const v = obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return (this.fail(field, 'must be an array of codes'), []);
    const out: T[] = [];
    v.forEach((item, i) => {
      const c = this.code({ item }, 'item', allowed, { required: true, path: `${field}[${i}]` });
      if (c && !out.includes(c)) out.push(c);
    });
    return out;
  }
  bool(obj: Record<string, unknown>, field: string, required: boolean): boolean | undefined {
    const v = obj[field];
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required (true or false)');
      return undefined;
    }
    if (typeof v !== 'boolean') return (this.fail(field, `must be true or false, got ${JSON.stringify(v)}`), undefined);
    return v;
  }
  state(obj: Record<string, unknown>, field: string, known: Set<string>, required: boolean, path = field): string | undefined {
    const v = obj[field];
    if (v === undefined || v === null || v === '') {
      if (required) this.fail(path, 'is required (ISO 3166-1 alpha-2 code)');
      return undefined;
    }
    if (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v.trim())) return (this.fail(path, `${JSON.stringify(v)} is not an ISO 3166-1 alpha-2 code`), undefined);
    const up = v.trim().toUpperCase();
    if (!known.has(up)) return (this.fail(path, `"${up}" is not a State known to the directory`), undefined);
    return up;
  }
  onlyFields(obj: Record<string, unknown>, allowed: string[], prefix = ''): void {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.fail(`${prefix}${k}`, `is not a known field (known: ${allowed.join(', ')})`);
  }
}

export interface CreateRequestInput {
  reference?: string;
  network: string;
  requestingState: string;
  requestedState: string;
  requestType: string;
  urgent: boolean;
  legalBasis?: string | null;
  offences?: string[];
  measures?: string[];
  subject?: string | null;
  confidential?: boolean;
  factsSummary?: string | null;
  personsConcerned?: PersonConcerned[];
  requestingAuthority?: string | null;
  investigatingAuthority?: string | null;
  purpose?: string | null;
  procedure?: string | null;
}

/** A person concerned by the request (UNTOC art. 18(15)(e)): identity, and where known location and nationality. */
export interface PersonConcerned {
  name: string;
  /** ISO 3166-1 alpha-2 code. */
  nationality?: string;
  location?: string;
}

export interface ValidCreateRequest {
  reference: string | undefined;
  network: (typeof NETWORK_CODES)[number];
  requestingState: string;
  requestedState: string;
  requestType: (typeof REQUEST_TYPES)[number];
  urgent: boolean;
  legalBasis: (typeof LEGAL_BASES)[number] | null;
  offences: (typeof OFFENCES)[number][];
  measures: (typeof MEASURES)[number][];
  subject: string | null;
  confidential: boolean;
  factsSummary: string | null;
  personsConcerned: PersonConcerned[];
  /** The authority making the request (18(15)(a)). */
  requestingAuthority?: string | null;
  /** The name and functions of the authority conducting the investigation, prosecution or proceeding (18(15)(b)). */
  investigatingAuthority?: string | null;
  /** The purpose for which the evidence, information or action is sought (18(15)(f)). */
  purpose?: string | null;
  /** Any particular procedure the requesting State wishes to be followed (18(15)(d)). */
  procedure?: string | null;
}

/** Fields of a request's content (UNTOC art. 18(15)) that its requesting officer may amend while it is a draft. */
export const AMENDABLE_FIELDS = [
  'requestType',
  'urgent',
  'legalBasis',
  'offences',
  'measures',
  'subject',
  'confidential',
  'factsSummary',
  'personsConcerned',
  'requestingAuthority',
  'investigatingAuthority',
  'purpose',
  'procedure',
] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

/** A validated amendment: the fields given, normalised (null clears an optional one). */
export type DraftAmendment = Partial<Pick<ValidCreateRequest, AmendableField>>;

/** The 18(15) content fields shared by creation and amendment (authorities one line ≤ 300, purpose and procedure text ≤ 4,000). */
function contentFields(o: Record<string, unknown>, c: Checker) {
  const opt = (field: string, singleLine: boolean, max: number): string | null | undefined => {
    if (!(field in o)) return undefined;
    const v = c.text(o, field, { max, singleLine });
    return v?.trim() ? v.trim() : null;
  };
  return {
    requestingAuthority: opt('requestingAuthority', true, 300),
    investigatingAuthority: opt('investigatingAuthority', true, 300),
    purpose: opt('purpose', false, 4000),
    procedure: opt('procedure', false, 4000),
  };
}

/**
 * Validates an amendment of a draft `{ field: value, … }` (fields of AMENDABLE_FIELDS, at least one; the
 * network, the States and the reference are fixed once created). Same rules per field as
 * validateCreateRequest; `null` clears an optional field. Returns the amendment or every field error.
 */
export function validateDraftAmendment(body: unknown): { value?: DraftAmendment; errors: FieldError[] } {
  const c = new Checker();
  const o = asObject(body, c);
  if (!o) return { errors: c.errors };
  c.onlyFields(o, [...AMENDABLE_FIELDS]);
  if (Object.keys(o).length === 0) c.fail('(body)', `must change at least one of ${AMENDABLE_FIELDS.join(', ')}`);
  const has = (k: string) => k in o;
  const out: DraftAmendment = {};
  if (has('requestType')) out.requestType = c.code(o, 'requestType', REQUEST_TYPES, { required: true });
  if (has('urgent')) out.urgent = c.bool(o, 'urgent', true);
  if (has('legalBasis')) out.legalBasis = c.code(o, 'legalBasis', LEGAL_BASES) ?? null;
  if (has('offences')) out.offences = c.codes(o, 'offences', OFFENCES);
  if (has('measures')) out.measures = c.codes(o, 'measures', MEASURES);
  if (has('subject')) out.subject = c.text(o, 'subject', { max: 500, singleLine: true })?.trim() || null;
  if (has('confidential')) out.confidential = c.bool(o, 'confidential', true);
  if (has('factsSummary')) {
    const f = c.text(o, 'factsSummary', { max: 20_000 });
    out.factsSummary = f?.trim() ? f : null;
  }
  if (has('personsConcerned')) out.personsConcerned = persons(o, c);
  for (const [k, v] of Object.entries(contentFields(o, c))) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (c.errors.length) return { errors: c.errors };
  return { errors: [], value: out };
}

function asObject(body: unknown, c: Checker): Record<string, unknown> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    c.fail('(body)', 'must be a JSON object');
    return null;
  }
  return body as Record<string, unknown>;
}

/** Validates a new request against DOMAIN.md §6 codes and the directory; returns the normalised input or every field error. */
export function validateCreateRequest(body: unknown, knownStates: Set<string>): { value?: ValidCreateRequest; errors: FieldError[] } {
  const c = new Checker();
  const o = asObject(body, c);
  if (!o) return { errors: c.errors };
  // The fields fixed at creation, then the content a draft may amend.
  c.onlyFields(o, ['reference', 'network', 'requestingState', 'requestedState', ...AMENDABLE_FIELDS]);
  const reference = c.text(o, 'reference', { max: 100, singleLine: true });
  if (reference !== undefined && !/^[\p{L}\p{N}][\p{L}\p{N} ./_-]*$/u.test(reference))
    c.fail('reference', 'letters, digits, spaces and . / _ - only, starting with a letter or digit');
  const network = c.code(o, 'network', NETWORK_CODES, { required: true });
  const requestingState = c.state(o, 'requestingState', knownStates, true);
  const requestedState = c.state(o, 'requestedState', knownStates, true);
  if (requestingState && requestingState === requestedState) c.fail('requestedState', 'must differ from requestingState');
  const requestType = c.code(o, 'requestType', REQUEST_TYPES, { required: true });
  const urgent = c.bool(o, 'urgent', true);
  const legalBasis = c.code(o, 'legalBasis', LEGAL_BASES);
  const offences = c.codes(o, 'offences', OFFENCES);
  const measures = c.codes(o, 'measures', MEASURES);
  const subject = c.text(o, 'subject', { max: 500, singleLine: true });
  const confidential = c.bool(o, 'confidential', false);
  const factsSummary = c.text(o, 'factsSummary', { max: 20_000 });
  const personsConcerned = persons(o, c);
  const content = contentFields(o, c);
  if (c.errors.length) return { errors: c.errors };
  return {
    errors: [],
    value: {
      reference: reference?.trim(),
      network: network!,
      requestingState: requestingState!,
      requestedState: requestedState!,
      requestType: requestType!,
      urgent: urgent!,
      legalBasis: legalBasis ?? null,
      offences,
      measures,
      subject: subject ?? null,
      confidential: confidential ?? false,
      factsSummary: factsSummary?.trim() ? factsSummary : null,
      personsConcerned,
      requestingAuthority: content.requestingAuthority ?? null,
      investigatingAuthority: content.investigatingAuthority ?? null,
      purpose: content.purpose ?? null,
      procedure: content.procedure ?? null,
    },
  };
}

/** personsConcerned: at most 100 of `{ name, nationality?, location? }`. */
function persons(o: Record<string, unknown>, c: Checker): PersonConcerned[] {
  const v = o.personsConcerned;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return (c.fail('personsConcerned', 'must be a list of { name, nationality, location }'), []);
  if (v.length > 100) return (c.fail('personsConcerned', 'at most 100 persons'), []);
  const out: PersonConcerned[] = [];
  v.forEach((p, i) => {
    const path = `personsConcerned[${i}]`;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return c.fail(path, 'must be an object { name, nationality, location }');
    const po = p as Record<string, unknown>;
    c.onlyFields(po, ['name', 'nationality', 'location'], `${path}.`);
    const name = c.text(po, 'name', { required: true, max: 200, singleLine: true, path: `${path}.name` });
    const nationality = c.text(po, 'nationality', { max: 2, path: `${path}.nationality` });
    if (nationality !== undefined && !(/^[A-Za-z]{2}$/.test(nationality) && isIsoCountry(nationality)))
      c.fail(`${path}.nationality`, `${JSON.stringify(nationality)} is not an ISO 3166-1 alpha-2 country code`);
    const location = c.text(po, 'location', { max: 200, singleLine: true, path: `${path}.location` });
    if (name) out.push({ name, ...(nationality ? { nationality: nationality.toUpperCase() } : {}), ...(location ? { location } : {}) });
  });
  return out;
}

const EVENT_FIELDS: Partial<Record<MlaRequestEventType, string[]>> = {
  draftReviewed: ['comments', 'checklist', 'requirements'],
  requestTransmitted: ['channel', 'suggestedDeadline'],
  additionalInformationRequested: ['questions'],
  consultationOpened: ['subject'],
  requestAccepted: ['executingAuthority', 'conditions'],
  requestRefused: ['ground', 'reasons'],
  executionPostponed: ['reasons'],
  executionCompleted: ['partial'],
  requestWithdrawn: ['reasons'],
  requestLapsed: ['reasons'],
  facilitationRecorded: ['action', 'note', 'network'],
};

/**
 * Event types a user may send through POST /requests/{id}/events: not deadlineReached (the system's),
 * bilateralMeetingHeld (recorded with a plenary's bilateral meeting) nor draftAmended (recorded with the
 * amendment itself, PATCH /requests/{id}).
 */
export const USER_EVENT_TYPES = MLA_REQUEST_EVENT_TYPES.filter((t) => t !== 'deadlineReached' && t !== 'bilateralMeetingHeld' && t !== 'draftAmended');

export interface ValidEventInput {
  type: MlaRequestEventType;
  actor: Actor;
  payload: Record<string, unknown>;
  /** app_user id of the signed-in sender (set by CaseAccessService). */
  actorUserId?: string;
}

/**
 * Validates an event body `{ type, actor: { role, state, name }, ...payload }`: the type, the actor
 * (role of DOMAIN.md §1, a State known to the directory), and each payload field of that type. The
 * rules that depend on the case (who may send it now, article 18 guards) are the machine's. With
 * `signedIn` (events sent through the API), the body is `{ type, ...payload }` and the actor is that user;
 * an `actor` in the body is an error.
 */
export function validateEventInput(body: unknown, knownStates: Set<string>, signedIn?: Actor): { value?: ValidEventInput; errors: FieldError[] } {
  const c = new Checker();
  const o = asObject(body, c);
  if (!o) return { errors: c.errors };
  const t = o.type;
  if (typeof t !== 'string' || !(USER_EVENT_TYPES as readonly string[]).includes(t)) {
    c.fail('type', `${JSON.stringify(t ?? null)} is not an event; one of ${USER_EVENT_TYPES.join(', ')}`);
    return { errors: c.errors };
  }
  const type = t as MlaRequestEventType;
  const fields = EVENT_FIELDS[type] ?? [];
  // A signed-in user's events are theirs: the actor comes from the token, never from the body.
  let actor: Actor | undefined = signedIn;
  const a = o.actor;
  if (signedIn && a !== undefined) c.fail('actor', 'is not accepted: the actor is the signed-in user (bearer token)');
  c.onlyFields(o, ['type', 'actor', ...fields]);
  if (!signedIn && (typeof a !== 'object' || a === null || Array.isArray(a))) c.fail('actor', 'is required: { role, state, name }');
  else if (!signedIn) {
    const ao = a as Record<string, unknown>;
    c.onlyFields(ao, ['role', 'state', 'name'], 'actor.');
    const role = c.code(
      ao,
      'role',
      ROLES.filter((r) => r !== 'SYSTEM'),
      { required: true, path: 'actor.role' },
    );
    const needsState = role === 'CENTRAL_AUTHORITY' || role === 'CONTACT_POINT';
    const state = c.state(ao, 'state', knownStates, needsState, 'actor.state');
    if (role && !needsState && ao.state !== undefined && ao.state !== null) c.fail('actor.state', `must be empty for ${role}: it acts for no State`);
    const name = c.text(ao, 'name', { max: 200, path: 'actor.name', singleLine: true });
    if (role) actor = { role, state: state ?? null, ...(name ? { name } : {}) };
  }
  const payload: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined) payload[k] = v;
  };
  switch (type) {
    case 'requestTransmitted': {
      put('channel', c.code(o, 'channel', CHANNELS, { required: true }));
      const sd = o.suggestedDeadline;
      if (sd !== undefined && sd !== null) {
        if (typeof sd !== 'object' || Array.isArray(sd)) c.fail('suggestedDeadline', 'must be an object { date, reasons }');
        else {
          const so = sd as Record<string, unknown>;
          c.onlyFields(so, ['date', 'reasons'], 'suggestedDeadline.');
          if (!isCalendarDate(so.date)) c.fail('suggestedDeadline.date', 'must be a calendar date YYYY-MM-DD');
          else if (so.date > '2099-12-31') c.fail('suggestedDeadline.date', 'must be in this century');
          const reasons = c.text(so, 'reasons', { path: 'suggestedDeadline.reasons' });
          payload.suggestedDeadline = { date: so.date, ...(reasons?.trim() ? { reasons } : {}) };
        }
      }
      break;
    }
    case 'requestRefused':
      put('ground', c.code(o, 'ground', REFUSAL_GROUNDS, { required: true }));
      put('reasons', c.text(o, 'reasons', { required: true }));
      break;
    case 'executionPostponed':
      put('reasons', c.text(o, 'reasons', { required: true }));
      break;
    case 'executionCompleted':
      put('partial', c.bool(o, 'partial', true));
      break;
    case 'facilitationRecorded': {
      const action = c.code(o, 'action', FACILITATION_ACTIONS, { required: true });
      put('action', action);
      put('note', c.text(o, 'note', { max: 1000 }));
      const network = c.code(o, 'network', NETWORK_CODES, { required: action === 'LINKED_OTHER_NETWORK' });
      if (network !== undefined && action !== 'LINKED_OTHER_NETWORK') c.fail('network', 'is given only with action LINKED_OTHER_NETWORK');
      put('network', network);
      break;
    }
    case 'draftReviewed': {
      put('comments', c.text(o, 'comments', { max: 4000 }));
      put('requirements', c.text(o, 'requirements', { max: 4000 }));
      const list = o.checklist;
      if (list !== undefined && list !== null) {
        if (typeof list !== 'object' || Array.isArray(list))
          c.fail('checklist', `must be an object { ITEM: ${CHECKLIST_MARKS.join(' | ')} } (items: ${CONTENT_ITEMS.join(', ')})`);
        else {
          const lo = list as Record<string, unknown>;
          c.onlyFields(lo, [...CONTENT_ITEMS], 'checklist.');
          const marks: Record<string, string> = {};
          for (const item of CONTENT_ITEMS) {
            const mark = c.code(lo, item, CHECKLIST_MARKS, { path: `checklist.${item}` });
            if (mark) marks[item] = mark;
          }
          payload.checklist = marks;
        }
      }
      break;
    }
    default:
      for (const f of fields) put(f, c.text(o, f));
  }
  if (c.errors.length || !actor) return { errors: c.errors };
  return { errors: [], value: { type, actor, payload } };
}
