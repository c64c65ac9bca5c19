// Part 3 of `npm run bench`: yearly statistics (DOMAIN.md §5) at 50,000, 100,000 and 200,000 requests of
// about ten events each, generated with SQL, against the same figures computed by one hand-written SQL
// query in the same run: the service as the command line uses it, and a network secretariat's figures as
// the API serves them (scope, row-level security, audit entry, small-count suppression).
import { MikroORM } from '@mikro-orm/postgresql';
import {
  AppConfig,
  AppUser,
  CaseAccessService,
  DirectoryService,
  MlaRequest,
  MlaRequestService,
  principalOfUser,
  StatisticsService,
  UserService,
  type NullableFigures,
  type YearFigures,
  type YearlyStatistics,
} from '@rogatory/domain';
import { MEASURES, NETWORK_CODES, OFFENCES, OUTCOMES, type NetworkCode } from '@rogatory/workflow';
import { Client } from 'pg';
import { performance } from 'node:perf_hooks';
import { freshDatabase, percentile, round, withDomain, type BenchOptions, type BenchRow, type BenchSection } from './common';

/** The year the figures are computed for. */
const YEAR = 2021;
/** Timed runs per measure (after one warm-up run); the median is reported. */
const RUNS = 5;
/** The secretariat whose figures are measured (a seeded development user). */
const SECRETARIAT_LOGIN = 'secretariat.wacap';
const SECRETARIAT_NETWORK: NetworkCode = 'WACAP';
/** Most a product time may be, as a multiple of the hand-written query's. */
const MAX_RATIO = 1.5;
/** Most the cost per 1,000 requests at the largest size may be, as a multiple of that at the smallest. */
const MAX_GROWTH = 1.2;
/** Prefix of the generated requests' ids (md5 of prefix || i, as uuid) so that events find their request by index. */
const ID_PREFIX = 'rogatory-bench-stats-';

/** Text the events' notes are cut from (payloads of about 200–500 bytes). */
const LOREM =
  'The requested authority confirms receipt of the letter of request and the annexed documents, and notes that the bank records sought cover the ' +
  'period from January to December. The prosecutor in charge asks for the full names and dates of birth of the account holders, a certified ' +
  'translation of the court order into the official language, and an assurance on the use of the evidence for the proceedings described only. ' +
  'A call between the two central authorities is proposed for the coming week, with the contact points of the network attending to follow up.';

/** Figures of one network or the total as compared: YearFigures, or the nullable ones a secretariat gets. */
type Figures = YearFigures | NullableFigures;

/** A row of the hand-written query (counts come back from node-postgres as strings, medians as numbers). */
interface HandRow {
  network: string | null;
  facilitated: string;
  transmitted: string;
  acknowledged: string;
  executed: string;
  partially_executed: string;
  refused: string;
  withdrawn: string;
  lapsed: string;
  pending: string;
  median_ack: number | null;
  median_close: number | null;
}

/**
 * The figures of DOMAIN.md §5 for one calendar year, written by hand as one query: the cases that touch the
 * year (a milestone in it, or pending at its end) are picked once; each counts under its network, under its
 * linked networks (distinct codes without the own network: the machine adds a network once) and under the
 * total (null). Parameters: first day, last day, and a network whose secretariat's scope (own or linked)
 * limits the cases, or null for all. Medians: percentile_cont(0.5) of calendar days.
 */
const HAND_SQL = `
with c as (
  select network, linked_networks, facilitated_on, transmitted_on, acknowledged_on, closed_on, outcome
  from mla_request
  where (facilitated_on between $1::date and $2::date or transmitted_on between $1::date and $2::date or acknowledged_on between $1::date and $2::date
         or closed_on between $1::date and $2::date or (transmitted_on <= $2::date and (closed_on is null or closed_on > $2::date)))
    and ($3::text is null or network = $3::text or $3::text = any(linked_networks))
),
x as (
  select n.net, c.* from c cross join lateral unnest(array[c.network] || array_remove(c.linked_networks, c.network)) as n(net)
  union all
  select null, c.* from c
)
select net as network,
  count(*) filter (where facilitated_on between $1::date and $2::date) as facilitated,
  count(*) filter (where transmitted_on between $1::date and $2::date) as transmitted,
  count(*) filter (where acknowledged_on between $1::date and $2::date) as acknowledged,
  count(*) filter (where closed_on between $1::date and $2::date and outcome = 'EXECUTED') as executed,
  count(*) filter (where closed_on between $1::date and $2::date and outcome = 'PARTIALLY_EXECUTED') as partially_executed,
  count(*) filter (where closed_on between $1::date and $2::date and outcome = 'REFUSED') as refused,
  count(*) filter (where closed_on between $1::date and $2::date and outcome = 'WITHDRAWN') as withdrawn,
  count(*) filter (where closed_on between $1::date and $2::date and outcome = 'LAPSED') as lapsed,
  count(*) filter (where transmitted_on <= $2::date and (closed_on is null or closed_on > $2::date)) as pending,
  percentile_cont(0.5) within group (order by acknowledged_on - transmitted_on) filter (where acknowledged_on between $1::date and $2::date) as median_ack,
  percentile_cont(0.5) within group (order by closed_on - transmitted_on) filter (where closed_on between $1::date and $2::date) as median_close
from x
group by net`;

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlTextArray = (xs: readonly string[]) => `array[${xs.map(sqlText).join(', ')}]::text[]`;

/**
 * Inserts the requests numbered `from` + 1 to `to` with SQL (one INSERT … SELECT over generate_series), with
 * a spread like the registers': networks WACAP 35 %, SEAJUST 25 %, CASC 20 %, OTHER 20 %, both States among
 * the network's members (any State for OTHER), 8 % linked to another network; started from October 2018 to
 * December 2023; 85 % facilitated, 95 % transmitted (a few weeks later), 80 % of these acknowledged (1–76
 * days after), 70 % closed after acknowledgement or transmission (5–605 days, only up to June 2024, else
 * pending) with outcomes executed 45 %, partially 15 %, refused 15 %, withdrawn 15 %, lapsed 10 %. Every
 * NOT NULL column is filled; `snapshot` is the JSON of a request created through the product, with its
 * state. `members`: network code to its States' codes. Returns nothing; throws on a database error.
 */
async function insertRequests(pg: Client, from: number, to: number, members: Map<string, string[]>, snapshot: unknown): Promise<void> {
  const all = [...new Set([...members.values()].flat())].sort();
  const memberValues = NETWORK_CODES.map((n) => `(${sqlText(n)}, ${sqlTextArray(n === 'OTHER' || !members.get(n)?.length ? all : members.get(n)!)})`).join(
    ', ',
  );
  await pg.query('select setseed($1)', [(from % 1000) / 1000]);
  await pg.query(
    `
insert into mla_request (id, reference, network, requesting_state, requested_state, request_type, urgent, legal_basis, offences, measures, subject, state,
  machine_version, snapshot, version, event_count, facilitated_on, transmitted_on, acknowledged_on, closed_on, outcome, listed_for_plenary,
  import_fingerprint, created_at, updated_at, confidential, linked_networks)
with m(code, states) as (values ${memberValues}),
g as (
  select i, md5($3 || i)::uuid as id, random() as r_net, random() as r_s1, random() as r_s2, random() as r_day, random() as r_fac, random() as r_tx,
    random() as r_ack, random() as r_close, random() as r_out, random() as r_link, random() as r_misc, random() as r_type
  from generate_series($1::int + 1, $2::int) as i
),
n as (
  select g.*, k.net_index, (array['WACAP', 'SEAJUST', 'CASC', 'OTHER'])[k.net_index + 1] as network,
    date '2018-10-01' + floor(g.r_day * 1917)::int as d0
  from g cross join lateral (select case when g.r_net < 0.35 then 0 when g.r_net < 0.6 then 1 when g.r_net < 0.8 then 2 else 3 end as net_index) as k
),
s as (
  select n.*, m.states, cardinality(m.states) as n_states, floor(n.r_s1 * cardinality(m.states))::int as a,
    case when n.r_fac < 0.85 then n.d0 end as facilitated_on,
    case when n.r_tx >= 0.05 then n.d0 + floor(n.r_misc * 45)::int end as transmitted_on
  from n join m on m.code = n.network
),
t as (
  select s.*, case when s.transmitted_on is not null and s.r_ack < 0.8 then s.transmitted_on + 1 + floor(s.r_ack / 0.8 * 75)::int end as acknowledged_on
  from s
),
u as (
  select t.*, case when t.transmitted_on is not null and t.r_close < 0.7 then coalesce(t.acknowledged_on, t.transmitted_on) + 5 + floor(power(t.r_close / 0.7, 2) * 600)::int end as close_at
  from t
),
v as (
  select u.*, case when u.close_at <= date '2024-06-30' then u.close_at end as closed_on from u
)
select v.id,
  v.network || '/' || extract(year from v.d0)::int || '/B' || lpad(v.i::text, 7, '0'),
  v.network,
  v.states[v.a + 1],
  v.states[(v.a + 1 + floor(v.r_s2 * (v.n_states - 1))::int) % v.n_states + 1],
  case when v.r_type < 0.8 then 'MLA' when v.r_type < 0.93 then 'EXTRADITION' else 'ASSET_RECOVERY' end,
  v.i % 9 = 0,
  case when v.i % 4 = 0 then 'TREATY' else 'UNTOC' end,
  case when v.i % 5 = 0 then array[($5::text[])[1 + v.i % 15], ($5::text[])[1 + (v.i / 15 + 1) % 15]] else array[($5::text[])[1 + v.i % 15]] end,
  array[($6::text[])[1 + (v.i / 7) % 16]],
  null,
  x.state,
  2,
  jsonb_set($4::jsonb, '{value}', to_jsonb(x.state)),
  x.event_count + 1,
  x.event_count,
  v.facilitated_on,
  v.transmitted_on,
  v.acknowledged_on,
  v.closed_on,
  case when v.closed_on is null then null when v.r_out < 0.45 then 'EXECUTED' when v.r_out < 0.6 then 'PARTIALLY_EXECUTED' when v.r_out < 0.75 then 'REFUSED'
    when v.r_out < 0.9 then 'WITHDRAWN' else 'LAPSED' end,
  false,
  null,
  v.d0::timestamptz,
  coalesce(v.closed_on, v.acknowledged_on, v.transmitted_on, v.d0)::timestamptz,
  v.i % 20 = 0,
  case when v.r_link < 0.08 then array[(array['WACAP', 'SEAJUST', 'CASC', 'OTHER'])[(v.net_index + 1 + floor(v.r_link / 0.08 * 3)::int) % 4 + 1]] else '{}'::text[] end
from v cross join lateral (
  select case when v.transmitted_on is null then (case when v.r_misc < 0.5 then 'draft' else 'informalConsultation' end)
      when v.closed_on is not null then 'closed'
      when v.acknowledged_on is null then 'awaitingAcknowledgement'
      when v.r_misc < 0.5 then 'underAssessment' else 'inExecution' end as state,
    case when v.transmitted_on is null then 2 + floor(v.r_misc * 3)::int
      when v.closed_on is null then 7 + floor(v.r_misc * 4)::int
      else 10 + floor(v.r_misc * 4)::int end as event_count
) as x`,
    [from, to, ID_PREFIX, JSON.stringify(snapshot), [...OFFENCES], [...MEASURES]],
  );
}

/**
 * Inserts the events of the requests numbered `from` + 1 to `to` (their `event_count`: 2–4 for a draft, 7–10
 * pending, 10–13 closed, about ten on average): a lifecycle's types in order (drafting, facilitation,
 * transmission on `transmitted_on`, acknowledgement on `acknowledged_on`, enquiries, the closing event on
 * `closed_on` by outcome), dated in order between the start of drafting and the last milestone, with
 * actors of the requesting or requested State, a payload of about 200–500 bytes (a note, and the channel or
 * facilitation action where the event has one). Throws on a database error.
 */
async function insertEvents(pg: Client, from: number, to: number): Promise<void> {
  await pg.query(
    `
insert into case_event (request_id, seq, type, actor_role, actor_state, actor_name, occurred_at, occurred_on, inferred, payload, from_state, to_state, recorded_at, actor_user_id)
with r as (
  select i, q.id, q.event_count as n, q.requesting_state, q.requested_state, q.facilitated_on, q.transmitted_on, q.acknowledged_on, q.closed_on, q.outcome,
    coalesce(q.facilitated_on, q.transmitted_on, q.created_at::date) - 10 as start_on,
    case when q.transmitted_on is null then array['draftAmended', 'draftShared', 'draftReviewed', 'facilitationRecorded']
      when q.closed_on is null then array['draftAmended', 'draftReviewed', 'facilitationRecorded', 'requestTransmitted', 'writtenConfirmationSent',
        case when q.acknowledged_on is null then 'deadlineReached' else 'receiptAcknowledged' end,
        'progressEnquirySent', 'progressEnquiryAnswered', 'additionalInformationRequested', 'additionalInformationProvided']
      else array['draftAmended', 'draftReviewed', 'facilitationRecorded', 'requestTransmitted',
        case when q.acknowledged_on is null then 'deadlineReached' else 'receiptAcknowledged' end,
        'additionalInformationRequested', 'additionalInformationProvided', 'progressEnquirySent', 'progressEnquiryAnswered', 'requestAccepted',
        'executionCompleted', 'facilitationRecorded'] end as types
  from generate_series($1::int + 1, $2::int) as i join mla_request q on q.id = md5($3 || i)::uuid
),
e as (
  select r.*, k,
    case when k = r.n and r.closed_on is not null then
      case r.outcome when 'REFUSED' then 'requestRefused' when 'WITHDRAWN' then 'requestWithdrawn' when 'LAPSED' then 'requestLapsed' else 'caseClosed' end
      else r.types[k] end as type,
    coalesce(r.closed_on, r.acknowledged_on + 90, r.transmitted_on + 60, r.start_on + 40) as end_on
  from r cross join lateral generate_series(1, r.n) as k
),
d as (
  select e.*,
    case when e.type = 'requestTransmitted' then e.transmitted_on when e.type = 'receiptAcknowledged' then e.acknowledged_on
      when e.k = e.n and e.closed_on is not null then e.closed_on else e.start_on + ((e.end_on - e.start_on) * e.k / (e.n + 1)) end as on_date,
    case when e.type in ('receiptAcknowledged', 'requestAccepted', 'executionCompleted', 'additionalInformationRequested', 'progressEnquiryAnswered', 'requestRefused')
      then e.requested_state else e.requesting_state end as actor_state,
    case e.type when 'draftShared' then 'informalConsultation' when 'requestTransmitted' then 'awaitingAcknowledgement'
      when 'receiptAcknowledged' then 'underAssessment' when 'additionalInformationRequested' then 'awaitingAdditionalInformation'
      when 'requestAccepted' then 'inExecution' when 'executionCompleted' then 'executed'
      when 'caseClosed' then 'closed' when 'requestRefused' then 'closed' when 'requestWithdrawn' then 'closed' when 'requestLapsed' then 'closed'
      when 'draftAmended' then 'draft' else null end as moves_to
  from e
),
t as (
  select d.*,
    coalesce(d.moves_to, case when d.transmitted_on is null or d.type in ('draftReviewed', 'facilitationRecorded') and d.k <= 3 then 'draft'
      when d.acknowledged_on is null then 'awaitingAcknowledgement' else 'underAssessment' end) as to_state
  from d
),
w as (
  select t.*, lag(t.to_state) over (partition by t.id order by t.k) as prev_state from t
)
select w.id, w.k, w.type,
  case when w.type in ('facilitationRecorded', 'draftReviewed') then 'CONTACT_POINT' when w.type = 'deadlineReached' then 'SYSTEM' else 'CENTRAL_AUTHORITY' end,
  case when w.type = 'deadlineReached' then null else w.actor_state end,
  case when w.type = 'deadlineReached' then null else 'Officer ' || w.actor_state || ' ' || (w.i % 97) end,
  w.on_date + time '09:00' + make_interval(mins => w.k * 7),
  w.on_date,
  false,
  jsonb_build_object('note', substr($4, 1 + (w.i * 7 + w.k * 13) % 120, 170 + (w.i * 13 + w.k * 31) % 280))
    || case w.type when 'requestTransmitted' then jsonb_build_object('channel', 'CENTRAL_AUTHORITY')
      when 'facilitationRecorded' then jsonb_build_object('action', case when w.k <= 3 then 'CONSULTED_ON_DRAFT' else 'CHASED_REQUESTED_SIDE' end)
      when 'executionCompleted' then jsonb_build_object('partial', w.outcome = 'PARTIALLY_EXECUTED')
      when 'deadlineReached' then jsonb_build_object('step', 'ACKNOWLEDGEMENT', 'stage', 'DUE')
      when 'requestRefused' then jsonb_build_object('ground', 'NON_CONFORMITY', 'reasons', 'Dual criminality not established.')
      else '{}'::jsonb end,
  coalesce(w.prev_state, 'draft'),
  w.to_state,
  w.on_date + time '09:00' + make_interval(mins => w.k * 7),
  null::uuid
from w`,
    [from, to, ID_PREFIX, LOREM],
  );
}

/** One timed measure: the median in ms, every run's time, and the last run's result. */
interface Timed<T> {
  ms: number;
  runs: number[];
  result: T;
}

/**
 * Times each of `fns` {@link RUNS} times after one warm-up run of each, interleaved (one run of each per
 * round, so that a drift of the machine hits all alike). Returns, in the same order, the median in ms,
 * every run's time (ms, one decimal) and the last run's result.
 */
async function timedTogether<T extends unknown[]>(fns: { [K in keyof T]: () => Promise<T[K]> }): Promise<{ [K in keyof T]: Timed<T[K]> }> {
  const results: unknown[] = [];
  for (const fn of fns) results.push(await fn());
  const runs: number[][] = fns.map(() => []);
  for (let round_ = 0; round_ < RUNS; round_++)
    for (let i = 0; i < fns.length; i++) {
      const t0 = performance.now();
      results[i] = await fns[i]();
      runs[i].push(performance.now() - t0);
    }
  return fns.map((_, i) => ({ ms: percentile(runs[i], 50), runs: runs[i].map((r) => round(r, 1)), result: results[i] })) as { [K in keyof T]: Timed<T[K]> };
}

function figuresOfHand(r: HandRow): YearFigures {
  return {
    facilitated: Number(r.facilitated),
    transmitted: Number(r.transmitted),
    acknowledged: Number(r.acknowledged),
    closed: {
      EXECUTED: Number(r.executed),
      PARTIALLY_EXECUTED: Number(r.partially_executed),
      REFUSED: Number(r.refused),
      WITHDRAWN: Number(r.withdrawn),
      LAPSED: Number(r.lapsed),
    },
    pendingAtYearEnd: Number(r.pending),
    medianDaysToAcknowledge: r.median_ack === null ? null : Number(r.median_ack),
    medianDaysToClose: r.median_close === null ? null : Number(r.median_close),
  };
}

const ZERO: YearFigures = {
  facilitated: 0,
  transmitted: 0,
  acknowledged: 0,
  closed: { EXECUTED: 0, PARTIALLY_EXECUTED: 0, REFUSED: 0, WITHDRAWN: 0, LAPSED: 0 },
  pendingAtYearEnd: 0,
  medianDaysToAcknowledge: null,
  medianDaysToClose: null,
};

/** The hand-written query's rows as YearlyStatistics (a network without a row has zeros, as the product gives). */
function statisticsOfHand(rows: HandRow[]): YearlyStatistics {
  const networks = Object.fromEntries(NETWORK_CODES.map((n) => [n, ZERO])) as Record<NetworkCode, YearFigures>;
  let total = ZERO;
  for (const r of rows) {
    if (r.network === null) total = figuresOfHand(r);
    else if (r.network in networks) networks[r.network as NetworkCode] = figuresOfHand(r);
  }
  return { year: YEAR, networks, total };
}

/** Every figure of `f` by path (`transmitted`, `closed.REFUSED`, `medianDaysToClose`…). */
function flatten(prefix: string, f: Figures): Array<[string, number | null]> {
  return [
    [`${prefix}.facilitated`, f.facilitated],
    [`${prefix}.transmitted`, f.transmitted],
    [`${prefix}.acknowledged`, f.acknowledged],
    ...OUTCOMES.map((o): [string, number | null] => [`${prefix}.closed.${o}`, f.closed[o] ?? null]),
    [`${prefix}.pendingAtYearEnd`, f.pendingAtYearEnd],
    [`${prefix}.medianDaysToAcknowledge`, f.medianDaysToAcknowledge],
    [`${prefix}.medianDaysToClose`, f.medianDaysToClose],
  ];
}

/**
 * The differences between the product's figures and the hand-written query's, as lines `path: product ≠ hand`
 * (empty when equal). With `minCount`, a product figure may be null where suppression hides it: a count from
 * 1 to minCount - 1, or a median over fewer than minCount cases (acknowledged, or closed in all outcomes).
 */
function differences(product: Record<string, Figures>, hand: Record<string, YearFigures>, minCount?: number): string[] {
  const out: string[] = [];
  for (const key of Object.keys(hand)) {
    const p = product[key];
    if (!p) {
      out.push(`${key}: missing in the product`);
      continue;
    }
    const h = hand[key];
    const hv = new Map(flatten(key, h));
    const closedCount = OUTCOMES.reduce((a, o) => a + h.closed[o], 0);
    for (const [path, value] of flatten(key, p)) {
      const want = hv.get(path) ?? null;
      if (value === want) continue;
      if (minCount !== undefined && value === null) {
        const basis = path.endsWith('medianDaysToAcknowledge') ? h.acknowledged : path.endsWith('medianDaysToClose') ? closedCount : want;
        if (basis !== null && basis < minCount && (path.includes('median') || basis >= 1)) continue;
      }
      out.push(`${path}: product ${value} ≠ hand-written ${want}`);
    }
  }
  return out;
}

/** Sizes measured: 50,000, 100,000 and 200,000 requests (smoke: 2,000 and 4,000). */
function sizesOf(opts: BenchOptions): number[] {
  return opts.smoke ? [2_000, 4_000] : [50_000, 100_000, 200_000];
}

/**
 * Part 3 of the benchmark: yearly statistics of {@link YEAR} at each size, timed as the median of 5 runs
 * after a warm-up: (a) StatisticsService.yearly (unscoped: the command line, the demo); (b) the figures of
 * the secretariat of WACAP through CaseAccessService.statistics (its scope, row-level security under its
 * database role, the audit entry, small-count suppression); (c) one hand-written SQL query with
 * node-postgres, unscoped and restricted to WACAP's scope. The data grow in place in one fresh database
 * (`rogatory_bench_stats`): each size adds the next batch of requests and their events, then VACUUM ANALYZE.
 * Rows: per size, (a) and (b) against (c) (target ≤ 1.5×); and the growth of (a)'s cost per 1,000 requests
 * from the smallest to the largest size (target ≤ ~1.2). Throws when (a) differs from (c) in any figure,
 * or (b) from the scoped (c) in any figure that suppression does not hide (the message lists them).
 */
export async function benchStatistics(opts: BenchOptions): Promise<BenchSection> {
  const sizes = sizesOf(opts);
  const url = await freshDatabase(opts.config, 'rogatory_bench_stats');
  const config = new AppConfig({ ...opts.config, databaseUrl: url });
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const rows: BenchRow[] = [];
  const perSize: Array<Record<string, unknown>> = [];
  try {
    await withDomain(config, async (app) => {
      await app.get(DirectoryService).seed();
      await app.get(UserService).seedDevUsers();
      // A request created through the product gives a snapshot every generated row copies (with its state).
      const model = await app
        .get(MlaRequestService)
        .create({ network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false });
      const snapshot = model.snapshot;
      await app.get(MikroORM).em.fork().nativeDelete(MlaRequest, { id: model.id });
      const memberRows = await pg.query<{ network_code: string; states: string[] }>(
        'select network_code, array_agg(state_code order by state_code) as states from network_member group by network_code',
      );
      const members = new Map(memberRows.rows.map((r) => [r.network_code, r.states]));
      const all = await pg.query<{ code: string }>('select code from state order by code');
      members.set(
        'OTHER',
        all.rows.map((r) => r.code),
      );

      const em = app.get(MikroORM).em.fork();
      const principal = principalOfUser(await em.findOneOrFail(AppUser, { login: SECRETARIAT_LOGIN }), '127.0.0.1', null);
      const statistics = app.get(StatisticsService);
      const access = app.get(CaseAccessService);
      const y0 = `${YEAR}-01-01`;
      const y1 = `${YEAR}-12-31`;

      let loaded = 0;
      for (const size of sizes) {
        const t0 = performance.now();
        await insertRequests(pg, loaded, size, members, snapshot);
        const tRequests = performance.now();
        await insertEvents(pg, loaded, size);
        const tEvents = performance.now();
        await pg.query('vacuum analyze mla_request');
        await pg.query('vacuum analyze case_event');
        const tVacuum = performance.now();
        loaded = size;
        const [counts] = (
          await pg.query<{ requests: string; events: string; avg_payload: string; bytes: string }>(
            `select (select count(*) from mla_request) as requests, (select count(*) from case_event) as events,
               (select avg(pg_column_size(payload))::int from case_event) as avg_payload,
               pg_total_relation_size('mla_request') + pg_total_relation_size('case_event') as bytes`,
          )
        ).rows;
        if (Number(counts.requests) !== size) throw new Error(`expected ${size} requests, found ${counts.requests}`);
        opts.log(`statistics: ${size} requests, ${counts.events} events loaded in ${round((tVacuum - t0) / 1000, 1)} s`);

        // The hand-written query runs without JIT compilation, as the product's statistics queries do: at
        // these sizes PostgreSQL's JIT spends more time compiling them than they take to run.
        await pg.query('set jit = off');
        const [service, secretariat, hand, handScoped] = await timedTogether([
          () => statistics.yearly(YEAR),
          () => access.statistics(principal, YEAR, undefined, 'json'),
          async () => (await pg.query<HandRow>(HAND_SQL, [y0, y1, null])).rows,
          async () => (await pg.query<HandRow>(HAND_SQL, [y0, y1, SECRETARIAT_NETWORK])).rows,
        ]);

        const handStats = statisticsOfHand(hand.result);
        const diff = differences({ ...service.result.networks, TOTAL: service.result.total }, { ...handStats.networks, TOTAL: handStats.total });
        if (diff.length)
          throw new Error(`statistics at ${size} requests: StatisticsService.yearly(${YEAR}) differs from the hand-written query:\n${diff.join('\n')}`);
        const scopedStats = statisticsOfHand(handScoped.result);
        const served = secretariat.result;
        const minCount = 'minCount' in served ? served.minCount : config.statisticsMinCount;
        const mine = scopedStats.networks[SECRETARIAT_NETWORK];
        const diffScoped = differences(
          { [SECRETARIAT_NETWORK]: served.networks[SECRETARIAT_NETWORK], TOTAL: served.total },
          { [SECRETARIAT_NETWORK]: mine, TOTAL: mine },
          minCount,
        );
        if (Object.keys(served.networks).join() !== SECRETARIAT_NETWORK)
          diffScoped.push(`networks: ${Object.keys(served.networks).join(', ')} served, ${SECRETARIAT_NETWORK} only expected`);
        if (diffScoped.length)
          throw new Error(
            `statistics at ${size} requests: the ${SECRETARIAT_LOGIN} figures differ from the hand-written query over its scope:\n${diffScoped.join('\n')}`,
          );

        const at = size.toLocaleString('en');
        const row = (measure: string, product: number, baseline: number): BenchRow => {
          const ratio = product / baseline;
          return {
            measure,
            product: round(product, 1),
            baseline: round(baseline, 1),
            unit: 'ms',
            ratio: round(ratio),
            target: `≤ ${MAX_RATIO}× hand-written SQL`,
            met: ratio <= MAX_RATIO,
          };
        };
        rows.push(row(`yearly statistics, ${at} requests (service)`, service.ms, hand.ms));
        rows.push(row(`yearly statistics, ${at} requests (secretariat through the API's access layer)`, secretariat.ms, handScoped.ms));
        perSize.push({
          requests: size,
          events: Number(counts.events),
          averagePayloadBytes: Number(counts.avg_payload),
          databaseMb: round(Number(counts.bytes) / 1024 / 1024, 1),
          generationSeconds: {
            requests: round((tRequests - t0) / 1000, 1),
            events: round((tEvents - tRequests) / 1000, 1),
            vacuumAnalyze: round((tVacuum - tEvents) / 1000, 1),
          },
          ms: {
            service: { median: round(service.ms, 1), runs: service.runs },
            secretariat: { median: round(secretariat.ms, 1), runs: secretariat.runs },
            handWritten: { median: round(hand.ms, 1), runs: hand.runs },
            handWrittenScoped: { median: round(handScoped.ms, 1), runs: handScoped.runs },
          },
          totals: { all: handStats.total, [SECRETARIAT_NETWORK]: mine, suppressedForSecretariat: 'suppressed' in served ? served.suppressed : [] },
        });
        opts.log(
          `statistics: ${size} requests: service ${round(service.ms, 1)} ms, secretariat ${round(secretariat.ms, 1)} ms, hand-written ${round(hand.ms, 1)} ms (scoped ${round(handScoped.ms, 1)} ms)`,
        );
      }
    });
  } finally {
    await pg.end();
  }

  const per1000 = (i: number, key: 'service' | 'secretariat') => ((perSize[i].ms as Record<string, { median: number }>)[key].median / sizes[i]) * 1000;
  const last = sizes.length - 1;
  const growth = per1000(last, 'service') / per1000(0, 'service');
  rows.push({
    measure: `growth of the cost per 1,000 requests, ${sizes[last].toLocaleString('en')} vs ${sizes[0].toLocaleString('en')} (service)`,
    product: round(per1000(last, 'service'), 3),
    baseline: round(per1000(0, 'service'), 3),
    unit: 'ms per 1,000 requests',
    ratio: round(growth),
    target: `≤ ~${MAX_GROWTH}: grows no faster than the data`,
    met: growth <= MAX_GROWTH,
  });
  return {
    title: `3. Yearly statistics (${YEAR})`,
    rows,
    details: {
      year: YEAR,
      runs: `median of ${RUNS} after 1 warm-up`,
      secretariat: SECRETARIAT_LOGIN,
      sizes: perSize,
      growth: {
        service: round(growth, 3),
        secretariat: round(per1000(last, 'secretariat') / per1000(0, 'secretariat'), 3),
        handWritten: round(
          (perSize[last].ms as Record<string, { median: number }>).handWritten.median /
            sizes[last] /
            ((perSize[0].ms as Record<string, { median: number }>).handWritten.median / sizes[0]),
          3,
        ),
      },
    },
  };
}
