import { MikroORM } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AppConfig,
  AuditVerifier,
  type AuditVerification,
  ConfigError,
  ConflictError,
  DirectoryService,
  DomainModule,
  FieldCipher,
  HolidayService,
  isCalendarDate,
  KEY_ROTATION_BATCH,
  KeyRotationService,
  type KeyRotationResult,
  migrate,
  migrationNeeded,
  ormOptions,
  RegisterFormatError,
  RegisterImportService,
  SmtpListener,
  SnapshotMigrationService,
  type SnapshotMigrationReport,
  StatisticsService,
  SystemClock,
  TokenService,
  UserService,
  ValidationFailedError,
} from '@rogatory/domain';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REGISTER, runDemo } from './cli/demo';
import { StderrLogger } from './cli/stderr-logger';
import { ReplayRangeError, replayRegister, startReplayWorker } from './replay/register-replay';

const USAGE = `usage: npm run cli -- <command> [options]

  migrate                                   create the database if needed, apply migrations, then
                                            migrate-snapshots
  migrate-snapshots                         bring every stored request to the current workflow machine
                                            version; flag those it cannot place for an administrator
  migration:check                           exit 1 when entities and migrations disagree
  seed-directory                            load networks, States, central authorities, contact points,
                                            and the development issuer's users
  users                                     list the development issuer's users (login, role, State, network)
  token --user LOGIN [--ttl SECONDS]        mint a bearer token of the development issuer for LOGIN
                                            (AUTH_DEV_ISSUER=true); prints the token only
  import-register FILE [--replay] [--until YYYY-MM-DD]
                                            import a case register (REGISTER.md); --replay runs it in
                                            simulated time with reminders and escalations
  statistics --year YYYY [--network CODE] [--format json|csv]
                                            yearly statistics (DOMAIN.md §5)
  import-holidays FILE                      add the holidays of a CSV (state,date,name) to the
                                            administrators' table; recomputes open deadlines
  demo [--out DIR]                          replay register-2021.csv to 15 May 2022, report, files in DIR,
                                            then sign-in links of the web view (npm run demo -- --serve
                                            also serves it over the demo's database; --no-serve does not)
  mail-catcher [--port N] [--out DIR]       an SMTP server on 127.0.0.1 that keeps every email as .eml
  verify-audit                              recompute the audit log's hash chain; exit 1 naming the first
                                            entry removed or altered; prints headSeq and headHash: record
                                            them elsewhere (removing the last entries shows only there)
  rotate-encryption-key [--batch N]         re-encrypt facts and persons with the first key of
                                            FIELD_ENCRYPTION_KEYS (N requests per transaction, default
                                            500); exit 1 if a value cannot be decrypted (left as it is)

Results go to stdout, logs to stderr. Configuration: DATABASE_URL, REDIS_URL, SMTP_URL (see README).`;

const log = (m: string) => process.stderr.write(`${m}\n`);

/** Exit codes: 0 done; 1 the command ran but found problems (rejected rows, a migration missing); 2 bad usage or unreadable input. */
class UsageError extends Error {}

async function withDomain<T>(config: AppConfig, fn: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config }), {
    logger: StderrLogger.forCli(),
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * Migrates every stored snapshot of an older machine version (SnapshotMigrationService.migrateAll), with
 * PostgreSQL only: a deployment step needs no Redis.
 */
async function migrateSnapshots(config: AppConfig): Promise<SnapshotMigrationReport> {
  Logger.overrideLogger(StderrLogger.forCli()); // no Nest application here: keep stdout for the result
  const orm = await MikroORM.init(ormOptions(config.databaseUrl));
  try {
    return await new SnapshotMigrationService(orm, new SystemClock()).migrateAll();
  } finally {
    await orm.close(true);
  }
}

/** Runs `fn` with MikroORM alone: audit verification and key rotation need PostgreSQL, not Redis. */
async function withOrm<T>(config: AppConfig, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  Logger.overrideLogger(StderrLogger.forCli()); // no Nest application here: keep stdout for the result
  const orm = await MikroORM.init(ormOptions(config.databaseUrl));
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') argv = ['help'];
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      replay: { type: 'boolean' },
      until: { type: 'string' },
      year: { type: 'string' },
      network: { type: 'string' },
      format: { type: 'string' },
      user: { type: 'string' },
      ttl: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const allowed: Record<string, { options: string[]; positionals: number }> = {
    migrate: { options: [], positionals: 0 },
    'migration:check': { options: [], positionals: 0 },
    'migrate-snapshots': { options: [], positionals: 0 },
    'seed-directory': { options: [], positionals: 0 },
    users: { options: [], positionals: 0 },
    token: { options: ['user', 'ttl'], positionals: 0 },
    'import-register': { options: ['replay', 'until'], positionals: 1 },
    statistics: { options: ['year', 'network', 'format'], positionals: 0 },
    'import-holidays': { options: [], positionals: 1 },
    demo: { options: ['out', 'until'], positionals: 0 },
    'mail-catcher': { options: ['port', 'out'], positionals: 0 },
    'verify-audit': { options: [], positionals: 0 },
    'rotate-encryption-key': { options: ['batch'], positionals: 0 },
  };
  const spec = allowed[command];
  if (!spec) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  const given = Object.entries(values)
    .filter(([k, v]) => k !== 'help' && v !== undefined)
    .map(([k]) => k);
  const foreign = given.filter((k) => !spec.options.includes(k));
  if (foreign.length) throw new UsageError(`${command} takes no ${foreign.map((k) => `--${k}`).join(', ')}`);
  if (positionals.length > spec.positionals)
    throw new UsageError(`${command} takes ${spec.positionals || 'no'} argument${spec.positionals === 1 ? '' : 's'}, got: ${positionals.join(' ')}`);
  if (values.until !== undefined && !isCalendarDate(values.until)) throw new UsageError(`--until must be a calendar date YYYY-MM-DD, got "${values.until}"`);
  if (values.until !== undefined && command === 'import-register' && !values.replay) throw new UsageError('--until goes with --replay');
  const config = AppConfig.fromEnv();
  switch (command) {
    case 'migrate': {
      // One step for a deployment: the schema, then the stored snapshots (flagged requests are not a failure here).
      const applied = await migrate(config.databaseUrl);
      const snapshots = await migrateSnapshots(config);
      process.stdout.write(`${JSON.stringify({ applied, snapshots })}\n`);
      return 0;
    }
    case 'migrate-snapshots': {
      await migrate(config.databaseUrl);
      const report = await migrateSnapshots(config);
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return report.flagged ? 1 : 0;
    }
    case 'migration:check': {
      await migrate(config.databaseUrl);
      const needed = await migrationNeeded(config.databaseUrl);
      process.stdout.write(`${JSON.stringify({ migrationNeeded: needed })}\n`);
      return needed ? 1 : 0;
    }
    case 'seed-directory': {
      await migrate(config.databaseUrl);
      const result = await withDomain(config, async (app) => ({
        ...(await app.get(DirectoryService).seed()),
        users: await app.get(UserService).seedDevUsers(),
      }));
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    case 'users': {
      await migrate(config.databaseUrl);
      const users = await withDomain(config, (app) => app.get(UserService).devUsers());
      for (const u of users) process.stdout.write(`${u.login.padEnd(24)}${u.role.padEnd(20)}${(u.state ?? '').padEnd(6)}${u.network ?? ''}\n`);
      return 0;
    }
    case 'token': {
      const login = values.user;
      if (typeof login !== 'string' || !/^[a-z0-9._-]{1,100}$/.test(login)) throw new UsageError('token needs --user LOGIN (npm run cli -- users lists them)');
      const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
      if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400 * 30))
        throw new UsageError('--ttl must be whole seconds from 60 to 2592000');
      await migrate(config.databaseUrl);
      const token = await withDomain(config, async (app) => {
        if ((await app.get(UserService).devUsers()).length === 0) {
          await app.get(DirectoryService).seed();
          await app.get(UserService).seedDevUsers();
        }
        return app.get(TokenService).mintDevToken(login, ttl);
      });
      process.stdout.write(`${token}\n`);
      return 0;
    }
    case 'import-register': {
      const file = positionals[0];
      if (!file) throw new UsageError('import-register needs a FILE');
      let input: Buffer;
      try {
        input = readFileSync(file);
      } catch (err) {
        throw new RegisterFormatError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await migrate(config.databaseUrl);
      let report;
      if (values.replay) {
        const { app, clock } = await startReplayWorker(config, StderrLogger.forCli());
        try {
          const r = await replayRegister(app, clock, input, values.until ? new Date(`${values.until}T23:59:59.000Z`) : null, log);
          report = { imported: r.imported, unchanged: r.unchanged, rejected: r.rejected };
        } finally {
          await app.close();
        }
      } else {
        report = await withDomain(config, (app) => app.get(RegisterImportService).importHistory(input));
      }
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return report.rejected.length ? 1 : 0;
    }
    case 'import-holidays': {
      const file = positionals[0];
      if (!file) throw new UsageError('import-holidays needs a FILE');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await migrate(config.databaseUrl);
      const result = await withDomain(config, (app) => app.get(HolidayService).importCsv(text, `import of ${path.basename(file)}`));
      process.stdout.write(`${JSON.stringify(result)}
`);
      return 0;
    }
    case 'statistics': {
      if (!values.year || !/^\d{4}$/.test(values.year)) throw new UsageError('statistics needs --year YYYY');
      if (!['json', 'csv'].includes(values.format ?? 'json')) throw new UsageError('--format must be json or csv');
      await migrate(config.databaseUrl);
      const out = await withDomain(config, async (app) => {
        const s = app.get(StatisticsService);
        const stats = await s.yearly(Number(values.year), values.network);
        return values.format === 'csv' ? s.toCsv(stats) : `${JSON.stringify(stats)}\n`;
      });
      process.stdout.write(out);
      return 0;
    }
    case 'demo': {
      const summary = await runDemo(
        config,
        { out: path.resolve(values.out ?? 'out/demo'), register: DEFAULT_REGISTER, until: values.until ?? '2022-05-15' },
        log,
      );
      return summary.rejected ? 1 : 0;
    }
    case 'mail-catcher': {
      const port = Number(values.port ?? '1025');
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be a port number');
      const out = path.resolve(values.out ?? 'out/mail');
      const catcher = new SmtpListener(out);
      const url = await catcher.start(port);
      log(`mail catcher on ${url}: every email is written to ${out}; Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await catcher.stop();
      process.stdout.write(`${JSON.stringify({ received: catcher.received.length, folder: out })}\n`);
      return 0;
    }
    case 'verify-audit': {
      await migrate(config.databaseUrl);
      const result: AuditVerification = await withOrm(config, (orm) => new AuditVerifier(orm).verify());
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.ok ? 0 : 1;
    }
    case 'rotate-encryption-key': {
      const batch = values.batch ?? String(KEY_ROTATION_BATCH);
      const batchSize = Number(batch);
      if (!/^\d+$/.test(batch) || batchSize < 1) throw new UsageError(`--batch must be a whole number from 1, got "${values.batch}"`);
      await migrate(config.databaseUrl);
      const result: KeyRotationResult = await withOrm(config, (orm) => new KeyRotationService(orm, new FieldCipher(config)).rotate({ batchSize }));
      process.stdout.write(`${JSON.stringify({ currentKid: config.fieldEncryptionKeys[0].kid, ...result })}\n`);
      return result.failed.length ? 1 : 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof UsageError || err instanceof ReplayRangeError || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      log(`error: ${(err as Error).message}`);
      process.exit(2);
    }
    if (err instanceof RegisterFormatError) {
      log(`error: the file cannot be read as a register: ${err.message}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof ValidationFailedError || err instanceof ConflictError) {
      log(`error: ${err.message}`);
      process.exit(2);
    }
    log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
