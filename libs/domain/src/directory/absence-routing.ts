import { DateTime } from 'luxon';

/**
 * Who receives what is meant for a contact point that is away (issue 5), as a pure function: no
 * database, no clock. The notification and digest services load the stand-ins and call it for each
 * contact point they are about to write to.
 *
 * A stand-in is "from `from` to `until`, write to `delegateId` instead of `contactPointId`". An absence
 * (ContactPointAbsenceService) is one; a handover to a successor can be another, open-ended
 * (`until: null`), without changing this function.
 */
export interface StandIn {
  /** The contact point replaced. */
  contactPointId: string;
  /** IANA time zone of its State: `from` and `until` are its local calendar dates. */
  timeZone: string;
  /** First local date (YYYY-MM-DD) it is replaced. */
  from: string;
  /** Last local date (YYYY-MM-DD, included) it is replaced; null: from `from` on, with no end. */
  until: string | null;
  /** The contact point who receives instead. */
  delegateId: string;
}

/** Stand-ins by the id of the contact point they replace; when several apply on a date, the first listed wins. */
export type StandIns = ReadonlyMap<string, readonly StandIn[]>;

/** Where an email for a contact point goes. */
export interface Routing {
  /** The contact point to write to: the one asked for when it is not replaced. */
  recipientId: string;
  /** The replaced contact points passed through, in order (empty when not replaced). */
  via: string[];
  /**
   * True when the delegates lead back to one already passed (everyone in the loop is away): the email then
   * goes to the contact point asked for, the one whose mailbox it belongs in, rather than to nobody.
   */
  loop: boolean;
}

/** The calendar date (YYYY-MM-DD) of instant `at` in IANA zone `timeZone`. */
export function localDateOf(at: Date, timeZone: string): string {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`invalid time zone ${JSON.stringify(timeZone)}`);
  return d.toISODate()!;
}

/** True when `s` replaces its contact point at instant `at` (by that contact point's local date). */
export function standsInAt(s: StandIn, at: Date): boolean {
  const day = localDateOf(at, s.timeZone);
  return s.from <= day && (s.until === null || day <= s.until);
}

/**
 * The contact point that receives, at instant `at` (when the email is due to go out), what is meant for
 * `contactPointId`: itself when no stand-in applies on its local date; else its delegate, or the
 * delegate's delegate when that one is away too (each judged by its own local date), and so on. A loop
 * (A → B → A) sends to `contactPointId` itself and says so (`loop: true`).
 */
export function routeToStandIn(contactPointId: string, at: Date, standIns: StandIns): Routing {
  const via: string[] = [];
  let current = contactPointId;
  for (;;) {
    const active = standIns.get(current)?.find((s) => standsInAt(s, at));
    if (!active) return { recipientId: current, via, loop: false };
    via.push(current);
    if (active.delegateId === contactPointId || via.includes(active.delegateId)) return { recipientId: contactPointId, via, loop: true };
    current = active.delegateId;
  }
}
