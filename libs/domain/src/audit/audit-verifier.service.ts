import { IsolationLevel } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** prev_hash of the first entry of the chain (audit_append). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Rows read per query by default: memory stays bounded whatever the size of the log. */
export const AUDIT_VERIFY_BATCH = 5000;

/** The first entry where the chain breaks, and what is wrong with it. */
export interface AuditBreak {
  /** seq of the first entry removed or altered (for a gap: the first missing one). */
  seq: number;
  /**
   * One of:
   * - `hash does not match its entry (altered)`: its entry (or its hash) was changed;
   * - `prev_hash does not match the previous entry (an entry before it was removed or altered)`: entries
   *   were removed and the rest renumbered, or the previous entry was changed and its hash recomputed;
   * - `sequence gap: entries N..M are missing (removed)`;
   * - `first entry does not start the chain`: the entry numbered 1 does not have the all-zero prev_hash.
   */
  reason: string;
}

/**
 * Result of AuditVerifier.verify. `entries` counts every entry read; `headSeq` and `headHash` are those of
 * the last entry (0 and the all-zero hash for an empty log), to be recorded outside the database.
 */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  headSeq: number;
  headHash: string;
  firstBroken: AuditBreak | null;
}

interface AuditRow {
  seq: string;
  entry_text: string;
  prev_hash: string;
  hash: string;
}

/**
 * Recomputes the hash chain of audit_log (migration 20261129230000, function `audit_append`): entry `n`
 * has `seq = n` (from 1, without gaps), `prev_hash` = the hash of entry `n - 1` (64 zeros for entry 1) and
 * `hash = sha256(prev_hash || entry::text)` in lowercase hex.
 *
 * Detected, and named at the first entry concerned (`firstBroken`):
 * - an entry whose contents or hash were changed (UPDATE with the trigger disabled, or a restored dump);
 * - entries removed from the start or the middle (a gap in seq), or removed with the rest renumbered
 *   (prev_hash no longer matches);
 * - an entry changed with its own hash recomputed (the next entry's prev_hash no longer matches).
 *
 * Not detected by the chain alone:
 * - removal of the last entries: what remains is a valid, shorter chain. Only a head recorded elsewhere
 *   shows it, so `headSeq` and `headHash` are printed (`npm run cli -- verify-audit`) for an operator to
 *   record outside this database and compare next time (the recorded seq must still be there with the
 *   same hash);
 * - a rewrite of every entry from some point to the end with all hashes recomputed (the hash has no
 *   secret key): the same recorded head shows it as long as the rewrite starts at or before it.
 *
 * Reads the log in seq order in batches (keyset pagination on seq, never the whole table at once) in one
 * read-only REPEATABLE READ transaction, so entries appended meanwhile do not move the head under it.
 */
@Injectable()
export class AuditVerifier {
  constructor(private readonly orm: MikroORM) {}

  async verify(opts: { batchSize?: number } = {}): Promise<AuditVerification> {
    const batchSize = opts.batchSize ?? AUDIT_VERIFY_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
    return this.orm.em.fork().transactional(
      async (em) => {
        let entries = 0;
        let headSeq = 0;
        let headHash = AUDIT_GENESIS_HASH;
        let firstBroken: AuditBreak | null = null;
        for (;;) {
          const rows = await em.execute<AuditRow[]>(
            `select seq, entry::text as entry_text, prev_hash, hash from audit_log where seq > ? order by seq limit ?`,
            [headSeq, batchSize],
          );
          for (const row of rows) {
            const seq = Number(row.seq);
            firstBroken ??= AuditVerifier.check(seq, row, headSeq, headHash);
            entries += 1;
            headSeq = seq;
            headHash = row.hash;
          }
          if (rows.length < batchSize) break;
        }
        return { ok: firstBroken === null, entries, headSeq, headHash, firstBroken };
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
  }

  /** What is wrong with `row`, read after the entry `prevSeq` whose stored hash is `prevHash` (0 and zeros at the start), or null. */
  private static check(seq: number, row: AuditRow, prevSeq: number, prevHash: string): AuditBreak | null {
    if (seq !== prevSeq + 1) return { seq: prevSeq + 1, reason: `sequence gap: entries ${prevSeq + 1}..${seq - 1} are missing (removed)` };
    if (row.prev_hash !== prevHash)
      return {
        seq,
        reason: seq === 1 ? 'first entry does not start the chain' : 'prev_hash does not match the previous entry (an entry before it was removed or altered)',
      };
    const hash = createHash('sha256')
      .update(Buffer.from(row.prev_hash + row.entry_text, 'utf8'))
      .digest('hex');
    if (hash !== row.hash) return { seq, reason: 'hash does not match its entry (altered)' };
    return null;
  }
}
