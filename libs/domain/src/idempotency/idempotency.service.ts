import { createHash } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock } from '../clock';

/** How long a key is remembered: a retry after this is a new request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;
/** A claim still running after this is taken as abandoned (its process died) and may be claimed again. */
export const IDEMPOTENCY_LEASE_MS = 5 * 60_000;
/** Expired records are deleted at most this often (per process), from {@link IdempotencyService.claim}. */
const PURGE_EVERY_MS = 10 * 60_000;

/** What identifies the call a key was first used for: the same key on another call is a client error. */
export interface IdempotentCall {
  method: string;
  /** Path and query string. */
  path: string;
  /** sha256 (hex) of the body's canonical JSON ({@link bodySha256}). */
  bodySha256: string;
}

/** The first answer, as replayed. */
export interface StoredAnswer {
  status: number;
  /** Parsed JSON body, or the body text when it is not JSON; null when empty. */
  body: unknown;
  /** Headers worth replaying (Content-Type, Location, ETag), by lower-case name. */
  headers: Record<string, string>;
}

/**
 * The outcome of {@link IdempotencyService.claim}: `claimed`, the caller runs the call and then calls
 * `complete` or `release`; `replay`, the call was answered before (send that answer again); `mismatch`,
 * the key was used for another call (another body, method or path); `running`, the first call with the
 * key has not answered yet.
 */
export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; answer: StoredAnswer }
  | { outcome: 'mismatch'; first: { method: string; path: string } }
  | { outcome: 'running' };

/** JSON with object keys sorted at every level: two bodies that differ only in key order are the same body. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value)) ?? '';
}

/** sha256 (hex) of a request body's canonical JSON (a text body hashes as its JSON string; no body as ""). */
export function bodySha256(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * Idempotency keys of POST calls (table idempotency_record), per user: a key is claimed atomically
 * (INSERT … ON CONFLICT DO NOTHING) before the call runs, its answer stored after; a retry with the same
 * key and body gets that answer again instead of running the call twice. Records are kept
 * {@link IDEMPOTENCY_RETENTION_MS}; older ones are ignored and purged. Works across API instances (the
 * database decides who holds a key).
 */
@Injectable()
export class IdempotencyService {
  private lastPurge = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims `key` of `userId` for `call`. An expired record of the key (older than the retention, or a
   * claim never answered within the lease) is dropped first, so the key can be used again.
   */
  async claim(userId: string, key: string, call: IdempotentCall): Promise<IdempotencyClaim> {
    const now = this.clock.now();
    await this.purgeOccasionally(now);
    const conn = this.orm.em.fork().getConnection();
    // Two rounds at most: a record seen as claimed may be released between the INSERT and the SELECT.
    for (let round = 0; round < 2; round++) {
      await conn.execute(`delete from idempotency_record where user_id = ? and key = ? and (created_at < ? or (status is null and created_at < ?))`, [
        userId,
        key,
        new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS),
        new Date(now.getTime() - IDEMPOTENCY_LEASE_MS),
      ]);
      const inserted = (await conn.execute(
        `insert into idempotency_record (user_id, key, method, path, body_sha256, status, response, headers, created_at)
         values (?, ?, ?, ?, ?, null, null, null, ?) on conflict (user_id, key) do nothing returning key`,
        [userId, key, call.method, call.path, call.bodySha256, now],
      )) as unknown[];
      if (inserted.length === 1) return { outcome: 'claimed' };
      const [first] = (await conn.execute(`select method, path, body_sha256, status, response, headers from idempotency_record where user_id = ? and key = ?`, [
        userId,
        key,
      ])) as Array<{ method: string; path: string; body_sha256: string; status: number | null; response: unknown; headers: Record<string, string> | null }>;
      if (!first) continue;
      if (first.method !== call.method || first.path !== call.path || first.body_sha256 !== call.bodySha256) {
        return { outcome: 'mismatch', first: { method: first.method, path: first.path } };
      }
      if (first.status === null) return { outcome: 'running' };
      return { outcome: 'replay', answer: { status: first.status, body: first.response, headers: first.headers ?? {} } };
    }
    return { outcome: 'running' };
  }

  /** Stores the answer of a claimed key (replayed to retries). */
  async complete(userId: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.orm.em
      .fork()
      .getConnection()
      .execute(`update idempotency_record set status = ?, response = ?::jsonb, headers = ?::jsonb where user_id = ? and key = ? and status is null`, [
        answer.status,
        JSON.stringify(answer.body ?? null),
        JSON.stringify(answer.headers),
        userId,
        key,
      ]);
  }

  /** Gives up a claimed key that got no answer worth keeping (a server error): the client may retry with it. */
  async release(userId: string, key: string): Promise<void> {
    await this.orm.em.fork().getConnection().execute(`delete from idempotency_record where user_id = ? and key = ? and status is null`, [userId, key]);
  }

  /** Deletes records older than the retention; returns how many. */
  async purgeExpired(now: Date = this.clock.now()): Promise<number> {
    const rows = (await this.orm.em
      .fork()
      .getConnection()
      .execute(`delete from idempotency_record where created_at < ? returning key`, [new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS)])) as unknown[];
    return rows.length;
  }

  private async purgeOccasionally(now: Date): Promise<void> {
    if (Math.abs(now.getTime() - this.lastPurge) < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    await this.purgeExpired(now);
  }
}
