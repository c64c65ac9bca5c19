import { Collection, Entity, Enum, Index, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A judicial cooperation network (WACAP, SEAJUST, CASC), or OTHER for the programme outside them. */
@Entity({ tableName: 'network' })
export class Network {
  @PrimaryKey({ type: 'text' })
  code: string;

  @Property({ type: 'text' })
  name: string;

  /** ISO 639-1 codes. */
  @Property({ type: 'text[]' })
  workingLanguages: string[];

  /** Address of the network secretariat (for OTHER: the programme). */
  @Property({ type: 'text' })
  secretariatEmail: string;

  @ManyToMany({ entity: () => StateEntity, pivotTable: 'network_member', joinColumn: 'network_code', inverseJoinColumn: 'state_code' })
  members = new Collection<StateEntity>(this);

  constructor(code: string, name: string, workingLanguages: string[], secretariatEmail: string) {
    this.code = code;
    this.name = name;
    this.workingLanguages = workingLanguages;
    this.secretariatEmail = secretariatEmail;
  }
}

/** A State: ISO 3166-1 alpha-2 code, IANA time zone of its central authority, weekend days, languages. */
@Entity({ tableName: 'state' })
export class StateEntity {
  @PrimaryKey({ type: 'text' })
  code: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  timeZone: string;

  /** 'MON'..'SUN'. */
  @Property({ type: 'text[]' })
  weekend: string[];

  @Property({ type: 'text[]' })
  languages: string[];

  /**
   * ISO 639-1 codes of the languages this State accepts a request in (UNTOC art. 18(14)); may differ from
   * `languages` (a State may accept English or French as well as its own). Seeded as `languages`.
   */
  @Property({ type: 'text[]', default: '{}' })
  acceptedLanguages: string[] = [];

  /** Transmission channels this State accepts (CHANNELS codes of @rogatory/workflow). Seeded as CENTRAL_AUTHORITY and DIPLOMATIC. */
  @Property({ type: 'text[]', default: '{}' })
  channels: string[] = [];

  /** Formal requirements of a request to this State, free text (e.g. "certified translation; signed by a prosecutor"); '' when none are recorded. */
  @Property({ type: 'text', default: '' })
  formalRequirements = '';

  /** When the entry was entered in the directory (UTC): an entry never confirmed is stale from then. */
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Last time someone confirmed the entry is still right (UTC), or null: never (see directory-rules.ts, staleness). */
  @Property({ type: 'timestamptz', nullable: true })
  lastConfirmedAt: Date | null = null;

  /** Login of who confirmed it last (an edit confirms too), or null. */
  @Property({ type: 'text', nullable: true })
  lastConfirmedBy: string | null = null;

  @OneToMany({ entity: () => ContactPoint, mappedBy: 'state' })
  contactPoints = new Collection<ContactPoint>(this);

  constructor(code: string, name: string, timeZone: string, weekend: string[], languages: string[]) {
    this.code = code;
    this.name = name;
    this.timeZone = timeZone;
    this.weekend = weekend;
    this.languages = languages;
  }
}

/** The central authority of a State (UNTOC art. 18(13)); one per State. */
@Entity({ tableName: 'central_authority' })
export class CentralAuthority {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => StateEntity, unique: true, deleteRule: 'restrict' })
  state: StateEntity;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  email: string;

  /** When the entry was entered in the directory (UTC). */
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Last confirmation (UTC) and by whom (login); null: never confirmed. */
  @Property({ type: 'timestamptz', nullable: true })
  lastConfirmedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastConfirmedBy: string | null = null;

  constructor(state: StateEntity, name: string, email: string) {
    this.state = state;
    this.name = name;
    this.email = email;
  }
}

/** Every way a contact point can be notified (see {@link ContactPoint.notificationMode}). */
export const NOTIFICATION_MODES = ['EACH', 'DAILY_DIGEST'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];

/** A contact point of a network for a member State (two per State by default). */
@Entity({ tableName: 'contact_point' })
@Unique({ properties: ['network', 'email'] })
@Index({ properties: ['network', 'state'] })
export class ContactPoint {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Network, deleteRule: 'restrict' })
  network: Network;

  @ManyToOne({ entity: () => StateEntity, deleteRule: 'restrict' })
  state: StateEntity;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  email: string;

  /** ISO 639-1 code the contact point reads. */
  @Property({ type: 'text' })
  language: string;

  /**
   * EACH: one email per reminder or escalation addressed to the contact point. DAILY_DIGEST: none of
   * those; instead one email a day, at 09:00 local time of its State, listing what its State owes overdue.
   */
  @Enum({ items: () => NOTIFICATION_MODES, default: 'EACH' })
  notificationMode: NotificationMode = 'EACH';

  /** When the entry was entered in the directory (UTC). */
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Last confirmation (UTC) and by whom (login); null: never confirmed. */
  @Property({ type: 'timestamptz', nullable: true })
  lastConfirmedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastConfirmedBy: string | null = null;

  /**
   * An absence: from `absentFrom` to `absentUntil` (calendar dates of its State, both included) the
   * reminders, escalations and digests meant for this contact point go to `absenceDelegate` instead
   * (ContactPointAbsenceService, absence-routing.ts). All four are set together, or all null.
   */
  @Property({ type: 'date', nullable: true })
  absentFrom: string | null = null;

  @Property({ type: 'date', nullable: true })
  absentUntil: string | null = null;

  @ManyToOne({ entity: () => ContactPoint, nullable: true, deleteRule: 'set null' })
  absenceDelegate: ContactPoint | null = null;

  /** Login of who recorded the absence. */
  @Property({ type: 'text', nullable: true })
  absenceSetBy: string | null = null;

  constructor(network: Network, state: StateEntity, name: string, email: string, language: string) {
    this.network = network;
    this.state = state;
    this.name = name;
    this.email = email;
    this.language = language;
  }
}

/**
 * A competent (executing) authority of a State: the prosecution service, police or court that executes
 * the measures of a request its central authority received (DOMAIN.md §3, "assigned to an executing
 * authority"). Several per State, one per (State, email).
 */
@Entity({ tableName: 'competent_authority' })
@Unique({ properties: ['state', 'email'] })
export class CompetentAuthority {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => StateEntity, deleteRule: 'restrict' })
  state: StateEntity;

  @Property({ type: 'text' })
  name: string;

  /** Lower-case address. */
  @Property({ type: 'text' })
  email: string;

  /** MEASURES codes of @rogatory/workflow (UNTOC art. 18(3)) it executes; at least one. */
  @Property({ type: 'text[]' })
  measures: string[];

  /** When the entry was entered in the directory (UTC). */
  @Property({ type: 'timestamptz' })
  createdAt: Date;

  /** Last confirmation (UTC) and by whom (login); null: never confirmed. */
  @Property({ type: 'timestamptz', nullable: true })
  lastConfirmedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastConfirmedBy: string | null = null;

  constructor(state: StateEntity, name: string, email: string, measures: string[], createdAt: Date) {
    this.state = state;
    this.name = name;
    this.email = email;
    this.measures = measures;
    this.createdAt = createdAt;
  }
}
