// Part 2 of the benchmark: deadlines falling due, delivered through BullMQ (the worker process), the
// outbox and a local SMTP listener; lateness of each email and throughput against raw BullMQ jobs.
import type { INestApplicationContext } from '@nestjs/common';
import { JobDispatcher, redisConnection, SmtpListener } from '@rogatory/domain';
import type { Stage } from '@rogatory/workflow';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { createRequest, postEvent, type TransitionTarget } from './transitions';
import { machineCpu, percentile, round, type BenchOptions, type BenchRow } from './common';

/** When the SMTP listener took each message, by Message-ID (`<outbox id@domain>`); repeats counted. */
class Receipts {
  readonly at = new Map<string, number>();
  duplicates = 0;
  constructor(smtp: SmtpListener) {
    smtp.onReceived = (mail) => {
      const id = /^Message-ID:\s*<([^@>]+)@/im.exec(mail.raw)?.[1] ?? `unknown-${this.at.size}`;
      if (this.at.has(id)) this.duplicates++;
      else this.at.set(id, Date.now());
    };
  }
}

/** Figures of one batch of deadlines. */
export interface DeadlineBatchFigures {
  deadlines: number;
  emails: number;
  duplicates: number;
  /** Emails not delivered when the wait ended. */
  missing: number;
  /** From the first job queued to the last email received, seconds. */
  seconds: number;
  lateness: { p50Ms: number; p99Ms: number; maxMs: number };
  perSecond: number;
  /** CPU milliseconds per deadline of the worker process and of the whole machine, and the machine's busy share. */
  cpuMsPerDeadline: { worker: number | null; machine: number };
  machineBusy: number;
}

/**
 * Clones the template request (a transmitted request with its ACKNOWLEDGEMENT deadline) `n` times in
 * SQL, each deadline's next stage due at `fireAt(i)`, and returns the new deadline ids with their stage
 * and time. The stage's `fireOn` is set in the past so that the 09:00-local rule of the recipient
 * (DOMAIN.md §4) does not hold the email back: each email is due at its stage's instant.
 */
async function cloneDeadlines(db: Client, templateRequestId: string, n: number, tag: string, fireAt: (i: number) => Date) {
  const cols = async (table: string) =>
    (
      await db.query<{ c: string }>(
        `select column_name as c from information_schema.columns where table_name = $1 and table_schema = 'public' order by ordinal_position`,
        [table],
      )
    ).rows.map((r) => r.c);
  const requestCols = (await cols('mla_request')).filter((c) => c !== 'id' && c !== 'reference');
  const deadlineCols = (await cols('deadline')).filter((c) => !['id', 'request_id', 'stages', 'next_fire_at', 'next_stage'].includes(c));
  const times = Array.from({ length: n }, (_, i) => fireAt(i).toISOString());
  await db.query('begin');
  await db.query(
    `create temp table bench_clone on commit drop as select g as i, gen_random_uuid() as request_id, gen_random_uuid() as deadline_id, t::timestamptz as fire_at
    from unnest($1::text[]) with ordinality as u(t, g)`,
    [times],
  );
  await db.query(
    `insert into mla_request (id, reference, ${requestCols.join(', ')})
     select c.request_id, t.reference || '/${tag}/' || c.i, ${requestCols.map((x) => `t.${x}`).join(', ')} from mla_request t, bench_clone c where t.id = $1`,
    [templateRequestId],
  );
  const { rows } = await db.query<{ deadline_id: string; stage: Stage; fire_at: Date }>(
    `insert into deadline (id, request_id, stages, next_fire_at, next_stage, ${deadlineCols.join(', ')})
     select c.deadline_id, c.request_id, jsonb_build_array(jsonb_build_object('stage', t.next_stage, 'fireOn', '2000-01-03', 'fireAt', to_char(c.fire_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
            c.fire_at, t.next_stage, ${deadlineCols.map((x) => `t.${x}`).join(', ')}
     from deadline t, bench_clone c where t.request_id = $1 and t.status = 'OPEN'
     returning id as deadline_id, next_stage as stage, next_fire_at as fire_at`,
    [templateRequestId],
  );
  await db.query('commit');
  return rows;
}

/** Queues each deadline's stage as the API does after a commit (JobDispatcher), 50 at a time. */
async function enqueue(dispatcher: JobDispatcher, deadlines: Array<{ deadline_id: string; stage: Stage; fire_at: Date }>): Promise<void> {
  for (let i = 0; i < deadlines.length; i += 50)
    await Promise.all(deadlines.slice(i, i + 50).map((d) => dispatcher.enqueueDeadline(d.deadline_id, d.stage, new Date(d.fire_at))));
}

/**
 * Waits until the listener has received `expected` messages more than `before` and every outbox email of
 * the batch `tag` is among them (or `timeoutMs` has passed); returns the batch's outbox rows (id, due_at).
 */
async function delivered(db: Client, receipts: Receipts, before: number, tag: string, expected: number, timeoutMs: number, log: (m: string) => void) {
  const until = Date.now() + timeoutMs;
  let rows: Array<{ id: string; due_at: Date }> = [];
  let lastLog = Date.now(); // the first progress line after 10 s
  for (;;) {
    // The outbox is read only once the listener has had as many messages as expected (the query is not free).
    const received = receipts.at.size - before;
    if (received >= expected || Date.now() > until) {
      rows = (
        await db.query<{ id: string; due_at: Date }>(
          `select o.id, o.due_at from outbox_email o join mla_request r on r.id = o.request_id where r.reference like $1`,
          [`%/${tag}/%`],
        )
      ).rows;
      const got = rows.filter((r) => receipts.at.has(r.id)).length;
      if ((rows.length >= expected && got === rows.length) || Date.now() > until) break;
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`deadlines: ${received} of ${expected} emails received`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return rows;
}

/** One batch: clone, queue, wait, measure. `spreadMs`: the stages fall due evenly over that span after `leadMs`. */
async function batch(
  ctx: { db: Client; dispatcher: JobDispatcher; receipts: Receipts; template: string; log: (m: string) => void; workerCpuSeconds?: () => number },
  n: number,
  tag: string,
  leadMs: number,
  spreadMs: number,
): Promise<DeadlineBatchFigures> {
  const t0 = Date.now() + leadMs;
  const cpu0 = { worker: ctx.workerCpuSeconds?.(), machine: machineCpu() };
  const deadlines = await cloneDeadlines(ctx.db, ctx.template, n, tag, (i) => new Date(t0 + Math.floor((spreadMs * i) / n)));
  const start = Date.now();
  // Counted from before the first job is queued: stages due now are delivered while the rest are queued.
  const receivedBefore = ctx.receipts.at.size;
  const duplicatesBefore = ctx.receipts.duplicates;
  await enqueue(ctx.dispatcher, deadlines);
  ctx.log(`deadlines: ${n} stages queued in ${round((Date.now() - start) / 1000, 1)} s (${tag})`);
  const rows = await delivered(ctx.db, ctx.receipts, receivedBefore, tag, n, leadMs + spreadMs + 600_000, ctx.log);
  const got = rows.filter((r) => ctx.receipts.at.has(r.id));
  const lateness = got.map((r) => ctx.receipts.at.get(r.id)! - new Date(r.due_at).getTime());
  const last = Math.max(...got.map((r) => ctx.receipts.at.get(r.id)!));
  const m = machineCpu();
  const worker = ctx.workerCpuSeconds && cpu0.worker !== undefined ? round(((ctx.workerCpuSeconds() - cpu0.worker) * 1000) / n, 2) : null;
  const seconds = (last - start) / 1000;
  return {
    deadlines: n,
    emails: rows.length,
    duplicates: ctx.receipts.duplicates - duplicatesBefore,
    missing: rows.length - got.length + Math.max(0, n - rows.length),
    seconds: round(seconds, 1),
    lateness: { p50Ms: round(percentile(lateness, 50), 0), p99Ms: round(percentile(lateness, 99), 0), maxMs: round(Math.max(...lateness), 0) },
    perSecond: round(n / seconds, 1),
    cpuMsPerDeadline: { worker, machine: round(((m.busy - cpu0.machine.busy) * 1000) / n, 2) },
    machineBusy: round((m.busy - cpu0.machine.busy) / Math.max(0.01, m.total - cpu0.machine.total), 2),
  };
}

/** Raw BullMQ: `n` empty jobs added one by one and processed by a worker of the product's concurrency (4); jobs per second. */
async function rawBullmq(redisUrl: string, prefix: string, n: number): Promise<{ jobs: number; seconds: number; perSecond: number }> {
  const connection = redisConnection(redisUrl);
  const queue = new Queue('bench-raw', { connection, prefix });
  await queue.obliterate({ force: true });
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker(
    'bench-raw',
    async () => {
      if (++done === n) finish();
    },
    { connection: redisConnection(redisUrl), prefix, concurrency: 4 },
  );
  const start = performance.now();
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => queue.add('empty', {}, { jobId: `raw-${i + k}` })));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobs: n, seconds: round(seconds, 2), perSecond: round(n / seconds, 1) };
}

/**
 * The deadlines part. "Due": 10,000 stages (smoke 200) falling due evenly within one minute (smoke 5 s),
 * queued beforehand: lateness of each email (received − due). "Burst": the same number all due at once:
 * deadlines delivered per second, against raw BullMQ adding and processing as many empty jobs.
 */
export async function benchDeadlines(
  opts: BenchOptions,
  ctx: {
    app: INestApplicationContext;
    databaseUrl: string;
    smtp: SmtpListener;
    target: TransitionTarget;
    queuePrefix: string;
    workerCpuSeconds?: () => number;
  },
): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const n = opts.smoke ? 200 : 10_000;
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    const receipts = new Receipts(ctx.smtp);
    const r = await createRequest(ctx.target, `BENCH/DEADLINE-TEMPLATE/${Date.now()}`);
    await postEvent(ctx.target, ctx.target.requesting, r.id, r.version, { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' });
    const common = { db, dispatcher: ctx.app.get(JobDispatcher), receipts, template: r.id, log: opts.log, workerCpuSeconds: ctx.workerCpuSeconds };
    opts.log(`deadlines: ${n} stages due within ${opts.smoke ? 5 : 60} s`);
    const due = await batch(common, n, `DUE${Date.now()}`, opts.smoke ? 3_000 : 15_000, opts.smoke ? 5_000 : 60_000);
    opts.log(`deadlines: ${n} stages due at once`);
    const burst = await batch(common, n, `BURST${Date.now()}`, 0, 0);
    // What the pipeline does when it is not overloaded: half as many stages, due evenly at 70% of the
    // rate it just delivered at once.
    const pacedN = Math.round(n / 2);
    const pacedSpreadMs = Math.round((pacedN / (0.7 * burst.perSecond)) * 1000);
    opts.log(`deadlines: ${pacedN} stages due over ${round(pacedSpreadMs / 1000, 0)} s (70% of that rate)`);
    const paced = await batch(common, pacedN, `PACED${Date.now()}`, opts.smoke ? 3_000 : 10_000, pacedSpreadMs);
    opts.log(`deadlines: raw BullMQ, ${n} empty jobs`);
    const raw = await rawBullmq(opts.config.redisUrl, `${ctx.queuePrefix}-raw`, n);
    const ratio = round(burst.perSecond / raw.perSecond, 3);
    const rows: BenchRow[] = [
      {
        measure: `deadlines: ${n} due within ${opts.smoke ? 5 : 60} s, lateness p50`,
        product: due.lateness.p50Ms,
        baseline: null,
        unit: 'ms',
        ratio: null,
        target: null,
        met: null,
      },
      {
        measure: `deadlines: lateness p99`,
        product: due.lateness.p99Ms,
        baseline: null,
        unit: 'ms',
        ratio: null,
        target: '< 1000 ms',
        met: due.lateness.p99Ms < 1000,
      },
      {
        measure: `deadlines: emails not delivered or delivered twice (of ${due.emails + burst.emails + paced.emails})`,
        product: due.missing + burst.missing + paced.missing + due.duplicates + burst.duplicates + paced.duplicates,
        baseline: null,
        unit: 'emails',
        ratio: null,
        target: 'all delivered, none twice',
        met: due.missing + burst.missing + paced.missing + due.duplicates + burst.duplicates + paced.duplicates === 0,
        correctness: true,
      },
      {
        measure: `deadlines/s, ${n} due at once (vs raw BullMQ empty jobs)`,
        product: burst.perSecond,
        baseline: raw.perSecond,
        unit: 'per s',
        ratio,
        target: '≥ 0.3 of raw',
        met: ratio >= 0.3,
      },
    ];
    rows.push({
      measure: `deadlines: lateness p99 at 70% of that rate (${pacedN} due over ${round(pacedSpreadMs / 1000, 0)} s)`,
      product: paced.lateness.p99Ms,
      baseline: null,
      unit: 'ms',
      ratio: null,
      target: null,
      met: null,
    });
    return { rows, details: { due, burst, paced: { ...paced, spreadSeconds: round(pacedSpreadMs / 1000, 1) }, rawBullmq: raw } };
  } finally {
    await db.end();
  }
}
