import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal';
import { Client } from 'pg';
import type { ManualClock } from '../clock';
import { AppConfig } from '../config/app-config';
import { dropDatabase, ensureDatabase, migrate } from '../database';
import { DeadlineRunner } from '../deadlines/deadline-runner.service';
import { Deadline, OutboxEmail } from '../entities';
import { OutboxService } from '../notifications/outbox.service';
import { SmtpListener } from '../notifications/smtp-listener';
import { redisConnection } from '../queues/redis-connection';

/**
 * What an integration or e2e suite needs: a fresh database (migrated), its own queue prefix, a real SMTP
 * listener on loopback and a configuration pointing at them. `dispose()` drops the database and the
 * prefix's Redis keys.
 */
export interface TestEnvironment {
  config: AppConfig;
  smtp: SmtpListener;
  /** Deletes every Redis key of this suite's queue prefix (simulates Redis losing its data). */
  flushQueues(): Promise<number>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Every row of every table, as a count and a digest per table: "no row changed" is two of these being equal. */
  fingerprint(): Promise<Record<string, string>>;
  /**
   * Moves a deadline's next stage to `at` (UTC), as if time had passed: `next_fire_at` and that stage's
   * `fireAt`, with its `fireOn` the day before (so every recipient's 09:00 on that date has passed too).
   */
  makeStageDue(deadlineId: string, at: Date): Promise<void>;
  dispose(): Promise<void>;
}

export async function createTestEnvironment(suite: string): Promise<TestEnvironment> {
  const id = `${suite.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
  const base = AppConfig.fromEnv();
  const db = new URL(base.databaseUrl);
  db.pathname = `/rogatory_test_${id}`;
  const smtp = new SmtpListener();
  const smtpUrl = await smtp.start();
  const config = base.with({
    databaseUrl: db.toString(),
    queuePrefix: `test-${id}`,
    smtpUrl,
    sweepSeconds: 3600,
    rateLimitPerMinute: 100_000,
    rateLimitIpPerMinute: 100_000,
  });
  await ensureDatabase(config.databaseUrl, { recreate: true });
  await migrate(config.databaseUrl);
  const pg = new Client({ connectionString: config.databaseUrl });
  await pg.connect();
  const redis = new Redis(redisConnection(config.redisUrl));
  const flushQueues = async (): Promise<number> => {
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await redis.del(...keys);
    } while (cursor !== '0');
    return n;
  };
  return {
    config,
    smtp,
    flushQueues,
    sql: async <T>(text: string, params: unknown[] = []) => (await pg.query(text, params)).rows as T[],
    fingerprint: async () => {
      const { rows: tables } = await pg.query<{ t: string }>(
        `select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
      );
      const out: Record<string, string> = {};
      for (const { t } of tables) {
        const { rows } = await pg.query<{ n: number; h: string | null }>(
          `select count(*)::int as n, md5(string_agg(x::text, '|' order by x::text)) as h from "${t}" x`,
        );
        out[t] = `${rows[0].n}:${rows[0].h ?? ''}`;
      }
      return out;
    },
    makeStageDue: async (deadlineId: string, at: Date) => {
      const fireOn = new Date(at.getTime() - 86_400_000).toISOString().slice(0, 10);
      await pg.query(
        `update deadline set next_fire_at = $2,
           stages = (select jsonb_agg(case when s->>'stage' = next_stage then s || jsonb_build_object('fireAt', $3::text, 'fireOn', $4::text) else s end order by i)
                     from jsonb_array_elements(stages) with ordinality as x(s, i))
         where id = $1`,
        [deadlineId, at, at.toISOString(), fireOn],
      );
    },
    dispose: async () => {
      await flushQueues();
      redis.disconnect();
      await pg.end();
      await smtp.stop();
      await dropDatabase(config.databaseUrl);
    },
  };
}

/** Retries `check` until it stops throwing or `timeoutMs` passes (then rethrows its last error). */
export async function expectEventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

/** A signed-in principal for domain tests: Ghana's central authority officer unless `overrides` say otherwise. */
export function testPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: randomUUID(),
    login: 'gh.officer',
    name: 'Ama Mensah',
    role: 'CENTRAL_AUTHORITY',
    state: 'GH',
    network: null,
    contactPointId: null,
    ip: '203.0.113.7',
    userAgent: null,
    ...overrides,
  };
}

/**
 * Fires every open deadline stage due by `until` (UTC), each at its own time and in order, moving
 * `clock` to it as the worker's scheduler would, then leaves the clock at `until` (or later, if it was
 * already). Emails are written to the outbox, not sent. Throws when a stage does not notify.
 */
export async function fireStagesDue(app: INestApplicationContext, clock: ManualClock, until: Date): Promise<void> {
  const orm = app.get(MikroORM);
  for (;;) {
    const [next] = await orm.em
      .fork()
      .find(Deadline, { status: 'OPEN', nextFireAt: { $lte: until } }, { orderBy: { nextFireAt: 'asc' }, limit: 1, fields: ['id', 'nextStage', 'nextFireAt'] });
    if (!next) break;
    if (next.nextFireAt! > clock.now()) clock.set(next.nextFireAt!);
    const outcome = await app.get(DeadlineRunner).fire(next.id, next.nextStage!);
    if (outcome !== 'notified') throw new Error(`stage ${next.nextStage} of deadline ${next.id} was ${outcome}, not notified`);
  }
  if (until > clock.now()) clock.set(until);
}

/** Sends every PENDING email due by the clock's now through SMTP, oldest first, as the outbox worker would; throws when one is not sent. */
export async function sendEmailsDue(app: INestApplicationContext, clock: ManualClock): Promise<void> {
  const pending = await app
    .get(MikroORM)
    .em.fork()
    .find(OutboxEmail, { status: 'PENDING', dueAt: { $lte: clock.now() } }, { orderBy: { dueAt: 'asc' } });
  for (const row of pending) {
    const outcome = await app.get(OutboxService).send(row.id);
    if (outcome !== 'sent') throw new Error(`email ${row.id} was ${outcome}, not sent`);
  }
}
