import { BusinessCalendar, type ExtraHoliday, type StateCalendarInfo } from './business-calendar';

/**
 * One {@link BusinessCalendar} per State, built once at construction (so an unknown time zone or weekend
 * day in the configuration fails at start-up) and then shared; each calendar caches its holidays per year.
 */
export class CalendarRegistry {
  private readonly calendars = new Map<string, BusinessCalendar>();

  /**
   * @param states the States, e.g. the entries of `data/networks.json` `states` with their codes.
   *   Throws on a State listed twice.
   * @param extraHolidays per State code, further non-working calendar dates `YYYY-MM-DD` of that State
   *   (bare or named: the administrators' holiday table).
   *   Throws on a code that is not among `states` (a misspelt code would otherwise be ignored silently).
   */
  constructor(states: StateCalendarInfo[], extraHolidays: Record<string, Array<string | ExtraHoliday>> = {}) {
    for (const info of states) {
      if (this.calendars.has(info.code)) throw new Error(`State ${info.code} is listed twice`);
      this.calendars.set(info.code, new BusinessCalendar(info, extraHolidays[info.code] ?? []));
    }
    for (const code of Object.keys(extraHolidays)) {
      if (!this.calendars.has(code)) throw new Error(`extra holidays given for unknown State ${code}`);
    }
  }

  /** The calendar of a State; throws an Error naming the code when the State is unknown. */
  forState(code: string): BusinessCalendar {
    const calendar = this.calendars.get(code);
    if (!calendar) throw new Error(`no calendar for unknown State ${JSON.stringify(code)}`);
    return calendar;
  }

  /** The warnings of calendars that count weekends only (date-holidays has no data), in the order the States were given. */
  warnings(): string[] {
    return [...this.calendars.values()].flatMap((c) => (c.warning === null ? [] : [c.warning]));
  }
}
