import { STAGES, stageAudience, type EscalationLadder, type Stage, type StepPolicy } from '@rogatory/workflow';
import { localTimeIn, type BusinessCalendar } from './business-calendar';

/** Local hour at which due dates, reminders and escalations are anchored (DOMAIN.md §4: 09:00 local time). */
export const NOTIFICATION_HOUR = 9;

/** The escalation stages, in ladder order (LEVEL_1..LEVEL_4 of `STAGES`). */
const LEVELS = STAGES.filter((s): s is Exclude<Stage, 'REMINDER'> => s !== 'REMINDER');

/**
 * Concrete dates and instants of one step's deadline, in the calendar of the State that owes the step.
 * Dates (`dueOn`, `fireOn`) are calendar dates `YYYY-MM-DD` of that State; instants (`dueAt`, `fireAt`)
 * are UTC `Date`s of 09:00 local time on those dates.
 */
export interface DeadlineSchedule {
  /** Due date, a business day of the owing State (local calendar date). */
  dueOn: string;
  /** 09:00 local time on `dueOn`, as a UTC instant (the due-day notifications are anchored here; the step is overdue once `dueOn` has passed). */
  dueAt: Date;
  /** REMINDER, then LEVEL_1..LEVEL_4 when the step escalates; each a business day at 09:00 local. */
  stages: Array<{ stage: Stage; fireOn: string; fireAt: Date }>;
}

/**
 * Turns a step's policy (DOMAIN.md §4, `DEFAULT_DEADLINE_POLICY` in `@rogatory/workflow`) into concrete
 * dates and instants. Pure: the result depends only on the arguments.
 *
 * - Start date: the calendar date of `openedAt` in the owing State (`cal.localDate`).
 * - Due date: `{ businessDays: n }` → `n` business days after the start date (the start date not
 *   counted); `{ calendarDays: n }` → start date + `n` calendar days, moved to the next business day when
 *   that is a weekend day or holiday. `explicitDueOn` (a suggested deadline given with reasons,
 *   `YYYY-MM-DD`) replaces the policy's duration and is likewise moved to the next business day.
 * - REMINDER: `reminderBusinessDaysBefore` business days before the due date (0: on it), but never
 *   before the first business day on or after the start date (never on a day the owing authority is
 *   closed, never before the step opened), and never after the due date.
 * - LEVEL_1..LEVEL_4 (only when `step.escalates`): `ladder.LEVEL_k` business days after the due date.
 *
 * Every stage fires at 09:00 local time on its date (`cal.localTime`, DST-aware), except that escalations
 * from level 2 on, which go to recipients of both States, fire at the earliest 09:00 on that date among
 * `recipientZones` (IANA zones) and the owing State's zone; each email then waits for its recipient's 09:00.
 * A stage whose instant is
 * already past when computed (e.g. a reminder on the opening day, opened after 09:00) is left to the
 * caller, which decides whether to send it at once.
 *
 * @param cal calendar of the State that owes the step (`StepPolicy.owedBy` resolved to a State).
 * @param openedAt UTC instant of the event that opened the step (e.g. the transmission).
 * @param recipientZones IANA zones of the other recipients of escalations (e.g. both States' zones).
 */
export function scheduleDeadline(
  cal: BusinessCalendar,
  openedAt: Date,
  step: StepPolicy,
  ladder: EscalationLadder,
  explicitDueOn?: string,
  recipientZones: string[] = [],
): DeadlineSchedule {
  const start = cal.localDate(openedAt);
  const dueOn =
    explicitDueOn !== undefined
      ? cal.nextBusinessDayOnOrAfter(explicitDueOn)
      : 'businessDays' in step.due
        ? cal.addBusinessDays(start, step.due.businessDays)
        : cal.nextBusinessDayOnOrAfter(cal.addCalendarDays(start, step.due.calendarDays));

  const earliest = cal.nextBusinessDayOnOrAfter(start);
  let reminderOn = cal.subtractBusinessDays(dueOn, step.reminderBusinessDaysBefore);
  if (reminderOn < earliest) reminderOn = earliest; // ISO dates compare as strings
  if (reminderOn > dueOn) reminderOn = dueOn;

  const at = (stage: Stage, fireOn: string) => {
    const owing = cal.localTime(fireOn, NOTIFICATION_HOUR);
    if (stageAudience(stage) === 'OWING_CENTRAL_AUTHORITY') return { stage, fireOn, fireAt: owing };
    const earliest = recipientZones.reduce((min, zone) => {
      const t = localTimeIn(zone, fireOn, NOTIFICATION_HOUR);
      return t < min ? t : min;
    }, owing);
    return { stage, fireOn, fireAt: earliest };
  };
  const stages = [at('REMINDER', reminderOn)];
  if (step.escalates) {
    for (const level of LEVELS) stages.push(at(level, cal.addBusinessDays(dueOn, ladder[level])));
  }
  return { dueOn, dueAt: cal.localTime(dueOn, NOTIFICATION_HOUR), stages };
}
