import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';

/** A day of the week, as written in `data/networks.json` (`states.*.weekend`). */
export type Weekday = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';

/** What a calendar needs to know about a State; the shape of one `data/networks.json` `states` entry plus its code. */
export interface StateCalendarInfo {
  /** ISO 3166-1 alpha-2 code of the State, e.g. `GH`. */
  code: string;
  /** IANA zone of the seat of the State's central authority, e.g. `Africa/Accra`. */
  timeZone: string;
  /** Days on which the State's authorities do not work, e.g. `['FRI', 'SUN']` for Brunei. */
  weekend: Weekday[];
}

/** A holiday added to date-holidays' own: a calendar date `YYYY-MM-DD` and its name. */
export interface ExtraHoliday {
  date: string;
  name: string;
}

/** Index = luxon weekday (1 = Monday … 7 = Sunday) minus one. */
const WEEKDAYS: readonly Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/**
 * date-holidays types that close the State's authorities. `public` always; `bank` too, because in the
 * States we serve date-holidays uses it for days on which government offices are closed in practice:
 * Sweden's Midsummer, Christmas and New Year's Eves (de facto holidays), Japan's 2, 3 and 31 January
 * closures (administrative organs are closed 29 Dec–3 Jan), Brazil's Carnival and Corpus Christi
 * (federal "pontos facultativos"). Counting a closed day as a working day would escalate against an
 * authority that cannot answer; counting an open day as a holiday only gives it one more day. The
 * known over-count is the Netherlands' 31 December. Germany's 24 and 31 December are `bank` too but are
 * afternoon closures and are dropped by the whole-day rule (see {@link holidayDaysOf}).
 * `optional`, `school` and `observance` never count.
 */
const COUNTED_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

/** Hours of slack when counting the whole days of a holiday window: a window spanning a DST change lasts 23 or 25 h per day. */
const DST_SLACK_HOURS = 2;

/** Longest run of consecutive non-business days a calendar may have before a search gives up (a misconfiguration). */
const MAX_NON_BUSINESS_RUN = 3660;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

let supportedCountries: Readonly<Record<string, string>> | undefined;

/**
 * Countries date-holidays has data for. `Holidays#init` is no test: at 3.x it returns `true` for a country
 * it does not know (and then yields no holidays), so coverage is decided from `getCountries()`.
 */
function countriesWithHolidayData(): Readonly<Record<string, string>> {
  supportedCountries ??= new Holidays().getCountries();
  return supportedCountries;
}

/** Parses a `YYYY-MM-DD` calendar date (no zone attached: it is a date, not an instant). Throws RangeError when malformed. */
function parseDate(date: string): DateTime {
  const d = DATE_RE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (!d?.isValid) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return d;
}

function formatDate(d: DateTime): string {
  return d.toISODate() as string;
}

function plusDays(date: string, n: number): string {
  return formatDate(parseDate(date).plus({ days: n }));
}

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative whole number, got ${n}`);
}

/**
 * The UTC instant of `hour`:00 local time on calendar date `date` (`YYYY-MM-DD`) in IANA zone `zone`,
 * DST-aware (an hour skipped by a DST change moves forward by the gap). Throws RangeError on a bad date
 * or hour.
 */
export function localTimeIn(zone: string, date: string, hour = 9): Date {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be a whole number 0–23, got ${hour}`);
  const d = parseDate(date);
  return DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour }, { zone }).toJSDate();
}

/**
 * Holiday days of one date-holidays entry, as calendar dates of the State.
 *
 * A holiday counts by its calendar date, never by the time of day (DOMAIN.md §4). date-holidays gives
 * each entry a `date` string `YYYY-MM-DD hh:mm:ss[ ±hhmm]` and a `[start, end)` window of instants.
 * Islamic holidays begin at sunset: for Eid al-Fitr 2021 Malaysia gets `date` "2021-05-13 00:00:00 -0600"
 * with `start` 2021-05-12T10:00Z (18:00 in Kuala Lumpur the evening before). The date part of `date` is
 * the calendar day of the holiday (13 May), so the first day is always taken from it and the `-0600`
 * evening start never makes the eve a holiday. A window of several days (`P2D`, `P3D`: Nigeria's Id el
 * Fitr 13–14 May 2021, Brunei's Hari Raya 13–15 May 2021) covers as many consecutive dates as it holds
 * whole days; a remainder shorter than a day is dropped (Turkey's `PT90H` Ramazan Bayramı: 13–15 May
 * 2021, not the morning of the 16th), and so is an entry shorter than a day: an afternoon closure
 * (Germany's 24 Dec from 14:00) or China's 12:00 half-days for women, youth or the army, none of which
 * closes the central authority.
 */
function holidayDaysOf(h: { date: string; start: Date; end: Date }): string[] {
  const hours = (h.end.getTime() - h.start.getTime()) / 3_600_000;
  const wholeDays = Math.floor((hours + DST_SLACK_HOURS) / 24);
  const first = h.date.slice(0, 10);
  return Array.from({ length: wholeDays }, (_, i) => plusDays(first, i));
}

/**
 * Business days of one State (DOMAIN.md §4): every calendar date that is neither one of the State's
 * weekend days (`data/networks.json`) nor one of its national public holidays (date-holidays, types
 * `public` and `bank`, national level only: regional holidays of the seat are not included) nor one of
 * the extra holidays given to the constructor.
 *
 * Units: every `date` in and out is a calendar date `YYYY-MM-DD` **in the State's own calendar** (no time,
 * no zone). Counts named `n` are business days unless the method says calendar days. Instants (`Date`)
 * are UTC; {@link localDate} and {@link localTime} convert between the two with the State's IANA zone
 * (luxon, which follows daylight-saving rules). Holiday sets are computed once per year and cached.
 */
export class BusinessCalendar {
  /** ISO 3166-1 alpha-2 code of the State. */
  readonly code: string;
  /** IANA zone of the seat of the State's central authority. */
  readonly timeZone: string;
  /** true when date-holidays knows this country; false → weekends (+ extra holidays) only. */
  readonly coversPublicHolidays: boolean;
  /** `date-holidays has no calendar for KH: counting weekends only (…)` when not covered (naming the extra holidays when there are some); else null. */
  readonly warning: string | null;

  private readonly weekend: ReadonlySet<number>;
  private readonly extraHolidays: ReadonlyMap<string, string>;
  private readonly holidays: Holidays | null;
  /** year → (calendar date → holiday names) */
  private readonly byYear = new Map<number, Map<string, string[]>>();

  /**
   * @param info the State: code, IANA zone, weekend days. Throws when the zone is unknown, a weekend day is
   *   misspelt or the weekend covers the whole week.
   * @param extraHolidays further non-working calendar dates `YYYY-MM-DD` of this State, bare or with their
   *   name (e.g. holidays date-holidays lacks, or a holiday declared at short notice: the administrators'
   *   holiday table). They can only add days, never remove one. Throws RangeError on a malformed date.
   */
  constructor(info: StateCalendarInfo, extraHolidays: Iterable<string | ExtraHoliday> = []) {
    if (!/^[A-Z]{2}$/.test(info.code)) throw new Error(`not an ISO 3166-1 alpha-2 State code: ${JSON.stringify(info.code)}`);
    if (!IANAZone.isValidZone(info.timeZone)) throw new Error(`${info.code}: unknown IANA time zone ${JSON.stringify(info.timeZone)}`);
    const weekend = new Set<number>();
    for (const day of info.weekend) {
      const i = WEEKDAYS.indexOf(day);
      if (i < 0) throw new Error(`${info.code}: unknown weekend day ${JSON.stringify(day)} (expected one of ${WEEKDAYS.join(', ')})`);
      weekend.add(i + 1);
    }
    if (weekend.size === 7) throw new Error(`${info.code}: the weekend covers the whole week`);
    const extra = new Map<string, string>();
    for (const h of extraHolidays) {
      const { date, name } = typeof h === 'string' ? { date: h, name: 'holiday (extra)' } : h;
      extra.set(formatDate(parseDate(date)), name);
    }

    this.code = info.code;
    this.timeZone = info.timeZone;
    this.weekend = weekend;
    this.extraHolidays = extra;
    this.coversPublicHolidays = Object.prototype.hasOwnProperty.call(countriesWithHolidayData(), info.code);
    this.holidays = this.coversPublicHolidays ? new Holidays(info.code, { languages: ['en'] }) : null;
    this.warning = this.coversPublicHolidays
      ? null
      : extra.size
        ? `date-holidays has no calendar for ${info.code}: counting weekends and the ${extra.size} holiday(s) of the administrators' table`
        : `date-holidays has no calendar for ${info.code}: counting weekends only (add its holidays: POST /api/v1/states/${info.code}/holidays)`;
  }

  /** date-holidays' days off of the State in `year` (public and bank holidays, by calendar date), in date order. */
  holidaysIn(year: number): Array<{ date: string; name: string }> {
    return [...this.holidaysOfYear(year)].map(([date, names]) => ({ date, name: names.join(' / ') })).sort((a, b) => a.date.localeCompare(b.date));
  }

  /** Whether the calendar date is a working day of the State's authorities: not a weekend day, not a holiday. */
  isBusinessDay(date: string): boolean {
    const d = parseDate(date);
    return !this.weekend.has(d.weekday) && this.holidayName(date) === null;
  }

  /**
   * Name(s) of the holiday on this calendar date (English where date-holidays has it, else the
   * country's language; several holidays on one date are joined with ` / `); null on a non-holiday,
   * including an ordinary weekend day. An extra holiday without a date-holidays entry gives its own name
   * (`holiday (extra)` when given bare).
   */
  holidayName(date: string): string | null {
    const d = formatDate(parseDate(date));
    const names = this.holidaysOfYear(Number(d.slice(0, 4))).get(d);
    if (names) return names.join(' / ');
    return this.extraHolidays.get(d) ?? null;
  }

  /**
   * The calendar date `n` business days after `date` (`date` itself not counted, so it need not be a
   * business day: from a Saturday, 1 business day is the Monday). `n = 0` → `date` if it is a business
   * day, else the next business day. `n` must be a non-negative whole number.
   */
  addBusinessDays(date: string, n: number): string {
    assertCount(n, 'business days');
    if (n === 0) return this.nextBusinessDayOnOrAfter(date);
    return this.walk(date, n, 1);
  }

  /**
   * The calendar date `n` business days before `date` (`date` itself not counted). `n = 0` → `date`
   * unchanged, business day or not. `n` must be a non-negative whole number.
   */
  subtractBusinessDays(date: string, n: number): string {
    assertCount(n, 'business days');
    if (n === 0) return formatDate(parseDate(date));
    return this.walk(date, n, -1);
  }

  /** `date` if it is a business day, else the first business day after it (calendar dates). */
  nextBusinessDayOnOrAfter(date: string): string {
    let d = formatDate(parseDate(date));
    for (let i = 0; !this.isBusinessDay(d); i++) {
      if (i > MAX_NON_BUSINESS_RUN) throw new Error(`${this.code}: no business day within ${MAX_NON_BUSINESS_RUN} days of ${date}`);
      d = plusDays(d, 1);
    }
    return d;
  }

  /** The calendar date `n` calendar days after `date` (negative `n`: before), weekends and holidays included. */
  addCalendarDays(date: string, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError(`calendar days must be a whole number, got ${n}`);
    return plusDays(date, n);
  }

  /** The calendar date (`YYYY-MM-DD`) of a UTC instant in the State's time zone. */
  localDate(instant: Date): string {
    const d = DateTime.fromJSDate(instant, { zone: this.timeZone });
    if (!d.isValid) throw new RangeError(`not a valid instant: ${String(instant)}`);
    return formatDate(d);
  }

  /**
   * The UTC instant of `hour`:00 local time (State's zone) on the calendar date `date`; `hour` 0–23,
   * default 9. Follows daylight-saving rules: 09:00 in Berlin is 08:00Z on 2021-03-26 and 07:00Z on
   * 2021-03-29. An hour that does not exist locally (skipped by a DST change) moves forward by the gap.
   */
  localTime(date: string, hour = 9): Date {
    return localTimeIn(this.timeZone, date, hour);
  }

  /** Steps `n` business days from `date` in direction `dir` (+1 forward, −1 backward), `date` not counted. */
  private walk(date: string, n: number, dir: 1 | -1): string {
    let d = formatDate(parseDate(date));
    let counted = 0;
    let run = 0;
    while (counted < n) {
      d = plusDays(d, dir);
      if (this.isBusinessDay(d)) {
        counted++;
        run = 0;
      } else if (++run > MAX_NON_BUSINESS_RUN) {
        throw new Error(`${this.code}: no business day within ${MAX_NON_BUSINESS_RUN} days of ${d}`);
      }
    }
    return d;
  }

  /**
   * Holidays falling on dates of `year`, cached. Entries of the previous year are read too, so that a
   * window of several days that starts in late December still covers its January dates.
   */
  private holidaysOfYear(year: number): Map<string, string[]> {
    let map = this.byYear.get(year);
    if (map) return map;
    map = new Map();
    if (this.holidays) {
      const prefix = `${String(year).padStart(4, '0')}-`;
      for (const y of [year - 1, year]) {
        for (const h of this.holidays.getHolidays(y)) {
          if (!COUNTED_TYPES.has(h.type)) continue;
          for (const day of holidayDaysOf(h)) {
            if (!day.startsWith(prefix)) continue;
            const names = map.get(day) ?? [];
            if (!names.includes(h.name)) names.push(h.name);
            map.set(day, names);
          }
        }
      }
    }
    this.byYear.set(year, map);
    return map;
  }
}
