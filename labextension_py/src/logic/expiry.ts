/** Share link lifetimes offered in the Share dialog, and how an expiry reads. */

export interface IExpiryChoice {
  label: string;
  /** Seconds, or null for the service's default. */
  seconds: number | null;
}

export const EXPIRY_CHOICES: IExpiryChoice[] = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '7 days', seconds: 7 * 86400 },
  { label: '30 days', seconds: 30 * 86400 },
  { label: '1 year', seconds: 365 * 86400 }
];

/** The index of the choice selected by default (7 days). */
export const DEFAULT_EXPIRY = 2;

/** "expires in 3 h", "expired", "never expires". */
export function describeExpiry(expiresAt: string | null | undefined, now: number = Date.now()): string {
  if (!expiresAt) {
    return 'never expires';
  }
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(expiresAt) ? expiresAt : expiresAt + 'Z');
  if (Number.isNaN(at)) {
    return '';
  }
  const s = Math.round((at - now) / 1000);
  if (s <= 0) {
    return 'expired';
  }
  if (s < 3600) {
    return `expires in ${Math.max(1, Math.floor(s / 60))} min`;
  }
  // Rounded: a link made "for 7 days" a moment ago reads "7 d", not "6 d".
  if (s < 2 * 86400) {
    return `expires in ${Math.round(s / 3600)} h`;
  }
  return `expires in ${Math.round(s / 86400)} d`;
}

/** What a path shares as: notebooks, dashboard specs, session folders, or plain files. */
export function shareKindOf(path: string): 'notebook' | 'dashboard' | 'session' | 'file' {
  if (/\.ipynb$/i.test(path)) {
    return 'notebook';
  }
  if (/(^|\/)dashboards\/[^/]+\.json$/.test(path)) {
    return 'dashboard';
  }
  if (/(^|\/)sessions\/[^/]+$/.test(path)) {
    return 'session';
  }
  return 'file';
}
