import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { PersistedMlaRequest } from '@rogatory/workflow';
import { randomUUID } from 'node:crypto';

export interface MlaRequestFields {
  reference: string;
  network: string;
  requestingState: string;
  requestedState: string;
  requestType: string;
  urgent: boolean;
  legalBasis: string | null;
  offences: string[];
  measures: string[];
  subject: string | null;
  /** Confidentiality required by the requesting State (UNTOC art. 18(20)). */
  confidential?: boolean;
  requestingAuthority?: string | null;
  investigatingAuthority?: string | null;
  purpose?: string | null;
  procedure?: string | null;
  snapshot: PersistedMlaRequest;
  createdAt: Date;
  importFingerprint?: string | null;
}

/**
 * An MLA request: its reference data, the machine snapshot (with its machine version), the state as an
 * indexed column, milestone dates for statistics (calendar dates, DOMAIN.md §5), and a version for
 * optimistic locking, incremented by every event.
 */
@Entity({ tableName: 'mla_request' })
@Index({ properties: ['network', 'transmittedOn'] })
export class MlaRequest {
  [OptionalProps]?:
    | 'version'
    | 'eventCount'
    | 'updatedAt'
    | 'facilitatedOn'
    | 'transmittedOn'
    | 'acknowledgedOn'
    | 'closedOn'
    | 'outcome'
    | 'listedForPlenary'
    | 'linkedNetworks'
    | 'attention'
    | 'attentionSince'
    | 'confidential'
    | 'factsEnc'
    | 'personsEnc';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Case reference, unique (e.g. WACAP/2021/001). */
  @Property({ type: 'text', unique: true })
  reference: string;

  @Property({ type: 'text' })
  network: string;

  @Property({ type: 'text' })
  @Index()
  requestingState: string;

  @Property({ type: 'text' })
  @Index()
  requestedState: string;

  @Property({ type: 'text' })
  requestType: string;

  @Property({ type: 'boolean' })
  urgent: boolean;

  @Property({ type: 'text', nullable: true })
  legalBasis: string | null;

  @Property({ type: 'text[]' })
  offences: string[];

  @Property({ type: 'text[]' })
  measures: string[];

  /** Short subject line, free text, no facts (the facts are in `factsEnc`). */
  @Property({ type: 'text', nullable: true, lazy: true })
  subject: string | null;

  /** The authority making the request (UNTOC art. 18(15)(a)); substance: FULL views only. */
  @Property({ type: 'text', nullable: true, lazy: true })
  requestingAuthority: string | null = null;

  /** Name and functions of the authority conducting the investigation, prosecution or proceeding (18(15)(b)). */
  @Property({ type: 'text', nullable: true, lazy: true })
  investigatingAuthority: string | null = null;

  /** The purpose for which the evidence, information or action is sought (18(15)(f)). */
  @Property({ type: 'text', nullable: true, lazy: true })
  purpose: string | null = null;

  /** Any particular procedure the requesting State wishes to be followed (18(15)(d)). */
  @Property({ type: 'text', nullable: true, lazy: true })
  procedure: string | null = null;

  /**
   * The requesting State requires confidentiality of the fact and substance of the request (UNTOC art.
   * 18(20)): the secretariat sees not even its offences and measures.
   */
  @Property({ type: 'boolean', default: false })
  confidential: boolean = false;

  /**
   * Summary of the facts (18(15)(c)), encrypted at the field level (FieldCipher: AES-256-GCM, key id in
   * the value); null when none was given. Never logged, never in a job payload or an email.
   */
  @Property({ type: 'text', nullable: true, lazy: true })
  factsEnc: string | null = null;

  /** Persons concerned (18(15)(e)): identity, location, nationality; encrypted like `factsEnc`. */
  @Property({ type: 'text', nullable: true, lazy: true })
  personsEnc: string | null = null;

  /** Current state of the machine (indexed copy of snapshot.value). */
  @Property({ type: 'text' })
  @Index()
  state: string;

  /** Version of the machine that wrote `snapshot`; an older one is migrated before the request takes an event. */
  @Property({ type: 'integer' })
  machineVersion: number;

  @Property({ type: 'json' })
  snapshot: PersistedMlaRequest;

  /** Optimistic lock (HTTP ETag / If-Match): incremented by MikroORM on every update of the row. */
  @Property({ type: 'integer', version: true })
  version!: number;

  /** Number of events recorded; the next event's `seq`. */
  @Property({ type: 'integer' })
  eventCount: number = 0;

  @Property({ type: 'date', nullable: true })
  facilitatedOn: string | null = null;

  @Property({ type: 'date', nullable: true })
  transmittedOn: string | null = null;

  /** Recorded acknowledgement date; null when none or when an import inferred it (not counted). */
  @Property({ type: 'date', nullable: true })
  acknowledgedOn: string | null = null;

  @Property({ type: 'date', nullable: true })
  closedOn: string | null = null;

  @Property({ type: 'text', nullable: true })
  outcome: string | null = null;

  @Property({ type: 'boolean' })
  listedForPlenary: boolean = false;

  /**
   * Other networks through which the request is also facilitated (SEAJust asking CASC to reach
   * Uzbekistan): their contact points of the two States and their secretariat see it, and their
   * statistics count it; the total counts it once. Network codes, without `network` itself.
   */
  @Property({ type: 'text[]', default: '{}' })
  linkedNetworks: string[] = [];

  /**
   * Why an administrator must look at this request, or null. Set when its stored snapshot cannot be
   * placed in the current machine (migrateSnapshot); a flagged request takes no event and its deadline
   * stages wait, until an administrator repairs it and clears the flag.
   */
  @Property({ type: 'text', nullable: true })
  attention: string | null = null;

  /** When `attention` was first set. */
  @Property({ type: 'timestamptz', nullable: true })
  attentionSince: Date | null = null;

  /** sha256 of the register row this request was imported from (re-import detection). */
  @Property({ type: 'text', nullable: true })
  importFingerprint: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date;

  @Property({ type: 'timestamptz' })
  updatedAt: Date;

  constructor(f: MlaRequestFields) {
    this.reference = f.reference;
    this.network = f.network;
    this.requestingState = f.requestingState;
    this.requestedState = f.requestedState;
    this.requestType = f.requestType;
    this.urgent = f.urgent;
    this.legalBasis = f.legalBasis;
    this.offences = f.offences;
    this.measures = f.measures;
    this.subject = f.subject;
    this.confidential = f.confidential ?? false;
    this.requestingAuthority = f.requestingAuthority ?? null;
    this.investigatingAuthority = f.investigatingAuthority ?? null;
    this.purpose = f.purpose ?? null;
    this.procedure = f.procedure ?? null;
    this.importFingerprint = f.importFingerprint ?? null;
    this.createdAt = f.createdAt;
    this.updatedAt = f.createdAt;
    this.snapshot = f.snapshot;
    this.state = f.snapshot.value;
    this.machineVersion = f.snapshot.machineVersion;
  }

  /** Flags the request for an administrator with `reason` (the first flag's time is kept). */
  flagForAttention(reason: string, at: Date): void {
    this.attention = reason;
    this.attentionSince ??= at;
  }

  /** Clears the flag (the request takes events again). */
  clearAttention(): void {
    this.attention = null;
    this.attentionSince = null;
  }

  /** Writes a new snapshot and the columns derived from it. */
  applySnapshot(snapshot: PersistedMlaRequest, at: Date): void {
    const m = snapshot.context.milestones;
    this.snapshot = snapshot;
    this.state = snapshot.value;
    this.machineVersion = snapshot.machineVersion;
    this.facilitatedOn = m.facilitatedOn;
    this.transmittedOn = m.transmittedOn;
    this.acknowledgedOn = m.acknowledgementInferred ? null : m.acknowledgedOn;
    this.closedOn = m.closedOn;
    this.outcome = snapshot.context.outcome;
    this.listedForPlenary = snapshot.context.listedForPlenary;
    this.linkedNetworks = [...(snapshot.context.linkedNetworks ?? [])];
    this.updatedAt = at;
  }
}
