import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { MlaRequest } from './mla-request.entity';

/**
 * PENDING: to send. SENDING: handed to the sender, outcome not yet recorded. SENT: accepted by the SMTP
 * server. UNKNOWN: the sender died or the connection broke after hand-over; an incident to check, never
 * sent again blindly. FAILED: refused permanently by the server.
 */
export type OutboxStatus = 'PENDING' | 'SENDING' | 'SENT' | 'UNKNOWN' | 'FAILED';

export interface OutboxEmailFields {
  request: MlaRequest | null;
  dedupeKey: string;
  kind: string;
  step: string | null;
  stage: string | null;
  level: number | null;
  recipientName: string;
  recipientEmail: string;
  subject: string;
  textBody: string;
  dueAt: Date;
}

/**
 * An email to send, written in the same transaction as the event that decided it. `dedupeKey` is
 * unique: a reminder or escalation is written at most once per recipient.
 */
@Entity({ tableName: 'outbox_email' })
@Index({ properties: ['status', 'dueAt'] })
export class OutboxEmail {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => MlaRequest, nullable: true, deleteRule: 'restrict' })
  request: MlaRequest | null;

  @Property({ type: 'text', unique: true })
  dedupeKey: string;

  /** REMINDER, ESCALATION or STATISTICS. */
  @Property({ type: 'text' })
  kind: string;

  @Property({ type: 'text', nullable: true })
  step: string | null;

  @Property({ type: 'text', nullable: true })
  stage: string | null;

  /** 0 for a reminder, 1–4 for escalation levels. */
  @Property({ type: 'integer', nullable: true })
  level: number | null;

  @Property({ type: 'text' })
  recipientName: string;

  @Property({ type: 'text' })
  recipientEmail: string;

  @Property({ type: 'text' })
  subject: string;

  @Property({ type: 'text' })
  textBody: string;

  @Property({ type: 'text' })
  status: OutboxStatus = 'PENDING';

  /** When it was meant to go out (UTC). */
  @Property({ type: 'timestamptz' })
  dueAt: Date;

  @Property({ type: 'integer' })
  attempts: number = 0;

  /** Wall-clock time of the last hand-over attempt (stuck SENDING rows are found by it). */
  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null = null;

  /** When the SMTP server accepted it (clock time: simulated in a replay). */
  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  messageId: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  constructor(f: OutboxEmailFields) {
    this.request = f.request;
    this.dedupeKey = f.dedupeKey;
    this.kind = f.kind;
    this.step = f.step;
    this.stage = f.stage;
    this.level = f.level;
    this.recipientName = f.recipientName;
    this.recipientEmail = f.recipientEmail;
    this.subject = f.subject;
    this.textBody = f.textBody;
    this.dueAt = f.dueAt;
  }
}
