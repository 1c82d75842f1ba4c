import { DuckDBTimestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Cell, Row } from './rows';
import { quoteIdent } from './sql-tables';
import type { RunContext } from './destination';
import { ORGANIZATION_COLUMN, RAW_COLUMN, SYNC_ID_COLUMN, SYNCED_AT_COLUMN, type Column, type ColumnType } from './table-model';

/** How a page's rows get into a DuckDB table: straight through the Appender, or through a staging table. */

export const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

/** Where each of a table's columns, in the table's own order, takes its value from when appended to. */
export type Slot = { cell: number; type: ColumnType } | 'raw' | 'synced_at' | 'sync_id' | 'organization' | 'none';

/** The slots of a table whose columns are `tableOrder` (as DuckDB lists them), for rows made from `columns`. */
export function slotsFor(tableOrder: string[], columns: Column[]): Slot[] {
  const special: Record<string, Slot> = { [RAW_COLUMN]: 'raw', [SYNCED_AT_COLUMN]: 'synced_at', [SYNC_ID_COLUMN]: 'sync_id', [ORGANIZATION_COLUMN]: 'organization' };
  const index = new Map(columns.map((c, i) => [c.name, i]));
  return tableOrder.map((name) => {
    const cell = index.get(name);
    return cell !== undefined ? { cell, type: columns[cell].type } : (special[name] ?? 'none');
  });
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

/**
 * Appends a page to the table the Appender is open on and flushes it. The flush is one transaction,
 * so a page with a key the table already has, or a cell DuckDB will not cast, writes nothing and
 * throws; what it buffered is then cleared, so no later flush writes part of it.
 */
export function appendRows(appender: DuckDBAppender, slots: Slot[], rows: Row[], { syncId, organization }: RunContext): void {
  const syncedAt = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
  try {
    for (const row of rows) {
      for (const slot of slots) {
        if (slot === 'raw') appender.appendVarchar(row.raw);
        else if (slot === 'synced_at') appender.appendTimestampTZ(syncedAt);
        else if (slot === 'sync_id') appender.appendVarchar(syncId);
        else if (slot === 'organization') appender.appendVarchar(organization);
        else if (slot === 'none') appender.appendDefault();
        else appendCell(appender, slot.type, row.cells[slot.cell]);
      }
      appender.endRow();
    }
    appender.flushSync();
  } catch (err) {
    appender.clear();
    throw err;
  }
}

/**
 * Closes an Appender. One that has just refused a page (`refused`) throws that refusal again as it
 * closes, and it was handled where it happened; any other failure to close is logged.
 */
export function closeAppender(appender: DuckDBAppender, refused?: unknown): void {
  try {
    appender.closeSync();
  } catch (err) {
    if (refused === undefined) console.warn(`retriever: closing a DuckDB appender failed: ${(err as Error).message}`);
  }
}

/** A stream's staging table and the statements that move a page from it into the stream's table. */
export interface StagingTable {
  /** Its name in the temp catalog, unquoted (for the Appender) and qualified (for SQL). */
  table: string;
  name: string;
  cells: number;
  create: string;
  /** Moves the staged page into the table, replacing rows of the same keys (a table with a key index). */
  upsert: string;
  /** Moves it in as new rows (a table without a key index, whose earlier copies were removed first). */
  insert: string;
}

/**
 * The staging table of a stream's pages: a text column per column, cast on the way into the table,
 * and `_raw` as JSON already. Not cast: a cast parses the text, and DuckDB's parser refuses a lone
 * surrogate's escape (`\ud800`), which `_raw` keeps as received.
 */
export function stagingTable(stream: string, columns: Column[]): StagingTable {
  const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN];
  const table = `stage_${stream}`;
  const name = `temp.main.${quoteIdent(table)}`;
  const target = `${quoteIdent(stream)} (${[...names, SYNCED_AT_COLUMN, SYNC_ID_COLUMN, quoteIdent(ORGANIZATION_COLUMN)].join(', ')})`;
  const select = `SELECT ${[...columns.map((c) => `TRY_CAST(${quoteIdent(c.name)} AS ${DUCKDB_TYPES[c.type]})`), RAW_COLUMN, 'now()', '$1', '$2'].join(', ')} FROM ${name}`;
  return {
    table,
    name,
    cells: columns.length,
    create: `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (${[...columns.map((c) => `${quoteIdent(c.name)} VARCHAR`), `${RAW_COLUMN} JSON`].join(', ')})`,
    upsert: `INSERT OR REPLACE INTO ${target} ${select}`,
    insert: `INSERT INTO ${target} ${select}`,
  };
}

/**
 * Upserts a page through a fresh staging table, dropped after: an in-memory table never reclaims
 * deleted rows, so emptying one with DELETE or TRUNCATE would keep every page ever written in memory.
 * Every cell goes in as text and the upsert casts it, so a value of the wrong type becomes NULL.
 * `removeCopies`, for a table without a key index: run in one transaction with the move, before it,
 * to remove the rows the page replaces.
 */
export async function upsertThroughStage(
  connection: DuckDBConnection,
  stage: StagingTable,
  rows: Row[],
  { syncId, organization }: RunContext,
  removeCopies?: () => Promise<void>,
): Promise<void> {
  await connection.run(stage.create);
  try {
    const appender = await connection.createAppender(stage.table, 'main', 'temp');
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
      // Flushes what was appended, even after an error: the staging table is dropped either way.
      appender.closeSync();
    }
    if (removeCopies) {
      await inTransaction(connection, async () => {
        await removeCopies();
        await connection.run(stage.insert, [syncId, organization]);
      });
    } else {
      await connection.run(stage.upsert, [syncId, organization]);
    }
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${stage.name}`);
  }
}

/** Runs `work` in one transaction on the connection: all of it lands, or none. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (err) {
    await connection.run('ROLLBACK').catch((rollback: Error) => console.warn(`retriever: rolling back a DuckDB write failed: ${rollback.message}`));
    throw err;
  }
}
