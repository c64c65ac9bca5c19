/**
 * Where the time comes from. Services never call `new Date()` for business time: a replay runs months
 * of simulated time in seconds with a ManualClock.
 */
export abstract class Clock {
  /** The current instant (UTC). */
  abstract now(): Date;
  /** True when `now()` follows the wall clock, so delayed jobs can wait in Redis. */
  abstract readonly realTime: boolean;
}

export class SystemClock extends Clock {
  readonly realTime = true;
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to; never goes backwards. */
export class ManualClock extends Clock {
  readonly realTime = false;
  private current: Date;
  constructor(start: Date) {
    super();
    this.current = new Date(start.getTime());
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  /** Moves to `instant`; throws if that is earlier than now. */
  set(instant: Date): void {
    if (instant.getTime() < this.current.getTime()) {
      throw new Error(`clock cannot go back from ${this.current.toISOString()} to ${instant.toISOString()}`);
    }
    this.current = new Date(instant.getTime());
  }
}
