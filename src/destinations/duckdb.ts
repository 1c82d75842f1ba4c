import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ApiRecord } from '../datadog/page';
import type { StreamDef } from '../datadog/streams/types';
import { DestinationUnavailableError, type Bookmark, type Destination, type SyncRecord } from './destination';
import { lastPerKey, toRow } from './rows';
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

/**
 * The embedded default: one DuckDB file, one connection, statements one at a time. Each page is one
 * INSERT OR REPLACE statement, so it lands whole or not at all.
 */
export class DuckDbDestination implements Destination {
  private readonly queue = new SerialQueue();
  /** Table changes one at a time, so two pages that bring the same new field add one column. */
  private readonly changes = new SerialQueue();
  /** Per stream: the table's columns, read once; only this process writes the file. */
  private readonly tables = new Map<string, Column[]>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
  ) {}

  static async open(path: string): Promise<DuckDbDestination> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      throw new DestinationUnavailableError(
        `cannot open DuckDB file ${path}: ${(err as Error).message}` +
          ' (another process may hold it: only one Retriever worker can write a DuckDB file; use PostgreSQL for several)',
        { cause: err },
      );
    }
    const connection = await instance.connect();
    const destination = new DuckDbDestination(instance, connection, `DuckDB ${path}`);
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

  private run(sql: string, params: Param[] = []) {
    return this.queue.run(() => this.connection.run(sql, params));
  }

  private async rows(sql: string, params: Param[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.queue.run(() => this.connection.runAndReadAll(sql, params));
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
      this.tables.set(def.name, all);
      return all;
    });
  }

  async writePage(def: StreamDef, records: ApiRecord[], syncId: string): Promise<number> {
    if (records.length === 0) return 0;
    const unique = lastPerKey(def, records);
    const columns = await this.columnsWithDrift(def, unique);
    // The page travels as one JSON parameter: each row's cells as an array, its record as raw JSON.
    const rows = unique.map((record) => {
      const row = toRow(columns, record);
      return `{"c":${JSON.stringify(row.cells)},"raw":${row.raw}}`;
    });
    const page = `[${rows.join(',')}]`;
    const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN, SYNCED_AT_COLUMN, SYNC_ID_COLUMN];
    const values = [
      ...columns.map((c, i) => `TRY_CAST(json_extract_string(r, '$.c[${i}]') AS ${DUCKDB_TYPES[c.type]})`),
      `json_extract(r, '$.raw')`,
      'now()',
      '$2',
    ];
    await this.run(
      `INSERT OR REPLACE INTO ${quoteIdent(def.name)} (${names.join(', ')})
       SELECT ${values.join(', ')} FROM (SELECT unnest(from_json($1::JSON, '["JSON"]')) AS r)`,
      [page, syncId],
    );
    return unique.length;
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
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}
