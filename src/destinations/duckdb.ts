import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBAppender } from '@duckdb/node-api';
import type { ApiRecord } from '../datadog/page';
import type { StreamDef } from '../datadog/streams/types';
import { DestinationUnavailableError, type Bookmark, type Destination, type SyncRecord } from './destination';
import { lastPerKey, toRow, type Row } from './rows';
import { appendRows, closeQuietly, DUCKDB_TYPES, slotsFor, stagingTable, upsertThroughStage, type Slot, type StagingTable } from './duckdb-pages';
import { AdaptiveMemoryLimit, isOutOfMemory } from './duckdb-memory';
import { quoteIdent, SerialQueue } from './sql';
import {
  columnsFor,
  mergeColumns,
  nameColumns,
  newScalarFields,
  RAW_COLUMN,
  SYNC_ID_COLUMN,
  SYNCED_AT_COLUMN,
  type Column,
  type ColumnType,
} from './table-model';

/** information_schema's data_type back to the model's type, so writes follow the table as it is. */
const FROM_DUCKDB_TYPE: Record<string, ColumnType> = {
  VARCHAR: 'string',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  BIGINT: 'integer',
  INTEGER: 'integer',
  DOUBLE: 'number',
  FLOAT: 'number',
  BOOLEAN: 'boolean',
  JSON: 'json',
};

type Param = string | number | null;

/** A page converted for writing, against the column list it was converted for. */
interface ConvertedPage {
  columns: Column[];
  rows: Row[];
}

const UPSERT_PAGES_AFTER_CONFLICT = 8;
/** Records converted between yields when a page is converted ahead of its write (about 0.3 ms of work). */
const CONVERT_SLICE = 100;

export interface DuckDbSettings {
  /**
   * WAL size that triggers a checkpoint. Each checkpoint rewrites the whole primary-key index, so at
   * DuckDB's 16 MB a bulk load slows as its table grows (a 1000-row page took 30 ms at 0.5 M rows and
   * 90 ms at 4 M); at 256 MB it stays near 20 ms. The price: up to that much WAL to replay after a
   * crash, and the data not yet checkpointed held in memory (or DuckDB's temporary files).
   */
  checkpointThreshold?: string;
  /**
   * A fixed DuckDB memory limit. Below what the primary-key indexes need, writes fail. Unset, the
   * limit follows the indexes: their size plus `workingMemory` (duckdb-memory.ts).
   */
  memoryLimit?: string;
  /** With no fixed limit: DuckDB's memory beside its indexes, in bytes (default 512 MiB). */
  workingMemory?: number;
}

export const DEFAULT_DUCKDB_SETTINGS: Required<Pick<DuckDbSettings, 'checkpointThreshold' | 'workingMemory'>> = {
  checkpointThreshold: '256MB',
  workingMemory: 512 * 1024 * 1024,
};

/** The DuckDB configuration a destination opens its file with (benchmarks open theirs the same way). */
export function duckDbConfig(settings: DuckDbSettings = {}): Record<string, string> {
  const checkpointThreshold = settings.checkpointThreshold ?? DEFAULT_DUCKDB_SETTINGS.checkpointThreshold;
  return { checkpoint_threshold: checkpointThreshold, ...(settings.memoryLimit ? { memory_limit: settings.memoryLimit } : {}) };
}

/**
 * The embedded default: one DuckDB file, one connection, statements one at a time. A page of new
 * rows is appended straight into the stream's table; one with keys the table has is upserted through
 * a staging table (duckdb-pages.ts). Either way it lands whole or not at all.
 */
export class DuckDbDestination implements Destination {
  private readonly queue = new SerialQueue();
  /** Table changes one at a time, so two pages that bring the same new field add one column. */
  private readonly changes = new SerialQueue();
  /** Per stream: the table's columns, read once; only this process writes the file. */
  private readonly tables = new Map<string, Column[]>();
  /** Per column list: its staging table on this connection. */
  private readonly staging = new WeakMap<Column[], StagingTable>();
  /** Per stream: pages still to upsert directly since the last page that had existing keys. */
  private readonly upsertPages = new Map<string, number>();
  /** Per column list: the table's columns in its own order, as the Appender fills them. */
  private readonly slots = new WeakMap<Column[], Slot[]>();
  /** Per stream table: its open Appender and the column order it was opened for. */
  private readonly appenders = new Map<string, { appender: DuckDBAppender; slots: Slot[] }>();
  /** Pages announced by `prewrite`, converted (or being converted) before their writePage. */
  private readonly converted = new WeakMap<ApiRecord[], Promise<ConvertedPage>>();

  /** DuckDB's memory limit, when no fixed one is configured. */
  private readonly memory?: AdaptiveMemoryLimit;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
    settings: DuckDbSettings,
  ) {
    if (!settings.memoryLimit) this.memory = new AdaptiveMemoryLimit(connection, settings.workingMemory ?? DEFAULT_DUCKDB_SETTINGS.workingMemory);
  }

  static async open(path: string, settings: DuckDbSettings = {}): Promise<DuckDbDestination> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, duckDbConfig(settings));
    } catch (err) {
      throw new DestinationUnavailableError(
        `cannot open DuckDB file ${path}: ${(err as Error).message}` +
          ' (another process may hold it: only one Retriever worker can write a DuckDB file; use PostgreSQL for several)',
        { cause: err },
      );
    }
    const connection = await instance.connect();
    const destination = new DuckDbDestination(instance, connection, `DuckDB ${path}`, settings);
    await destination.memory?.start();
    await destination.createStateTables();
    return destination;
  }

  private async createStateTables(): Promise<void> {
    await this.connection.run(`CREATE TABLE IF NOT EXISTS _retriever_state (
      stream VARCHAR PRIMARY KEY, cursor_ms BIGINT NOT NULL, cursor TIMESTAMPTZ NOT NULL,
      sync_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);
    await this.connection.run(`CREATE TABLE IF NOT EXISTS _retriever_syncs (
      sync_id VARCHAR PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
      status VARCHAR NOT NULL, streams JSON)`);
    await this.connection.run(`CREATE TABLE IF NOT EXISTS _retriever_columns (
      stream VARCHAR NOT NULL, column_name VARCHAR NOT NULL, source VARCHAR NOT NULL, type VARCHAR NOT NULL,
      added_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (stream, column_name))`);
  }

  /**
   * Work on the connection, one statement at a time. A statement DuckDB refused for want of memory
   * did nothing: with the limit raised it runs again (an index opened from the file can need more
   * than the working budget before the limit has seen it).
   */
  private onConnection<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      for (;;) {
        try {
          return await work();
        } catch (err) {
          if (!(isOutOfMemory(err) && (await this.memory?.raise()))) throw err;
        }
      }
    });
  }

  private run(sql: string, params: Param[] = []) {
    return this.onConnection(() => this.connection.run(sql, params));
  }

  private async rows(sql: string, params: Param[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.onConnection(() => this.connection.runAndReadAll(sql, params));
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  /** The columns the table has: the schema's, drift columns added earlier, types as stored. */
  private async readTable(def: StreamDef): Promise<{ columns: Column[]; existing: Map<string, ColumnType | undefined> }> {
    const actual = await this.rows(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
      [def.name],
    );
    const existing = new Map(actual.map((r) => [String(r.column_name), FROM_DUCKDB_TYPE[String(r.data_type)]]));
    const added = await this.rows('SELECT column_name, source, type FROM _retriever_columns WHERE stream = $1 ORDER BY added_at, column_name', [
      def.name,
    ]);
    const columns = mergeColumns(
      columnsFor(def),
      added.map((r) => ({ name: String(r.column_name), source: String(r.source), type: String(r.type) as ColumnType })),
    );
    return { columns: columns.map((c) => ({ ...c, type: existing.get(c.name) ?? c.type })), existing };
  }

  private async addColumn(def: StreamDef, column: Column): Promise<void> {
    await this.run(`ALTER TABLE ${quoteIdent(def.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${DUCKDB_TYPES[column.type]}`);
  }

  /** Creates the table when missing and adds columns the schema declares that it lacks (a newer Retriever). */
  prepare(def: StreamDef): Promise<void> {
    return this.changes.run(() => this.createTable(def));
  }

  private async createTable(def: StreamDef): Promise<void> {
    if (this.tables.has(def.name)) return;
    const declared = columnsFor(def);
    const key = declared.find((c) => c.source === def.primaryKey)!;
    const definitions = declared.map((c) => `${quoteIdent(c.name)} ${DUCKDB_TYPES[c.type]}${c === key ? ' PRIMARY KEY' : ''}`);
    definitions.push(`${RAW_COLUMN} JSON NOT NULL`, `${SYNCED_AT_COLUMN} TIMESTAMPTZ NOT NULL`, `${SYNC_ID_COLUMN} VARCHAR NOT NULL`);
    await this.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(def.name)} (${definitions.join(', ')})`);
    const { columns, existing } = await this.readTable(def);
    for (const column of columns) if (!existing.has(column.name)) await this.addColumn(def, column);
    this.tables.set(def.name, columns);
    await this.readSlots(def, columns);
  }

  /** The table's columns in their own order (ALTER TABLE adds at the end), mapped to a page's cells. */
  private async readSlots(def: StreamDef, columns: Column[]): Promise<void> {
    const actual = await this.rows(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
      [def.name],
    );
    this.slots.set(columns, slotsFor(actual.map((r) => String(r.column_name)), columns));
  }

  /** Schema drift: a new top-level scalar field gets a column, recorded so later runs keep using it. */
  private async columnsWithDrift(def: StreamDef, records: ApiRecord[]): Promise<Column[]> {
    await this.prepare(def);
    if (newScalarFields(def, this.tables.get(def.name)!, records).length === 0) return this.tables.get(def.name)!;
    return this.changes.run(async () => {
      // Asked again: a page ahead in the queue may have brought the same fields.
      const columns = this.tables.get(def.name)!;
      const { existing } = await this.readTable(def);
      const fresh = nameColumns(newScalarFields(def, columns, records), existing.keys());
      for (const column of fresh) {
        await this.addColumn(def, column);
        await this.run('INSERT INTO _retriever_columns VALUES ($1, $2, $3, $4, now())', [def.name, column.name, column.source, column.type]);
      }
      const all = [...columns, ...fresh];
      await this.readSlots(def, all);
      this.tables.set(def.name, all);
      return all;
    });
  }

  /**
   * Converts a page read ahead while the page before it is still being written, so that its own
   * writePage only has to write. Drift columns it finds are added now: a column a few pages early.
   */
  prewrite(def: StreamDef, records: ApiRecord[]): void {
    if (records.length === 0 || this.converted.has(records)) return;
    const page = this.convert(def, records, { yielding: true });
    // A failure here is met again, and reported, by the page's own writePage.
    page.catch(() => undefined);
    this.converted.set(records, page);
  }

  /**
   * `yielding`: in slices, letting other work run between them. Converting a page read ahead is not
   * urgent, while the worker's Temporal traffic (the activity's completion, the next workflow task)
   * is on the stream's critical path and would otherwise wait for the whole page.
   */
  private async convert(def: StreamDef, records: ApiRecord[], { yielding = false } = {}): Promise<ConvertedPage> {
    const unique = lastPerKey(def, records);
    const columns = await this.columnsWithDrift(def, unique);
    if (!yielding) return { columns, rows: unique.map((record) => toRow(columns, record)) };
    const rows: Row[] = [];
    for (let i = 0; i < unique.length; i += CONVERT_SLICE) {
      await new Promise(setImmediate);
      for (const record of unique.slice(i, i + CONVERT_SLICE)) rows.push(toRow(columns, record));
    }
    return { columns, rows };
  }

  async writePage(def: StreamDef, records: ApiRecord[], syncId: string): Promise<number> {
    if (records.length === 0) return 0;
    let page = await this.converted.get(records)?.catch(() => undefined);
    this.converted.delete(records);
    // Converted ahead against columns another page has since added to: convert again.
    if (!page || page.columns !== this.tables.get(def.name)) page = await this.convert(def, records);
    const { columns, rows } = page;
    await this.onConnection(() => this.writeRows(def, columns, rows, syncId));
    await this.onConnection(async () => this.memory?.pageWritten());
    return rows.length;
  }

  /**
   * One page, on the connection. New rows, the common case, are appended straight into the table.
   * A page with a key the table already has writes nothing that way and is upserted through staging
   * instead (as is one with a cell DuckDB will not cast); so are the next pages of the stream for a
   * while, since re-read windows and full refreshes bring existing keys page after page.
   */
  private async writeRows(def: StreamDef, columns: Column[], rows: Row[], syncId: string): Promise<void> {
    const upsertPages = this.upsertPages.get(def.name) ?? 0;
    if (upsertPages > 0) {
      this.upsertPages.set(def.name, upsertPages - 1);
    } else {
      const appender = await this.tableAppender(def, this.slots.get(columns)!);
      try {
        appendRows(appender.appender, appender.slots, rows, syncId);
        return;
      } catch (err) {
        // The Appender is dropped with the page it refused.
        this.appenders.delete(def.name);
        closeQuietly(appender.appender);
        if (isOutOfMemory(err)) throw err;
        if (/Duplicate key/.test((err as Error).message)) this.upsertPages.set(def.name, UPSERT_PAGES_AFTER_CONFLICT);
      }
    }
    let stage = this.staging.get(columns);
    if (!stage) this.staging.set(columns, (stage = stagingTable(def.name, columns)));
    await upsertThroughStage(this.connection, stage, rows, syncId);
  }

  /**
   * One Appender per stream table, kept open and flushed once a page: an Appender's native buffers are
   * freed only when JavaScript collects it, which a small heap seldom does, so one per page would
   * hold about a megabyte each until then. Made again when the table's columns change.
   */
  private async tableAppender(def: StreamDef, slots: Slot[]): Promise<{ appender: DuckDBAppender; slots: Slot[] }> {
    const open = this.appenders.get(def.name);
    if (open?.slots === slots) return open;
    if (open) closeQuietly(open.appender);
    const opened = { appender: await this.connection.createAppender(def.name), slots };
    this.appenders.set(def.name, opened);
    return opened;
  }

  async readBookmark(stream: string): Promise<Bookmark | null> {
    const [row] = await this.rows('SELECT cursor_ms, sync_id FROM _retriever_state WHERE stream = $1', [stream]);
    return row ? { cursor: Number(row.cursor_ms), syncId: String(row.sync_id) } : null;
  }

  async commitBookmark(stream: string, bookmark: Bookmark): Promise<void> {
    await this.run(`INSERT OR REPLACE INTO _retriever_state VALUES ($1, $2, epoch_ms($2::BIGINT), $3, now())`, [stream, bookmark.cursor, bookmark.syncId]);
  }

  async removeRowsNotIn(def: StreamDef, syncId: string): Promise<number> {
    await this.prepare(def);
    const result = await this.run(`DELETE FROM ${quoteIdent(def.name)} WHERE ${SYNC_ID_COLUMN} <> $1`, [syncId]);
    return result.rowsChanged;
  }

  async recordSync(sync: SyncRecord): Promise<void> {
    const streams = sync.streams ? JSON.stringify(sync.streams) : null;
    if (sync.status === 'running') {
      await this.run(`INSERT INTO _retriever_syncs VALUES ($1, now(), NULL, 'running', NULL) ON CONFLICT (sync_id) DO NOTHING`, [sync.syncId]);
    } else {
      await this.run(
        `INSERT INTO _retriever_syncs VALUES ($1, now(), now(), $2, $3)
         ON CONFLICT (sync_id) DO UPDATE SET finished_at = now(), status = excluded.status, streams = excluded.streams`,
        [sync.syncId, sync.status, streams],
      );
    }
  }

  async countRows(stream: string): Promise<number> {
    const [row] = await this.rows(`SELECT count(*) AS n FROM ${quoteIdent(stream)}`);
    return Number(row.n);
  }

  /** For tests and the CLI: arbitrary read-only SQL. */
  query(sql: string, params: Param[] = []): Promise<Record<string, unknown>[]> {
    return this.rows(sql, params);
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      for (const { appender } of this.appenders.values()) closeQuietly(appender);
      this.appenders.clear();
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}
