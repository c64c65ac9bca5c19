import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';

const FORMAT = 'v1';

/** A stored value that cannot be decrypted: unknown key id, altered ciphertext, or moved to another row or field. */
export class FieldDecryptionError extends Error {
  constructor(reason: string) {
    super(`encrypted field cannot be read: ${reason}`);
    this.name = 'FieldDecryptionError';
  }
}

/**
 * Field-level encryption of case facts and persons concerned: AES-256-GCM, a fresh 96-bit IV per value,
 * the row and field as additional authenticated data (a value copied to another request or field does not
 * decrypt). Stored as `v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url). Keys from FIELD_ENCRYPTION_KEYS: the
 * first encrypts, every one decrypts, so a new key can be put first and the old ones re-encrypted
 * (`npm run cli -- rotate-encryption-key`) before they are removed.
 */
@Injectable()
export class FieldCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { kid: string; key: Buffer };

  constructor(config: AppConfig) {
    this.keys = new Map(config.fieldEncryptionKeys.map((k) => [k.kid, k.key]));
    this.current = config.fieldEncryptionKeys[0];
  }

  /** kid of the key that encrypts now. */
  get currentKid(): string {
    return this.current.kid;
  }

  /** Encrypts `plaintext` bound to `aad` (e.g. `mla_request:<id>:facts`). */
  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return [FORMAT, this.current.kid, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  /** Decrypts a value of `encrypt` with the same `aad`. Throws FieldDecryptionError. */
  decrypt(stored: string, aad: string): string {
    const parts = stored.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new FieldDecryptionError('not a v1 value');
    const key = this.keys.get(parts[1]);
    if (!key) throw new FieldDecryptionError(`key "${parts[1]}" is not in FIELD_ENCRYPTION_KEYS`);
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return Buffer.concat([d.update(Buffer.from(parts[4], 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError('authentication failed (altered, or belongs to another row or field)');
    }
  }

  /** kid a stored value was encrypted with (null when not a v1 value). */
  static kidOf(stored: string): string | null {
    const parts = stored.split(':');
    return parts.length === 5 && parts[0] === FORMAT ? parts[1] : null;
  }
}
