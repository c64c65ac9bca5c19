import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { NETWORK_CODES, OUTCOMES, type NetworkCode, type Outcome } from '@rogatory/workflow';
import { stringify } from 'csv-stringify/sync';
import { Clock } from '../clock';
import { Network, OutboxEmail } from '../entities';
import { ValidationFailedError } from '../errors';
import type { PostCommitJob } from '../queues/job-dispatcher.service';
import { yearlyTable } from './statistics-tables';

/** Figures of DOMAIN.md §5 for one network or the total; medians in calendar days, null if none. */
export interface YearFigures {
  facilitated: number;
  transmitted: number;
  acknowledged: number;
  closed: Record<Outcome, number>;
  pendingAtYearEnd: number;
  medianDaysToAcknowledge: number | null;
  medianDaysToClose: number | null;
}

export interface YearlyStatistics {
  year: number;
  networks: Record<NetworkCode, YearFigures>;
  total: YearFigures;
}

interface Row {
  year?: number;
  network?: string | null;
  facilitated: string;
  transmitted: string;
  acknowledged: string;
  executed: string;
  partially_executed: string;
  refused: string;
  withdrawn: string;
  lapsed: string;
  pending: string;
  median_ack: number | string | null;
  median_close: number | string | null;
}

/**
 * The figures of DOMAIN.md §5 as aggregates over the cases `t` (mla_request's milestone columns) for the
 * calendar year from `p.y0` to `p.y1` (calendar dates). Inferred acknowledgements are stored as null and so
 * never counted. A median of an even count is the mean of the two middle values (percentile_cont(0.5));
 * date minus date is a number of calendar days.
 */
const figuresSql = (t: string) => `
  count(*) filter (where ${t}.facilitated_on between p.y0 and p.y1) as facilitated,
  count(*) filter (where ${t}.transmitted_on between p.y0 and p.y1) as transmitted,
  count(*) filter (where ${t}.acknowledged_on between p.y0 and p.y1) as acknowledged,
  count(*) filter (where ${t}.closed_on between p.y0 and p.y1 and ${t}.outcome = 'EXECUTED') as executed,
  count(*) filter (where ${t}.closed_on between p.y0 and p.y1 and ${t}.outcome = 'PARTIALLY_EXECUTED') as partially_executed,
  count(*) filter (where ${t}.closed_on between p.y0 and p.y1 and ${t}.outcome = 'REFUSED') as refused,
  count(*) filter (where ${t}.closed_on between p.y0 and p.y1 and ${t}.outcome = 'WITHDRAWN') as withdrawn,
  count(*) filter (where ${t}.closed_on between p.y0 and p.y1 and ${t}.outcome = 'LAPSED') as lapsed,
  count(*) filter (where ${t}.transmitted_on <= p.y1 and (${t}.closed_on is null or ${t}.closed_on > p.y1)) as pending,
  percentile_cont(0.5) within group (order by ${t}.acknowledged_on - ${t}.transmitted_on) filter (where ${t}.acknowledged_on between p.y0 and p.y1) as median_ack,
  percentile_cont(0.5) within group (order by ${t}.closed_on - ${t}.transmitted_on) filter (where ${t}.closed_on between p.y0 and p.y1) as median_close`;

/** Columns of mla_request the statistics read: all readable by the metadata role (no facts, persons or subject). */
const CASE_COLUMNS =
  'network, linked_networks, requesting_state, requested_state, request_type, offences, measures, confidential, facilitated_on, transmitted_on, acknowledged_on, closed_on, outcome';

/** Columns of mla_request the yearly figures read (all readable by the metadata role). */
const YEARLY_COLUMNS = 'network, linked_networks, facilitated_on, transmitted_on, acknowledged_on, closed_on, outcome';

/**
 * One query over the milestone columns of mla_request (DOMAIN.md §5), for each calendar year from the
 * first parameter to the second: per network, where a request counts under its `network` and under each
 * of its `linked_networks` once (facilitated through several networks), and in total, where it counts once.
 * Only the cases that can count in one of the years are read (`c`): a milestone from the first day of the
 * first year to the last day of the last (parameters 3 to 10: that first and last day, four times), or
 * transmitted by then and not closed by the end of the first year (parameters 11 and 12: the last day of
 * the last year and of the first year), which every case pending at the end of one of the years is.
 * The scope placeholder is replaced by the principal's scope (AccessPolicy.scopeSql), whose parameters follow.
 * Each case is one row in the total and one per network (`x`: a union, no per-row subquery); the linked
 * networks are expanded only for the cases that have some, each code once and never the own network again.
 */
const YEARLY_SQL = `
with p as (select g.y::int as year, make_date(g.y::int, 1, 1) as y0, make_date(g.y::int, 12, 31) as y1 from generate_series(?::int, ?::int) as g(y)),
c as (
  select ${YEARLY_COLUMNS} from mla_request
  where (facilitated_on between ?::date and ?::date or transmitted_on between ?::date and ?::date or acknowledged_on between ?::date and ?::date
      or closed_on between ?::date and ?::date or (transmitted_on <= ?::date and (closed_on is null or closed_on > ?::date)))
    and /*scope*/ true
),
x as (
  select c.network as net, c.* from c
  union all
  select l.u, c.* from c cross join lateral unnest(c.linked_networks) with ordinality as l(u, i)
  where cardinality(c.linked_networks) > 0 and l.u <> c.network and array_position(c.linked_networks, l.u) = l.i
  union all
  select null, c.* from c
)
select p.year, x.net as network, ${figuresSql('x')}
from x cross join p
group by p.year, x.net`;

/** Parameters of {@link YEARLY_SQL} before the scope's, for the calendar years from `from` to `to`. */
function yearlyParams(from: number, to: number): unknown[] {
  const first = `${from}-01-01`;
  const last = `${to}-12-31`;
  return [from, to, first, last, first, last, first, last, first, last, last, `${from}-12-31`];
}

/**
 * Runs `sql` with `params` on `em` without JIT compilation (SET LOCAL jit = off: in `em`'s transaction, or
 * in one of its own when there is none; in `em`'s, the setting holds until that transaction ends). These
 * aggregates run in well under a second, and PostgreSQL's JIT, which their estimated cost triggers from
 * about 100,000 requests, spent 50–350 ms compiling them (EXPLAIN ANALYZE at 200,000 requests,
 * scripts/bench/statistics.ts). Returns the rows; throws the database's error.
 */
async function executeWithoutJit<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const run = async (tx: EntityManager) => {
    await tx.execute(`select set_config('jit', 'off', true)`);
    return (await tx.execute(sql, params)) as T[];
  };
  return em.isInTransaction() ? run(em) : em.transactional(run);
}

/** What a breakdown may be by (DOMAIN.md §5: "broken down by requesting State, requested State, request type, offence and measure"). */
export const BREAKDOWN_DIMENSIONS = ['requestingState', 'requestedState', 'requestType', 'offence', 'measure'] as const;
export type BreakdownBy = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Key of the cases whose offences or measures the reader may not see (UNTOC art. 18(20), METADATA view). */
export const CONFIDENTIAL_KEY = 'CONFIDENTIAL';
/** Key of the cases with no offence (or no measure) recorded. */
export const NONE_KEY = 'NONE';

/** The keys each case counts under, as a text[] over the filtered cases `f` (constants only: no input reaches this SQL). */
const BREAKDOWN_KEYS: Record<BreakdownBy, string> = {
  requestingState: 'array[f.requesting_state]',
  requestedState: 'array[f.requested_state]',
  requestType: 'array[f.request_type]',
  offence: `case when f.confidential and p.masked then array['${CONFIDENTIAL_KEY}'] when cardinality(f.offences) = 0 then array['${NONE_KEY}'] else f.offences end`,
  measure: `case when f.confidential and p.masked then array['${CONFIDENTIAL_KEY}'] when cardinality(f.measures) = 0 then array['${NONE_KEY}'] else f.measures end`,
};

/**
 * The figures of one calendar year per key of a dimension, and in total (each case once), over the cases
 * in scope and, when the third parameter is a network, of that network (its own or a linked one).
 * Parameters: first day, last day, network or null, whether to mask confidential cases; then the scope's.
 */
const breakdownSql = (by: BreakdownBy) => `
with p as (select ?::date as y0, ?::date as y1, ?::text as net, ?::boolean as masked),
c as (select ${CASE_COLUMNS} from mla_request where /*scope*/ true),
f as (select c.* from c cross join p where p.net is null or c.network = p.net or p.net = any(c.linked_networks))
select false as is_total, k.key, ${figuresSql('f')}
from f cross join p cross join lateral (select distinct u from unnest(${BREAKDOWN_KEYS[by]}) as t(u)) as k(key)
group by k.key
union all
select true, null, ${figuresSql('f')}
from f cross join p`;

/** Figures of one key of a breakdown: `name` is the State's name from the directory for a State dimension, else null. */
export interface BreakdownRow<F = YearFigures> {
  key: string;
  name: string | null;
  figures: F;
}

/**
 * The figures of DOMAIN.md §5 for calendar year `year` broken down `by` a dimension: one row per key that
 * has any non-zero count (sorted by key), and the total, where each case counts once. For offences and
 * measures (arrays) a case counts once under each of its codes, so the rows may add up to more than the
 * total; a case with none counts under `NONE`, a confidential case under `CONFIDENTIAL` for a METADATA
 * reader. `network`: only the cases of that network (own or linked), else null.
 */
export interface Breakdown<F = YearFigures> {
  year: number;
  by: BreakdownBy;
  network: NetworkCode | null;
  rows: BreakdownRow<F>[];
  total: F;
}

const OUTCOME_COLUMN: Record<Outcome, keyof Row> = {
  EXECUTED: 'executed',
  PARTIALLY_EXECUTED: 'partially_executed',
  REFUSED: 'refused',
  WITHDRAWN: 'withdrawn',
  LAPSED: 'lapsed',
};

function empty(): YearFigures {
  return {
    facilitated: 0,
    transmitted: 0,
    acknowledged: 0,
    closed: { EXECUTED: 0, PARTIALLY_EXECUTED: 0, REFUSED: 0, WITHDRAWN: 0, LAPSED: 0 },
    pendingAtYearEnd: 0,
    medianDaysToAcknowledge: null,
    medianDaysToClose: null,
  };
}

/** YearFigures whose counts may be null: suppressed as too small to show (small-counts.ts); empty cells in CSV. */
export type NullableFigures = Omit<YearFigures, 'facilitated' | 'transmitted' | 'acknowledged' | 'closed' | 'pendingAtYearEnd'> & {
  facilitated: number | null;
  transmitted: number | null;
  acknowledged: number | null;
  closed: Record<string, number | null>;
  pendingAtYearEnd: number | null;
};

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Longest range of years one request for a series may cover (charts). */
export const MAX_YEAR_RANGE = 20;

function checkYear(field: string, year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 9999)
    throw new ValidationFailedError([{ field, reason: `must be a year from 1900 to 9999, got ${year}` }]);
}

/** The network code in upper case, or undefined; ValidationFailedError naming `network` when it is not one. */
function checkNetwork(network: string | undefined): NetworkCode | undefined {
  const net = network?.toUpperCase();
  if (net !== undefined && !(NETWORK_CODES as readonly string[]).includes(net))
    throw new ValidationFailedError([{ field: 'network', reason: `"${network}" is not one of ${NETWORK_CODES.join(', ')}` }]);
  return net as NetworkCode | undefined;
}

function withScope(sql: string, scope: { sql: string } | undefined): string {
  return scope ? sql.replace('/*scope*/ true', `(${scope.sql})`) : sql;
}

function figuresOf(r: Row): YearFigures {
  return {
    facilitated: Number(r.facilitated),
    transmitted: Number(r.transmitted),
    acknowledged: Number(r.acknowledged),
    closed: Object.fromEntries(OUTCOMES.map((o) => [o, Number(r[OUTCOME_COLUMN[o]])])) as Record<Outcome, number>,
    pendingAtYearEnd: Number(r.pending),
    medianDaysToAcknowledge: num(r.median_ack),
    medianDaysToClose: num(r.median_close),
  };
}

function isAllZero(f: YearFigures): boolean {
  return f.facilitated + f.transmitted + f.acknowledged + f.pendingAtYearEnd + OUTCOMES.reduce((a, o) => a + f.closed[o], 0) === 0;
}

/** Statistics of DOMAIN.md §5: yearly figures, year ranges (charts), breakdowns, the plain CSV of the command line, and the 1 January email to each secretariat. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Figures for calendar year `year` (1900–9999), per network (WACAP, SEAJUST, CASC, OTHER) and in total
   * (DOMAIN.md §5; medians in calendar days). A request counts under its network and under each of its
   * linked networks; the total counts it once. `network` limits the result to one network (the total is
   * then that network's). Throws ValidationFailedError naming `year` or `network`. `scope`: a condition on
   * mla_request's columns that limits the cases counted (AccessPolicy.scopeSql), with its parameters.
   */
  async yearly(year: number, network?: string, em: EntityManager = this.orm.em.fork(), scope?: { sql: string; params: unknown[] }): Promise<YearlyStatistics> {
    checkYear('year', year);
    const [only] = await this.yearRange(year, year, network, em, scope);
    return only;
  }

  /**
   * The yearly figures of {@link yearly} for each calendar year from `from` to `to` (both included, at most
   * {@link MAX_YEAR_RANGE} years), in one query, oldest first. Throws ValidationFailedError naming `from`,
   * `to` (before `from`, or a range too long) or `network`.
   */
  async yearRange(
    from: number,
    to: number,
    network?: string,
    em: EntityManager = this.orm.em.fork(),
    scope?: { sql: string; params: unknown[] },
  ): Promise<YearlyStatistics[]> {
    checkYear('from', from);
    checkYear('to', to);
    if (to < from) throw new ValidationFailedError([{ field: 'to', reason: `must not be before from (${from}), got ${to}` }]);
    if (to - from + 1 > MAX_YEAR_RANGE)
      throw new ValidationFailedError([{ field: 'to', reason: `the range is at most ${MAX_YEAR_RANGE} years (from ${from} to ${from + MAX_YEAR_RANGE - 1})` }]);
    const net = checkNetwork(network);
    const rows = await executeWithoutJit<Row>(em, withScope(YEARLY_SQL, scope), [...yearlyParams(from, to), ...(scope?.params ?? [])]);
    const out: YearlyStatistics[] = [];
    for (let year = from; year <= to; year++) {
      const networks = Object.fromEntries(NETWORK_CODES.map((c) => [c, empty()])) as Record<NetworkCode, YearFigures>;
      let total = empty();
      for (const r of rows.filter((x) => Number(x.year) === year)) {
        if (r.network === null) total = figuresOf(r);
        else if (r.network! in networks) networks[r.network as NetworkCode] = figuresOf(r);
      }
      if (net) {
        const only = networks[net];
        out.push({ year, networks: { [net]: only } as Record<NetworkCode, YearFigures>, total: only });
      } else out.push({ year, networks, total });
    }
    return out;
  }

  /**
   * The figures of DOMAIN.md §5 for calendar year `year` broken down `by` requestingState, requestedState,
   * requestType, offence or measure (see {@link Breakdown}): offences and measures are arrays, so a case
   * counts once under each of its codes (and under `NONE` when it has none); with `maskConfidential`, a
   * confidential case (UNTOC art. 18(20)) counts under `CONFIDENTIAL` instead of its offences or measures.
   * Rows with only zeros are left out; State rows carry the State's name from the directory. `network`:
   * only that network's cases (its own or linked). Throws ValidationFailedError naming `year`, `by` or
   * `network`. `scope` as in {@link yearly}.
   */
  async breakdown(
    year: number,
    by: string,
    opts: { network?: string; em?: EntityManager; scope?: { sql: string; params: unknown[] }; maskConfidential?: boolean } = {},
  ): Promise<Breakdown> {
    checkYear('year', year);
    if (!(BREAKDOWN_DIMENSIONS as readonly string[]).includes(by))
      throw new ValidationFailedError([{ field: 'by', reason: `"${by}" is not one of ${BREAKDOWN_DIMENSIONS.join(', ')}` }]);
    const dim = by as BreakdownBy;
    const net = checkNetwork(opts.network);
    const em = opts.em ?? this.orm.em.fork();
    const params = [`${year}-01-01`, `${year}-12-31`, net ?? null, opts.maskConfidential ?? false, ...(opts.scope?.params ?? [])];
    const rows = (await em.execute(withScope(breakdownSql(dim), opts.scope), params)) as Array<Row & { is_total: boolean; key: string | null }>;
    const names =
      dim === 'requestingState' || dim === 'requestedState'
        ? new Map((await em.execute<Array<{ code: string; name: string }>>('select code, name from state')).map((s) => [s.code, s.name]))
        : null;
    const total = rows.find((r) => r.is_total);
    return {
      year,
      by: dim,
      network: net ?? null,
      rows: rows
        .filter((r) => !r.is_total)
        .map((r) => ({ key: r.key!, name: names?.get(r.key!) ?? null, figures: figuresOf(r) }))
        .filter((r) => !isAllZero(r.figures))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      total: total ? figuresOf(total) : empty(),
    };
  }

  /**
   * The same figures as a plain CSV table (the command line and the demo): one row per network and a TOTAL
   * row, LF line ends, no byte-order mark. Over HTTP the export is export/csv.ts's (BOM, CRLF, neutralised).
   */
  toCsv(s: Pick<YearlyStatistics, 'year'> & { networks: Record<string, NullableFigures>; total: NullableFigures }): string {
    const t = yearlyTable(s);
    return stringify([t.header, ...t.rows.map((r) => r.map((c) => c ?? ''))]);
  }

  /**
   * Writes one outbox email per network secretariat with the figures of `year` (default: the year before
   * the clock's), at most once per year and network. Returns the jobs to queue.
   */
  async emailYearToSecretariats(year = this.clock.now().getUTCFullYear() - 1): Promise<PostCommitJob[]> {
    const jobs: PostCommitJob[] = [];
    await this.orm.em.fork().transactional(async (em) => {
      const stats = await this.yearly(year, undefined, em);
      const networks = await em.find(Network, {}, { orderBy: { code: 'asc' } });
      for (const n of networks) {
        const f = stats.networks[n.code as NetworkCode];
        if (!f) continue;
        const dedupeKey = `statistics/${year}/${n.code}`;
        if (await em.findOne(OutboxEmail, { dedupeKey })) continue;
        const text = [
          `Yearly statistics ${year}: ${n.name} (${n.code})`,
          '',
          `Cases facilitated: ${f.facilitated}`,
          `Requests transmitted: ${f.transmitted}`,
          `Acknowledgements recorded: ${f.acknowledged}`,
          ...OUTCOMES.map((o) => `Closed ${o}: ${f.closed[o]}`),
          `Pending at year end: ${f.pendingAtYearEnd}`,
          `Median days to acknowledge: ${f.medianDaysToAcknowledge ?? 'n/a'}`,
          `Median days to close: ${f.medianDaysToClose ?? 'n/a'}`,
          '',
          'Definitions: DOMAIN.md §5. Counts only; no case contents.',
        ].join('\n');
        const row = new OutboxEmail({
          request: null,
          dedupeKey,
          kind: 'STATISTICS',
          step: null,
          stage: null,
          level: null,
          recipientName: `${n.code} secretariat`,
          recipientEmail: n.secretariatEmail,
          subject: `[Rogatory] ${n.code} statistics ${year}`,
          textBody: text,
          dueAt: this.clock.now(),
        });
        em.persist(row);
        jobs.push({ kind: 'email', outboxId: row.id });
      }
    });
    return jobs;
  }
}
