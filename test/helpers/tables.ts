import type { QueryableDestination } from './destinations';

/** One comparable form for both stores: JSON parsed, int64 as text, times as ISO-8601. */
export function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * A table's rows in one fixed order (the key as text), normalised, without the write time (which differs by nature). Sorted
 * here, not in SQL: each store (and a server's collation) may order text its own way.
 */
export async function snapshot(destination: QueryableDestination, table: string, key: string): Promise<Record<string, unknown>[]> {
  const rows = (await destination.query(`SELECT * FROM "${table}"`)).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) if (name !== '_retriever_synced_at') out[name] = normalise(value);
    return out;
  });
  const sortKey = (row: Record<string, unknown>) => String(row[key]);
  return rows.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}
