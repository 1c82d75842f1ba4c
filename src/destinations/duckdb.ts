import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBTimestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import type { ApiRecord } from '../datadog/page';
import type { StreamDef } from '../datadog/streams/types';
import { DestinationUnavailableError, type Bookmark, type Destination, type SyncRecord } from './destination';
import { lastPerKey, toRow, type Cell, type Row } from './rows';
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

const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

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

/** A stream's staging table and the statements that move a page from it into the stream's table. */
interface StagingTable {
  /** Its name in the temp catalog, unquoted (for the Appender) and qualified (for SQL). */
  table: string;
  name: string;
  /** The columns it was made for. */
  signature: string;
  cells: number;
  create: string;
  insert: string;
  upsert: string;
}

/** One converted cell into a typed column; text cells (timestamps, big integers, JSON) are cast by DuckDB. */
function appendCell(appender: DuckDBAppender, type: ColumnType, cell: Cell): void {
  if (cell === null) appender.appendNull();
  else if (typeof cell === 'string') appender.appendVarchar(cell);
  else if (typeof cell === 'boolean') appender.appendBoolean(cell);
  else if (type === 'integer') appender.appendBigInt(BigInt(cell));
  else if (type === 'number') appender.appendDouble(cell);
  else appender.appendVarchar(String(cell));
}

/** Closes an Appender with nothing left to flush; one that failed has already reported why. */
function closeQuietly(appender: DuckDBAppender): void {
  try {
    appender.closeSync();
  } catch {
    // Its error was thrown where it happened.
  }
}

/** A page converted for writing, against the column list it was converted for. */
interface ConvertedPage {
  columns: Column[];
  rows: Row[];
}

/** Where each of a table's columns, in the table's own order, takes its value from when appended to. */
type Slot = { cell: number; type: ColumnType } | 'raw' | 'synced_at' | 'sync_id' | 'none';

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
 * The embedded default: one DuckDB file, one connection, statements one at a time. Each page is
 * appended to a staging table and moved into the stream's table by one statement, so it lands whole
 * or not at all.
 */
export class DuckDbDestination implements Destination {
  private readonly queue = new SerialQueue();
  /** Table changes one at a time, so two pages that bring the same new field add one column. */
  private readonly changes = new SerialQueue();
  /** Per stream: the table's columns, read once; only this process writes the file. */
  private readonly tables = new Map<string, Column[]>();
  /** Per stream: its staging table on this connection. */
  private readonly staging = new Map<string, StagingTable>();
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
    const special: Record<string, Slot> = { [RAW_COLUMN]: 'raw', [SYNCED_AT_COLUMN]: 'synced_at', [SYNC_ID_COLUMN]: 'sync_id' };
    const index = new Map(columns.map((c, i) => [c.name, i]));
    this.slots.set(
      columns,
      actual.map(({ column_name }) => {
        const name = String(column_name);
        const cell = index.get(name);
        return cell !== undefined ? { cell, type: columns[cell].type } : (special[name] ?? 'none');
      }),
    );
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

  /** One page, on the connection: appended as new rows, or through the staging table. */
  private async writeRows(def: StreamDef, columns: Column[], rows: Row[], syncId: string): Promise<void> {
    if ((this.upsertPages.get(def.name) ?? 0) === 0) {
      try {
        await this.appendToTable(def, columns, rows, syncId);
        return;
      } catch (err) {
        if (isOutOfMemory(err)) throw err;
        // Nothing of the page was written (a failed flush writes no row of it): the staging path decides.
        if (/Duplicate key/.test((err as Error).message)) this.upsertPages.set(def.name, UPSERT_PAGES_AFTER_CONFLICT + 1);
      }
    }
    const stage = this.stagingTable(def, columns);
    // A fresh table per page, dropped after: an in-memory table never reclaims deleted rows, so
    // emptying one with DELETE or TRUNCATE would keep every page ever written in memory.
    await this.connection.run(stage.create);
    try {
      await this.append(stage, rows);
      await this.insertFromStage(def.name, stage, syncId);
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${stage.name}`);
    }
  }

  /**
   * New rows, the common case, go straight into the stream's table through the Appender: typed cells
   * in the table's own column order, one flush. The flush is one transaction, so a page with a key the
   * table already has, or a cell DuckDB will not cast, writes nothing and throws.
   */
  private async appendToTable(def: StreamDef, columns: Column[], rows: Row[], syncId: string): Promise<void> {
    const slots = this.slots.get(columns)!;
    const appender = await this.tableAppender(def, slots);
    const syncedAt = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
    try {
      for (const row of rows) {
        for (const slot of slots) {
          if (slot === 'raw') appender.appendVarchar(row.raw);
          else if (slot === 'synced_at') appender.appendTimestampTZ(syncedAt);
          else if (slot === 'sync_id') appender.appendVarchar(syncId);
          else if (slot === 'none') appender.appendDefault();
          else appendCell(appender, slot.type, row.cells[slot.cell]);
        }
        appender.endRow();
      }
      appender.flushSync();
    } catch (err) {
      // Nothing of the page may be flushed later: drop what it buffered, and the appender with it.
      this.appenders.delete(def.name);
      appender.clear();
      closeQuietly(appender);
      throw err;
    }
  }

  /**
   * One Appender per stream table, kept open and flushed once a page: an Appender's native buffers are
   * freed only when JavaScript collects it, which a small heap seldom does, so one per page would
   * hold about a megabyte each until then. Made again when the table's columns change.
   */
  private async tableAppender(def: StreamDef, slots: Slot[]): Promise<DuckDBAppender> {
    const open = this.appenders.get(def.name);
    if (open?.slots === slots) return open.appender;
    if (open) closeQuietly(open.appender);
    const appender = await this.connection.createAppender(def.name);
    this.appenders.set(def.name, { appender, slots });
    return appender;
  }

  /** The staging table of a stream's pages (a text column per column) and its statements, per column list. */
  private stagingTable(def: StreamDef, columns: Column[]): StagingTable {
    const signature = columns.map((c) => `${c.name}:${c.type}`).join(',');
    const known = this.staging.get(def.name);
    if (known?.signature === signature) return known;
    const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN];
    const table = `stage_${def.name}`;
    const name = `temp.main.${quoteIdent(table)}`;
    const target = `${quoteIdent(def.name)} (${[...names, SYNCED_AT_COLUMN, SYNC_ID_COLUMN].join(', ')})`;
    const select = `SELECT ${[...columns.map((c) => `TRY_CAST(${quoteIdent(c.name)} AS ${DUCKDB_TYPES[c.type]})`), `${RAW_COLUMN}::JSON`, 'now()', '$1'].join(', ')} FROM ${name}`;
    const stage: StagingTable = {
      table,
      name,
      signature,
      cells: columns.length,
      create: `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (${names.map((n) => `${n} VARCHAR`).join(', ')})`,
      insert: `INSERT INTO ${target} ${select}`,
      upsert: `INSERT OR REPLACE INTO ${target} ${select}`,
    };
    this.staging.set(def.name, stage);
    return stage;
  }

  /**
   * The page goes into the staging table through DuckDB's Appender (no SQL text, no JSON for DuckDB
   * to parse again), every cell as text: the INSERT casts it as before, so a value of the wrong type
   * still becomes NULL in its column.
   */
  private async append(stage: StagingTable, rows: Row[]): Promise<void> {
    const appender = await this.connection.createAppender(stage.table, 'main', 'temp');
    try {
      for (const row of rows) {
        for (let i = 0; i < stage.cells; i++) {
          const cell = row.cells[i];
          if (cell === null) appender.appendNull();
          else appender.appendVarchar(typeof cell === 'string' ? cell : String(cell));
        }
        appender.appendVarchar(row.raw);
        appender.endRow();
      }
    } finally {
      // Flushes what was appended, even after an error: the caller drops the staging table either way.
      appender.closeSync();
    }
  }

  /**
   * A plain INSERT is about twice as fast as INSERT OR REPLACE when every key is new (the common case:
   * a sync reading new data). A page with a key already there fails it as a whole, with nothing written,
   * and is then upserted. After such a page the stream upserts directly for a while, since re-read
   * windows and full refreshes bring existing keys page after page.
   */
  private async insertFromStage(stream: string, stage: StagingTable, syncId: string): Promise<void> {
    const upsertPages = this.upsertPages.get(stream) ?? 0;
    if (upsertPages > 0) {
      this.upsertPages.set(stream, upsertPages - 1);
    } else {
      try {
        await this.connection.run(stage.insert, [syncId]);
        return;
      } catch (err) {
        if (!/^Constraint Error: Duplicate key/.test((err as Error).message)) throw err;
        this.upsertPages.set(stream, UPSERT_PAGES_AFTER_CONFLICT);
      }
    }
    await this.connection.run(stage.upsert, [syncId]);
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
