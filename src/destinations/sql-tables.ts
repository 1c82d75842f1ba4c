import type { JsonRecord } from '../shared/json';
import type { Bookmark, ReadRowsOptions, StoredRow, SyncRecord } from './destination';
import {
  columnsFor,
  keyColumn,
  mergeColumns,
  RAW_COLUMN,
  SYNC_ID_COLUMN,
  SYNCED_AT_COLUMN,
  type Column,
  type ColumnType,
  type TableSpec,
} from './table-model';

/**
 * What DuckDB and PostgreSQL share, written once: the state tables, creating a stream's table,
 * schema-drift columns, bookmarks, sync records and the end of a full refresh. Each store runs the
 * statements its own way (one serial connection, or pooled transactions); only the dialect differs.
 */

/** Where the two stores differ in the statements below. */
export interface SqlDialect {
  /** Column types for the table model's types. */
  types: Record<ColumnType, string>;
  /** information_schema's `data_type` back to the model's type, so writes follow the table as it is. */
  fromType: Record<string, ColumnType>;
  /** SQL for a timestamp with time zone from a parameter holding epoch milliseconds. */
  epochMs(param: string): string;
  /** SQL for the epoch milliseconds (bigint) of a timestamp with time zone. */
  msOf(expression: string): string;
}

/** Runs one statement and returns its rows. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A stream's table as the store has it: its columns (types as stored) and the drift columns recorded. */
export interface TableColumns {
  columns: Column[];
  /** Rows of `_retriever_columns` for the stream when read: more later means another writer added columns. */
  registered: number;
  /** Columns the table has, by name, with their type. */
  existing: Map<string, ColumnType | undefined>;
}

export class SqlTables {
  constructor(
    private readonly dialect: SqlDialect,
    /** The schema the tables live in (`main` for DuckDB). */
    private readonly schema: string,
  ) {}

  /** A table's qualified name. */
  name(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  stateTables(): string[] {
    const { json } = this.dialect.types;
    return [
      `CREATE TABLE IF NOT EXISTS ${this.name('_retriever_state')} (
        stream text PRIMARY KEY, cursor_ms bigint NOT NULL, cursor timestamptz NOT NULL,
        sync_id text NOT NULL, updated_at timestamptz NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${this.name('_retriever_syncs')} (
        sync_id text PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz,
        status text NOT NULL, streams ${json})`,
      `CREATE TABLE IF NOT EXISTS ${this.name('_retriever_columns')} (
        stream text NOT NULL, column_name text NOT NULL, source text NOT NULL, type text NOT NULL,
        added_at timestamptz NOT NULL, PRIMARY KEY (stream, column_name))`,
    ];
  }

  /** The stream's table with the columns its schema declares, keyed by its primary key. */
  createTable(table: TableSpec): string {
    const declared = columnsFor(table);
    const key = keyColumn(table, declared);
    const definitions = declared.map((c) => `${quoteIdent(c.name)} ${this.dialect.types[c.type]}${c === key ? ' PRIMARY KEY' : ''}`);
    definitions.push(`${RAW_COLUMN} ${this.dialect.types.json} NOT NULL`, `${SYNCED_AT_COLUMN} timestamptz NOT NULL`, `${SYNC_ID_COLUMN} text NOT NULL`);
    return `CREATE TABLE IF NOT EXISTS ${this.name(table.name)} (${definitions.join(', ')})`;
  }

  addColumn(table: TableSpec, column: Column): string {
    return `ALTER TABLE ${this.name(table.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${this.dialect.types[column.type]}`;
  }

  /** Schema drift: the new column, and its record, so later runs (and other writers) keep using it. */
  addDriftColumn(table: TableSpec, column: Column): [string, unknown[]][] {
    return [
      [this.addColumn(table, column), []],
      [`INSERT INTO ${this.name('_retriever_columns')} VALUES ($1, $2, $3, $4, now())`, [table.name, column.name, column.source, column.type]],
    ];
  }

  /** The columns the table has: the schema's, drift columns added earlier, types as stored. */
  async readColumns(run: RunSql, table: TableSpec): Promise<TableColumns> {
    const actual = await run('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [
      this.schema,
      table.name,
    ]);
    const existing = new Map(actual.map((r) => [String(r.column_name), this.dialect.fromType[String(r.data_type)]]));
    const added = await run(`SELECT column_name, source, type FROM ${this.name('_retriever_columns')} WHERE stream = $1 ORDER BY added_at, column_name`, [
      table.name,
    ]);
    const columns = mergeColumns(
      columnsFor(table),
      added.map((r) => ({ name: String(r.column_name), source: String(r.source), type: String(r.type) as ColumnType })),
    );
    return { columns: columns.map((c) => ({ ...c, type: existing.get(c.name) ?? c.type })), registered: added.length, existing };
  }

  /** Columns the schema declares that the table lacks (it was made by an older Retriever). */
  missingColumns({ columns, existing }: TableColumns): Column[] {
    return columns.filter((c) => !existing.has(c.name));
  }

  async readBookmark(run: RunSql, stream: string): Promise<Bookmark | null> {
    const [row] = await run(`SELECT cursor_ms, sync_id FROM ${this.name('_retriever_state')} WHERE stream = $1`, [stream]);
    return row ? { cursor: Number(row.cursor_ms), syncId: String(row.sync_id) } : null;
  }

  commitBookmark(stream: string, bookmark: Bookmark): [string, unknown[]] {
    return [
      `INSERT INTO ${this.name('_retriever_state')} VALUES ($1, $2, ${this.dialect.epochMs('$2')}, $3, now())
       ON CONFLICT (stream) DO UPDATE SET cursor_ms = EXCLUDED.cursor_ms, cursor = EXCLUDED.cursor, sync_id = EXCLUDED.sync_id, updated_at = now()`,
      [stream, bookmark.cursor, bookmark.syncId],
    ];
  }

  recordSync(sync: SyncRecord): [string, unknown[]] {
    if (sync.status === 'running') {
      return [`INSERT INTO ${this.name('_retriever_syncs')} VALUES ($1, now(), NULL, 'running', NULL) ON CONFLICT (sync_id) DO NOTHING`, [sync.syncId]];
    }
    return [
      `INSERT INTO ${this.name('_retriever_syncs')} VALUES ($1, now(), now(), $2, $3)
       ON CONFLICT (sync_id) DO UPDATE SET finished_at = now(), status = EXCLUDED.status, streams = EXCLUDED.streams`,
      [sync.syncId, sync.status, sync.streams ? JSON.stringify(sync.streams) : null],
    ];
  }

  /** The statement of `Destination.readRows`, over the table's columns as they are. */
  readRows(table: TableSpec, columns: Column[], options: ReadRowsOptions = {}): [string, unknown[]] {
    const text = (field: string) => `CAST(${quoteIdent(columnOf(table, columns, field).name)} AS TEXT)`;
    const by = text(options.by ?? table.primaryKey);
    const select = [`${by} AS row_key`, `${this.dialect.msOf(SYNCED_AT_COLUMN)} AS written_at`];
    if (options.field) select.push(`${text(options.field)} AS row_value`);
    if (options.records) select.push(`${RAW_COLUMN} AS row_record`);
    const where = [`${by} IS NOT NULL`];
    const params: unknown[] = [];
    if (options.after !== undefined) {
      params.push(options.after);
      where.push(`${by} > $${params.length}`);
    }
    if (options.only) {
      if (options.only.length === 0) where.push('FALSE');
      else where.push(`${by} IN (${options.only.map((value) => (params.push(value), `$${params.length}`)).join(', ')})`);
    }
    const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    return [`SELECT ${select.join(', ')} FROM ${this.name(table.name)} WHERE ${where.join(' AND ')} ORDER BY ${by}${limit}`, params];
  }

  /** The statement of `Destination.keepRows`. */
  keepRows(table: TableSpec, columns: Column[], by: string, values: string[], syncId: string): [string, unknown[]] {
    const placeholders = values.map((_, i) => `$${i + 2}`).join(', ');
    const column = quoteIdent(columnOf(table, columns, by).name);
    return [`UPDATE ${this.name(table.name)} SET ${SYNC_ID_COLUMN} = $1 WHERE CAST(${column} AS TEXT) IN (${placeholders})`, [syncId, ...values]];
  }

  /** After a complete full refresh: the rows this sync did not see are gone upstream. */
  removeRowsNotIn(table: TableSpec, syncId: string): [string, unknown[]] {
    return [`DELETE FROM ${this.name(table.name)} WHERE ${SYNC_ID_COLUMN} <> $1`, [syncId]];
  }
}

/** The column holding a record field; readRows and keepRows read only fields that have one. */
function columnOf(table: TableSpec, columns: Column[], field: string): Column {
  const column = columns.find((c) => c.source === field);
  if (!column) throw new Error(`table ${table.name} has no column for "${field}"; only fields with a column can be read by`);
  return column;
}

/** A row of readRows' statement, as both stores return it (DuckDB's JSON as text, PostgreSQL's jsonb parsed). */
export function storedRow(row: Record<string, unknown>): StoredRow {
  const stored: StoredRow = { key: String(row.row_key), writtenAt: Number(row.written_at) };
  if ('row_value' in row) stored.value = row.row_value === null || row.row_value === undefined ? null : String(row.row_value);
  if ('row_record' in row) stored.record = (typeof row.row_record === 'string' ? JSON.parse(row.row_record) : row.row_record) as JsonRecord;
  return stored;
}
