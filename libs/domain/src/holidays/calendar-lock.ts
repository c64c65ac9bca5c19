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

/** The shared calendar locks each open transaction already holds (keyed by its transaction context). */
const heldShared = new WeakMap<object, Set<string>>();

/**
 * Takes the locks on `states` (sorted by code, the order that keeps them from deadlocking) in one
 * statement: unnest yields the array's elements in order, and each row's function call takes its lock.
 */
async function lockAll(em: EntityManager, fn: 'pg_advisory_xact_lock_shared' | 'pg_advisory_xact_lock', states: string[]): Promise<void> {
  // knex expands an array parameter into a list: array[?] is array['a', 'b']
  if (states.length) await em.execute(`select ${fn}(hashtext(k)) from unnest(array[?]::text[]) as u(k)`, [states.map(key)]);
}

/**
 * Shared locks on the calendars of `states` until the transaction of `em` ends; those this transaction
 * already holds are not asked for again (an event's transaction and the deadline it fires ask twice).
 * Outside a transaction each call locks (and the locks end with the statement).
 */
export async function lockCalendarsShared(em: EntityManager, states: string[]): Promise<void> {
  const tx = em.getTransactionContext() as object | undefined;
  const held = tx ? (heldShared.get(tx) ?? new Set<string>()) : new Set<string>();
  const missing = [...new Set(states)].filter((s) => !held.has(s)).sort();
  await lockAll(em, 'pg_advisory_xact_lock_shared', missing);
  if (tx) {
    for (const s of missing) held.add(s);
    heldShared.set(tx, held);
  }
}

/** Exclusive locks on the calendars of `states` until the transaction of `em` ends (a holiday change). */
export async function lockCalendarsExclusive(em: EntityManager, states: string[]): Promise<void> {
  await lockAll(em, 'pg_advisory_xact_lock', [...new Set(states)].sort());
}
