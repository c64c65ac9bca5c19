// A deadline as people read it: the step owed, by which State, the due date, and days left or overdue
// counted in calendar days from today in the reader's own time zone (their State's, from /me).
import { useMe } from '../app';
import { daysBetween, todayIn, useI18n } from '../i18n';

/** "due 12 Mar 2026 · 3 days left" / "overdue by 5 days" for a due date (YYYY-MM-DD) and the API's `overdue`. */
export function DueText({ dueOn, overdue }: { dueOn: string; overdue: boolean }) {
  const i = useI18n();
  const me = useMe();
  const left = daysBetween(todayIn(me.timeZone), dueOn);
  let when: string;
  if (overdue) when = i.tn('due.overdueBy', Math.max(1, -left));
  else if (left <= 0) when = i.t('due.today');
  else when = i.tn('due.daysLeft', left);
  return (
    <span className={overdue ? 'due overdue' : left <= 3 ? 'due soon' : 'due'}>
      <time dateTime={dueOn}>{i.date(dueOn)}</time> · {when}
    </span>
  );
}

/** "Acknowledgement, owed by Ghana". */
export function StepOwed({ step, owedByState }: { step: string; owedByState: string }) {
  const i = useI18n();
  return <>{i.t('due.stepOwedBy', { step: i.code('step', step), state: i.stateName(owedByState) })}</>;
}
