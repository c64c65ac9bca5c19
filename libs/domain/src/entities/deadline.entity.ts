import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { DeadlineStep, EscalationLadder, Stage, StepPolicy } from '@rogatory/workflow';
import { randomUUID } from 'node:crypto';
import { MlaRequest } from './mla-request.entity';

export type DeadlineStatus = 'OPEN' | 'PAUSED' | 'DONE' | 'CANCELLED';

/** A stage of a deadline and when it fires (09:00 local time of the owing State, stored in UTC). */
export interface DeadlineStageTime {
  stage: Stage;
  fireOn: string;
  fireAt: string;
}

export interface DeadlineFields {
  request: MlaRequest;
  step: DeadlineStep;
  owedByState: string;
  openedAt: Date;
  dueOn: string;
  baseDueOn: string;
  suggestedDueOn: string | null;
  dueAt: Date;
  stages: DeadlineStageTime[];
  policy: DeadlinePolicyRef;
}

/** The policy a deadline was opened with (DOMAIN.md §4), kept so that pauses and holiday changes recompute it alike. */
export interface DeadlinePolicyRef {
  /** Network whose policy applied; version 0 is the built-in default. */
  network: string;
  version: number;
  step: StepPolicy;
  ladder: EscalationLadder;
}

/**
 * A step owed on a request, counted in business days of the State that owes it (DOMAIN.md §4).
 * `nextStage`/`nextFireAt` say which reminder or escalation is due next; the sweeper finds due rows
 * with the (status, next_fire_at) index and BullMQ delivers them.
 */
@Entity({ tableName: 'deadline' })
@Index({ properties: ['status', 'nextFireAt'] })
@Index({ properties: ['request', 'step', 'status'] })
export class Deadline {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => MlaRequest, deleteRule: 'restrict' })
  request: MlaRequest;

  @Property({ type: 'text' })
  step: DeadlineStep;

  /** ISO code of the State that owes the step. */
  @Property({ type: 'text' })
  owedByState: string;

  @Property({ type: 'text' })
  status: DeadlineStatus = 'OPEN';

  @Property({ type: 'timestamptz' })
  openedAt: Date;

  /** Due date, a calendar date in the owing State. */
  @Property({ type: 'date' })
  dueOn: string;

  /**
   * The due date before it is moved to a business day and before any extension: opening date + the
   * step's calendar days, or the date given (a suggested deadline). Extensions are counted from it.
   */
  @Property({ type: 'date' })
  baseDueOn: string;

  /** A deadline suggested with reasons (UNTOC art. 18(24)) that replaces the policy's duration; null otherwise. */
  @Property({ type: 'date', nullable: true })
  suggestedDueOn: string | null;

  /** Calendar days the clock was paused (UNTOC art. 18(16), 18(25)); the due date is extended by them. */
  @Property({ type: 'integer' })
  pausedDays: number = 0;

  /** 09:00 local time on dueOn, as a UTC instant. */
  @Property({ type: 'timestamptz' })
  dueAt: Date;

  @Property({ type: 'json' })
  stages: DeadlineStageTime[];

  @Property({ type: 'json' })
  policy: DeadlinePolicyRef;

  @Property({ type: 'text', nullable: true })
  nextStage: Stage | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  nextFireAt: Date | null = null;

  @Property({ type: 'text[]' })
  sentStages: string[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  constructor(f: DeadlineFields) {
    this.request = f.request;
    this.step = f.step;
    this.owedByState = f.owedByState;
    this.openedAt = f.openedAt;
    this.dueOn = f.dueOn;
    this.baseDueOn = f.baseDueOn;
    this.suggestedDueOn = f.suggestedDueOn;
    this.dueAt = f.dueAt;
    this.stages = f.stages;
    this.policy = f.policy;
  }

  /** The stage to send next and when (none: nothing more is sent for this deadline). */
  setNext(stage: DeadlineStageTime | undefined): void {
    this.nextStage = stage?.stage ?? null;
    this.nextFireAt = stage ? new Date(stage.fireAt) : null;
  }
}
