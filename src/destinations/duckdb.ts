import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import type { JsonRecord } from '../shared/json';
import { DestinationUnavailableError, type Bookmark, type Destination, type PrepareOptions, type ReadRowsOptions, type RunContext, type StoredRow, type StreamReset, type SyncRecord } from './destination';
import { getPath } from '../shared/json';
import { convertPage, convertsAsIs, escapesUnstorable, lastPerKey, timeBounds, type PreparedPage, type Row } from './rows';
import { jsonInsert, removeCopies, type JsonInsert } from './duckdb-json';
import { appendRows, closeAppender, DUCKDB_TYPES, inTransaction, slotsFor, stagingTable, upsertThroughStage, type Slot, type StagingTable } from './duckdb-pages';
import { AdaptiveMemoryLimit, isOutOfMemory } from './duckdb-memory';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import { SerialQueue } from './serial-queue';
import { quoteIdent, SqlTables, storedRow, type ChangeSql, type SqlDialect } from './sql-tables';
import { keyColumn, nameColumns, newScalarFields, ORGANIZATION_COLUMN, type Column, type TableSpec } from './table-model';

const DUCKDB: SqlDialect = {
  types: DUCKDB_TYPES,
  fromType: {
    VARCHAR: 'string',
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
    BIGINT: 'integer',
    INTEGER: 'integer',
    DOUBLE: 'number',
    FLOAT: 'number',
    BOOLEAN: 'boolean',
    JSON: 'json',
  },
  epochMs: (param) => `epoch_ms(${param}::BIGINT)`,
  // DuckDB cannot drop a table's primary key: a table keyed before organisations is built again.
  rekeysInPlace: false,
  msOf: (expression) => `epoch_ms(${expression})`,
};

const UPSERT_PAGES_AFTER_CONFLICT = 8;

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
  private readonly sql = new SqlTables(DUCKDB, 'main');
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
  /** Per stream table: whether it has a primary-key index (event tables made by this version have none). */
  private readonly keyed = new Map<string, boolean>();
  /**
   * Per event table without a key index and organisation: the latest event time it holds (epoch ms),
   * read once and then kept by this process, the file's only writer. A page of later events has no
   * earlier copies.
   */
  private readonly latest = new Map<string, number>();
  /** Per column list: the statements that write a page from its JSON, by records path and whether keys repeat. */
  private readonly jsonInserts = new WeakMap<Column[], Map<string, JsonInsert | undefined>>();

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
    for (const statement of destination.sql.stateTables()) await destination.run(statement);
    await destination.inTransaction(() => destination.sql.upgradeStateTables(destination.rows));
    return destination;
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

  private run(sql: string, params: unknown[] = []) {
    return this.onConnection(() => this.connection.run(sql, params as DuckDBValue[]));
  }

  private readonly rows = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const reader = await this.onConnection(() => this.connection.runAndReadAll(sql, params as DuckDBValue[]));
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  };

  /** Statements that must land together (an upgrade of a table's layout), or not at all. */
  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.run('BEGIN TRANSACTION');
    try {
      await work();
      await this.run('COMMIT');
    } catch (err) {
      await this.run('ROLLBACK');
      throw err;
    }
  }

  /** Creates the table when missing and adds columns the schema declares that it lacks (a newer Retriever). */
  ensureTable(table: TableSpec): Promise<void> {
    return this.changes.run(async () => {
      if (this.tables.has(table.name)) return;
      // Events need no index of every key: their earlier copies are found by their time (docs/destinations.md).
      const primaryKey = !table.timeField;
      await this.run(this.sql.createTable(table, { primaryKey }));
      await this.inTransaction(async () => this.sql.upgradeTable(this.rows, table, await this.sql.readColumns(this.rows, table), { primaryKey }));
      const [constraint] = await this.rows(
        "SELECT count(*) AS n FROM duckdb_constraints() WHERE schema_name = current_schema() AND table_name = $1 AND constraint_type = 'PRIMARY KEY'",
        [table.name],
      );
      this.keyed.set(table.name, Number(constraint.n) > 0);
      const current = await this.sql.readColumns(this.rows, table);
      for (const column of this.sql.missingColumns(current)) await this.run(this.sql.addColumn(table, column));
      this.tables.set(table.name, current.columns);
      await this.readSlots(table, current.columns);
    });
  }

  /** The table's columns in their own order (ALTER TABLE adds at the end), mapped to a page's cells. */
  private async readSlots(table: TableSpec, columns: Column[]): Promise<void> {
    const actual = await this.rows(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
      [table.name],
    );
    this.slots.set(columns, slotsFor(actual.map((r) => String(r.column_name)), columns));
  }

  /** Schema drift: a new top-level scalar field gets a column, recorded so later runs keep using it. */
  private async columnsWithDrift(table: TableSpec, records: JsonRecord[]): Promise<Column[]> {
    await this.ensureTable(table);
    if (newScalarFields(table, this.tables.get(table.name)!, records).length === 0) return this.tables.get(table.name)!;
    return this.changes.run(async () => {
      // Asked again: a page ahead in the queue may have brought the same fields.
      const columns = this.tables.get(table.name)!;
      const { existing } = await this.sql.readColumns(this.rows, table);
      const fresh = nameColumns(newScalarFields(table, columns, records), existing.keys());
      for (const column of fresh) {
        for (const [statement, params] of this.sql.addDriftColumn(table, column)) await this.run(statement, params);
      }
      const all = [...columns, ...fresh];
      await this.readSlots(table, all);
      this.tables.set(table.name, all);
      return all;
    });
  }

  /**
   * Drift columns a page brings are added here, when it is prepared: for a page read ahead, a few
   * pages early. A page whose values all convert as they are is left as JSON text, which DuckDB
   * types itself when it is written (duckdb-json.ts); any other is converted here.
   */
  async prepare(table: TableSpec, records: JsonRecord[], options: PrepareOptions = {}): Promise<PreparedPage> {
    const unique = lastPerKey(table, records);
    const columns = await this.columnsWithDrift(table, unique);
    if (convertsAsIs(columns, unique)) {
      // The text as received holds every copy of a repeated key (the last is kept); a text made here only the last.
      const json = options.json ?? { text: JSON.stringify(unique), path: '' };
      const kept = options.json ? records : unique;
      if (!escapesUnstorable(json.text)) return { table, records: kept, columns, rows: [], json, repeated: kept.length - unique.length };
    }
    return convertPage(table, columns, unique, options);
  }

  async writePage(page: PreparedPage, syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    const run: RunContext = { syncId, organization };
    if (page.records.length === 0) return 0;
    // Prepared against columns another page has since added to: prepare again.
    if (page.columns !== this.tables.get(page.table.name)) page = await this.prepare(page.table, page.records, { json: page.json });
    const written = page.records.length - (page.repeated ?? 0);
    const current = page;
    await this.onConnection(() => (current.json ? this.writeJson(current, run) : this.writeRows(current, run)));
    await this.onConnection(async () => this.memory?.pageWritten());
    return written;
  }

  /**
   * A page DuckDB reads from its JSON text: in one transaction, the earlier copies of its keys are
   * removed (a table without a key index) and its rows inserted (replacing rows of the same keys in
   * a table with one). Should DuckDB refuse the text (an escape it will not read), the page is
   * converted by JavaScript and written that way instead.
   */
  private async writeJson(page: PreparedPage, run: RunContext): Promise<void> {
    const { table, columns, records } = page;
    const keyed = this.keyed.get(table.name) ?? true;
    const json = page.json!;
    const insert = this.jsonInsertFor(table, columns, json.path, { replace: keyed, repeated: (page.repeated ?? 0) > 0 });
    if (insert) {
      try {
        let written: (() => void) | undefined;
        await inTransaction(this.connection, async () => {
          if (!keyed) written = await this.removeCopies(table, columns, records, run.organization);
          const { rowsChanged } = await this.connection.run(insert.sql, [json.text, run.syncId, run.organization]);
          // Every record becomes a row, or the page is written another way: never fewer, silently.
          const expected = records.length - (page.repeated ?? 0);
          if (rowsChanged !== expected) throw new Error(`the JSON held ${rowsChanged} of the page's ${expected} records`);
        });
        written?.();
        return;
      } catch (err) {
        if (isOutOfMemory(err)) throw err;
        console.warn(`retriever: DuckDB did not read a page of ${table.name} from its JSON (${(err as Error).message.split('\n')[0]}); converting it in JavaScript`);
      }
    }
    await this.writeRows(await convertPage(table, columns, lastPerKey(table, records)), run);
  }

  private jsonInsertFor(table: TableSpec, columns: Column[], path: string, options: { replace: boolean; repeated: boolean }): JsonInsert | undefined {
    let byOptions = this.jsonInserts.get(columns);
    if (!byOptions) this.jsonInserts.set(columns, (byOptions = new Map()));
    const name = `${options.replace}:${options.repeated}:${path}`;
    if (!byOptions.has(name)) byOptions.set(name, jsonInsert(table.name, columns, keyColumn(table, columns), { path }, options));
    return byOptions.get(name);
  }

  /**
   * In a table without a key index: removes the organisation's rows of these records' keys. Events carry their time
   * alike in every copy, so a page of events all later than any the table holds (a sync reading
   * forward) has none, and otherwise only rows within the page's time range are looked at (DuckDB
   * skips the row groups outside it); a page with a record of no valid time looks at every row.
   * Returns what to note once the page is committed.
   */
  private async removeCopies(table: TableSpec, columns: Column[], records: JsonRecord[], organization: string): Promise<() => void> {
    const key = keyColumn(table, columns);
    const timeColumn = columns.find((c) => c.source === table.timeField && c.type === 'timestamp');
    const bounds = timeColumn ? timeBounds(timeColumn.source, records) : undefined;
    const keys = JSON.stringify(records.map((record) => getPath(record, key.source)));
    if (!bounds) {
      await this.connection.run(removeCopies(table.name, key, undefined), [organization, keys]);
      return () => undefined;
    }
    const latest = await this.latestTime(table.name, timeColumn!, organization);
    // Milliseconds on both sides: a later millisecond is a later time, whatever the microseconds.
    if (bounds.from <= latest) {
      // One millisecond past the end: the column keeps microseconds the bound's milliseconds do not.
      await this.connection.run(removeCopies(table.name, key, timeColumn), [organization, keys, new Date(bounds.from).toISOString(), new Date(bounds.to + 1).toISOString()]);
    }
    return () => this.latest.set(latestKey(table.name, organization), Math.max(latest, bounds.to));
  }

  /** The latest event time an organisation's rows of the table hold (epoch ms), -Infinity for none. */
  private async latestTime(table: string, timeColumn: Column, organization: string): Promise<number> {
    let latest = this.latest.get(latestKey(table, organization));
    if (latest === undefined) {
      const reader = await this.connection.runAndReadAll(
        `SELECT epoch_ms(max(${quoteIdent(timeColumn.name)}))::BIGINT AS ms FROM ${quoteIdent(table)} WHERE ${quoteIdent(ORGANIZATION_COLUMN)} = $1`,
        [organization],
      );
      const ms = reader.getRowObjectsJS()[0].ms;
      latest = ms === null || ms === undefined ? -Infinity : Number(ms);
      this.latest.set(latestKey(table, organization), latest);
    }
    return latest;
  }

  /**
   * One page, on the connection. New rows, the common case, are appended straight into the table.
   * A page with a key the table already has writes nothing that way and is upserted through staging
   * instead (as is one with a cell DuckDB will not cast); so are the next pages of the stream for a
   * while, since re-read windows and full refreshes bring existing keys page after page.
   */
  private async writeRows({ table, columns, rows, records }: PreparedPage, run: RunContext): Promise<void> {
    if (this.keyed.get(table.name) === false) return this.insertThroughStage(table, columns, rows, records, run);
    const upsertPages = this.upsertPages.get(table.name) ?? 0;
    if (upsertPages > 0) {
      this.upsertPages.set(table.name, upsertPages - 1);
    } else {
      const appender = await this.tableAppender(table, this.slots.get(columns)!);
      try {
        appendRows(appender.appender, appender.slots, rows, run);
        return;
      } catch (err) {
        // The Appender is dropped with the page it refused.
        this.appenders.delete(table.name);
        closeAppender(appender.appender, err);
        if (isOutOfMemory(err)) throw err;
        if (/Duplicate key/.test((err as Error).message)) this.upsertPages.set(table.name, UPSERT_PAGES_AFTER_CONFLICT);
      }
    }
    await upsertThroughStage(this.connection, this.stagingFor(table, columns), rows, run);
  }

  /** Rows into a table without a key index: staged, then the earlier copies of their keys removed and the rows moved in, at once. */
  private async insertThroughStage(table: TableSpec, columns: Column[], rows: Row[], records: JsonRecord[], run: RunContext): Promise<void> {
    let written: (() => void) | undefined;
    await upsertThroughStage(this.connection, this.stagingFor(table, columns), rows, run, async () => {
      written = await this.removeCopies(table, columns, records, run.organization);
    });
    written?.();
  }

  private stagingFor(table: TableSpec, columns: Column[]): StagingTable {
    let stage = this.staging.get(columns);
    if (!stage) this.staging.set(columns, (stage = stagingTable(table.name, columns)));
    return stage;
  }

  /**
   * One Appender per stream table, kept open and flushed once a page: an Appender's native buffers are
   * freed only when JavaScript collects it, which a small heap seldom does, so one per page would
   * hold about a megabyte each until then. Made again when the table's columns change.
   */
  private async tableAppender(table: TableSpec, slots: Slot[]): Promise<{ appender: DuckDBAppender; slots: Slot[] }> {
    const open = this.appenders.get(table.name);
    if (open?.slots === slots) return open;
    if (open) closeAppender(open.appender);
    const opened = { appender: await this.connection.createAppender(table.name), slots };
    this.appenders.set(table.name, opened);
    return opened;
  }

  readBookmark(stream: string, organization = DEFAULT_ORGANIZATION): Promise<Bookmark | null> {
    return this.sql.readBookmark(this.rows, organization, stream);
  }

  async commitBookmark(stream: string, bookmark: Bookmark, organization = DEFAULT_ORGANIZATION): Promise<void> {
    await this.run(...this.sql.commitBookmark(organization, stream, bookmark));
  }

  /** In one transaction on the connection: a failure anywhere leaves every bookmark and row as it was. */
  resetStreams(streams: string[], options: { dropRows: boolean; organization?: string }): Promise<StreamReset[]> {
    return this.onConnection(async () => {
      const run: ChangeSql = async (sql, params = []) => {
        const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
        return { rows: reader.getRowObjectsJS() as Record<string, unknown>[], changed: reader.rowsChanged };
      };
      // An Appender left open on a table would write past the delete: close them first.
      for (const stream of streams) this.dropAppender(stream);
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const resets: StreamReset[] = [];
        for (const stream of streams) resets.push(await this.sql.resetStream(run, options.organization ?? DEFAULT_ORGANIZATION, stream, options.dropRows));
        await this.connection.run('COMMIT');
        return resets;
      } catch (err) {
        await this.connection.run('ROLLBACK');
        throw err;
      }
    });
  }

  private dropAppender(table: string): void {
    const open = this.appenders.get(table);
    if (!open) return;
    this.appenders.delete(table);
    closeAppender(open.appender);
  }

  async removeRowsNotIn(table: TableSpec, syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    await this.ensureTable(table);
    const result = await this.run(...this.sql.removeRowsNotIn(table, { syncId, organization }));
    return result.rowsChanged;
  }

  async recordSync(sync: SyncRecord): Promise<void> {
    await this.run(...this.sql.recordSync(sync));
  }

  async readRows(table: TableSpec, options: ReadRowsOptions = {}): Promise<StoredRow[]> {
    await this.ensureTable(table);
    const rows = await this.rows(...this.sql.readRows(table, this.tables.get(table.name)!, options));
    return rows.map(storedRow);
  }

  async keepRows(table: TableSpec, by: string, values: string[], syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    if (values.length === 0) return 0;
    await this.ensureTable(table);
    const result = await this.run(...this.sql.keepRows(table, this.tables.get(table.name)!, by, values, { syncId, organization }));
    return result.rowsChanged;
  }

  /** Read-only SQL on the file (tests, exports): stream tables by their plain names. */
  query(sql: string, params: (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
    return this.rows(sql, params);
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      for (const { appender } of this.appenders.values()) closeAppender(appender);
      this.appenders.clear();
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}

/** The `latest` entry of an organisation's rows in a table. */
function latestKey(table: string, organization: string): string {
  return `${organization}\u0000${table}`;
}
