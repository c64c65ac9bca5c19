import { localDateOf, routeToStandIn, type StandIn, type StandIns } from './absence-routing';

/** Contact points of the examples: Senegal (Africa/Dakar, UTC+0), Côte d'Ivoire, and Uzbekistan (Asia/Tashkent, UTC+5). */
const SN1 = 'sn-1';
const SN2 = 'sn-2';
const CI1 = 'ci-1';
const UZ1 = 'uz-1';
const UZ2 = 'uz-2';

function standIns(...list: StandIn[]): StandIns {
  const map = new Map<string, StandIn[]>();
  for (const s of list) map.set(s.contactPointId, [...(map.get(s.contactPointId) ?? []), s]);
  return map;
}
const away = (contactPointId: string, from: string, until: string | null, delegateId: string, timeZone = 'Africa/Dakar'): StandIn => ({
  contactPointId,
  timeZone,
  from,
  until,
  delegateId,
});
const at = (iso: string) => new Date(iso);

describe('routeToStandIn: who receives what is meant for an absent contact point', () => {
  it.each<[string, string, StandIns, string, { recipientId: string; via: string[]; loop: boolean }]>([
    ['no absence: the contact point itself', SN1, standIns(), '2021-03-22T09:00:00Z', { recipientId: SN1, via: [], loop: false }],
    [
      'absent that day: its delegate',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-26', SN2)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
    [
      'first day of the absence included',
      SN1,
      standIns(away(SN1, '2021-03-22', '2021-03-26', SN2)),
      '2021-03-22T00:00:00Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
    [
      'last day of the absence included',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-22', SN2)),
      '2021-03-22T23:59:59Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
    [
      'the day after: back to the contact point',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-21', SN2)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN1, via: [], loop: false },
    ],
    [
      'before the absence: the contact point',
      SN1,
      standIns(away(SN1, '2021-03-23', '2021-03-26', SN2)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN1, via: [], loop: false },
    ],
    [
      'open-ended stand-in (a handover): the successor from its first day on',
      SN1,
      standIns(away(SN1, '2021-03-01', null, SN2)),
      '2031-01-01T09:00:00Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
    [
      'delegate away too: the delegate’s delegate',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-26', SN2), away(SN2, '2021-03-20', '2021-03-31', CI1)),
      '2021-03-22T09:00:00Z',
      { recipientId: CI1, via: [SN1, SN2], loop: false },
    ],
    [
      'delegate away, but not on that date: the delegate',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-26', SN2), away(SN2, '2021-03-25', '2021-03-31', CI1)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
    [
      'both away naming each other: a loop, the contact point itself',
      SN1,
      standIns(away(SN1, '2021-03-15', '2021-03-26', SN2), away(SN2, '2021-03-15', '2021-03-26', SN1)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN1, via: [SN1, SN2], loop: true },
    ],
    [
      'a longer loop that does not pass the start again',
      CI1,
      standIns(away(CI1, '2021-03-01', '2021-03-31', SN1), away(SN1, '2021-03-01', '2021-03-31', SN2), away(SN2, '2021-03-01', '2021-03-31', SN1)),
      '2021-03-22T09:00:00Z',
      { recipientId: CI1, via: [CI1, SN1, SN2], loop: true },
    ],
    [
      'several stand-ins of one contact point: the one in force that day',
      SN1,
      standIns(away(SN1, '2021-03-01', '2021-03-10', CI1), away(SN1, '2021-03-20', '2021-03-26', SN2)),
      '2021-03-22T09:00:00Z',
      { recipientId: SN2, via: [SN1], loop: false },
    ],
  ])('%s', (_, who, list, instant, expected) => {
    expect(routeToStandIn(who, at(instant), list)).toEqual(expected);
  });

  it('judges the dates in the absent contact point’s own time zone', () => {
    // 20:00 UTC on 21 March is already 22 March in Tashkent (UTC+5), still 21 March in Dakar.
    const instant = at('2021-03-21T20:00:00Z');
    expect(localDateOf(instant, 'Asia/Tashkent')).toBe('2021-03-22');
    expect(localDateOf(instant, 'Africa/Dakar')).toBe('2021-03-21');
    expect(routeToStandIn(UZ1, instant, standIns(away(UZ1, '2021-03-22', '2021-03-26', UZ2, 'Asia/Tashkent')))).toEqual({
      recipientId: UZ2,
      via: [UZ1],
      loop: false,
    });
    expect(routeToStandIn(SN1, instant, standIns(away(SN1, '2021-03-22', '2021-03-26', SN2)))).toEqual({ recipientId: SN1, via: [], loop: false });
    // and back on the day after `until`, by the same local date
    expect(routeToStandIn(UZ1, at('2021-03-26T19:00:00Z'), standIns(away(UZ1, '2021-03-22', '2021-03-26', UZ2, 'Asia/Tashkent'))).recipientId).toBe(UZ1);
  });

  it('refuses an invalid time zone rather than guessing a date', () => {
    expect(() => routeToStandIn(SN1, at('2021-03-22T09:00:00Z'), standIns(away(SN1, '2021-03-15', '2021-03-26', SN2, 'Mars/Olympus')))).toThrow(
      'invalid time zone "Mars/Olympus"',
    );
  });
});
