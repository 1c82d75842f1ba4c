import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ApiRecord } from '../datadog/page';
import { getPath } from '../datadog/paths';
import type { StreamDef } from '../datadog/streams/types';
import { DestinationUnavailableError, type Bookmark, type Destination, type SyncRecord } from './destination';
import { quoteIdent, jsonPath, SerialQueue } from './sql';
import { columnsFor, RAW_COLUMN, SYNC_ID_COLUMN, SYNCED_AT_COLUMN, type Column, type ColumnType } from './table-model';

const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

function selectExpression(column: Column): string {
  const path = `'${jsonPath(column.source)}'`;
  if (column.type === 'json') return `json_extract(r, ${path})`;
  if (column.type === 'string') return `json_extract_string(r, ${path})`;
  // A value of the wrong type becomes NULL here and stays readable in _raw: it never fails the sync.
  return `TRY_CAST(json_extract_string(r, ${path}) AS ${DUCKDB_TYPES[column.type]})`;
}

/** The embedded default: one DuckDB file, one connection, statements one at a time. */
export class DuckDbDestination implements Destination {
  private readonly queue = new SerialQueue();
  private readonly prepared = new Set<string>();

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
  }

  private run(sql: string, params: (string | number | null)[] = []) {
    return this.queue.run(() => this.connection.run(sql, params));
  }

  private async rows(sql: string, params: (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.queue.run(() => this.connection.runAndReadAll(sql, params));
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  async prepare(stream: StreamDef): Promise<void> {
    if (this.prepared.has(stream.name)) return;
    const columns = columnsFor(stream);
    const key = columns.find((c) => c.source === stream.primaryKey)!;
    const definitions = columns.map((c) => `${quoteIdent(c.name)} ${DUCKDB_TYPES[c.type]}${c === key ? ' PRIMARY KEY' : ''}`);
    definitions.push(`${RAW_COLUMN} JSON NOT NULL`, `${SYNCED_AT_COLUMN} TIMESTAMPTZ NOT NULL`, `${SYNC_ID_COLUMN} VARCHAR NOT NULL`);
    await this.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(stream.name)} (${definitions.join(', ')})`);
    this.prepared.add(stream.name);
  }

  async writePage(stream: StreamDef, records: ApiRecord[], syncId: string): Promise<number> {
    if (records.length === 0) return 0;
    await this.prepare(stream);
    // Last copy wins when a page repeats a key: one statement may not upsert the same row twice.
    const byKey = new Map<string, ApiRecord>();
    for (const record of records) byKey.set(String(getPath(record, stream.primaryKey)), record);
    const columns = columnsFor(stream);
    const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN, SYNCED_AT_COLUMN, SYNC_ID_COLUMN];
    const values = [...columns.map(selectExpression), 'r', 'now()', '$2'];
    await this.run(
      `INSERT OR REPLACE INTO ${quoteIdent(stream.name)} (${names.join(', ')})
       SELECT ${values.join(', ')} FROM (SELECT unnest(from_json($1::JSON, '["JSON"]')) AS r)`,
      [JSON.stringify([...byKey.values()]), syncId],
    );
    return byKey.size;
  }

  async readBookmark(stream: string): Promise<Bookmark | null> {
    const [row] = await this.rows('SELECT cursor_ms, sync_id FROM _retriever_state WHERE stream = $1', [stream]);
    return row ? { cursor: Number(row.cursor_ms), syncId: String(row.sync_id) } : null;
  }

  async commitBookmark(stream: string, bookmark: Bookmark): Promise<void> {
    await this.run(
      `INSERT OR REPLACE INTO _retriever_state VALUES ($1, $2, epoch_ms($2::BIGINT), $3, now())`,
      [stream, bookmark.cursor, bookmark.syncId],
    );
  }

  async removeRowsNotIn(stream: StreamDef, syncId: string): Promise<number> {
    await this.prepare(stream);
    const result = await this.run(`DELETE FROM ${quoteIdent(stream.name)} WHERE ${SYNC_ID_COLUMN} <> $1`, [syncId]);
    return result.rowsChanged;
  }

  async recordSync(sync: SyncRecord): Promise<void> {
    const streams = sync.streams ? JSON.stringify(sync.streams) : null;
    if (sync.status === 'running') {
      await this.run(
        `INSERT INTO _retriever_syncs VALUES ($1, now(), NULL, 'running', NULL) ON CONFLICT (sync_id) DO NOTHING`,
        [sync.syncId],
      );
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
  query(sql: string, params: (string | number)[] = []): Promise<Record<string, unknown>[]> {
    return this.rows(sql, params);
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}
