// The web view's only way to the API: same origin, bearer token of the signed-in user, problem+json errors
// turned into ApiError. Types come from schema.d.ts, generated from the API's OpenAPI document.
import type { components } from './schema';

type Schemas = components['schemas'];
export type MeView = Schemas['MeView'];
export type AuthConfig = Schemas['AuthConfigView'];
export type RequestSummary = Schemas['RequestSummaryView'];
export type RequestList = Schemas['RequestListView'];
export type RequestView = Schemas['RequestView'];
export type DeadlineView = Schemas['DeadlineView'];
export type NextDeadline = Schemas['NextDeadlineView'];
export type CreateRequestBody = Schemas['CreateRequestDto'];
export type AmendDraftBody = Schemas['AmendDraftDto'];
export type EventBody = Schemas['PostEventDto'];
export type EventType = EventBody['type'];
export type StateEntry = Schemas['StateEntryView'];
export type StateEntryList = Schemas['StateEntryListView'];
export type OpenRequestsSummary = Schemas['OpenRequestsSummaryDto'];
export type Plenary = Schemas['PlenaryDto'];
export type PlenaryMeetings = Schemas['PlenaryMeetingsDto'];
export type BilateralMeeting = Schemas['BilateralMeetingDto'];
export type AgendaItem = Schemas['AgendaItemDto'];

/** One event of a request's history (GET /api/v1/requests/{id}/events). */
export type HistoryEvent = Schemas['EventView'];

/**
 * Figures of one network or the total (GET /api/v1/statistics/yearly, DOMAIN.md §5); null where suppressed for a
 * secretariat. Written here: the OpenAPI document describes that answer in words only (it is also CSV or XLSX).
 */
export interface YearFigures {
  facilitated: number | null;
  transmitted: number | null;
  acknowledged: number | null;
  closed: Record<'EXECUTED' | 'PARTIALLY_EXECUTED' | 'REFUSED' | 'WITHDRAWN' | 'LAPSED', number | null>;
  pendingAtYearEnd: number | null;
  medianDaysToAcknowledge: number | null;
  medianDaysToClose: number | null;
}
export interface YearlyStatistics {
  year: number;
  networks: Record<string, YearFigures>;
  total: YearFigures;
  suppressed?: string[];
  minCount?: number | null;
}

/** A field-level error of a 400 answer: the field (a JSON path such as `personsConcerned[0].name`) and why. */
export interface FieldError {
  field: string;
  reason: string;
}

/** An answer of the API other than 2xx, from its application/problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[],
    readonly body: Record<string, unknown>,
  ) {
    super(detail || `HTTP ${status}`);
  }
}

/** Where the client gets the bearer token, and what it does when the API says the sign-in is no longer valid (401). */
export interface Session {
  token(): Promise<string | null>;
  expired(): void;
}

let session: Session | null = null;
export function useSession(s: Session): void {
  session = s;
}

export interface Answer<T> {
  data: T;
  /** The ETag header without quotes (a request's version), or null. */
  etag: string | null;
  status: number;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as `If-Match: "<version>"`. */
  ifMatch?: string | number;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Read the answer as a Blob (SVG charts) rather than JSON. */
  blob?: boolean;
  signal?: AbortSignal;
}

/**
 * Calls the API at `path` (`/api/v1/…`) as the signed-in user. Resolves with the JSON body (or a Blob) and
 * the ETag; rejects with ApiError for any non-2xx answer (`errors` lists the fields of a 400), after
 * telling the session on a 401.
 */
export async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: opts.blob ? '*/*' : 'application/json' };
  const token = session ? await session.token() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const url = qs.size ? `${path}?${qs}` : path;
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
  const etag = res.headers.get('ETag')?.replace(/^W\//, '').replace(/"/g, '') ?? null;
  if (!res.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      // not JSON: keep the status alone
    }
    if (res.status === 401) session?.expired();
    throw new ApiError(
      res.status,
      typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      typeof body.detail === 'string' ? body.detail : res.statusText,
      Array.isArray(body.errors) ? (body.errors as FieldError[]) : [],
      body,
    );
  }
  const data = (opts.blob ? await res.blob() : res.status === 204 ? null : await res.json()) as T;
  return { data, etag, status: res.status };
}

export const get = <T>(path: string, query?: CallOptions['query'], signal?: AbortSignal) => call<T>('GET', path, { query, signal }).then((a) => a.data);
