// Part 5 of `npm run bench`: import speed. A register of 20,000 rows (the 201 cases of
// data/register-2021.csv replicated under unique case_refs) imported by `import-register` in a child
// process, as a user runs it, against the same rows (and ~6 event rows each) written by hand-written
// multi-row INSERTs into two plain tables.
import { AppConfig, DirectoryService, parseRegister, planReplay } from '@rogatory/domain';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshDatabase, ROOT, round, withDomain, type BenchOptions, type BenchSection } from './common';

const DATABASE = 'rogatory_bench_import';
const QUEUE_PREFIX = 'rogatory-bench-import';
const SOURCE = path.join(ROOT, 'data', 'register-2021.csv');

/**
 * Writes a register of `rows` rows to a file under os.tmpdir(): the rows of data/register-2021.csv
 * taken in turn, each copy's case_ref suffixed `-B00001`, `-B00002`… (one suffix per pass over the
 * file), every other column kept, so that every row stays valid per REGISTER.md. Returns the file's path.
 */
export function writeBenchRegister(rows: number): string {
  const records = parse(readFileSync(SOURCE), { bom: true, skip_empty_lines: true }) as string[][];
  const [header, ...body] = records;
  const refColumn = header.indexOf('case_ref');
  if (refColumn < 0 || body.length === 0) throw new Error(`${SOURCE}: no case_ref column or no rows`);
  const out: string[][] = [header];
  for (let i = 0; i < rows; i++) {
    const source = body[i % body.length];
    const pass = Math.floor(i / body.length) + 1;
    const copy = [...source];
    copy[refColumn] = `${source[refColumn]}-B${String(pass).padStart(5, '0')}`;
    out.push(copy);
  }
  const file = path.join(os.tmpdir(), `rogatory-bench-register-${rows}.csv`);
  writeFileSync(file, stringify(out));
  return file;
}

/** What one run of the CLI gave: its report, its wall time in seconds, its peak RSS in MB (NaN if unread). */
interface CliRun {
  imported: number;
  unchanged: number;
  rejected: Array<{ line: number; caseRef: string; errors: string[] }>;
  seconds: number;
  peakRssMb: number;
  exitCode: number | null;
}

/**
 * Runs `node -r ./scripts/register.js apps/worker/src/cli.ts import-register FILE` with `env` over this
 * process's environment; measures its wall time and samples VmHWM of /proc/PID/status every 50 ms until it
 * exits. Throws when its stdout has no JSON report (with its last output).
 */
function runImportCli(file: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/worker/src/cli.ts', 'import-register', file], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakRssMb = NaN;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const sample = () => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakRssMb = Number(m[1]) / 1024;
      } catch {
        // gone, or not Linux: keep the last figure
      }
    };
    const timer = setInterval(sample, 50);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const report = JSON.parse(line) as Pick<CliRun, 'imported' | 'unchanged' | 'rejected'>;
        resolve({ ...report, seconds, peakRssMb, exitCode: code });
      } catch {
        reject(new Error(`import-register exited ${code} without a JSON report:\n${stdout.slice(-2000)}\n${stderr}`));
      }
    });
  });
}

/**
 * The baseline: what PostgreSQL itself does with the same number of rows. In plain tables
 * `bench_raw_request` and `bench_raw_event` (dropped and created afresh), one row per register row and
 * one per event its replay plans (planReplay: ~6 each), written in one transaction by multi-row INSERTs
 * of up to 1,000 rows. Returns the seconds it took and the number of event rows.
 */
async function rawInsert(databaseUrl: string, file: string): Promise<{ seconds: number; events: number }> {
  const { rows } = parseRegister(readFileSync(file), () => true);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('drop table if exists bench_raw_event, bench_raw_request');
    await client.query(
      `create table bench_raw_request (id uuid primary key, reference text not null unique, network text not null, requesting_state text not null,
        requested_state text not null, request_type text not null, urgent boolean not null, offences text[] not null, measures text[] not null,
        state text not null, snapshot jsonb not null, fingerprint text not null, created_at timestamptz not null)`,
    );
    await client.query(
      `create table bench_raw_event (id bigserial primary key, request_id uuid not null references bench_raw_request(id), seq int not null,
        type text not null, actor_role text not null, occurred_on date not null, inferred boolean not null, payload jsonb not null,
        recorded_at timestamptz not null, unique (request_id, seq))`,
    );
    const requests: unknown[][] = [];
    const events: unknown[][] = [];
    const now = new Date();
    for (const row of rows) {
      const id = randomUUID();
      const plan = planReplay(row);
      requests.push([
        id,
        row.caseRef,
        row.network,
        row.requestingState,
        row.requestedState,
        row.requestType,
        row.urgent,
        row.offences,
        row.measures,
        plan[plan.length - 1].type,
        JSON.stringify({ value: plan[plan.length - 1].type }),
        row.caseRef,
        now,
      ]);
      plan.forEach((e, i) => events.push([id, i + 1, e.type, e.actor, e.on, e.inferred, JSON.stringify(e.payload), now]));
    }
    const started = process.hrtime.bigint();
    await client.query('begin');
    await insertMany(client, 'bench_raw_request', requests);
    await insertMany(client, 'bench_raw_event(request_id, seq, type, actor_role, occurred_on, inferred, payload, recorded_at)', events);
    await client.query('commit');
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, events: events.length };
  } finally {
    await client.end();
  }
}

/** Multi-row INSERTs of `values` into `target` (a table, or a table with its column list), 1,000 rows each. */
async function insertMany(client: Client, target: string, values: unknown[][]): Promise<void> {
  for (let i = 0; i < values.length; i += 1000) {
    const batch = values.slice(i, i + 1000);
    const params: unknown[] = [];
    const tuples = batch.map((v) => `(${v.map((x) => `$${params.push(x)}`).join(',')})`);
    await client.query(`insert into ${target} values ${tuples.join(',')}`, params);
  }
}

/**
 * Part 5: rows per second of `import-register` on a 20,000-row register (opts.smoke: 300 rows), in a
 * fresh database `rogatory_bench_import` (left for inspection; recreated on the next run), against the
 * raw baseline of {@link rawInsert}. Also times a second import of the same file (every row unchanged).
 * Throws when the import does not report every row imported, or the second run every row unchanged.
 */
export async function benchImport(opts: BenchOptions): Promise<BenchSection> {
  const rows = opts.smoke ? 300 : 20_000;
  const file = writeBenchRegister(rows);
  opts.log(`import: register of ${rows} rows at ${file}`);
  const databaseUrl = await freshDatabase(opts.config, DATABASE);
  await withDomain(new AppConfig({ ...opts.config, databaseUrl, queuePrefix: QUEUE_PREFIX }), (app) => app.get(DirectoryService).seed());
  const env = { DATABASE_URL: databaseUrl, QUEUE_PREFIX, REDIS_URL: opts.config.redisUrl };

  opts.log('import: first import-register (every row new)');
  const first = await runImportCli(file, env);
  if (first.imported !== rows)
    throw new Error(`import-register imported ${first.imported} of ${rows} rows; rejected: ${JSON.stringify(first.rejected.slice(0, 5))}`);
  opts.log(`import: ${round(first.seconds)} s, ${round(rows / first.seconds)} rows/s; second import-register (every row unchanged)`);
  const second = await runImportCli(file, env);
  if (second.unchanged !== rows) throw new Error(`second import-register: ${second.unchanged} of ${rows} rows unchanged, ${second.imported} imported`);

  opts.log('import: raw baseline (multi-row INSERTs into bench_raw_request, bench_raw_event)');
  const raw = await rawInsert(databaseUrl, file);
  const product = rows / first.seconds;
  const baseline = rows / raw.seconds;
  return {
    title: '5. Import (import-register)',
    rows: [
      {
        measure: `import-register, ${rows.toLocaleString('en')} rows`,
        product: round(product, 1),
        baseline: round(baseline, 1),
        unit: 'rows/s',
        ratio: round(product / baseline, 4),
        target: null,
        met: null,
      },
    ],
    details: {
      rows,
      file,
      database: DATABASE,
      seconds: round(first.seconds, 3),
      rowsPerSecond: round(product, 1),
      rejected: first.rejected.length,
      peakRssMb: round(first.peakRssMb, 1),
      secondImportSeconds: round(second.seconds, 3),
      secondImportUnchanged: second.unchanged,
      secondImportPeakRssMb: round(second.peakRssMb, 1),
      baselineSeconds: round(raw.seconds, 3),
      baselineEventRows: raw.events,
      baselineRowsPerSecond: round(baseline, 1),
    },
  };
}
