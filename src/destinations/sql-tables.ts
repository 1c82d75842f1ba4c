import type { Bookmark, SyncRecord } from './destination';
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

  /** The stream's table with the columns its schema declares, keyed by its primary key unless `primaryKey` is false. */
  createTable(table: TableSpec, { primaryKey = true } = {}): string {
    const declared = columnsFor(table);
    const key = keyColumn(table, declared);
    const definitions = declared.map((c) => `${quoteIdent(c.name)} ${this.dialect.types[c.type]}${primaryKey && c === key ? ' PRIMARY KEY' : ''}`);
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

  /** After a complete full refresh: the rows this sync did not see are gone upstream. */
  removeRowsNotIn(table: TableSpec, syncId: string): [string, unknown[]] {
    return [`DELETE FROM ${this.name(table.name)} WHERE ${SYNC_ID_COLUMN} <> $1`, [syncId]];
  }
}
