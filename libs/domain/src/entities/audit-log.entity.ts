import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One entry of the audit log: who (user, role, State, network), when, what (action, request) and from
 * where (IP, user agent) read or changed a case. Append-only: the database refuses UPDATE, DELETE and
 * TRUNCATE (trigger) and the API's roles may only call `audit_append()`, which chains each entry to the
 * previous one: `hash = sha256(prev_hash || entry::text)` (hex). `npm run cli -- verify-audit` recomputes
 * the chain and names the first entry removed or altered.
 */
@Entity({ tableName: 'audit_log' })
export class AuditLogEntry {
  /** Position in the chain, from 1, without gaps. */
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @Property({ type: 'timestamptz' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  userId!: string | null;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  requestId!: string | null;

  /** The whole entry as hashed (at, user, login, role, state, network, ip, userAgent, action, requestId, reference, detail). */
  @Property({ type: 'jsonb' })
  entry!: Record<string, unknown>;

  @Property({ type: 'text' })
  prevHash!: string;

  @Property({ type: 'text' })
  hash!: string;
}

/**
 * A POST made with an `Idempotency-Key`: the key's owner, the body's sha256 and, once answered, the
 * status and body of the first answer (replayed for a retry with the same body; 422 for another body).
 * Kept 24 hours.
 */
@Entity({ tableName: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  method!: string;

  @Property({ type: 'text' })
  path!: string;

  @Property({ type: 'text' })
  bodySha256!: string;

  /** Null while the first call is running. */
  @Property({ type: 'integer', nullable: true })
  status!: number | null;

  @Property({ type: 'jsonb', nullable: true })
  response!: unknown;

  /** Headers of the first answer worth replaying (Location, ETag). */
  @Property({ type: 'jsonb', nullable: true })
  headers!: Record<string, string> | null;

  @Property({ type: 'timestamptz' })
  @Index()
  createdAt!: Date;
}
