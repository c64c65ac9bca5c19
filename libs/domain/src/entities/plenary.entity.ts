import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { BilateralMeetingOutcome } from '@rogatory/workflow';
import { randomUUID } from 'node:crypto';
import { MlaRequest } from './mla-request.entity';

export interface PlenaryMeetingFields {
  network: string;
  date: string;
  place: string;
  createdBy: string;
  createdByUserId: string;
  createdAt: Date;
}

/**
 * A plenary meeting of a network (DOMAIN.md §1, §7): the yearly meeting of its central authorities and
 * contact points, at which the secretariat schedules bilateral meetings for stuck cases (§4 level 4).
 * One per network and date.
 */
@Entity({ tableName: 'plenary_meeting' })
@Unique({ properties: ['network', 'date'] })
export class PlenaryMeeting {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Network code (WACAP, SEAJUST, CASC, OTHER). */
  @Property({ type: 'text' })
  network: string;

  /** Calendar date of the plenary, `YYYY-MM-DD` (at its venue). */
  @Property({ type: 'date' })
  date: string;

  /** Where it is held, one line (city, venue). */
  @Property({ type: 'text' })
  place: string;

  /** Login of the secretariat member or administrator who entered it. */
  @Property({ type: 'text' })
  createdBy: string;

  /** app_user id of that person. */
  @Property({ type: 'uuid' })
  createdByUserId: string;

  /** UTC instant it was entered. */
  @Property({ type: 'timestamptz' })
  createdAt: Date;

  constructor(f: PlenaryMeetingFields) {
    this.network = f.network;
    this.date = f.date;
    this.place = f.place;
    this.createdBy = f.createdBy;
    this.createdByUserId = f.createdByUserId;
    this.createdAt = f.createdAt;
  }
}

/**
 * A bilateral meeting at a plenary between the central authorities of two States, about the requests
 * between them that are stuck. One per plenary and unordered pair of States: `firstState` is the
 * alphabetically first of the two ISO codes, whichever side requested.
 */
@Entity({ tableName: 'bilateral_meeting' })
@Unique({ properties: ['plenary', 'firstState', 'secondState'] })
export class BilateralMeeting {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => PlenaryMeeting, deleteRule: 'restrict' })
  plenary: PlenaryMeeting;

  /** ISO code of one State of the pair (the alphabetically first). */
  @Property({ type: 'text' })
  firstState: string;

  /** ISO code of the other State of the pair. */
  @Property({ type: 'text' })
  secondState: string;

  /** UTC instant it was proposed. */
  @Property({ type: 'timestamptz' })
  createdAt: Date;

  constructor(plenary: PlenaryMeeting, states: [string, string], createdAt: Date) {
    const [a, b] = [...states].sort();
    this.plenary = plenary;
    this.firstState = a;
    this.secondState = b;
    this.createdAt = createdAt;
  }
}

/** Why a request is on a bilateral meeting's agenda: its escalation reached level 4 (DOMAIN.md §4), or a contact point flagged it. */
export const AGENDA_REASONS = ['LEVEL_4', 'FLAGGED'] as const;
export type AgendaReason = (typeof AGENDA_REASONS)[number];

/**
 * A request on a bilateral meeting's agenda: why it is there and, once the meeting took place, its
 * outcome (also recorded as a `bilateralMeetingHeld` event of the request; the note goes only there).
 * A request is on a meeting's agenda once.
 */
@Entity({ tableName: 'bilateral_meeting_item' })
@Unique({ properties: ['meeting', 'request'] })
export class BilateralMeetingItem {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => BilateralMeeting, deleteRule: 'restrict' })
  meeting: BilateralMeeting;

  @ManyToOne({ entity: () => MlaRequest, deleteRule: 'restrict' })
  @Index()
  request: MlaRequest;

  /** LEVEL_4 and/or FLAGGED, in that order. */
  @Property({ type: 'text[]' })
  reasons: AgendaReason[];

  /** UTC instant it was put on the agenda. */
  @Property({ type: 'timestamptz' })
  addedAt: Date;

  /** What the meeting made of it; null until recorded. */
  @Property({ type: 'text', nullable: true })
  outcome: BilateralMeetingOutcome | null = null;

  /** UTC instant the outcome was recorded. */
  @Property({ type: 'timestamptz', nullable: true })
  outcomeRecordedAt: Date | null = null;

  /** Login of the secretariat member who recorded it. */
  @Property({ type: 'text', nullable: true })
  outcomeRecordedBy: string | null = null;

  /** `seq` of the request's `bilateralMeetingHeld` event that records it. */
  @Property({ type: 'integer', nullable: true })
  outcomeEventSeq: number | null = null;

  constructor(meeting: BilateralMeeting, request: MlaRequest, reasons: AgendaReason[], addedAt: Date) {
    this.meeting = meeting;
    this.request = request;
    this.reasons = reasons;
    this.addedAt = addedAt;
  }
}
