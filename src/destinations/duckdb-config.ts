import { DUCKDB_TYPES } from './duckdb-pages';
import type { SqlDialect } from './sql-tables';

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
};

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
