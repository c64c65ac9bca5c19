import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { aad } from '../access/case-access.service';
import { FieldCipher } from './field-cipher';

/** Requests read, locked and re-encrypted per transaction by default. */
export const KEY_ROTATION_BATCH = 500;

/** The encrypted columns of mla_request and the field name in their additional authenticated data. */
const FIELDS = [
  { column: 'facts_enc', field: 'facts' },
  { column: 'persons_enc', field: 'persons' },
] as const;

export type EncryptedField = (typeof FIELDS)[number]['field'];

/** A stored value that could not be re-encrypted (left as it is). */
export interface KeyRotationFailure {
  requestId: string;
  field: EncryptedField;
  /** FieldDecryptionError's message: unknown key id (named), altered, or moved from another row or field. */
  reason: string;
}

/** Counts of stored values (one request has up to two: facts and persons). */
export interface KeyRotationResult {
  /** Values decrypted with an older key and encrypted again with the current one. */
  reencrypted: number;
  /** Values already encrypted with the current key (untouched). */
  alreadyCurrent: number;
  failed: KeyRotationFailure[];
}

interface EncryptedRow {
  id: string;
  facts_enc: string | null;
  persons_enc: string | null;
}

/**
 * Re-encrypts the encrypted fields of every request (`mla_request.facts_enc`, `persons_enc`) with the
 * current key (the first of FIELD_ENCRYPTION_KEYS), so an older key can then be removed from the list.
 *
 * Walks the requests with a value in id order, `batchSize` at a time; each batch is one transaction that
 * locks its rows (`select … for update`: a concurrent write of the same fields waits), decrypts each value
 * whose key id is not the current one with its own key and the same additional authenticated data
 * (`mla_request:<id>:<field>`), and writes it encrypted with the current key. A value that cannot be
 * decrypted (its key is no longer configured, it was altered, or it belongs to another row or field) is
 * reported in `failed` and left as it is; the rest goes on. The plaintext is unchanged, so the request's
 * version (ETag) and `updated_at` are not touched. Idempotent: a second run finds every value current
 * (`reencrypted: 0`) apart from the failures, which it reports again.
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly cipher: FieldCipher,
  ) {}

  async rotate(opts: { batchSize?: number } = {}): Promise<KeyRotationResult> {
    const batchSize = opts.batchSize ?? KEY_ROTATION_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
    const current = this.cipher.currentKid;
    const result: KeyRotationResult = { reencrypted: 0, alreadyCurrent: 0, failed: [] };
    let after: string | null = null;
    for (;;) {
      // Counted per batch and added once the batch has committed.
      const batch = await this.orm.em.fork().transactional(async (em) => {
        const done: KeyRotationResult & { rows: number; lastId: string | null } = { rows: 0, lastId: null, reencrypted: 0, alreadyCurrent: 0, failed: [] };
        const rows = await em.execute<EncryptedRow[]>(
          `select id, facts_enc, persons_enc from mla_request
            where ${after === null ? '' : 'id > ? and '}(facts_enc is not null or persons_enc is not null)
            order by id limit ? for update`,
          after === null ? [batchSize] : [after, batchSize],
        );
        for (const row of rows) {
          const updates: Array<[column: string, value: string]> = [];
          for (const { column, field } of FIELDS) {
            const stored = row[column];
            if (stored === null) continue;
            if (FieldCipher.kidOf(stored) === current) {
              done.alreadyCurrent += 1;
              continue;
            }
            try {
              const bound = aad(row.id, field);
              updates.push([column, this.cipher.encrypt(this.cipher.decrypt(stored, bound), bound)]);
            } catch (err) {
              done.failed.push({ requestId: row.id, field, reason: (err as Error).message });
            }
          }
          if (!updates.length) continue;
          await em.execute(`update mla_request set ${updates.map(([c]) => `${c} = ?`).join(', ')} where id = ?`, [...updates.map(([, v]) => v), row.id]);
          done.reencrypted += updates.length;
        }
        done.rows = rows.length;
        done.lastId = rows.length ? rows[rows.length - 1].id : null;
        return done;
      });
      result.reencrypted += batch.reencrypted;
      result.alreadyCurrent += batch.alreadyCurrent;
      result.failed.push(...batch.failed);
      if (batch.rows < batchSize) break;
      after = batch.lastId;
    }
    return result;
  }
}
