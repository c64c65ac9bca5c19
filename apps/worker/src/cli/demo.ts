import { MikroORM } from '@mikro-orm/postgresql';
import { getQueueToken } from '@nestjs/bullmq';
import {
  AppConfig,
  AppUser,
  DATA_DIR,
  DirectoryService,
  ensureDatabase,
  migrate,
  OutboxEmail,
  QueueName,
  SmtpListener,
  StateEntity,
  StatisticsService,
  UserService,
  type YearlyStatistics,
} from '@rogatory/domain';
import type { Queue } from 'bullmq';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { replayRegister, startReplayWorker } from '../replay/register-replay';
import { StderrLogger } from './stderr-logger';

export interface DemoOptions {
  out: string;
  register: string;
  until: string;
}

export interface DemoSummary {
  statistics2021: YearlyStatistics;
  statistics2022: YearlyStatistics;
  notificationsByLevel: Record<string, number>;
  emailsReceived: number;
  rejected: number;
  seconds: number;
}

/** Database URL of the demo: the configured server, database name + "_demo" (recreated on every run). */
export function demoDatabaseUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '') || '/rogatory'}_demo`;
  return u.toString();
}

/**
 * Development users the demo prints a sign-in link for. The two officers are the States of a real WACAP
 * case of the register (WACAP/2022/004: Ghana requesting, Nigeria requested, transmitted in March 2022), so
 * each sees it from their side; Nigeria's WACAP contact point sees it (and Nigeria's other WACAP cases) too.
 */
const SIGN_IN_AS = ['officer.ng', 'officer.gh', 'cp1.ng.wacap', 'secretariat.wacap', 'admin'];

/** File of the output folder holding the demo database's URL (scripts/demo.sh serves the API over it). */
export const DEMO_DATABASE_URL_FILE = 'database-url';

const LEVEL_NAMES = ['reminder', 'level 1 (owing officer)', 'level 2 (contact points)', 'level 3 (secretariat)', 'level 4 (plenary list)'];

/**
 * The main job: a fresh demo database, the directory seeded, a local SMTP listener, the worker running on
 * a simulated clock, and register-2021.csv replayed from its first date to `until` (15 May 2022). Writes
 * statistics (JSON, CSV), every email (.eml) and the database's URL (DEMO_DATABASE_URL_FILE) into `out`,
 * prints a readable report on stdout, then the development issuer's users (seeded after the replay) and a
 * sign-in link of the web view for a few of them.
 */
export async function runDemo(base: AppConfig, opts: DemoOptions, log: (m: string) => void): Promise<DemoSummary> {
  const started = Date.now();
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const smtp = new SmtpListener(path.join(opts.out, 'emails'));
  const smtpUrl = await smtp.start();
  log(`SMTP listener on ${smtpUrl}, writing .eml files to ${path.join(opts.out, 'emails')}`);
  const config = base.with({ databaseUrl: demoDatabaseUrl(base.databaseUrl), queuePrefix: `${base.queuePrefix}-demo`, smtpUrl });
  await ensureDatabase(config.databaseUrl, { recreate: true });
  await migrate(config.databaseUrl);
  log(`database ${new URL(config.databaseUrl).pathname.slice(1)} created and migrated`);

  const input = readFileSync(opts.register);
  const { app, clock } = await startReplayWorker(config, StderrLogger.forCli());
  try {
    for (const q of Object.values(QueueName)) await app.get<Queue>(getQueueToken(q)).obliterate({ force: true });
    const seeded = await app.get(DirectoryService).seed();
    log(`directory: ${seeded.networks} networks, ${seeded.states} States, ${seeded.contactPoints} contact points`);
    const result = await replayRegister(app, clock, input, new Date(`${opts.until}T23:59:59.000Z`), log);
    const stats = app.get(StatisticsService);
    const s2021 = await stats.yearly(2021);
    const s2022 = await stats.yearly(2022);
    writeFileSync(path.join(opts.out, 'statistics-2021.json'), JSON.stringify(s2021, null, 2) + '\n');
    writeFileSync(path.join(opts.out, 'statistics-2021.csv'), stats.toCsv(s2021));
    writeFileSync(path.join(opts.out, 'statistics-2022.json'), JSON.stringify(s2022, null, 2) + '\n');
    const em = app.get(MikroORM).em.fork();
    const rows = (await em
      .getConnection()
      .execute(
        `select level, count(*)::int as n from outbox_email where kind in ('REMINDER','ESCALATION') and status = 'SENT' group by level order by level`,
      )) as Array<{ level: number; n: number }>;
    const unsent = await em.count(OutboxEmail, { status: { $ne: 'SENT' } });
    const byLevel = Object.fromEntries(LEVEL_NAMES.map((name, i) => [name, rows.find((r) => r.level === i)?.n ?? 0]));
    const summary: DemoSummary = {
      statistics2021: s2021,
      statistics2022: s2022,
      notificationsByLevel: byLevel,
      emailsReceived: smtp.received.length,
      rejected: result.rejected.length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    writeFileSync(path.join(opts.out, 'report.txt'), report(summary, result.imported, unsent));
    process.stdout.write(report(summary, result.imported, unsent));
    if (result.rejected.length) process.stdout.write(`\nRejected rows:\n${JSON.stringify(result.rejected, null, 2)}\n`);
    writeFileSync(path.join(opts.out, DEMO_DATABASE_URL_FILE), `${config.databaseUrl}\n`);
    if (config.devIssuer) await app.get(UserService).seedDevUsers();
    process.stdout.write(`\n${await signInBlock(app.get(MikroORM), config)}`);
    return summary;
  } finally {
    await app.close();
    await smtp.stop();
  }
}

/**
 * The web view's address and a sign-in link (`/sign-in?as=LOGIN`: the web view starts the OpenID Connect
 * sign-in with `login_hint=LOGIN`) for each of SIGN_IN_AS, named from the directory.
 */
async function signInBlock(orm: MikroORM, { publicUrl, devIssuer }: AppConfig): Promise<string> {
  const web = `Web view: ${publicUrl}/   (the API serves it over the demo's database)`;
  if (!devIssuer) return `${web}\nSign in through OIDC_ISSUER (the development issuer is off: AUTH_DEV_ISSUER=false).\n`;
  const em = orm.em.fork();
  const users = await em.find(AppUser, { login: { $in: SIGN_IN_AS } });
  const states = new Map((await em.find(StateEntity, { code: { $in: users.map((u) => u.state ?? '') } })).map((s) => [s.code, s.name]));
  const label = (u: AppUser): string => {
    const state = states.get(u.state ?? '') ?? u.state;
    switch (u.role) {
      case 'CENTRAL_AUTHORITY':
        return `central authority officer (${state})`;
      case 'CONTACT_POINT':
        return `contact point (${state}, ${u.network})`;
      case 'SECRETARIAT':
        return `secretariat (${u.network})`;
      default:
        return 'administrator';
    }
  };
  const rows = SIGN_IN_AS.flatMap((login) => users.filter((u) => u.login === login)).map((u) => [
    label(u),
    `${publicUrl}/sign-in?as=${encodeURIComponent(u.login)}`,
  ]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 3;
  return [web, 'Sign in as (development issuer):', ...rows.map(([l, link]) => `  ${l.padEnd(width)}${link}`), ''].join('\n');
}

function report(s: DemoSummary, imported: number, unsent: number): string {
  const t = s.statistics2021;
  const three = (['WACAP', 'SEAJUST', 'CASC'] as const).reduce((n, c) => n + t.networks[c].facilitated, 0);
  const pad = (v: unknown, w: number) => String(v ?? '–').padStart(w);
  const lines = [
    "Rogatory demo: the networks' 2021 register replayed",
    '',
    `${imported} cases replayed; ${s.rejected} rows rejected.`,
    '',
    'Statistics 2021 (DOMAIN.md §5)',
    `${'network'.padEnd(9)}${pad('facilitated', 12)}${pad('transmitted', 12)}${pad('acknowledged', 13)}${pad('executed', 9)}${pad('partial', 8)}${pad('refused', 8)}${pad('withdrawn', 10)}${pad('lapsed', 7)}${pad('pending', 8)}${pad('median ack', 11)}${pad('median close', 13)}`,
    ...[...Object.entries(t.networks), ['TOTAL', t.total] as const].map(
      ([n, f]) =>
        `${String(n).padEnd(9)}${pad(f.facilitated, 12)}${pad(f.transmitted, 12)}${pad(f.acknowledged, 13)}${pad(f.closed.EXECUTED, 9)}${pad(f.closed.PARTIALLY_EXECUTED, 8)}${pad(f.closed.REFUSED, 8)}${pad(f.closed.WITHDRAWN, 10)}${pad(f.closed.LAPSED, 7)}${pad(f.pendingAtYearEnd, 8)}${pad(f.medianDaysToAcknowledge, 11)}${pad(f.medianDaysToClose, 13)}`,
    ),
    '',
    `In 2021: ${three} cases facilitated through the three networks, ${t.networks.OTHER.facilitated} outside them.`,
    `1 January to 15 May 2022: ${s.statistics2022.networks.OTHER.facilitated} more outside the three networks.`,
    '',
    'Reminders and escalations sent (emails, one per recipient)',
    ...Object.entries(s.notificationsByLevel).map(([k, v]) => `  ${k.padEnd(28)}${pad(v, 6)}`),
    `  emails received by the SMTP listener: ${s.emailsReceived}${unsent ? `; ${unsent} not sent (see outbox_email)` : ''}`,
    '',
    `Finished in ${s.seconds} s.`,
    '',
  ];
  return lines.join('\n');
}

export const DEFAULT_REGISTER = path.join(DATA_DIR, 'register-2021.csv');
