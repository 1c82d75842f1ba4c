import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_TYPES } from './duckdb-pages';
import { quoteIdent, type SqlDialect } from './sql-tables';

/** How DuckDB spells what SqlTables needs. */
export const DUCKDB: SqlDialect = {
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
  // One table's catalogue entry; information_schema reads every table's, which grows with the catalogue.
  columnsQuery: (schema, table) => [
    'SELECT name AS column_name, type AS data_type FROM pragma_table_info($1) ORDER BY cid',
    [`${quoteIdent(schema)}.${quoteIdent(table)}`],
  ],
};

export interface DuckDbSettings {
  /**
   * WAL size that triggers a checkpoint (`RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD`). Every write waits
   * while DuckDB checkpoints, and each checkpoint writes again the row groups the last one left
   * partly filled and rewrites the primary-key indexes: at DuckDB's 16 MB a bulk load slows as its
   * table grows, at 256 MB a checkpoint of production-sized logs still held every stream's writes for
   * one to five seconds every 70,000 logs. At 1 GB there are a quarter as many, and a sync of 1 M such
   * logs took 14 % less time (BENCHMARKS.md). The price: up to that much WAL to replay after a crash
   * (seconds), and the data not yet checkpointed held in memory or DuckDB's temporary files.
   */
  checkpointThreshold?: string;
  /**
   * Threads DuckDB runs a statement on (`RETRIEVER_DUCKDB_THREADS`). The worker sends DuckDB one
   * statement at a time on one connection, each a page written from one JSON value, a pipeline one
   * thread runs; DuckDB's own default (a thread per core) adds threads that only wait for tasks, and
   * on two cores they took a quarter of the CPU a page's insert costs from the worker and the
   * simulator beside it (BENCHMARKS.md). Default 1.
   */
  threads?: number;
  /**
   * A fixed DuckDB memory limit. Below what the primary-key indexes need, writes fail. Unset, the
   * limit follows the indexes: their size plus `workingMemory` (duckdb-memory.ts).
   */
  memoryLimit?: string;
  /** With no fixed limit: DuckDB's memory beside its indexes, in bytes (default 512 MiB). */
  workingMemory?: number;
}

export const DEFAULT_DUCKDB_SETTINGS: Required<Pick<DuckDbSettings, 'checkpointThreshold' | 'threads' | 'workingMemory'>> = {
  checkpointThreshold: '1GB',
  threads: 1,
  workingMemory: 512 * 1024 * 1024,
};

/**
 * Row-group merges a checkpoint may run (DuckDB's `max_vacuum_tasks`): none while pages are written,
 * DuckDB's own 100 in the checkpoint that reclaims removed rows (`reclaimingCheckpoint`). Each
 * checkpoint leaves its last row group part-filled, and the next one merges that with up to two full
 * row groups written before it; a row group of production-sized logs is about 450 MB, so during a
 * long sync every checkpoint wrote the table's recent past again, and took up to 17 s instead of 8
 * (BENCHMARKS.md). Without merges, only rows deleted while others of their row group live stay in
 * the file, and `reclaimingCheckpoint` reclaims those.
 */
const VACUUM_TASKS_WHILE_WRITING = 0;

/** A checkpoint that merges row groups as DuckDB does by default, reclaiming the rows deleted from them; merges are off again after it. */
export async function reclaimingCheckpoint(connection: DuckDBConnection): Promise<void> {
  await connection.run('SET max_vacuum_tasks = 100');
  try {
    await connection.run('CHECKPOINT');
  } finally {
    await connection.run(`SET max_vacuum_tasks = ${VACUUM_TASKS_WHILE_WRITING}`);
  }
}

/** The DuckDB configuration a destination opens its file with (benchmarks open theirs the same way). */
export function duckDbConfig(settings: DuckDbSettings = {}): Record<string, string> {
  const checkpointThreshold = settings.checkpointThreshold ?? DEFAULT_DUCKDB_SETTINGS.checkpointThreshold;
  const threads = String(settings.threads ?? DEFAULT_DUCKDB_SETTINGS.threads);
  return {
    checkpoint_threshold: checkpointThreshold,
    threads,
    max_vacuum_tasks: String(VACUUM_TASKS_WHILE_WRITING),
    ...(settings.memoryLimit ? { memory_limit: settings.memoryLimit } : {}),
  };
}
