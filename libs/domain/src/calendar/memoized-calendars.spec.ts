import { DEFAULT_DEADLINE_POLICY, type DeadlineStep } from '@rogatory/workflow';
import { CalendarRegistry } from './calendar-registry';
import { scheduleDeadline } from './deadline-schedule';
import type { Weekday } from './business-calendar';
import { readNetworksFile } from '../directory/directory-data';
import { MemoizedCalendarRegistry } from './memoized-calendars';

const data = readNetworksFile();
const infos = Object.entries(data.states).map(([code, s]) => ({ code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] }));
const source = new CalendarRegistry(infos, { NG: [{ date: '2021-06-14', name: 'extra' }], KH: ['2021-04-14'] });
const memoized = new MemoizedCalendarRegistry(source);

/** Every 8th day from 20 December 2020 to the end of 2021 (year ends, DST changes, Eid and Christmas inside). */
const DATES = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2020, 11, 20 + 8 * i)).toISOString().slice(0, 10));
/** An extra holiday (NG), Friday–Sunday weekends (BN), lunar holidays (MY), DST (DE), weekends only plus an extra holiday (KH). */
const STATES = ['NG', 'BN', 'MY', 'DE', 'KH'];

describe('MemoizedCalendarRegistry', () => {
  it('answers exactly as the calendars it wraps, twice (computed, then remembered)', () => {
    for (const code of STATES) {
      const cal = source.forState(code);
      const m = memoized.forState(code);
      expect(m.code).toBe(code);
      expect(m.timeZone).toBe(cal.timeZone);
      for (let pass = 0; pass < 2; pass++) {
        for (const date of DATES) {
          expect([code, date, m.isBusinessDay(date)]).toEqual([code, date, cal.isBusinessDay(date)]);
          expect(m.nextBusinessDayOnOrAfter(date)).toBe(cal.nextBusinessDayOnOrAfter(date));
          expect(m.addCalendarDays(date, 30)).toBe(cal.addCalendarDays(date, 30));
          expect(m.localTime(date, 12).toISOString()).toBe(cal.localTime(date, 12).toISOString());
          expect(m.localTime(date).toISOString()).toBe(cal.localTime(date).toISOString());
          const instant = new Date(`${date}T23:30:00Z`);
          expect(m.localDate(instant)).toBe(cal.localDate(instant));
          for (const n of [0, 1, 5, 20, 40]) {
            expect([code, date, n, m.addBusinessDays(date, n)]).toEqual([code, date, n, cal.addBusinessDays(date, n)]);
            expect([code, date, n, m.subtractBusinessDays(date, n)]).toEqual([code, date, n, cal.subtractBusinessDays(date, n)]);
          }
        }
      }
    }
  });

  it('gives the same deadline schedules', () => {
    for (const code of STATES) {
      for (const [step, policy] of Object.entries(DEFAULT_DEADLINE_POLICY.steps)) {
        for (const date of DATES.slice(0, 12)) {
          const openedAt = new Date(`${date}T11:00:00Z`);
          const zones = ['Africa/Lagos', 'Europe/Berlin'];
          const expected = scheduleDeadline(source.forState(code), openedAt, policy, DEFAULT_DEADLINE_POLICY.ladder, undefined, zones);
          const got = scheduleDeadline(memoized.forState(code), openedAt, policy, DEFAULT_DEADLINE_POLICY.ladder, undefined, zones);
          expect([code, step as DeadlineStep, date, got]).toEqual([code, step, date, expected]);
        }
      }
    }
  });

  it('hands out a fresh Date each time (a caller may change it)', () => {
    const m = memoized.forState('GH');
    const a = m.localTime('2021-03-01');
    a.setTime(0);
    expect(m.localTime('2021-03-01').toISOString()).toBe('2021-03-01T09:00:00.000Z');
  });

  it('throws as the calendars do, every time, and keeps their warnings', () => {
    const m = memoized.forState('GH');
    for (let i = 0; i < 2; i++) {
      expect(() => m.isBusinessDay('2021-13-01')).toThrow(RangeError);
      expect(() => m.addBusinessDays('2021-02-30', 3)).toThrow(RangeError);
      expect(() => m.addBusinessDays('2021-02-01', -1)).toThrow(RangeError);
      expect(() => m.localDate(new Date(NaN))).toThrow(RangeError);
    }
    expect(() => memoized.forState('XX')).toThrow(/unknown State "XX"/);
    expect(memoized.warnings()).toEqual(source.warnings());
  });
});
