/** Trial time left, as the banner shows it. */

export interface ITrialState {
  /** Whether the account is a trial (running or expired). */
  isTrial: boolean;
  /** Milliseconds left (negative when expired); null when unknown. */
  msLeft: number | null;
}

/** Read an `/orpheus/api/info` `account` object, whichever of the usual spellings it uses. */
export function trialState(account: unknown, now: number = Date.now()): ITrialState {
  if (!account || typeof account !== 'object') {
    return { isTrial: false, msLeft: null };
  }
  const a = account as Record<string, unknown>;
  const state = String(a.state ?? a.status ?? '').toLowerCase();
  const isTrial = state === 'trial' || state === 'expired';
  let msLeft: number | null = null;
  if (typeof a.seconds_left === 'number') {
    msLeft = a.seconds_left * 1000;
  } else if (typeof a.trial_expires_at === 'string') {
    const at = Date.parse(withZone(a.trial_expires_at));
    msLeft = Number.isNaN(at) ? null : at - now;
  }
  return { isTrial, msLeft };
}

/** ISO strings without a zone are UTC on the server side. */
function withZone(iso: string): string {
  return /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + 'Z';
}

/** "23 h 5 min left", "4 min left", "less than a minute left", "trial ended". */
export function formatTimeLeft(ms: number | null): string {
  if (ms === null) {
    return 'trial';
  }
  if (ms <= 0) {
    return 'trial ended';
  }
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) {
    return 'less than a minute left';
  }
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) {
    return `${days} d ${hours} h left`;
  }
  if (hours > 0) {
    return `${hours} h ${mins} min left`;
  }
  return `${mins} min left`;
}
