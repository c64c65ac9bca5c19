/**
 * The default deadline policy of DOMAIN.md §4 as data. The machine decides *which* step is owed and
 * *which* reminder or escalation comes next; the domain layer turns these durations into dates with
 * the calendar (business days) of the State that owes the step.
 */

/** Steps that carry a deadline. */
export const DEADLINE_STEPS = [
  'ACKNOWLEDGEMENT',
  'WRITTEN_CONFIRMATION',
  'ASSESSMENT',
  'ADDITIONAL_INFORMATION',
  'PROGRESS_ENQUIRY_REPLY',
  'EXECUTION',
  'POSTPONEMENT_REVIEW',
] as const;
export type DeadlineStep = (typeof DEADLINE_STEPS)[number];

/** Which side owes a step. */
export type Side = 'REQUESTING' | 'REQUESTED';

/**
 * Stages of a deadline, in order. `REMINDER` goes before or on the due date; `LEVEL_1`..`LEVEL_4` are
 * the escalation ladder of DOMAIN.md §4 for an overdue step.
 */
export const STAGES = ['REMINDER', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4'] as const;
export type Stage = (typeof STAGES)[number];

/** Who receives the notification of a stage. */
export type Audience = 'OWING_CENTRAL_AUTHORITY' | 'CONTACT_POINTS' | 'NETWORK_SECRETARIAT';

/** Duration: business days of the owing State, or calendar days. */
export type Duration = { businessDays: number } | { calendarDays: number };

export interface StepPolicy {
  owedBy: Side;
  /** Time allowed from the event that opens the step. */
  due: Duration;
  /** Reminder this many business days before the due date (0: on the due date). */
  reminderBusinessDaysBefore: number;
  /** Whether the escalation ladder applies once the step is overdue. */
  escalates: boolean;
}

/** Business days after the due date at which each escalation level is sent. */
export interface EscalationLadder {
  LEVEL_1: number;
  LEVEL_2: number;
  LEVEL_3: number;
  LEVEL_4: number;
}

export interface DeadlinePolicy {
  steps: Record<DeadlineStep, StepPolicy>;
  ladder: EscalationLadder;
}

/**
 * Default policy, DOMAIN.md §4 (the product's own policy: UNTOC art. 18 sets no fixed deadline).
 * Level 1 is sent on the first business day after the due date (the step is then overdue); levels 2,
 * 3 and 4 at +10, +20 and +40 business days after the due date.
 */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  steps: {
    ACKNOWLEDGEMENT: { owedBy: 'REQUESTED', due: { businessDays: 5 }, reminderBusinessDaysBefore: 0, escalates: true },
    WRITTEN_CONFIRMATION: { owedBy: 'REQUESTING', due: { businessDays: 3 }, reminderBusinessDaysBefore: 0, escalates: true },
    ASSESSMENT: { owedBy: 'REQUESTED', due: { businessDays: 20 }, reminderBusinessDaysBefore: 3, escalates: true },
    ADDITIONAL_INFORMATION: { owedBy: 'REQUESTING', due: { calendarDays: 30 }, reminderBusinessDaysBefore: 5, escalates: true },
    PROGRESS_ENQUIRY_REPLY: { owedBy: 'REQUESTED', due: { businessDays: 10 }, reminderBusinessDaysBefore: 0, escalates: true },
    EXECUTION: { owedBy: 'REQUESTED', due: { calendarDays: 90 }, reminderBusinessDaysBefore: 10, escalates: true },
    POSTPONEMENT_REVIEW: { owedBy: 'REQUESTED', due: { calendarDays: 60 }, reminderBusinessDaysBefore: 0, escalates: false },
  },
  ladder: { LEVEL_1: 1, LEVEL_2: 10, LEVEL_3: 20, LEVEL_4: 40 },
};

/** The stage that follows `stage` for a step, or null when the ladder is exhausted. */
export function nextStage(step: DeadlineStep, stage: Stage, policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): Stage | null {
  if (!policy.steps[step].escalates) return null;
  const i = STAGES.indexOf(stage);
  return i >= 0 && i < STAGES.length - 1 ? STAGES[i + 1] : null;
}

/** Escalation level of a stage: 0 for the reminder, 1–4 for the ladder. */
export function stageLevel(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** Who is told at each stage (DOMAIN.md §4 ladder). Level 4 lists the case for the plenary and tells the secretariat. */
export function stageAudience(stage: Stage): Audience {
  switch (stage) {
    case 'REMINDER':
    case 'LEVEL_1':
      return 'OWING_CENTRAL_AUTHORITY';
    case 'LEVEL_2':
      return 'CONTACT_POINTS';
    default:
      return 'NETWORK_SECRETARIAT';
  }
}
