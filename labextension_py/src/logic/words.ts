/**
 * Words and numbers as people read them: plurals, relative times with their
 * full form for a tooltip, the order of quality names. Pure (unit-tested).
 */

/** "1 command", "2 commands", "0 commands"; `many` for irregular plurals. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** An ISO 8601 stamp as epoch milliseconds (naive stamps are UTC); NaN when unreadable. */
export function parseStamp(iso: string | null | undefined): number {
  if (!iso) {
    return NaN;
  }
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

export interface IWhen {
  /** "just now", "3 min ago", "2 h ago", "yesterday", "5 days ago", or a date for old stamps. */
  text: string;
  /** The full local date and time, for a tooltip. */
  full: string;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** The relative time of `iso` seen at `now`, with the full time (empty texts when unreadable). */
export function when(iso: string | null | undefined, now = Date.now()): IWhen {
  const t = parseStamp(iso);
  if (Number.isNaN(t)) {
    return { text: '', full: '' };
  }
  const full = new Date(t).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit'
  });
  const s = Math.round((now - t) / 1000);
  if (s < 0) {
    return { text: s > -MINUTE ? 'just now' : `in ${span(-s)}`, full };
  }
  if (s < MINUTE) {
    return { text: 'just now', full };
  }
  if (s < DAY) {
    return { text: `${span(s)} ago`, full };
  }
  if (s < 2 * DAY) {
    return { text: 'yesterday', full };
  }
  if (s < 30 * DAY) {
    return { text: `${plural(Math.floor(s / DAY), 'day')} ago`, full };
  }
  return { text: new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }), full };
}

function span(seconds: number): string {
  if (seconds < HOUR) {
    return `${Math.max(1, Math.floor(seconds / MINUTE))} min`;
  }
  if (seconds < DAY) {
    return `${Math.floor(seconds / HOUR)} h`;
  }
  return plural(Math.floor(seconds / DAY), 'day');
}

const QUALITY_ORDER = ['low', 'medium', 'high'];

/** Quality names from the lowest to the highest (known names first, the rest by name). */
export function orderQualities(names: string[]): string[] {
  const rank = (q: string): number => {
    const i = QUALITY_ORDER.indexOf(q.toLowerCase());
    return i === -1 ? QUALITY_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The file name at the end of a path. */
export function baseName(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || path;
}
