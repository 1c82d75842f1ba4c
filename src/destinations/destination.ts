import type { JsonRecord, RecordsJson } from '../shared/json';
import type { PreparedPage } from './rows';
import type { TableSpec } from './table-model';

export type { PreparedPage } from './rows';
export type { TableSpec } from './table-model';

/** Where a stream stands between syncs: the end of the last window whose data is committed. */
export interface Bookmark {
  /** Epoch milliseconds; the next sync reads from here. */
  cursor: number;
  syncId: string;
}

export interface SyncRecord {
  syncId: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  streams?: Record<string, { records: number; status: string }>;
}

export interface PrepareOptions {
  /** Convert in slices, letting other work run between them (for a page prepared ahead of its turn). */
  yielding?: boolean;
  /** The same records as JSON text, as they came: a store that types JSON itself reads them from there. */
  json?: RecordsJson;
}

/**
 * One interface for every store. It sees tables (name, key, schema) and plain records, nothing of
 * the Datadog API. Every write is idempotent: repeating it leaves the same rows.
 */
export interface Destination {
  readonly description: string;
  /** Creates the table (and the state tables) when missing, and columns its schema gained since. */
  ensureTable(table: TableSpec): Promise<void>;
  /**
   * Everything a write needs that is not the write: one record per key, schema-drift columns, rows
   * converted. May run while the page before it is being written.
   */
  prepare(table: TableSpec, records: JsonRecord[], options?: PrepareOptions): Promise<PreparedPage>;
  /** Upserts a prepared page by primary key, whole or not at all; returns how many rows it wrote. */
  writePage(page: PreparedPage, syncId: string): Promise<number>;
  readBookmark(stream: string): Promise<Bookmark | null>;
  /** Called only after the data up to `bookmark.cursor` is written. */
  commitBookmark(stream: string, bookmark: Bookmark): Promise<void>;
  /** After a complete full refresh: drop rows this sync did not see (deleted upstream). */
  removeRowsNotIn(table: TableSpec, syncId: string): Promise<number>;
  recordSync(sync: SyncRecord): Promise<void>;
  close(): Promise<void>;
}

/** Raised when the store cannot be reached or refuses a write; the activity retries it. */
export class DestinationUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DestinationUnavailableError';
  }
}
