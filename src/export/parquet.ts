import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StreamDef } from '../datadog/streams/types';
import { quoteIdent } from '../destinations/sql-tables';
import { columnsFor, RAW_COLUMN } from '../destinations/table-model';
import { tableSpec } from '../datadog/streams/table';

/**
 * The Hive partition column of an incremental stream's files: the UTC day of its cursor field. Not
 * `_day`: pyarrow (pandas) and Spark pass over paths that start with "_" or ".".
 */
export const DAY_COLUMN = 'day';

/** `day`, or `day_2`, … when the table has a column of that name. */
export function partitionColumn(columns: Map<string, string>): string {
  let name = DAY_COLUMN;
  for (let i = 2; columns.has(name); i++) name = `${DAY_COLUMN}_${i}`;
  return name;
}

/** What one stream's export wrote. */
export interface ExportedStream {
  stream: string;
  rows: number;
  /** Parquet files written. */
  files: number;
  /** The stream's directory: `<out>/<stream>/`, with `day=YYYY-MM-DD/` below it for incremental streams. */
  path: string;
  /** The field the files are partitioned by the day of (incremental streams). */
  partitionedBy?: string;
  /** The partition column holding that day: `day` (unless the table has a column of that name). */
  partitionColumn?: string;
}

/**
 * A table as DuckDB sees it, ready to copy: `relation` is SQL that yields its rows with its columns'
 * own types (the table itself, or a typed view of rows staged from another store).
 */
export interface ExportTable {
  connection: DuckDBConnection;
  relation: string;
  /** The table's columns and their DuckDB types, in order. */
  columns: Map<string, string>;
}

/**
 * Writes one stream's table as Parquet through DuckDB's own `COPY … TO`: incremental streams
 * partitioned by the UTC day of their cursor field (`day=2026-11-20/…`), full-refresh streams as one
 * file. The stream's directory is replaced whole, so an export is a snapshot of the table.
 */
export async function writeParquet(table: ExportTable, def: StreamDef, outDir: string): Promise<ExportedStream> {
  const dir = resolve(outDir, def.name);
  // Only the stream's own directory is replaced, and only when it holds what an earlier export wrote.
  if (exists(dir)) {
    if (!isExportDirectory(dir)) throw new Error(`${dir} holds files an export did not write: choose another --out`);
    rmSync(dir, { recursive: true });
  }
  mkdirSync(dir, { recursive: true });
  // JSON columns as JSON text in plain strings: Parquet's JSON annotation reaches polars as bytes.
  const columns = [...table.columns].map(([name, type]) => (type === 'JSON' ? `CAST(${quoteIdent(name)} AS VARCHAR) AS ${quoteIdent(name)}` : quoteIdent(name)));
  let sql: string;
  const partition = partitionColumn(table.columns);
  if (def.window) {
    const day = dayExpression(def, table.columns);
    sql = `COPY (SELECT ${columns.join(', ')}, ${day} AS ${quoteIdent(partition)} FROM ${table.relation}) TO ${literal(dir)} (FORMAT parquet, PARTITION_BY (${quoteIdent(partition)}), OVERWRITE_OR_IGNORE)`;
  } else {
    sql = `COPY (SELECT ${columns.join(', ')} FROM ${table.relation}) TO ${literal(join(dir, 'data_0.parquet'))} (FORMAT parquet)`;
  }
  const result = await table.connection.run(sql);
  return {
    stream: def.name,
    rows: Number(result.rowsChanged),
    files: parquetFiles(dir).length,
    path: dir,
    ...(def.window ? { partitionedBy: def.window.cursorField, partitionColumn: partition } : {}),
  };
}

/**
 * SQL for the UTC day of a row's cursor: its typed column when the table has one, else the field
 * read from `_raw`. A row whose cursor cannot be read lands in `day=NULL`, not nowhere.
 */
export function dayExpression(def: StreamDef, columns: Map<string, string>): string {
  const window = def.window!;
  const column = columnsFor(tableSpec(def)).find((c) => c.source === window.cursorField);
  const typed = column && columns.has(column.name) ? column.name : undefined;
  const value = typed ? quoteIdent(typed) : `json_extract_string(${RAW_COLUMN}, ${literal(`$.${window.cursorField}`)})`;
  switch (window.cursorUnit ?? 'iso') {
    case 's':
      return `CAST(timezone('UTC', to_timestamp(TRY_CAST(${value} AS DOUBLE))) AS DATE)`;
    case 'ms':
      return `CAST(epoch_ms(TRY_CAST(${value} AS BIGINT)) AS DATE)`;
    case 'ns':
      return `CAST(epoch_ms(TRY_CAST(${value} AS HUGEINT) // 1000000) AS DATE)`;
    default:
      return typed && columns.get(typed) === 'TIMESTAMP WITH TIME ZONE'
        ? `CAST(timezone('UTC', ${value}) AS DATE)`
        : `CAST(timezone('UTC', TRY_CAST(${value} AS TIMESTAMPTZ)) AS DATE)`;
  }
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Every .parquet file under `dir`. */
export function parquetFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...parquetFiles(path));
    else if (entry.name.endsWith('.parquet')) found.push(path);
  }
  return found;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** A directory holding only what an export writes: Parquet files, and `day=…` directories of them. */
function isExportDirectory(dir: string): boolean {
  if (!statSync(dir).isDirectory()) return false;
  return readdirSync(dir, { withFileTypes: true }).every((e) => (e.isDirectory() ? e.name.startsWith(`${DAY_COLUMN}`) && e.name.includes('=') && isExportDirectory(join(dir, e.name)) : e.name.endsWith('.parquet')));
}
