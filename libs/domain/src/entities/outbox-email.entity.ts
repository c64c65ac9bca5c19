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
  /** HTML alternative of `textBody`, or null for a plain-text-only message. */
  htmlBody?: string | null;
  /** ISO 639-1 language the message is written in. */
  language?: string;
  /** Sent after its time (e.g. the worker was down): the message says so. */
  late?: boolean;
  dueAt: Date;
}

/** How an administrator settled an UNKNOWN or FAILED email: delivery confirmed, or queued once more. */
export type IncidentResolution = 'CONFIRMED_DELIVERED' | 'RESENT' | 'DISMISSED';

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

  @Property({ type: 'text', nullable: true })
  htmlBody: string | null;

  @Property({ type: 'text' })
  language: string;

  /** True when written after its stage's time had passed (the worker was down): the message is marked late. */
  @Property({ type: 'boolean' })
  late: boolean;

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

  /** For an UNKNOWN or FAILED email: how an administrator settled the incident, and when (wall clock). */
  @Property({ type: 'text', nullable: true })
  incidentResolution: IncidentResolution | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  incidentResolvedAt: Date | null = null;

  /** What the administrator wrote when settling the incident. */
  @Property({ type: 'text', nullable: true })
  incidentNote: string | null = null;

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
    this.htmlBody = f.htmlBody ?? null;
    this.language = f.language ?? 'en';
    this.late = f.late ?? false;
    this.dueAt = f.dueAt;
  }
}
