import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { JsonRecord } from '../shared/json';
import { DestinationUnavailableError, type Bookmark, type Destination, type PrepareOptions, type ReadRowsOptions, type RunContext, type StoredRow, type StreamReset, type SyncRecord } from './destination';
import { convertPage, lastPerKey, prepareFromJson, type PreparedPage, type Row } from './rows';
import { JsonPages } from './duckdb-json-pages';
import { DUCKDB, DEFAULT_DUCKDB_SETTINGS, duckDbConfig, reclaimingCheckpoint, type DuckDbSettings } from './duckdb-config';
import { EventCopies } from './duckdb-event-copies';
import { TableAppenders } from './duckdb-appenders';
import { stagingTable, upsertThroughStage, type StagingTable } from './duckdb-pages';
import { AdaptiveMemoryLimit, isOutOfMemory } from './duckdb-memory';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import { SerialQueue } from './serial-queue';
import { SqlTables, storedRow, type ChangeSql } from './sql-tables';
import { nameColumns, newScalarFields, type Column, type TableSpec } from './table-model';

export { DEFAULT_DUCKDB_SETTINGS, duckDbConfig, type DuckDbSettings } from './duckdb-config';

const UPSERT_PAGES_AFTER_CONFLICT = 8;

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
  private readonly appenders: TableAppenders;
  /** Per stream table: whether it has a primary-key index (event tables made by this version have none). */
  private readonly keyed = new Map<string, boolean>();
  /** Earlier copies of events in tables without a key index. */
  private readonly copies: EventCopies;
  private readonly jsonPages: JsonPages;
  /** Rows deleted (full refreshes, resets) since the last checkpoint that reclaimed them; event copies are counted in `copies`. */
  private removedRows = 0;

  /** DuckDB's memory limit, when no fixed one is configured. */
  private readonly memory?: AdaptiveMemoryLimit;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
    settings: DuckDbSettings,
  ) {
    this.copies = new EventCopies(connection);
    this.appenders = new TableAppenders(connection);
    this.jsonPages = new JsonPages(connection, this.copies);
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
      let current = await this.sql.readColumns(this.rows, table);
      if (this.sql.needsUpgrade(current)) {
        const before = current;
        await this.inTransaction(() => this.sql.upgradeTable(this.rows, table, before, { primaryKey }));
        current = await this.sql.readColumns(this.rows, table);
      }
      const [constraint] = await this.rows('SELECT count(*) FILTER (WHERE pk) AS n FROM pragma_table_info($1)', [this.sql.name(table.name)]);
      this.keyed.set(table.name, Number(constraint.n) > 0);
      const missing = this.sql.missingColumns(current);
      for (const column of missing) await this.run(this.sql.addColumn(table, column));
      this.tables.set(table.name, current.columns);
      // ALTER TABLE adds a column at the end.
      this.appenders.setColumnOrder(current.columns, [...current.existing.keys(), ...missing.map((c) => c.name)]);
    });
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
      this.appenders.setColumnOrder(all, [...existing.keys(), ...fresh.map((c) => c.name)]);
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
    return prepareFromJson(table, await this.columnsWithDrift(table, unique), records, unique, options);
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

  /** A page DuckDB reads from its JSON text; should DuckDB refuse the text, converted by JavaScript instead. */
  private async writeJson(page: PreparedPage, run: RunContext): Promise<void> {
    if (await this.jsonPages.write(page, run, this.keyed.get(page.table.name) ?? true)) return;
    await this.writeRows(await convertPage(page.table, page.columns, lastPerKey(page.table, page.records)), run);
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
      try {
        await this.appenders.append(table.name, columns, rows, run);
        return;
      } catch (err) {
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
      written = await this.copies.remove(table, columns, records, run.organization);
    });
    written?.();
  }

  private stagingFor(table: TableSpec, columns: Column[]): StagingTable {
    let stage = this.staging.get(columns);
    if (!stage) this.staging.set(columns, (stage = stagingTable(table.name, columns)));
    return stage;
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
      for (const stream of streams) this.appenders.drop(stream);
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const resets: StreamReset[] = [];
        for (const stream of streams) resets.push(await this.sql.resetStream(run, options.organization ?? DEFAULT_ORGANIZATION, stream, options.dropRows));
        await this.connection.run('COMMIT');
        this.removedRows += resets.reduce((n, reset) => n + (reset.rowsDropped ?? 0), 0);
        return resets;
      } catch (err) {
        await this.connection.run('ROLLBACK');
        throw err;
      }
    });
  }

  async removeRowsNotIn(table: TableSpec, syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    await this.ensureTable(table);
    const result = await this.run(...this.sql.removeRowsNotIn(table, { syncId, organization }));
    this.removedRows += result.rowsChanged;
    return result.rowsChanged;
  }

  /** The sync's record; then, when rows were deleted since the last time, a checkpoint that reclaims them (duckdb-config.ts). */
  async recordSync(sync: SyncRecord): Promise<void> {
    await this.run(...this.sql.recordSync(sync));
    await this.onConnection(async () => {
      this.removedRows += this.copies.takeRemoved();
      if (this.removedRows === 0) return;
      try {
        await reclaimingCheckpoint(this.connection);
        this.removedRows = 0;
      } catch (err) {
        // The rows stay in the file until a later sync's checkpoint reclaims them: nothing is lost.
        console.warn(`retriever: a DuckDB checkpoint to reclaim deleted rows failed: ${(err as Error).message}`);
      }
    });
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
      this.appenders.closeAll();
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}
