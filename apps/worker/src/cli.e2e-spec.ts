import { createTestEnvironment, expectEventually, type TestEnvironment } from '@rogatory/domain/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const HEADER =
  'case_ref,network,requesting_state,requested_state,request_type,offences,measures,urgent,legal_basis,facilitated_on,transmitted_on,acknowledged_on,info_requested_on,info_provided_on,execution_started_on,postponed_on,resumed_on,executed_on,outcome,closed_on,refusal_ground,requested_deadline';

/** `npm run cli -- …` as a user runs it: results on stdout, logs on stderr, exit codes 0/1/2. */
describe('command line (e2e)', () => {
  let env: TestEnvironment;
  let dir: string;

  beforeAll(async () => {
    env = await createTestEnvironment('cli');
    dir = mkdtempSync(path.join(tmpdir(), 'rogatory-cli-'));
  }, 60_000);

  afterAll(async () => {
    await env?.dispose();
  });

  /** Runs the CLI as a child process (asynchronously: the SMTP listener of this process must keep answering). */
  function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/worker/src/cli.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: env.config.databaseUrl, QUEUE_PREFIX: env.config.queuePrefix, SMTP_URL: env.config.smtpUrl, ...extraEnv },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  function file(name: string, lines: string[]): string {
    const f = path.join(dir, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  }

  it('seed-directory prints what it loaded', async () => {
    const r = await cli(['seed-directory']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ networks: 4, states: 56, centralAuthorities: 56, contactPoints: 74, users: 135 });
  });

  it('import-register prints the report and exits 0, then 0 with everything unchanged', async () => {
    const f = file('ok.csv', [
      HEADER,
      'CLI/1,SEAJUST,TH,KH,MLA,DRUG_TRAFFICKING,TAKING_EVIDENCE,no,UNTOC,2021-01-04,2021-01-05,2021-01-07,,,2021-01-20,,,2021-03-01,EXECUTED,2021-03-02,,',
      'CLI/2,OTHER,BR,ES,EXTRADITION,,,yes,,2021-02-01,2021-02-02,,,,,,,,WITHDRAWN,2021-02-10,,',
    ]);
    const first = await cli(['import-register', f]);
    expect(first.stdout).toBe('{"imported":2,"unchanged":0,"rejected":[]}\n');
    expect(first.code).toBe(0);
    const again = await cli(['import-register', f]);
    expect(again.stdout).toBe('{"imported":0,"unchanged":2,"rejected":[]}\n');
    expect(again.code).toBe(0);
  });

  it('import-register exits 1 when a row is rejected, naming line, case_ref and reasons', async () => {
    const f = file('bad.csv', [HEADER, 'CLI/3,ASEAN,TH,KH,MLA,,,no,,2021-01-04,,,,,,,,,,,,']);
    const r = await cli(['import-register', f]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      imported: 0,
      unchanged: 0,
      rejected: [{ line: 2, caseRef: 'CLI/3', errors: ['network: "ASEAN" is not a network code (WACAP, SEAJUST, CASC, OTHER)'] }],
    });
  });

  it('import-register exits 2 when the file cannot be read as a register', async () => {
    expect((await cli(['import-register', path.join(dir, 'missing.csv')])).code).toBe(2);
    const r = await cli(['import-register', file('other.csv', ['a,b', '1,2'])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be read as a register/);
    expect(r.stdout).toBe('');
  });

  it('statistics prints exactly the documented JSON, and CSV', async () => {
    const r = await cli(['statistics', '--year', '2021', '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(['year', 'networks', 'total']);
    expect(s.networks.SEAJUST).toEqual({
      facilitated: 1,
      transmitted: 1,
      acknowledged: 1,
      closed: { EXECUTED: 1, PARTIALLY_EXECUTED: 0, REFUSED: 0, WITHDRAWN: 0, LAPSED: 0 },
      pendingAtYearEnd: 0,
      medianDaysToAcknowledge: 2,
      medianDaysToClose: 56,
    });
    expect(s.total.closed.WITHDRAWN).toBe(1);
    const csv = await cli(['statistics', '--year', '2021', '--network', 'seajust', '--format', 'csv']);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'year,network,facilitated,transmitted,acknowledged,closed_EXECUTED,closed_PARTIALLY_EXECUTED,closed_REFUSED,closed_WITHDRAWN,closed_LAPSED,pendingAtYearEnd,medianDaysToAcknowledge,medianDaysToClose',
      '2021,SEAJUST,1,1,1,1,0,0,0,0,0,2,56',
      '2021,TOTAL,1,1,1,1,0,0,0,0,0,2,56',
    ]);
  });

  it('import-register --replay sends the reminders that fell due, to the SMTP server', async () => {
    const f = file('replay.csv', [HEADER, 'CLI/R1,WACAP,SN,CI,MLA,,,no,,2021-03-01,2021-03-01,2021-03-15,,,,,,,,,,']);
    const r = await cli(['import-register', f, '--replay', '--until', '2021-03-31']);
    expect(r.stdout).toBe('{"imported":1,"unchanged":0,"rejected":[]}\n');
    const mails = env.smtp.received.filter((m) => m.raw.includes('CLI/R1'));
    // acknowledged 15 March, after the due date (8 March): reminder and level 1 went to Côte d'Ivoire
    expect(mails.map((m) => m.to[0])).toEqual(['central-authority.ci@example.org', 'central-authority.ci@example.org']);
    expect(mails[0].raw).toMatch(/^Date: Mon, 08 Mar 2021 09:00:00 \+0000/m);
  });

  it('refuses bad usage with exit 2 and a message on stderr, nothing on stdout', async () => {
    const replay = file('future.csv', [HEADER, 'CLI/F1,WACAP,SN,CI,MLA,,,no,,2021-03-01,2021-03-01,,,,,,,,,,,']);
    const cases: Array<[string[], string]> = [
      [['import-register', replay, '--replay', '--until', '2999-01-01'], 'is in the future: a replay only runs history'],
      [['import-register', replay, '--until', '2021-01-01'], '--until goes with --replay'],
      [['import-register', replay, 'second.csv'], 'import-register takes 1 argument'],
      [['statistics', '--year'], "Option '--year <value>' argument missing"],
      [['statistics', '--year', '2021', '--replay'], 'statistics takes no --replay'],
      [[], 'usage: npm run cli'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toContain(message);
    }
    const [n] = await env.sql<{ n: number }>(`select count(*)::int as n from mla_request where reference = 'CLI/F1'`);
    expect(n.n).toBe(0);
  });

  it('npm run worker and npm run api start, answer, and stop cleanly on SIGTERM', async () => {
    const start = (script: string, extra: Record<string, string>) =>
      spawn(process.execPath, ['-r', './scripts/register.js', script], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: env.config.databaseUrl, QUEUE_PREFIX: env.config.queuePrefix, SMTP_URL: env.config.smtpUrl, ...extra },
      });
    const exited = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const worker = start('apps/worker/src/main.ts', {});
    const api = start('apps/api/src/main.ts', { PORT: '39517' });
    let workerLog = '';
    worker.stderr!.on('data', (d) => (workerLog += d));
    const workerExit = exited(worker);
    const apiExit = exited(api);
    try {
      await expectEventually(() => expect(workerLog).toContain('rogatory worker running'), 30_000, 200);
      const health = await expectEventually(
        async () => {
          const res = await fetch('http://127.0.0.1:39517/health');
          expect(res.status).toBe(200);
          return res.json();
        },
        30_000,
        200,
      );
      expect(health).toMatchObject({ status: 'ok' });
    } finally {
      worker.kill('SIGTERM');
      api.kill('SIGTERM');
    }
    expect(await workerExit).toBe(0);
    expect(await apiExit).toBe(0);
  });

  it('refuses bad configuration naming the variable, and unknown commands', async () => {
    const r = await cli(['statistics', '--year', '2021'], { REDIS_URL: 'ftp://127.0.0.1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REDIS_URL: protocol must be one of redis, rediss, got "ftp"');
    const u = await cli(['launch']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown command "launch"');
  });
});
