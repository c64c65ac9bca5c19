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

  constructor(network: Network, state: StateEntity, name: string, email: string, language: string) {
    this.network = network;
    this.state = state;
    this.name = name;
    this.email = email;
    this.language = language;
  }
}
