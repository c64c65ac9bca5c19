import { DEFAULT_DEADLINE_POLICY } from '@rogatory/workflow';
import { readNetworksFile } from '../directory/directory-data';
import type { Weekday } from './business-calendar';
import { CalendarRegistry } from './calendar-registry';
import { scheduleDeadline, type DeadlineSchedule } from './deadline-schedule';

const registry = new CalendarRegistry(
  Object.entries(readNetworksFile().states).map(([code, s]) => ({ code, timeZone: s.timeZone, weekend: s.weekend as Weekday[] })),
);
const { steps, ladder } = DEFAULT_DEADLINE_POLICY;

/** The schedule as strings: `dueOn dueAt` then `STAGE fireOn fireAt` per stage. */
function flat(s: DeadlineSchedule): string[] {
  return [`${s.dueOn} ${s.dueAt.toISOString()}`, ...s.stages.map((x) => `${x.stage} ${x.fireOn} ${x.fireAt.toISOString()}`)];
}

describe('scheduleDeadline', () => {
  it('acknowledgement in Nigeria (5 business days, reminder on the due day, full ladder) across Id el Fitr', () => {
    // Transmitted Tue 11 May 2021 11:00 in Lagos (UTC+1). Business days of NG from the data: Id el Fitr
    // Thu 13 + Fri 14 May, Children's Day Thu 27 May, Democracy Day substitute Mon 14 June.
    // Due: Wed 12 (1), Mon 17 (2), Tue 18 (3), Wed 19 (4), Thu 20 (5).
    // L1 +1: Fri 21. L2 +10: 21,24,25,26,28,31 May, 1,2,3,4 June. L3 +20: 7–11, 15–18, 21 June.
    // L4 +40: 22–25, 28–30 June, 1–2, 5–9, 12–16, 19 July.
    const s = scheduleDeadline(registry.forState('NG'), new Date('2021-05-11T10:00:00Z'), steps.ACKNOWLEDGEMENT, ladder);
    expect(flat(s)).toEqual([
      '2021-05-20 2021-05-20T08:00:00.000Z',
      'REMINDER 2021-05-20 2021-05-20T08:00:00.000Z',
      'LEVEL_1 2021-05-21 2021-05-21T08:00:00.000Z',
      'LEVEL_2 2021-06-04 2021-06-04T08:00:00.000Z',
      'LEVEL_3 2021-06-21 2021-06-21T08:00:00.000Z',
      'LEVEL_4 2021-07-19 2021-07-19T08:00:00.000Z',
    ]);
  });

  it('acknowledgement in Ghana across Independence Day (Sat 6 March 2021) and its Monday substitute, Easter and Labour Day', () => {
    // Transmitted Thu 4 March 2021. Due: Fri 5 (1), [Sat 6 holiday, Sun 7, Mon 8 substitute], 9, 10, 11, Fri 12 (5).
    // L2 +10: Fri 26 March. L3 +20: 29–31 March, 1 April, [Good Friday 2, Easter Monday 5], 6–9, Tue 13 April.
    // L4 +40: … 26–30 April, [Sat 1 May, Mon 3 May substitute], 4–7, 10–12 May (Eid al-Fitr is the 13th).
    const s = scheduleDeadline(registry.forState('GH'), new Date('2021-03-04T10:00:00Z'), steps.ACKNOWLEDGEMENT, ladder);
    expect(flat(s)).toEqual([
      '2021-03-12 2021-03-12T09:00:00.000Z',
      'REMINDER 2021-03-12 2021-03-12T09:00:00.000Z',
      'LEVEL_1 2021-03-15 2021-03-15T09:00:00.000Z',
      'LEVEL_2 2021-03-26 2021-03-26T09:00:00.000Z',
      'LEVEL_3 2021-04-13 2021-04-13T09:00:00.000Z',
      'LEVEL_4 2021-05-12 2021-05-12T09:00:00.000Z',
    ]);
  });

  it('additional information (30 calendar days) due on a Saturday moves to Monday; 09:00 Berlin across the DST change', () => {
    // Asked for Thu 4 Feb 2021 → Sat 6 March → Mon 8 March. Reminder 5 business days before: Mon 1 March.
    // L2 +10: Mon 22 March. L3 +20: … 1 April, [Good Friday, Easter Monday], 6, Wed 7 April (CEST, UTC+2).
    // L4 +40: … 30 April, [Sat 1 May Labour Day], 3, 4, Wed 5 May.
    const s = scheduleDeadline(registry.forState('DE'), new Date('2021-02-04T10:00:00Z'), steps.ADDITIONAL_INFORMATION, ladder);
    expect(flat(s)).toEqual([
      '2021-03-08 2021-03-08T08:00:00.000Z',
      'REMINDER 2021-03-01 2021-03-01T08:00:00.000Z',
      'LEVEL_1 2021-03-09 2021-03-09T08:00:00.000Z',
      'LEVEL_2 2021-03-22 2021-03-22T08:00:00.000Z',
      'LEVEL_3 2021-04-07 2021-04-07T07:00:00.000Z',
      'LEVEL_4 2021-05-05 2021-05-05T07:00:00.000Z',
    ]);
  });

  it('starts from the local date of the opening instant (Brunei, UTC+8, FRI+SUN weekend)', () => {
    // 17:00Z on Wed 3 March is 01:00 on Thu 4 March in Bandar Seri Begawan.
    // Due: Sat 6 (1), Mon 8 (2), Tue 9 (3), Wed 10 (4), [Thu 11 Isra Mi'raj, Fri 12 weekend], Sat 13 (5).
    const late = scheduleDeadline(registry.forState('BN'), new Date('2021-03-03T17:00:00Z'), steps.ACKNOWLEDGEMENT, ladder);
    expect(late.dueOn).toBe('2021-03-13');
    expect(late.dueAt.toISOString()).toBe('2021-03-13T01:00:00.000Z');
    // 15:00Z on Wed 3 March is still Wednesday 23:00 locally: Thu 4 (1), Sat 6 (2), Mon 8 (3), Tue 9 (4), Wed 10 (5).
    const early = scheduleDeadline(registry.forState('BN'), new Date('2021-03-03T15:00:00Z'), steps.ACKNOWLEDGEMENT, ladder);
    expect(early.dueOn).toBe('2021-03-10');
    expect(early.stages[1]).toEqual({ stage: 'LEVEL_1', fireOn: '2021-03-13', fireAt: new Date('2021-03-13T01:00:00Z') });
  });

  it('a step that does not escalate has only its reminder (postponement review, 60 calendar days)', () => {
    // Thu 4 March 2021 + 60 = Mon 3 May, Ghana's Labour Day substitute → Tue 4 May.
    const s = scheduleDeadline(registry.forState('GH'), new Date('2021-03-04T10:00:00Z'), steps.POSTPONEMENT_REVIEW, ladder);
    expect(flat(s)).toEqual(['2021-05-04 2021-05-04T09:00:00.000Z', 'REMINDER 2021-05-04 2021-05-04T09:00:00.000Z']);
  });

  it('a suggested deadline replaces the policy duration and moves off a holiday (execution in Nigeria)', () => {
    // Suggested Thu 13 May 2021 (Id el Fitr, then Fri 14 too) → Mon 17 May.
    // Reminder 10 business days before: 12, 11, 10, 7, 6, 5, 4, [Mon 3 May Worker's Day substitute], 30, 29, Wed 28 April.
    const s = scheduleDeadline(registry.forState('NG'), new Date('2021-04-01T10:00:00Z'), steps.EXECUTION, ladder, '2021-05-13');
    expect(s.dueOn).toBe('2021-05-17');
    expect(s.stages.map((x) => `${x.stage} ${x.fireOn}`)).toEqual([
      'REMINDER 2021-04-28',
      'LEVEL_1 2021-05-18',
      'LEVEL_2 2021-06-01', // 18–21, 24–26, [27 Children's Day], 28, 31 May, 1 June
      'LEVEL_3 2021-06-16', // 2–4, 7–11, [14 Democracy Day substitute], 15, 16
      'LEVEL_4 2021-07-14', // 17–18, 21–25, 28 June–2 July, 5–9, 12–14
    ]);
  });

  it('never puts the reminder before the step opened, nor on a day the owing authority is closed', () => {
    // Opened on Mon 3 May 2021, a Nigerian holiday; the reminder (10 business days before 17 May = 28 April) is
    // clamped to the first business day on or after the opening date: Tue 4 May, 09:00 in Lagos.
    const s = scheduleDeadline(registry.forState('NG'), new Date('2021-05-03T10:00:00Z'), steps.EXECUTION, ladder, '2021-05-13');
    expect(s.stages[0]).toEqual({ stage: 'REMINDER', fireOn: '2021-05-04', fireAt: new Date('2021-05-04T08:00:00Z') });
    // Opened on a business day: clamped to that very day.
    const t = scheduleDeadline(registry.forState('NG'), new Date('2021-05-06T10:00:00Z'), steps.EXECUTION, ladder, '2021-05-13');
    expect(t.stages[0].fireOn).toBe('2021-05-06');
  });

  it('uses the ladder it is given', () => {
    const s = scheduleDeadline(registry.forState('GH'), new Date('2021-03-04T10:00:00Z'), steps.ACKNOWLEDGEMENT, {
      LEVEL_1: 0,
      LEVEL_2: 1,
      LEVEL_3: 2,
      LEVEL_4: 3,
    });
    expect(s.stages.map((x) => x.fireOn)).toEqual(['2021-03-12', '2021-03-12', '2021-03-15', '2021-03-16', '2021-03-17']);
  });
});

/** The exact values of issue 3 ("Tests (exact values)"), with the States' weekends and holidays of networks.json and date-holidays. */
describe('issue 3 calendar values', () => {
  const days = (n: number) => ({ owedBy: 'REQUESTED' as const, due: { businessDays: n }, reminderBusinessDaysBefore: 0, escalates: false });

  it('Senegal: a step due 2 business days before Monday 28 December 2026 is reminded on Wednesday 23 December at 09:00 Africa/Dakar (25 December is a holiday)', () => {
    const sn = registry.forState('SN');
    expect(sn.holidayName('2026-12-25')).not.toBeNull();
    // Opened on Monday 14 December; due in 9 business days: 15–18, 21–24, [25 Christmas], 28 → Mon 28 December.
    // Reminder 2 business days before: [Sat 26, Sun 27], Thu 24 (1), [Fri 25 holiday], Wed 23 (2).
    const step = { owedBy: 'REQUESTED' as const, due: { businessDays: 9 }, reminderBusinessDaysBefore: 2, escalates: false };
    const s = scheduleDeadline(sn, new Date('2026-12-14T10:00:00Z'), step, ladder);
    expect(s.dueOn).toBe('2026-12-28');
    expect(s.stages[0]).toEqual({ stage: 'REMINDER', fireOn: '2026-12-23', fireAt: new Date('2026-12-23T09:00:00.000Z') });
  });

  it('Senegal: 6 business days after Wednesday 23 December 2026 is 2027-01-04T09:00:00Z (25 December and 1 January skipped)', () => {
    const s = scheduleDeadline(registry.forState('SN'), new Date('2026-12-23T09:00:00Z'), days(6), ladder);
    expect(s.dueAt.toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });

  it('France: 6 business days after Friday 27 March 2026, 09:00 Europe/Paris, is 2026-04-07T07:00:00Z (Easter Monday skipped; summer time began 29 March)', () => {
    const fr = new CalendarRegistry([{ code: 'FR', timeZone: 'Europe/Paris', weekend: ['SAT', 'SUN'] }]).forState('FR');
    const s = scheduleDeadline(fr, new Date('2026-03-27T08:00:00Z'), days(6), ladder);
    expect(s.dueAt.toISOString()).toBe('2026-04-07T07:00:00.000Z');
  });

  it('Brunei: 1 business day after Thursday 3 December 2026 is Saturday 5 December, 09:00 Asia/Brunei (2026-12-05T01:00:00Z)', () => {
    const s = scheduleDeadline(registry.forState('BN'), new Date('2026-12-03T02:00:00Z'), days(1), ladder);
    expect([s.dueOn, s.dueAt.toISOString()]).toEqual(['2026-12-05', '2026-12-05T01:00:00.000Z']);
  });

  it("Maldives (no date-holidays data): 2 business days after Wednesday 3 June 2026 is Sunday 7 June 09:00; with 4 June in the administrators' table, Monday 8 June", () => {
    const mv = { code: 'MV', timeZone: 'Indian/Maldives', weekend: ['FRI', 'SAT'] as Weekday[] };
    const opened = new Date('2026-06-03T05:00:00Z');
    const before = scheduleDeadline(new CalendarRegistry([mv]).forState('MV'), opened, days(2), ladder);
    expect([before.dueOn, before.dueAt.toISOString()]).toEqual(['2026-06-07', '2026-06-07T04:00:00.000Z']);
    const after = scheduleDeadline(
      new CalendarRegistry([mv], { MV: [{ date: '2026-06-04', name: 'Eid al-Adha (announced)' }] }).forState('MV'),
      opened,
      days(2),
      ladder,
    );
    expect([after.dueOn, after.dueAt.toISOString()]).toEqual(['2026-06-08', '2026-06-08T04:00:00.000Z']);
  });

  it('escalations from level 2 fire at the earliest 09:00 of the two States (Senegal owes, Kazakhstan asks): 09:00 Almaty', () => {
    const s = scheduleDeadline(registry.forState('SN'), new Date('2026-12-14T10:00:00Z'), steps.ACKNOWLEDGEMENT, ladder, undefined, [
      'Asia/Almaty',
      'Africa/Dakar',
    ]);
    const byStage = Object.fromEntries(s.stages.map((x) => [x.stage, x.fireAt.toISOString()]));
    expect(byStage.LEVEL_1.endsWith('T09:00:00.000Z')).toBe(true); // the owing central authority only: 09:00 Dakar
    expect(byStage.LEVEL_2.endsWith('T04:00:00.000Z')).toBe(true); // 09:00 in Almaty (UTC+5) is 04:00Z
  });
});
