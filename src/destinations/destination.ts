import type { ApiRecord } from '../datadog/page';
import type { StreamDef } from '../datadog/streams/types';

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

/** One interface for every store. Every write is idempotent: repeating it leaves the same rows. */
export interface Destination {
  readonly description: string;
  /** Creates the stream's table (and the state tables) when missing. */
  prepare(stream: StreamDef): Promise<void>;
  /**
   * Optional: a page read ahead that writePage will be given soon. A store may do the work that needs
   * no write (converting rows) now, while the page before it is being written. Only a hint.
   */
  prewrite?(stream: StreamDef, records: ApiRecord[]): void;
  /** Upserts one page by primary key; returns how many rows it wrote. */
  writePage(stream: StreamDef, records: ApiRecord[], syncId: string): Promise<number>;
  readBookmark(stream: string): Promise<Bookmark | null>;
  /** Called only after the data up to `bookmark.cursor` is written. */
  commitBookmark(stream: string, bookmark: Bookmark): Promise<void>;
  /** After a complete full refresh: drop rows this sync did not see (deleted upstream). */
  removeRowsNotIn(stream: StreamDef, syncId: string): Promise<number>;
  recordSync(sync: SyncRecord): Promise<void>;
  countRows(stream: string): Promise<number>;
  /** Read-only SQL in the store's own dialect, for tests and the CLI; stream tables by their plain names. */
  query(sql: string, params?: (string | number | null)[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Raised when the store cannot be reached or refuses a write; the activity retries it. */
export class DestinationUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DestinationUnavailableError';
  }
}
