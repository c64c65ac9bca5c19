import { readNetworksFile } from '../directory/directory-data';
import { BusinessCalendar, type StateCalendarInfo, type Weekday } from './business-calendar';
import { CalendarRegistry } from './calendar-registry';

const STATES: StateCalendarInfo[] = Object.entries(readNetworksFile().states).map(([code, s]) => ({
  code,
  timeZone: s.timeZone,
  weekend: s.weekend as Weekday[],
}));
const registry = new CalendarRegistry(STATES);
const cal = (code: string) => registry.forState(code);

/** Each date from `from` to `to` inclusive with its business-day flag, e.g. `05-13 -`. */
function week(c: BusinessCalendar, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = c.addCalendarDays(d, 1)) out.push(`${d.slice(5)} ${c.isBusinessDay(d) ? '+' : '-'}`);
  return out;
}

describe('weekends', () => {
  it('SAT/SUN States (Ghana) work Monday to Friday', () => {
    // 2021-03-01 is a Monday; no holiday that week in Ghana.
    expect(week(cal('GH'), '2021-03-01', '2021-03-05')).toEqual(['03-01 +', '03-02 +', '03-03 +', '03-04 +', '03-05 +']);
    expect(cal('GH').isBusinessDay('2021-02-27')).toBe(false); // Saturday
    expect(cal('GH').isBusinessDay('2021-02-28')).toBe(false); // Sunday
    expect(cal('GH').holidayName('2021-02-27')).toBeNull(); // a weekend day is not a holiday
    expect(cal('DE').addBusinessDays('2021-02-26', 1)).toBe('2021-03-01'); // Fri + 1 → Mon
  });

  it('Brunei (FRI+SUN) works on Saturday', () => {
    expect(week(cal('BN'), '2021-03-01', '2021-03-07')).toEqual(['03-01 +', '03-02 +', '03-03 +', '03-04 +', '03-05 -', '03-06 +', '03-07 -']);
    expect(cal('BN').addBusinessDays('2021-03-04', 1)).toBe('2021-03-06'); // Thu + 1 → Sat
    expect(cal('BN').subtractBusinessDays('2021-03-08', 1)).toBe('2021-03-06'); // Mon − 1 → Sat
  });

  it('Maldives (FRI+SAT, weekends only) works on Sunday', () => {
    expect(week(cal('MV'), '2021-03-01', '2021-03-07')).toEqual(['03-01 +', '03-02 +', '03-03 +', '03-04 +', '03-05 -', '03-06 -', '03-07 +']);
    expect(cal('MV').addBusinessDays('2021-03-04', 1)).toBe('2021-03-07'); // Thu + 1 → Sun
  });
});

describe('public holidays (date-holidays, by calendar date)', () => {
  it('Ghana Independence Day on Saturday 6 March 2021 and its substitute Monday 8 March', () => {
    expect(cal('GH').holidayName('2021-03-06')).toBe('Independence Day');
    expect(cal('GH').holidayName('2021-03-08')).toBe('Independence Day (substitute day)');
    expect(cal('GH').isBusinessDay('2021-03-08')).toBe(false);
    // Thu 4 Mar + 5: Fri 5 (1), Sat 6, Sun 7, Mon 8 substitute, Tue 9 (2), Wed 10 (3), Thu 11 (4), Fri 12 (5)
    expect(cal('GH').addBusinessDays('2021-03-04', 5)).toBe('2021-03-12');
  });

  it('Christmas and Boxing Day with their substitute days (Ghana 2021) and the New Year substitute across the year end', () => {
    expect(cal('GH').holidayName('2021-12-25')).toBe('Christmas Day');
    expect(week(cal('GH'), '2021-12-24', '2022-01-04')).toEqual([
      '12-24 +',
      '12-25 -',
      '12-26 -',
      '12-27 -',
      '12-28 -',
      '12-29 +',
      '12-30 +',
      '12-31 +',
      '01-01 -',
      '01-02 -',
      '01-03 -',
      '01-04 +',
    ]);
    // Thu 23 Dec + 5: Fri 24 (1), 25–28 off, 29 (2), 30 (3), 31 (4), 1–3 Jan off, Tue 4 Jan (5)
    expect(cal('GH').addBusinessDays('2021-12-23', 5)).toBe('2022-01-04');
  });

  it('a deadline across a weekend and two weekday holidays: Nigeria, Id el Fitr Thu 13 – Fri 14 May 2021', () => {
    expect(week(cal('NG'), '2021-05-12', '2021-05-17')).toEqual(['05-12 +', '05-13 -', '05-14 -', '05-15 -', '05-16 -', '05-17 +']);
    expect(cal('NG').holidayName('2021-05-14')).toBe('Id el Fitr');
    // Tue 11 May + 5: Wed 12 (1), Thu 13 + Fri 14 Eid, weekend, Mon 17 (2), Tue 18 (3), Wed 19 (4), Thu 20 (5)
    expect(cal('NG').addBusinessDays('2021-05-11', 5)).toBe('2021-05-20');
    expect(cal('NG').subtractBusinessDays('2021-05-17', 1)).toBe('2021-05-12');
  });

  it('Islamic holidays fall on their calendar date, not on the eve when the date-holidays window begins at sunset', () => {
    // date-holidays: "2021-05-13 00:00:00 -0600", start 2021-05-12T10:00Z (18:00 the eve in Kuala Lumpur)
    expect(week(cal('MY'), '2021-05-12', '2021-05-15')).toEqual(['05-12 +', '05-13 -', '05-14 -', '05-15 -']);
    expect(cal('MY').holidayName('2021-05-12')).toBeNull();
    expect(cal('MY').holidayName('2021-05-13')).toBe('End of Ramadan (Eid al-Fitr)');
    // Senegal, Korité 13 May 2021 (window from 18:00Z on the 12th); Ascension falls the same day
    expect(cal('SN').holidayName('2021-05-12')).toBeNull();
    expect(cal('SN').holidayName('2021-05-13')).toBe('End of Ramadan (Eid al-Fitr) / Ascension Day');
    expect(cal('SN').isBusinessDay('2021-05-14')).toBe(true);
    // Kazakhstan: Kurban ait (Eid al-Adha) Tue 20 July 2021 only
    expect(week(cal('KZ'), '2021-07-19', '2021-07-21')).toEqual(['07-19 +', '07-20 -', '07-21 +']);
    expect(cal('KZ').holidayName('2021-07-20')).toBe('Eid al-Adha');
  });

  it("Brunei: a three-day Hari Raya window (13–15 May 2021) and Isra Mi'raj (Thu 11 March 2021)", () => {
    expect(week(cal('BN'), '2021-05-12', '2021-05-17')).toEqual(['05-12 +', '05-13 -', '05-14 -', '05-15 -', '05-16 -', '05-17 +']);
    expect(cal('BN').addBusinessDays('2021-05-12', 1)).toBe('2021-05-17');
    expect(cal('BN').isBusinessDay('2021-03-10')).toBe(true);
    expect(cal('BN').holidayName('2021-03-11')).toBe("Laylat al-Mi'raj");
    // Thu 4 Mar + 5: Sat 6 (1), Mon 8 (2), Tue 9 (3), Wed 10 (4), Thu 11 holiday, Fri 12 weekend, Sat 13 (5)
    expect(cal('BN').addBusinessDays('2021-03-04', 5)).toBe('2021-03-13');
  });

  it('a window shorter than a day (Germany, Christmas Eve from 14:00) is not a non-working day', () => {
    expect(cal('DE').isBusinessDay('2021-12-24')).toBe(true);
    expect(cal('DE').holidayName('2021-12-24')).toBeNull();
    expect(cal('DE').holidayName('2021-12-27')).toBeNull();
  });

  it('a five-day window counts five dates, across the year end (Russia, New Year holidays 2–6 January 2021)', () => {
    expect(cal('RU').isBusinessDay('2020-12-31')).toBe(true);
    expect(cal('RU').isBusinessDay('2021-01-08')).toBe(false);
    expect(cal('RU').addBusinessDays('2020-12-31', 1)).toBe('2021-01-11');
  });
});

describe('States date-holidays does not cover', () => {
  it('are exactly KH, LA, MV, MM, TL, KG, TJ and TM among the States of networks.json', () => {
    expect(registry.warnings()).toEqual(
      ['KH', 'LA', 'MV', 'MM', 'TL', 'KG', 'TJ', 'TM'].map(
        (c) => `date-holidays has no calendar for ${c}: counting weekends only (add its holidays: POST /api/v1/states/${c}/holidays)`,
      ),
    );
    expect(cal('GH').coversPublicHolidays).toBe(true);
    expect(cal('GH').warning).toBeNull();
  });

  it('Cambodia falls back to weekends only, with a warning, and accepts extra holidays', () => {
    const kh = cal('KH');
    expect(kh.coversPublicHolidays).toBe(false);
    expect(kh.warning).toBe('date-holidays has no calendar for KH: counting weekends only (add its holidays: POST /api/v1/states/KH/holidays)');
    expect(kh.isBusinessDay('2021-04-14')).toBe(true); // Khmer New Year, unknown without data
    expect(kh.isBusinessDay('2021-04-17')).toBe(false); // Saturday
    expect(kh.addBusinessDays('2021-04-13', 1)).toBe('2021-04-14');

    const withNewYear = new BusinessCalendar({ code: 'KH', timeZone: 'Asia/Phnom_Penh', weekend: ['SAT', 'SUN'] }, ['2021-04-14', '2021-04-15', '2021-04-16']);
    expect(withNewYear.isBusinessDay('2021-04-14')).toBe(false);
    expect(withNewYear.holidayName('2021-04-15')).toBe('holiday (extra)');
    expect(withNewYear.addBusinessDays('2021-04-13', 1)).toBe('2021-04-19');
    expect(withNewYear.warning).toBe("date-holidays has no calendar for KH: counting weekends and the 3 holiday(s) of the administrators' table");
  });
});

describe('counting', () => {
  it('n = 0: add gives the next business day, subtract gives the date itself', () => {
    expect(cal('GH').addBusinessDays('2021-03-12', 0)).toBe('2021-03-12');
    expect(cal('GH').addBusinessDays('2021-03-06', 0)).toBe('2021-03-09'); // Sat holiday, Sun, Mon substitute
    expect(cal('GH').subtractBusinessDays('2021-03-06', 0)).toBe('2021-03-06');
    expect(cal('GH').nextBusinessDayOnOrAfter('2021-03-06')).toBe('2021-03-09');
    expect(cal('GH').nextBusinessDayOnOrAfter('2021-03-05')).toBe('2021-03-05');
  });

  it('adds calendar days across month and year ends', () => {
    expect(cal('GH').addCalendarDays('2021-02-04', 30)).toBe('2021-03-06');
    expect(cal('GH').addCalendarDays('2021-12-31', 1)).toBe('2022-01-01');
    expect(cal('GH').addCalendarDays('2021-03-01', -1)).toBe('2021-02-28');
  });

  it('rejects malformed dates and counts', () => {
    expect(() => cal('GH').isBusinessDay('2021-02-30')).toThrow(RangeError);
    expect(() => cal('GH').addBusinessDays('4 March 2021', 1)).toThrow(RangeError);
    expect(() => cal('GH').addBusinessDays('2021-03-04', -1)).toThrow(RangeError);
    expect(() => cal('GH').subtractBusinessDays('2021-03-04', 1.5)).toThrow(RangeError);
    expect(() => cal('GH').localTime('2021-03-04', 24)).toThrow(RangeError);
  });
});

describe('local time', () => {
  it('09:00 in Berlin is 08:00Z before the 2021 DST change (28 March) and 07:00Z after it', () => {
    expect(cal('DE').localTime('2021-03-26').toISOString()).toBe('2021-03-26T08:00:00.000Z');
    expect(cal('DE').localTime('2021-03-29').toISOString()).toBe('2021-03-29T07:00:00.000Z');
    expect(cal('DE').localTime('2021-03-29', 17).toISOString()).toBe('2021-03-29T15:00:00.000Z');
  });

  it('09:00 in Sydney across its April 2021 DST end, and in Brunei (UTC+8, no DST)', () => {
    expect(cal('AU').localTime('2021-04-01').toISOString()).toBe('2021-03-31T22:00:00.000Z');
    expect(cal('AU').localTime('2021-04-06').toISOString()).toBe('2021-04-05T23:00:00.000Z');
    expect(cal('BN').localTime('2021-03-06').toISOString()).toBe('2021-03-06T01:00:00.000Z');
  });

  it('localDate: 19:30Z on 31 Dec 2021 is already 1 Jan 2022 in Tashkent (UTC+5), still 31 Dec in Accra', () => {
    const instant = new Date('2021-12-31T19:30:00Z');
    expect(cal('UZ').localDate(instant)).toBe('2022-01-01');
    expect(cal('GH').localDate(instant)).toBe('2021-12-31');
    expect(cal('US').localDate(new Date('2021-03-05T03:00:00Z'))).toBe('2021-03-04'); // 22:00 in New York
  });
});

describe('CalendarRegistry', () => {
  it('caches one calendar per State and names an unknown code', () => {
    expect(registry.forState('GH')).toBe(registry.forState('GH'));
    expect(registry.forState('GH').timeZone).toBe('Africa/Accra');
    expect(() => registry.forState('XX')).toThrow(/XX/);
  });

  it('passes extra holidays to their State and rejects misconfiguration', () => {
    const r = new CalendarRegistry(STATES, { GH: ['2021-03-10'] });
    expect(r.forState('GH').isBusinessDay('2021-03-10')).toBe(false);
    expect(r.forState('NG').isBusinessDay('2021-03-10')).toBe(true);
    expect(() => new CalendarRegistry(STATES, { XX: ['2021-03-10'] })).toThrow(/XX/);
    expect(() => new CalendarRegistry([...STATES, STATES[0]])).toThrow(/BJ/);
    expect(() => new CalendarRegistry([{ code: 'GH', timeZone: 'Africa/Nowhere', weekend: ['SAT', 'SUN'] }])).toThrow(/GH.*Africa\/Nowhere/);
    expect(() => new CalendarRegistry([{ code: 'GH', timeZone: 'Africa/Accra', weekend: ['SAT', 'SUNDAY' as Weekday] }])).toThrow(/SUNDAY/);
  });
});
