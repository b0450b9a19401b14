/** When to re-read something the server may change behind the page's back (the account, ...). */

/** The polling interval in ms for a setting in minutes (at least 30 s; 2 min when unusable). */
export function intervalMs(minutes: unknown, fallbackMinutes = 2): number {
  const value = typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 ? minutes : fallbackMinutes;
  return Math.max(value, 0.5) * 60000;
}

/** Lets an event through at most once per `minGapMs` (window focus can fire in bursts). */
export class Throttle {
  private _last = -Infinity;

  constructor(private _minGapMs: number) {}

  /** Whether to act now; remembers `now` when it says yes. */
  ready(now: number = Date.now()): boolean {
    if (now - this._last < this._minGapMs) {
      return false;
    }
    this._last = now;
    return true;
  }
}
