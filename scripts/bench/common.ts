// What every part of the benchmark shares (npm run bench, BENCHMARKS.md): options, the shape of a
// section of the printed table, percentiles, fresh databases, and the API and worker run as child
// processes whose peak resident memory is read from /proc.
import { NestFactory } from '@nestjs/core';
import { AppConfig, DomainModule, ensureDatabase, migrate } from '@rogatory/domain';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Options every part gets. `smoke`: small sizes, a check that the bench runs (CI), not figures to quote. */
export interface BenchOptions {
  smoke: boolean;
  /** Configuration from the environment (DATABASE_URL names the server; each part makes its own database). */
  config: AppConfig;
  /** Progress lines (stderr). */
  log: (message: string) => void;
}

/**
 * One line of the table: what the product did, what the raw baseline did in the same run on the same
 * machine (null when there is none), their ratio, the target and whether it was met (null: no target).
 */
export interface BenchRow {
  measure: string;
  product: number;
  baseline: number | null;
  unit: string;
  /** product / baseline, or for times baseline-relative cost (product time / baseline time), as `ratioMeaning` says. */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  /** A correctness check rather than a speed target (no lost update, every email once): the run fails when it is not met. */
  correctness?: boolean;
}

/** A part of the benchmark: its rows, and every figure it measured (written to the JSON file). */
export interface BenchSection {
  title: string;
  rows: BenchRow[];
  details: Record<string, unknown>;
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Rounded to `digits` decimals (for the table and the JSON). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The URL of database `name` on the server of `config.databaseUrl`. */
export function databaseUrlOf(config: AppConfig, name: string): string {
  const u = new URL(config.databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and creates database `name`, migrates it; returns its URL. */
export async function freshDatabase(config: AppConfig, name: string): Promise<string> {
  const url = databaseUrlOf(config, name);
  await ensureDatabase(url, { recreate: true });
  await migrate(url);
  return url;
}

/** Runs `fn` with the domain's application context (services, ORM, queues) on `config`, closed afterwards. */
export async function withDomain<T>(config: AppConfig, fn: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config }), { logger: ['error', 'warn'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** A child process of the product (the API or the worker), compiled, as `npm run start:api` / `npm run start:worker` start it (npm run build first). */
export interface ProductProcess {
  pid: number;
  /** Peak resident set size so far, in MB (VmHWM of /proc/PID/status; Linux). */
  peakRssMb(): number;
  /** Current resident set size, in MB (VmRSS). */
  rssMb(): number;
  /** CPU time used so far (user + system), in seconds (/proc/PID/stat). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** User + system CPU seconds of process `pid` (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used by the whole machine (all cores, every process) and elapsed core-seconds, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = ticks.map(Number);
  const idle = n[3] + n[4];
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Starts the compiled `dist/apps/<kind>/src/main.js` in its own Node.js process with `env` over this one's, and waits until
 * `ready(outputSoFar)` resolves true (or the process exits: rejects with its last output).
 */
export async function startProduct(kind: 'api' | 'worker', env: Record<string, string>, ready: (output: string) => Promise<boolean>): Promise<ProductProcess> {
  // BENCH_CPU_PROF=DIR: each process writes a V8 CPU profile into DIR when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`]
    : [];
  // BENCH_NODE_FLAGS: extra Node.js flags for the product's processes (e.g. --trace-gc), space-separated.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  // Exactly the command of `npm run start:<kind>` (package.json), with this Node.js.
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[`start:${kind}`];
  const [node, ...args] = script.split(' ');
  if (node !== 'node') throw new Error(`package.json start:${kind} must start with "node", got: ${script}`);
  const child: ChildProcess = spawn(process.execPath, [...flags, ...profile, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // BENCH_PRODUCT_LOG=DIR: each process's output is also written to DIR/<kind>.log.
  const logFile = process.env.BENCH_PRODUCT_LOG ? path.resolve(process.env.BENCH_PRODUCT_LOG, `${kind}.log`) : null;
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
    if (logFile) appendFileSync(logFile, b);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`${kind} exited during start:\n${output}`);
    if (await ready(output).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} not ready after 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const pid = child.pid!;
  return {
    pid,
    peakRssMb: () => procStatusMb(pid, 'VmHWM'),
    rssMb: () => procStatusMb(pid, 'VmRSS'),
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
