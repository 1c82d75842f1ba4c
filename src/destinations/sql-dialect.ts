import type { ColumnType } from './table-model';

/** Where the two stores differ in the statements SqlTables writes (sql-tables.ts). */
export interface SqlDialect {
  /** Column types for the table model's types. */
  types: Record<ColumnType, string>;
  /** information_schema's `data_type` back to the model's type, so writes follow the table as it is. */
  fromType: Record<string, ColumnType>;
  /** SQL for a timestamp with time zone from a parameter holding epoch milliseconds. */
  epochMs(param: string): string;
  /**
   * Whether a table's primary key can be changed in place (PostgreSQL) or the table must be built
   * again with the new key and its rows copied over (DuckDB, which cannot drop a key).
   */
  rekeysInPlace: boolean;
  /** SQL for the epoch milliseconds (bigint) of a timestamp with time zone. */
  msOf(expression: string): string;
  /** A query for a table's columns (`column_name`, `data_type`) in the table's own order. */
  columnsQuery(schema: string, table: string): [string, unknown[]];
}

/** Runs one statement and returns its rows. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Runs one statement and returns its rows and how many rows it changed. */
export type ChangeSql = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[]; changed: number }>;

/** A name as an SQL identifier, quoted (both stores quote alike). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
