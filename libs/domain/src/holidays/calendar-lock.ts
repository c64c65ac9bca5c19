import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Transaction-scoped PostgreSQL advisory locks on States' calendars, so that a deadline is never
 * computed with a calendar that a concurrent holiday change is replacing:
 *
 * - an event's transaction takes the calendars of both States of its request in SHARED mode, first,
 *   before any row lock (events on different requests do not wait for each other);
 * - a holiday change takes its State's calendar EXCLUSIVELY, first, then reads the calendar and locks
 *   the requests whose deadlines it recomputes.
 *
 * Both orders start with the advisory locks (sorted by code), so they cannot deadlock. A holiday change
 * waits for the events in flight on that State's requests, and an event that starts meanwhile waits for
 * the change to commit and then reads the new calendar (READ COMMITTED).
 */
const key = (state: string): string => `rogatory.calendar.${state}`;

/** Shared locks on the calendars of `states` until the transaction of `em` ends. */
export async function lockCalendarsShared(em: EntityManager, states: string[]): Promise<void> {
  for (const s of [...new Set(states)].sort()) await em.execute('select pg_advisory_xact_lock_shared(hashtext(?))', [key(s)]);
}

/** Exclusive locks on the calendars of `states` until the transaction of `em` ends (a holiday change). */
export async function lockCalendarsExclusive(em: EntityManager, states: string[]): Promise<void> {
  for (const s of [...new Set(states)].sort()) await em.execute('select pg_advisory_xact_lock(hashtext(?))', [key(s)]);
}
