import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { NETWORK_CODES, OUTCOMES, type NetworkCode, type Outcome } from '@rogatory/workflow';
import { stringify } from 'csv-stringify/sync';
import { Clock } from '../clock';
import { Network, OutboxEmail } from '../entities';
import { ValidationFailedError } from '../errors';
import type { PostCommitJob } from '../queues/job-dispatcher.service';

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
  median_ack: number | string | null;
  median_close: number | string | null;
}

/**
 * One query over the milestone columns of mla_request (calendar dates, DOMAIN.md §5): per network and,
 * by ROLLUP, in total. Inferred acknowledgements are stored as null and so never counted. A median of an
 * even count is the mean of the two middle values (percentile_cont(0.5)).
 */
const YEARLY_SQL = `
select network,
  count(*) filter (where facilitated_on between p.y0 and p.y1) as facilitated,
  count(*) filter (where transmitted_on between p.y0 and p.y1) as transmitted,
  count(*) filter (where acknowledged_on between p.y0 and p.y1) as acknowledged,
  count(*) filter (where closed_on between p.y0 and p.y1 and outcome = 'EXECUTED') as executed,
  count(*) filter (where closed_on between p.y0 and p.y1 and outcome = 'PARTIALLY_EXECUTED') as partially_executed,
  count(*) filter (where closed_on between p.y0 and p.y1 and outcome = 'REFUSED') as refused,
  count(*) filter (where closed_on between p.y0 and p.y1 and outcome = 'WITHDRAWN') as withdrawn,
  count(*) filter (where closed_on between p.y0 and p.y1 and outcome = 'LAPSED') as lapsed,
  count(*) filter (where transmitted_on <= p.y1 and (closed_on is null or closed_on > p.y1)) as pending,
  percentile_cont(0.5) within group (order by acknowledged_on - transmitted_on) filter (where acknowledged_on between p.y0 and p.y1) as median_ack,
  percentile_cont(0.5) within group (order by closed_on - transmitted_on) filter (where closed_on between p.y0 and p.y1) as median_close
from mla_request cross join (select ?::date as y0, ?::date as y1) p
where /*scope*/ true
group by rollup (network)`;

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

/** Yearly statistics of DOMAIN.md §5, as JSON or CSV, and the 1 January email to each secretariat. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Figures for calendar year `year` (1900–9999), per network (WACAP, SEAJUST, CASC, OTHER) and in total.
   * `network` limits the result to one network (the total is then that network's). Throws
   * ValidationFailedError for a bad year or network. `scope`: a condition on mla_request's columns that
   * limits the cases counted (AccessPolicy.scopeSql), with its parameters.
   */
  async yearly(year: number, network?: string, em: EntityManager = this.orm.em.fork(), scope?: { sql: string; params: unknown[] }): Promise<YearlyStatistics> {
    if (!Number.isInteger(year) || year < 1900 || year > 9999)
      throw new ValidationFailedError([{ field: 'year', reason: `must be a year from 1900 to 9999, got ${year}` }]);
    const net = network?.toUpperCase();
    if (net !== undefined && !(NETWORK_CODES as readonly string[]).includes(net)) {
      throw new ValidationFailedError([{ field: 'network', reason: `"${network}" is not one of ${NETWORK_CODES.join(', ')}` }]);
    }
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const sql = scope ? YEARLY_SQL.replace('/*scope*/ true', `(${scope.sql})`) : YEARLY_SQL;
    const rows = (await em.execute(sql, [from, to, ...(scope?.params ?? [])])) as Row[];
    const networks = Object.fromEntries(NETWORK_CODES.map((c) => [c, empty()])) as Record<NetworkCode, YearFigures>;
    let total = empty();
    for (const r of rows) {
      const f: YearFigures = {
        facilitated: Number(r.facilitated),
        transmitted: Number(r.transmitted),
        acknowledged: Number(r.acknowledged),
        closed: Object.fromEntries(OUTCOMES.map((o) => [o, Number(r[OUTCOME_COLUMN[o]])])) as Record<Outcome, number>,
        pendingAtYearEnd: Number(r.pending),
        medianDaysToAcknowledge: num(r.median_ack),
        medianDaysToClose: num(r.median_close),
      };
      if (r.network === null) total = f;
      else if (r.network in networks) networks[r.network as NetworkCode] = f;
    }
    if (net) {
      const only = networks[net as NetworkCode];
      return { year, networks: { [net]: only } as Record<NetworkCode, YearFigures>, total: only };
    }
    return { year, networks, total };
  }

  /** The same figures as a CSV table: one row per network and a TOTAL row. */
  toCsv(s: Pick<YearlyStatistics, 'year'> & { networks: Record<string, NullableFigures>; total: NullableFigures }): string {
    const header = [
      'year',
      'network',
      'facilitated',
      'transmitted',
      'acknowledged',
      ...OUTCOMES.map((o) => `closed_${o}`),
      'pendingAtYearEnd',
      'medianDaysToAcknowledge',
      'medianDaysToClose',
    ];
    const line = (name: string, f: NullableFigures) => [
      s.year,
      name,
      f.facilitated ?? '',
      f.transmitted ?? '',
      f.acknowledged ?? '',
      ...OUTCOMES.map((o) => f.closed[o] ?? ''),
      f.pendingAtYearEnd ?? '',
      f.medianDaysToAcknowledge ?? '',
      f.medianDaysToClose ?? '',
    ];
    return stringify([header, ...Object.entries(s.networks).map(([n, f]) => line(n, f)), line('TOTAL', s.total)]);
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
