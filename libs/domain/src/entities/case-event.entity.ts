import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { MlaRequest } from './mla-request.entity';

export interface CaseEventFields {
  request: MlaRequest;
  seq: number;
  type: string;
  actorRole: string;
  actorState: string | null;
  actorName: string | null;
  /** The signed-in user who sent it (null for the system and imports). */
  actorUserId?: string | null;
  occurredAt: Date;
  occurredOn: string;
  inferred: boolean;
  payload: Record<string, unknown>;
  fromState: string;
  toState: string;
  recordedAt: Date;
}

/**
 * One event of a case, append-only (a database trigger refuses UPDATE and DELETE). `seq` equals the
 * request version the event produced, so two writers of the same version collide on (request, seq).
 */
@Entity({ tableName: 'case_event' })
@Unique({ properties: ['request', 'seq'] })
@Index({ properties: ['type', 'occurredOn'] })
export class CaseEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne({ entity: () => MlaRequest, deleteRule: 'restrict' })
  request: MlaRequest;

  @Property({ type: 'integer' })
  seq: number;

  @Property({ type: 'text' })
  type: string;

  @Property({ type: 'text' })
  actorRole: string;

  @Property({ type: 'text', nullable: true })
  actorState: string | null;

  @Property({ type: 'text', nullable: true })
  actorName: string | null;

  /** app_user id of the signed-in user who sent it; null for the system and register imports. */
  @Property({ type: 'uuid', nullable: true })
  @Index()
  actorUserId: string | null;

  /** UTC instant. */
  @Property({ type: 'timestamptz' })
  occurredAt: Date;

  /** Calendar date in the time zone of the recording State, or as written in an imported register. */
  @Property({ type: 'date' })
  occurredOn: string;

  /** A milestone that an import inferred (REGISTER.md); not counted in statistics. */
  @Property({ type: 'boolean' })
  inferred: boolean;

  @Property({ type: 'json' })
  payload: Record<string, unknown>;

  @Property({ type: 'text' })
  fromState: string;

  @Property({ type: 'text' })
  toState: string;

  @Property({ type: 'timestamptz' })
  recordedAt: Date;

  constructor(f: CaseEventFields) {
    this.request = f.request;
    this.seq = f.seq;
    this.type = f.type;
    this.actorRole = f.actorRole;
    this.actorState = f.actorState;
    this.actorName = f.actorName;
    this.actorUserId = f.actorUserId ?? null;
    this.occurredAt = f.occurredAt;
    this.occurredOn = f.occurredOn;
    this.inferred = f.inferred;
    this.payload = f.payload;
    this.fromState = f.fromState;
    this.toState = f.toState;
    this.recordedAt = f.recordedAt;
  }
}
