// npm run bench [-- --smoke] [--only transitions,deadlines,statistics,import] [--out DIR]
//
// Measures the product against raw baselines in the same run on the same machine (BENCHMARKS.md):
// transitions through the HTTP API vs a hand-written transaction, deadlines through BullMQ, the outbox
// and SMTP vs raw BullMQ, yearly statistics vs one hand-written query, peak memory of the API and the
// worker (separate processes, as deployed), and the register import. Prints a table on stdout and writes
// every figure to DIR/results.json (DIR defaults to out/bench; --smoke writes results-smoke.json).
// Exit 0 when every part ran and every correctness check held (no lost update, each email once, the
// statistics equal to the hand-written query's), whether or not a speed target was met (the table says
// which); 1 otherwise.
import { AppConfig, DirectoryService, SmtpListener, TokenService, UserService } from '@rogatory/domain';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { freshDatabase, round, ROOT, startProduct, withDomain, type BenchOptions, type BenchRow, type BenchSection, type ProductProcess } from './common';
import { benchDeadlines } from './deadlines';
import { benchTransitions, type TransitionTarget } from './transitions';

const PARTS = ['transitions', 'deadlines', 'statistics', 'import'] as const;
type Part = (typeof PARTS)[number];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs 1, 2 and 4: the API and the worker started as their own processes on a fresh database, the
 * transitions and then the deadlines; their peak resident memory read at the end (target < 300 MB each).
 */
async function liveParts(opts: BenchOptions, parts: Part[]): Promise<BenchSection[]> {
  const queuePrefix = `rogatory-bench-${process.pid}`;
  const databaseUrl = await freshDatabase(opts.config, 'rogatory_bench');
  const smtp = new SmtpListener();
  const smtpUrl = await smtp.start();
  const port = await freePort();
  const config = opts.config.with({ databaseUrl, queuePrefix, smtpUrl });
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: opts.config.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    SMTP_URL: smtpUrl,
    PORT: String(port),
    // The rate limits protect a deployment from one client; the benchmark's clients share two users and one IP.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const processes: ProductProcess[] = [];
  const sections: BenchSection[] = [];
  try {
    return await withDomain(config, async (app) => {
      await app.get(DirectoryService).seed();
      await app.get(UserService).seedDevUsers();
      const tokens = app.get(TokenService);
      const auth = async (login: string) => ({ Authorization: `Bearer ${await tokens.mintDevToken(login, 86_400)}` });
      const target: TransitionTarget = {
        baseUrl,
        requesting: await auth('officer.ng'),
        requested: await auth('officer.gh'),
        contactPoint: await auth('cp1.gh.wacap'),
      };
      opts.log('starting the API and the worker (their own processes, as npm run api / npm run worker)');
      const api = await startProduct('api', env, async () => (await fetch(`${baseUrl}/health`)).ok);
      processes.push(api);
      target.apiCpuSeconds = () => api.cpuSeconds();
      const worker = await startProduct('worker', env, async (out) => out.includes('rogatory worker running'));
      processes.push(worker);
      const memory = (when: string) => ({ when, apiMb: round(api.peakRssMb(), 0), workerMb: round(worker.peakRssMb(), 0) });
      const peaks = [memory('after start')];
      if (parts.includes('transitions')) {
        const t = await benchTransitions(opts, target, databaseUrl);
        peaks.push(memory('after transitions'));
        sections.push({ title: '1. Transitions', rows: t.rows, details: t.details });
      }
      if (parts.includes('deadlines')) {
        const d = await benchDeadlines(opts, { app, databaseUrl, smtp, target, queuePrefix, workerCpuSeconds: () => worker.cpuSeconds() });
        peaks.push(memory('after deadlines'));
        sections.push({ title: '2. Deadlines', rows: d.rows, details: d.details });
      }
      const last = peaks[peaks.length - 1];
      sections.push({
        title: '4. Memory (peak resident set, VmHWM)',
        rows: [
          { measure: 'API, peak RSS', product: last.apiMb, baseline: null, unit: 'MB', ratio: null, target: '< 300 MB', met: last.apiMb < 300 },
          { measure: 'worker, peak RSS', product: last.workerMb, baseline: null, unit: 'MB', ratio: null, target: '< 300 MB', met: last.workerMb < 300 },
        ],
        details: { peaks },
      });
      return sections;
    });
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await smtp.stop();
  }
}

function table(sections: BenchSection[]): string {
  const fmt = (v: number | null) =>
    v === null ? '–' : Number.isInteger(v) ? v.toLocaleString('en-GB') : v.toLocaleString('en-GB', { maximumFractionDigits: 3 });
  const head = ['measure', 'product', 'baseline', 'unit', 'ratio', 'target', 'met'];
  const body = sections.flatMap((s) => [
    [s.title, '', '', '', '', '', ''],
    ...s.rows.map((r: BenchRow) => [
      '  ' + r.measure,
      fmt(r.product),
      fmt(r.baseline),
      r.unit,
      fmt(r.ratio),
      r.target ?? '',
      r.met === null ? '' : r.met ? 'yes' : 'NO',
    ]),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } } });
  const parts = (values.only ? values.only.split(',').map((s) => s.trim()) : [...PARTS]) as Part[];
  const unknown = parts.filter((p) => !PARTS.includes(p));
  if (unknown.length) {
    process.stderr.write(`bench: --only takes ${PARTS.join(', ')}; got ${unknown.join(', ')}\n`);
    return 2;
  }
  const opts: BenchOptions = { smoke: values.smoke!, config: AppConfig.fromEnv(), log: (m) => process.stderr.write(`bench: ${m}\n`) };
  const started = Date.now();
  const sections: BenchSection[] = [];
  let failed = false;
  const run = async (name: string, fn: () => Promise<BenchSection[]>) => {
    try {
      sections.push(...(await fn()));
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${name} failed: ${(err as Error).stack ?? err}\n`);
    }
  };
  if (parts.includes('transitions') || parts.includes('deadlines')) await run('transitions/deadlines', () => liveParts(opts, parts));
  // loaded when asked for: each part's set-up is its own
  if (parts.includes('statistics')) await run('statistics', async () => [await (await import('./statistics')).benchStatistics(opts)]);
  if (parts.includes('import')) await run('import', async () => [await (await import('./import')).benchImport(opts)]);
  sections.sort((a, b) => a.title.localeCompare(b.title));
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
  };
  const result = { date: new Date().toISOString(), smoke: opts.smoke, machine, seconds: Math.round((Date.now() - started) / 1000), sections };
  const out = path.resolve(ROOT, values.out ?? 'out/bench');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, opts.smoke ? 'results-smoke.json' : 'results.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `Rogatory benchmark${opts.smoke ? ' (smoke run: small sizes, figures not to quote)' : ''}, ${machine.cpus} CPUs, Node ${machine.node}\n\n`,
  );
  process.stdout.write(table(sections));
  process.stdout.write(`\nFigures in ${path.relative(ROOT, file)}; finished in ${result.seconds} s.\n`);
  const broken = sections.flatMap((s) => s.rows.filter((r) => r.correctness && r.met === false).map((r) => `${s.title}: ${r.measure}`));
  if (broken.length) process.stderr.write(`bench: correctness checks failed:\n  ${broken.join('\n  ')}\n`);
  return failed || broken.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
