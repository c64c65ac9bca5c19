import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { DeadlinePolicy } from '@rogatory/workflow';
import { randomUUID } from 'node:crypto';
import { Network, StateEntity } from './directory.entity';

export interface StateHolidayFields {
  state: StateEntity;
  date: string;
  name: string;
  createdBy: string;
  createdAt: Date;
}

/**
 * A public holiday of a State entered by an administrator (DOMAIN.md §4): for the States date-holidays
 * does not cover, and for dates announced late (moon sighting). Counted by calendar date, like
 * date-holidays' own, on top of them.
 */
@Entity({ tableName: 'state_holiday' })
@Unique({ properties: ['state', 'date'] })
export class StateHoliday {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => StateEntity, deleteRule: 'cascade' })
  state: StateEntity;

  /** Calendar date of the State, `YYYY-MM-DD`. */
  @Property({ type: 'date' })
  date: string;

  @Property({ type: 'text' })
  name: string;

  /** Who entered it (administrator, or the file it was imported from). */
  @Property({ type: 'text' })
  createdBy: string;

  /** UTC instant it was entered. */
  @Property({ type: 'timestamptz' })
  createdAt: Date;

  constructor(f: StateHolidayFields) {
    this.state = f.state;
    this.date = f.date;
    this.name = f.name;
    this.createdBy = f.createdBy;
    this.createdAt = f.createdAt;
  }
}

export interface DeadlinePolicyVersionFields {
  network: Network;
  version: number;
  policy: DeadlinePolicy;
  note: string;
  createdBy: string;
  createdAt: Date;
}

/**
 * One version of a network's deadline policy (DOMAIN.md §4: durations, reminder offsets, escalation
 * ladder). Versions are only added, never changed: a deadline keeps the version it was opened with
 * (`Deadline.policy`), and a new version applies to deadlines opened from its `createdAt` on. A network
 * without a row uses the default policy, version 0.
 */
@Entity({ tableName: 'deadline_policy_version' })
@Unique({ properties: ['network', 'version'] })
export class DeadlinePolicyVersion {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Network, deleteRule: 'restrict' })
  network: Network;

  /** 1, 2, 3… per network (0 is the built-in default, never stored). */
  @Property({ type: 'integer' })
  version: number;

  @Property({ type: 'json' })
  policy: DeadlinePolicy;

  /** Why it changed, as the administrator wrote it. */
  @Property({ type: 'text' })
  note: string;

  @Property({ type: 'text' })
  createdBy: string;

  /** UTC instant from which it applies to newly opened deadlines. */
  @Property({ type: 'timestamptz' })
  createdAt: Date;

  constructor(f: DeadlinePolicyVersionFields) {
    this.network = f.network;
    this.version = f.version;
    this.policy = f.policy;
    this.note = f.note;
    this.createdBy = f.createdBy;
    this.createdAt = f.createdAt;
  }
}
