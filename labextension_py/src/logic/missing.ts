/**
 * Per-column missing values of one analysed table, read from whatever the
 * analysis result carries (`column_profiles[].missing` / `missing_ratio`, or
 * the `*_count` / `*_share` spellings, or a `missing_by_column` map). Pure.
 */

export interface IMissingColumn {
  name: string;
  /** Cells without a value (null, blank, NaN), or null when only the share is known. */
  count: number | null;
  /** 0..1, or null when only the count is known and the row count is not. */
  share: number | null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function firstNum(record: Record<string, unknown>, keys: string[]): number | null {
  for (const key of keys) {
    const value = num(record[key]);
    if (value !== null) {
      return value;
    }
  }
  return null;
}

const COUNT_KEYS = ['missing', 'missing_count', 'missing_values', 'nulls'];
const SHARE_KEYS = ['missing_share', 'missing_ratio', 'missing_fraction'];

function column(name: string, record: Record<string, unknown>, rows: number | null): IMissingColumn | null {
  const count = firstNum(record, COUNT_KEYS);
  let share = firstNum(record, SHARE_KEYS);
  if (share === null && count !== null && rows) {
    share = count / rows;
  }
  return count === null && share === null ? null : { name, count, share };
}

/**
 * Every column of a table entry with its missing values, in the table's order;
 * null when the entry carries no per-column missing information at all.
 */
export function missingByColumn(entry: Record<string, unknown>): IMissingColumn[] | null {
  const rows = num(entry.rows);
  const map = entry.missing_by_column;
  const out: IMissingColumn[] = [];
  if (map && typeof map === 'object' && !Array.isArray(map)) {
    for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
      const record = typeof value === 'number' ? { missing: value } : (value as Record<string, unknown>);
      const col = record && typeof record === 'object' ? column(name, record, rows) : null;
      if (col) {
        out.push(col);
      }
    }
    return out.length ? out : null;
  }
  const profiles = Array.isArray(entry.column_profiles) ? (entry.column_profiles as unknown[]) : [];
  for (const p of profiles) {
    if (p && typeof p === 'object' && typeof (p as Record<string, unknown>).name === 'string') {
      const col = column((p as Record<string, unknown>).name as string, p as Record<string, unknown>, rows);
      if (col) {
        out.push(col);
      }
    }
  }
  return out.length ? out : null;
}

/** "12 (3.4 %)", "none", or what is known: the text of one column's missing values. */
export function describeMissing(col: IMissingColumn): string {
  if (col.count === 0 || (col.count === null && col.share === 0)) {
    return 'none';
  }
  const share = col.share === null ? '' : `${(col.share * 100).toFixed(col.share < 0.001 ? 2 : 1)} %`;
  if (col.count === null) {
    return share;
  }
  return share ? `${col.count.toLocaleString('en-US')} (${share})` : col.count.toLocaleString('en-US');
}
