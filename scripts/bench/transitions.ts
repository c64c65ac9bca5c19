// Part 1 of the benchmark: transitions through the HTTP API against the minimal hand-written
// transaction a transition needs (node-postgres), at 8 and 32 concurrent clients; then a hot spot where
// 32 clients post to the same 100 requests and every 409 is retried.
import { Pool, type PoolClient } from 'pg';
import { randomBytes } from 'node:crypto';
import { machineCpu, percentile, round, type BenchOptions, type BenchRow } from './common';

/** The figures of a run that started at `start` (performance.now()) with these write latencies (ms). */
function figures(clients: number, start: number, latencies: number[], errors: number, cpu: ReturnType<typeof cpuMeter>): RunFigures {
  const elapsed = (performance.now() - start) / 1000;
  return {
    clients,
    seconds: round(elapsed, 1),
    transitions: latencies.length,
    perSecond: round(latencies.length / elapsed, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    errors,
    ...cpu(latencies.length),
  };
}

/** Headers of a signed-in user (development issuer token). */
export type AuthHeader = { Authorization: string };

/** Where the API listens and the tokens of the users the clients act as. */
export interface TransitionTarget {
  baseUrl: string;
  /** Officer of the requesting State (NG), of the requested State (GH), and a WACAP contact point of GH. */
  requesting: AuthHeader;
  requested: AuthHeader;
  contactPoint: AuthHeader;
  /** CPU seconds used so far by the API process. */
  apiCpuSeconds?: () => number;
}

/** Figures of one run at one concurrency. */
export interface RunFigures {
  clients: number;
  seconds: number;
  /** Writes that succeeded: request creations and events (each a transition of the machine). */
  transitions: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU milliseconds per transition: of the API process (API runs only), of the benchmark's own clients, of the whole machine. */
  cpuMsPerTransition: { api: number | null; clients: number; machine: number };
  /** Share of the machine's CPU time busy during the run (1 = every core busy). */
  machineBusy: number;
}

/** CPU use of a run: the API process (when given), this process (the clients), and the whole machine. */
function cpuMeter(apiCpuSeconds?: () => number) {
  const api0 = apiCpuSeconds?.();
  const own0 = process.cpuUsage();
  const m0 = machineCpu();
  return (transitions: number) => {
    const own = process.cpuUsage(own0);
    const m = machineCpu();
    const per = (seconds: number) => round((seconds * 1000) / Math.max(1, transitions), 2);
    return {
      cpuMsPerTransition: {
        api: apiCpuSeconds && api0 !== undefined ? per(apiCpuSeconds() - api0) : null,
        clients: per((own.user + own.system) / 1e6),
        machine: per(m.busy - m0.busy),
      },
      machineBusy: round((m.busy - m0.busy) / Math.max(0.01, m.total - m0.total), 2),
    };
  };
}

const CONTENT = {
  network: 'WACAP',
  requestingState: 'NG',
  requestedState: 'GH',
  requestType: 'MLA',
  urgent: false,
  legalBasis: 'UNTOC',
  offences: ['MONEY_LAUNDERING', 'CORRUPTION'],
  measures: ['FINANCIAL_RECORDS', 'TAKING_EVIDENCE'],
  subject: 'Proceeds of bribery moved through accounts in Accra',
  requestingAuthority: 'Attorney-General of the Federation, Central Authority Unit, Abuja',
  investigatingAuthority: 'Economic and Financial Crimes Commission, Lagos zonal command, investigator in charge',
  factsSummary: 'Between 2019 and 2021 the suspects received bribes from contractors and moved them through three accounts. '.repeat(6),
  personsConcerned: [{ name: 'A. Suspect', nationality: 'NG', location: 'Accra' }],
  purpose: 'Bank records of the three accounts from January 2019 to December 2021, certified for use at trial.',
};

/** The events after creation, each with the side that sends it (DOMAIN.md §3 main line). */
const STEPS: Array<{ by: 'requesting' | 'requested'; body: Record<string, unknown> }> = [
  { by: 'requesting', body: { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' } },
  { by: 'requested', body: { type: 'receiptAcknowledged' } },
  { by: 'requested', body: { type: 'additionalInformationRequested', questions: 'Which branch holds the second account?' } },
  { by: 'requesting', body: { type: 'additionalInformationProvided' } },
  { by: 'requested', body: { type: 'requestAccepted', executingAuthority: 'Financial Intelligence Centre, Accra' } },
  { by: 'requested', body: { type: 'executionCompleted', partial: false } },
];

class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

async function call(url: string, init: RequestInit): Promise<{ status: number; etag: number; body: { id?: string } }> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 300) throw new HttpError(res.status, text);
  return { status: res.status, etag: Number((res.headers.get('etag') ?? '').replace(/\D/g, '')), body: text ? JSON.parse(text) : {} };
}

function json(auth: AuthHeader, extra: Record<string, string> = {}): Record<string, string> {
  return { ...auth, 'content-type': 'application/json', ...extra };
}

/** POST /api/v1/requests (as the requesting officer); returns id and version. */
export async function createRequest(t: TransitionTarget, reference: string): Promise<{ id: string; version: number }> {
  const r = await call(`${t.baseUrl}/api/v1/requests`, { method: 'POST', headers: json(t.requesting), body: JSON.stringify({ ...CONTENT, reference }) });
  return { id: r.body.id!, version: r.etag };
}

/** POST /api/v1/requests/{id}/events with If-Match; returns the new version. Throws HttpError (409 on a stale version). */
export async function postEvent(t: TransitionTarget, auth: AuthHeader, id: string, version: number, body: Record<string, unknown>): Promise<number> {
  const r = await call(`${t.baseUrl}/api/v1/requests/${id}/events`, {
    method: 'POST',
    headers: json(auth, { 'if-match': `"${version}"` }),
    body: JSON.stringify(body),
  });
  return r.etag;
}

/** GET /api/v1/requests/{id}: its version (ETag). */
export async function versionOf(t: TransitionTarget, auth: AuthHeader, id: string): Promise<number> {
  return (await call(`${t.baseUrl}/api/v1/requests/${id}`, { headers: auth })).etag;
}

/**
 * `clients` concurrent clients, each creating its own requests and taking each through the main line
 * (STEPS) for `seconds`; latency of every write in ms. A failed write counts as an error and ends that
 * request's line (the client starts a new one).
 */
export async function apiRun(t: TransitionTarget, clients: number, seconds: number, tag: string): Promise<RunFigures> {
  const latencies: number[] = [];
  const cpu = cpuMeter(t.apiCpuSeconds);
  let errors = 0;
  const firstErrors: string[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    latencies.push(performance.now() - t0);
    return out;
  };
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; performance.now() < end; n++) {
        try {
          const created = await timed(() => createRequest(t, `BENCH/${tag}/${c}/${n}`));
          const id = created.id;
          let version = created.version;
          for (const step of STEPS) {
            if (performance.now() >= end) break;
            version = await timed(() => postEvent(t, t[step.by], id, version, step.body));
          }
        } catch (err) {
          errors++;
          if (firstErrors.length < 3) firstErrors.push((err as Error).message);
        }
      }
    }),
  );
  if (firstErrors.length) process.stderr.write(`bench: API errors at ${clients} clients, e.g.:\n  ${firstErrors.join('\n  ')}\n`);
  return figures(clients, start, latencies, errors, cpu);
}

/**
 * The minimal transaction of a transition written by hand: lock the request row, update a 2 KB snapshot
 * and the version, insert a 500-byte event row, commit. `clients` connections, each on its own rows.
 */
export async function rawRun(databaseUrl: string, clients: number, seconds: number): Promise<RunFigures> {
  const pool = new Pool({ connectionString: databaseUrl, max: clients });
  try {
    await pool.query(`drop table if exists bench_raw_event; drop table if exists bench_raw_request;
      create table bench_raw_request (id uuid primary key default gen_random_uuid(), version int not null default 1, snapshot jsonb not null);
      create table bench_raw_event (id bigserial primary key, request_id uuid not null references bench_raw_request (id), seq int not null, payload jsonb not null, recorded_at timestamptz not null default now(), unique (request_id, seq))`);
    const snapshot = (i: number) => JSON.stringify({ value: 'underAssessment', step: i, context: randomBytes(760).toString('base64') }); // ≈ 2 KB
    const payload = JSON.stringify({ type: 'receiptAcknowledged', note: randomBytes(330).toString('base64') }); // ≈ 500 bytes
    const ids: string[][] = [];
    for (let c = 0; c < clients; c++) {
      const { rows } = await pool.query<{ id: string }>(`insert into bench_raw_request (snapshot) select $1::jsonb from generate_series(1, 50) returning id`, [
        snapshot(0),
      ]);
      ids.push(rows.map((r) => r.id));
    }
    const latencies: number[] = [];
    const cpu = cpuMeter();
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      ids.map(async (mine) => {
        const conn: PoolClient = await pool.connect();
        try {
          for (let n = 0; performance.now() < end; n++) {
            const id = mine[n % mine.length];
            const t0 = performance.now();
            await conn.query('begin');
            const { rows } = await conn.query<{ version: number }>('select version from bench_raw_request where id = $1 for update', [id]);
            const next = rows[0].version + 1;
            await conn.query('update bench_raw_request set snapshot = $2::jsonb, version = $3 where id = $1', [id, snapshot(n), next]);
            await conn.query('insert into bench_raw_event (request_id, seq, payload) values ($1, $2, $3::jsonb)', [id, next, payload]);
            await conn.query('commit');
            latencies.push(performance.now() - t0);
          }
        } finally {
          conn.release();
        }
      }),
    );
    return figures(clients, start, latencies, 0, cpu);
  } finally {
    await pool.end();
  }
}

/** What the hot spot found: accepted events, 409s retried, and any request whose version does not add up. */
export interface HotSpotFigures {
  clients: number;
  requests: number;
  accepted: number;
  conflicts: number;
  otherErrors: number;
  seconds: number;
  /** Requests whose final version ≠ version after set-up + accepted events, or whose history lacks some. */
  lostUpdates: number;
}

/**
 * 32 clients post `facilitationRecorded` (a contact point's follow-up, repeatable) to 100 transmitted
 * requests chosen at random, with If-Match from what they last read; a 409 (stale version) is retried
 * after reading the request again. Checks at the end that each request's version and history count
 * equal its version after set-up plus the events accepted for it.
 */
export async function hotSpot(t: TransitionTarget, clients: number, requests: number, eventsPerClient: number): Promise<HotSpotFigures> {
  const base: Array<{ id: string; version: number }> = [];
  for (let i = 0; i < requests; i++) {
    const r = await createRequest(t, `BENCH/HOT/${i}/${Date.now()}`);
    base.push({ id: r.id, version: await postEvent(t, t.requesting, r.id, r.version, STEPS[0].body) });
  }
  const accepted = new Map<string, number>();
  let conflicts = 0;
  let otherErrors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const known = new Map(base.map((b) => [b.id, b.version]));
      for (let n = 0; n < eventsPerClient; n++) {
        const { id } = base[Math.floor(Math.random() * requests)];
        for (let attempt = 0; ; attempt++) {
          try {
            const v = await postEvent(t, t.contactPoint, id, known.get(id)!, {
              type: 'facilitationRecorded',
              action: 'CHASED_REQUESTED_SIDE',
              note: `client ${c} call ${n}`,
            });
            known.set(id, v);
            accepted.set(id, (accepted.get(id) ?? 0) + 1);
            break;
          } catch (err) {
            if (err instanceof HttpError && err.status === 409 && attempt < 1000) {
              conflicts++;
              known.set(id, await versionOf(t, t.contactPoint, id));
              continue;
            }
            otherErrors++;
            if (otherErrors <= 3) process.stderr.write(`bench: hot spot error: ${(err as Error).message}\n`);
            break;
          }
        }
      }
    }),
  );
  const seconds = round((performance.now() - start) / 1000, 1);
  let lostUpdates = 0;
  for (const b of base) {
    const version = await versionOf(t, t.contactPoint, b.id);
    const history = (await (await fetch(`${t.baseUrl}/api/v1/requests/${b.id}/events`, { headers: t.contactPoint })).json()) as unknown[];
    const expected = b.version + (accepted.get(b.id) ?? 0);
    // set-up wrote the creation (no event) and the transmission: 1 event before the hot spot
    if (version !== expected || history.length !== 1 + (accepted.get(b.id) ?? 0)) lostUpdates++;
  }
  return { clients, requests, accepted: [...accepted.values()].reduce((a, b) => a + b, 0), conflicts, otherErrors, seconds, lostUpdates };
}

/** The transitions part: API and raw at each concurrency, then the hot spot; table rows and details. */
export async function benchTransitions(
  opts: BenchOptions,
  t: TransitionTarget,
  databaseUrl: string,
): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const seconds = opts.smoke ? 3 : 20;
  const runs: Array<{ api: RunFigures; raw: RunFigures }> = [];
  for (const clients of [8, 32]) {
    opts.log(`transitions: ${clients} clients through the API for ${seconds} s`);
    const api = await apiRun(t, clients, seconds, `${clients}-${Date.now()}`);
    opts.log(`transitions: ${clients} clients, raw transaction for ${seconds} s`);
    const raw = await rawRun(databaseUrl, clients, seconds);
    runs.push({ api, raw });
  }
  const hotRequests = opts.smoke ? 20 : 100;
  opts.log(`transitions: hot spot, 32 clients on ${hotRequests} requests`);
  const hot = await hotSpot(t, 32, hotRequests, opts.smoke ? 10 : 40);
  const rows: BenchRow[] = [];
  for (const { api, raw } of runs) {
    const ratio = round(api.perSecond / raw.perSecond, 3);
    rows.push({
      measure: `transitions/s, ${api.clients} clients (API vs raw transaction)`,
      product: api.perSecond,
      baseline: raw.perSecond,
      unit: 'per s',
      ratio,
      target: api.clients === 32 ? '≥ 0.35 of raw' : null,
      met: api.clients === 32 ? ratio >= 0.35 : null,
    });
    rows.push({
      measure: `p99 latency, ${api.clients} clients (API vs raw)`,
      product: api.p99Ms,
      baseline: raw.p99Ms,
      unit: 'ms',
      ratio: round(api.p99Ms / raw.p99Ms, 1),
      target: null,
      met: null,
    });
  }
  rows.push({
    measure: `hot spot: ${hot.clients} clients, ${hot.requests} requests: lost updates (${hot.accepted} accepted, ${hot.conflicts} 409s retried)`,
    product: hot.lostUpdates,
    baseline: null,
    unit: 'requests',
    ratio: null,
    target: '0 lost, every 409 retried',
    met: hot.lostUpdates === 0 && hot.otherErrors === 0,
    correctness: true,
  });
  return { rows, details: { runs, hotSpot: hot } };
}
