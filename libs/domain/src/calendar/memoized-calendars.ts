import { BusinessCalendar } from './business-calendar';
import { CalendarRegistry } from './calendar-registry';

/**
 * Entries a memoized calendar keeps before it starts afresh: a bound on memory (each entry is a few dozen
 * bytes; one calendar per State, kept as long as the holiday table is unchanged). A few years of dates.
 */
const MAX_ENTRIES = 20_000;

/**
 * A registry whose calendars remember what they computed: the same business-day walks, local dates and
 * local times come back for every case of a register that opens deadlines on the same dates in the same
 * State, and each costs dozens of luxon date operations. Answers are those of `source`'s calendars, which
 * are pure functions of their arguments once built (an instance never changes its holidays: a holiday
 * change gives a new registry, DirectoryService.calendarRegistry); errors are thrown as they throw them
 * and never remembered. DirectoryService.calendarRegistry gives every registry it builds this way, so an
event's transaction, a deadline firing and the register import all share what was computed.
 */
export class MemoizedCalendarRegistry extends CalendarRegistry {
  private readonly memoized = new Map<string, BusinessCalendar>();

  constructor(private readonly source: CalendarRegistry) {
    super([]);
  }

  /** The calendar of a State, memoized; throws as `source.forState` does for an unknown State. */
  override forState(code: string): BusinessCalendar {
    let cal = this.memoized.get(code);
    if (!cal) {
      cal = memoizedCalendar(this.source.forState(code));
      this.memoized.set(code, cal);
    }
    return cal;
  }

  /** The warnings of `source`. */
  override warnings(): string[] {
    return this.source.warnings();
  }
}

/**
 * `cal` with its pure date methods memoized: an object whose prototype is `cal` (so every other method,
 * and `cal`'s own code, which calls `isBusinessDay` on it, runs unchanged), with own `isBusinessDay`,
 * `addBusinessDays`, `subtractBusinessDays`, `nextBusinessDayOnOrAfter`, `addCalendarDays`, `localDate`
 * and `localTime` that remember their answers (a fresh Date each time for `localTime`). A walk of `n`
 * business days is taken one business day at a time (the `n`-th business day after a date is the next one
 * after the `n-1`-th), each step remembered, so that walks from different dates share their steps.
 */
export function memoizedCalendar(cal: BusinessCalendar): BusinessCalendar {
  const memo = new Map<string, string | boolean | number>();
  const remember = <T extends string | boolean | number>(key: string, compute: () => T): T => {
    const known = memo.get(key);
    if (known !== undefined) return known as T;
    const value = compute();
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(key, value);
    return value;
  };
  const m = Object.create(cal) as BusinessCalendar;
  /** `n` steps of one business day from `date` in direction `dir`; `n` a positive whole number. */
  const walk = (date: string, n: number, dir: '+' | '-'): string => {
    let d = date;
    for (let i = 0; i < n; i++) {
      const from = d;
      d = remember(`${dir}${from}|1`, () => (dir === '+' ? cal.addBusinessDays.call(m, from, 1) : cal.subtractBusinessDays.call(m, from, 1)));
    }
    return d;
  };
  const positive = (n: number) => Number.isInteger(n) && n > 0;
  m.isBusinessDay = (date) => remember(`b${date}`, () => cal.isBusinessDay.call(m, date));
  m.addBusinessDays = (date, n) => remember(`+${date}|${n}`, () => (positive(n) ? walk(date, n, '+') : cal.addBusinessDays.call(m, date, n)));
  m.subtractBusinessDays = (date, n) => remember(`-${date}|${n}`, () => (positive(n) ? walk(date, n, '-') : cal.subtractBusinessDays.call(m, date, n)));
  m.nextBusinessDayOnOrAfter = (date) => remember(`n${date}`, () => cal.nextBusinessDayOnOrAfter.call(m, date));
  m.addCalendarDays = (date, n) => remember(`c${date}|${n}`, () => cal.addCalendarDays.call(m, date, n));
  m.localDate = (instant) => remember(`d${instant.getTime()}`, () => cal.localDate.call(m, instant));
  m.localTime = (date, hour = 9) => new Date(remember(`t${date}|${hour}`, () => cal.localTime.call(m, date, hour).getTime()));
  return m;
}
