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

/** Whose rows a write or a full refresh's end concerns: the sync, and the organisation it reads. */
export interface RunContext {
  syncId: string;
  organization: string;
}

export interface SyncRecord {
  syncId: string;
  organization?: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  streams?: Record<string, { records: number; status: string }>;
}

/** One stored row, as `readRows` returns it. */
export interface StoredRow {
  /** The row's value of the field it was read by, as text. */
  key: string;
  /** The value of the asked-for `field`, as text; null when the row has none. */
  value?: string | null;
  /** The record as it was written (`records: true`). */
  record?: JsonRecord;
  /** When the row was last written (epoch ms). */
  writtenAt: number;
}

/** Which rows `readRows` returns, and what of them. */
export interface ReadRowsOptions {
  /** The organisation whose rows are read; DEFAULT_ORGANIZATION unless given. */
  organization?: string;
  /** The field rows are matched and ordered by; it must have a column. The primary key unless stated. */
  by?: string;
  /** Only rows whose `by` value comes after this one (the store's text order): paging through a table by key. */
  after?: string;
  /** Only rows whose `by` value is one of these. */
  only?: string[];
  limit?: number;
  /** Another field (with a column) to return, as text. */
  field?: string;
  /** Return each row's record as written. */
  records?: boolean;
}

/** What resetting one stream did (`retriever reset`, a sync's `full_refresh`). */
export interface StreamReset {
  stream: string;
  /** The bookmark it had, now gone; null when it had none (a full-refresh stream, or never synced). */
  bookmark: Bookmark | null;
  /** Rows deleted, when rows were dropped too. */
  rowsDropped?: number;
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
  /**
   * Upserts a prepared page by primary key (the organisation's and the record's), whole or not at
   * all; returns how many rows it wrote. `organization` is DEFAULT_ORGANIZATION unless given.
   */
  writePage(page: PreparedPage, syncId: string, organization?: string): Promise<number>;
  readBookmark(stream: string, organization?: string): Promise<Bookmark | null>;
  /** Called only after the data up to `bookmark.cursor` is written. */
  commitBookmark(stream: string, bookmark: Bookmark, organization?: string): Promise<void>;
  /** After a complete full refresh: drop the organisation's rows this sync did not see (deleted upstream). */
  removeRowsNotIn(table: TableSpec, syncId: string, organization?: string): Promise<number>;
  /**
   * Rows of a table in the order of one field, as text: how a dependent stream reads its parents'
   * keys (and a field like `modified_at`) and what it stored for them, without asking Datadog again.
   */
  readRows(table: TableSpec, options?: ReadRowsOptions): Promise<StoredRow[]>;
  /**
   * Counts the organisation's rows whose `by` field is one of `values` as seen by `syncId`, without rewriting them (a
   * record not read again because it has not changed): the end of a full refresh keeps them.
   */
  keepRows(table: TableSpec, by: string, values: string[], syncId: string, organization?: string): Promise<number>;
  /**
   * Forgets an organisation's streams (tables of the same names; DEFAULT_ORGANIZATION unless given): their bookmarks and, with `dropRows`, their rows, all
   * in one transaction, so a stream never keeps its bookmark without the rows under it. Nothing else.
   */
  resetStreams(streams: string[], options: { dropRows: boolean; organization?: string }): Promise<StreamReset[]>;
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
