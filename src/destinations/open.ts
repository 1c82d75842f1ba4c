import { postgresSettings, type RetrieverEnv } from '../config/env';
import type { Destination } from './destination';
import { DuckDbDestination } from './duckdb';
import { PostgresDestination } from './postgres';

/** The destination the environment names: `RETRIEVER_DESTINATION=duckdb` (default) or `postgres`. */
export function openDestination(env: RetrieverEnv): Promise<Destination> {
  switch (env.RETRIEVER_DESTINATION) {
    case 'postgres':
      return PostgresDestination.open(postgresSettings(env));
    case 'duckdb':
      return DuckDbDestination.open(env.RETRIEVER_DUCKDB_PATH, { memoryLimit: env.RETRIEVER_DUCKDB_MEMORY_LIMIT, checkpointThreshold: env.RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD, threads: env.RETRIEVER_DUCKDB_THREADS });
  }
}
