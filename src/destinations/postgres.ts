import { Pool, type PoolClient } from 'pg';
import type { PostgresSettings } from '../config/env';
import type { ApiRecord } from '../datadog/page';
import type { StreamDef } from '../datadog/streams/types';
import type { Bookmark, Destination, SyncRecord } from './destination';
import { copyFrom, copyText } from './pg-copy';
import { describeTarget, isBrokenConnection, poolConfig, postgresError } from './postgres-connection';
import { jsonbRaw, lastPerKey, toRow } from './rows';
import { quoteIdent } from './sql';
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

const PG_TYPES: Record<ColumnType, string> = {
  string: 'text',
  timestamp: 'timestamptz',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
};

/** information_schema's data_type back to the model's type, so writes follow the table as it is. */
const FROM_PG_TYPE: Record<string, ColumnType> = {
  text: 'string',
  'character varying': 'string',
  'timestamp with time zone': 'timestamp',
  bigint: 'integer',
  integer: 'integer',
  smallint: 'integer',
  'double precision': 'number',
  real: 'number',
  numeric: 'number',
  boolean: 'boolean',
  jsonb: 'json',
  json: 'json',
};

/** Changes some other worker made to a table since this one read it: re-read and write again. */
class StaleColumns extends Error {}

/** A stream's table as this process knows it. */
interface TableState {
  columns: Column[];
  /** Rows of `_retriever_columns` for the stream when read: more now means another worker added columns. */
  registered: number;
}

/**
 * PostgreSQL, for teams and for several workers at once: each page is COPYed into a temporary
 * staging table and upserted by primary key in one transaction, so a page lands whole or not at all.
 * DDL (tables, drift columns) is serialised across workers by an advisory lock.
 */
export class PostgresDestination implements Destination {
  /** Per stream: the table as this process last read it. */
  private readonly tables = new Map<string, Promise<TableState>>();
  /** Per connection: the staging tables it has, and the column list each was made for. */
  private readonly staging = new WeakMap<PoolClient, Map<string, string>>();

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly target: string,
  ) {}

  get description(): string {
    return `PostgreSQL ${this.target} (schema ${this.schema})`;
  }

  static async open(settings: PostgresSettings): Promise<PostgresDestination> {
    const pool = new Pool(poolConfig(settings));
    // An idle connection the server closed is dropped by the pool; the next query opens another.
    pool.on('error', () => undefined);
    const destination = new PostgresDestination(pool, settings.schema, describeTarget(settings));
    try {
      await destination.createStateTables();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return destination;
  }

  private name(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  /** A connection with a transaction open on it. */
  private async begin(doing: string): Promise<PoolClient> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw postgresError(err, this.target, doing);
      }
      try {
        await client.query('BEGIN');
        return client;
      } catch (err) {
        client.release(err as Error);
        // A pooled connection the server closed while it sat idle (a restart, a proxy's timeout): one more, fresh.
        if (attempt > 1 || !isBrokenConnection(err)) throw postgresError(err, this.target, doing);
      }
    }
  }

  /** Runs `work` in one transaction on one connection; any failure rolls all of it back. */
  private async transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.begin(doing);
    let broken: Error | undefined;
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A rollback also undoes staging tables created in this transaction.
      this.staging.delete(client);
      if (isBrokenConnection(err)) broken = err as Error;
      else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (err instanceof StaleColumns) throw err;
      throw postgresError(err, this.target, doing);
    } finally {
      client.release(broken);
    }
  }

  /** A transaction that changes tables: one at a time across all workers writing to this schema. */
  private ddl<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.transaction(doing, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`retriever ddl ${this.schema}`]);
      return work(client);
    });
  }

  private async createStateTables(): Promise<void> {
    await this.ddl('creating the state tables', async (client) => {
      // CREATE SCHEMA checks the CREATE privilege even when the schema exists: ask first.
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(this.schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.name('_retriever_state')} (
        stream text PRIMARY KEY, cursor_ms bigint NOT NULL, cursor timestamptz NOT NULL,
        sync_id text NOT NULL, updated_at timestamptz NOT NULL)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.name('_retriever_syncs')} (
        sync_id text PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz,
        status text NOT NULL, streams jsonb)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.name('_retriever_columns')} (
        stream text NOT NULL, column_name text NOT NULL, source text NOT NULL, type text NOT NULL,
        added_at timestamptz NOT NULL, PRIMARY KEY (stream, column_name))`);
    });
  }

  /** The table's columns, as recorded in the database; call inside `ddl` or the page's transaction. */
  private async readTable(client: PoolClient, def: StreamDef): Promise<TableState & { existing: Map<string, ColumnType | undefined> }> {
    const actual = await client.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.schema, def.name],
    );
    const existing = new Map(actual.rows.map((r) => [r.column_name, FROM_PG_TYPE[r.data_type]]));
    const added = await client.query<{ column_name: string; source: string; type: ColumnType }>(
      `SELECT column_name, source, type FROM ${this.name('_retriever_columns')} WHERE stream = $1 ORDER BY added_at, column_name`,
      [def.name],
    );
    const columns = mergeColumns(
      columnsFor(def),
      added.rows.map((r) => ({ name: r.column_name, source: r.source, type: r.type })),
    );
    return { columns: columns.map((c) => ({ ...c, type: existing.get(c.name) ?? c.type })), registered: added.rows.length, existing };
  }

  async prepare(def: StreamDef): Promise<void> {
    await this.table(def);
  }

  private table(def: StreamDef): Promise<TableState> {
    return this.tables.get(def.name) ?? this.remember(def, this.createTable(def));
  }

  private remember(def: StreamDef, table: Promise<TableState>): Promise<TableState> {
    this.tables.set(def.name, table);
    table.catch(() => this.tables.delete(def.name));
    return table;
  }

  /** Creates the table when missing and adds columns the schema declares that it lacks (a newer Retriever). */
  private createTable(def: StreamDef): Promise<TableState> {
    return this.ddl(`preparing table ${def.name}`, async (client) => {
      const declared = columnsFor(def);
      const key = declared.find((c) => c.source === def.primaryKey)!;
      const definitions = declared.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}${c === key ? ' PRIMARY KEY' : ''}`);
      definitions.push(`${RAW_COLUMN} jsonb NOT NULL`, `${SYNCED_AT_COLUMN} timestamptz NOT NULL`, `${SYNC_ID_COLUMN} text NOT NULL`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.name(def.name)} (${definitions.join(', ')})`);
      const { columns, registered, existing } = await this.readTable(client, def);
      for (const column of columns) {
        if (!existing.has(column.name)) {
          await client.query(`ALTER TABLE ${this.name(def.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${PG_TYPES[column.type]}`);
        }
      }
      return { columns, registered };
    });
  }

  /** Schema drift: adds a column per new top-level scalar field, unless another worker just did. */
  private addColumns(def: StreamDef, fields: Omit<Column, 'name'>[]): Promise<TableState> {
    const table = this.ddl(`adding columns to ${def.name}`, async (client) => {
      const { columns, registered, existing } = await this.readTable(client, def);
      const known = new Set(columns.map((c) => c.source));
      const fresh = nameColumns(
        fields.filter((f) => !known.has(f.source)),
        existing.keys(),
      );
      for (const column of fresh) {
        await client.query(`ALTER TABLE ${this.name(def.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${PG_TYPES[column.type]}`);
        await client.query(`INSERT INTO ${this.name('_retriever_columns')} VALUES ($1, $2, $3, $4, now())`, [def.name, column.name, column.source, column.type]);
      }
      return { columns: [...columns, ...fresh], registered: registered + fresh.length };
    });
    return this.remember(def, table);
  }

  async writePage(def: StreamDef, records: ApiRecord[], syncId: string): Promise<number> {
    if (records.length === 0) return 0;
    const unique = lastPerKey(def, records);
    for (;;) {
      let table = await this.table(def);
      const fresh = newScalarFields(def, table.columns, unique);
      if (fresh.length > 0) table = await this.addColumns(def, fresh);
      const current = table;
      try {
        await this.transaction(`writing a page of ${def.name}`, (client) => this.upsert(client, def, current, unique, syncId));
        return unique.length;
      } catch (err) {
        if (!(err instanceof StaleColumns)) throw err;
        this.tables.delete(def.name);
      }
    }
  }

  private async upsert(client: PoolClient, def: StreamDef, { columns, registered }: TableState, records: ApiRecord[], syncId: string): Promise<void> {
    // Holding the table first means no drift column can be added between this check and the write.
    await client.query(`LOCK TABLE ${this.name(def.name)} IN ROW EXCLUSIVE MODE`);
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.name('_retriever_columns')} WHERE stream = $1`, [def.name]);
    if (Number(rows[0].n) !== registered) throw new StaleColumns();

    const stage = await this.stagingTable(client, def, columns);
    const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN];
    const data = records.map((record) => {
      const row = toRow(columns, record);
      return [...row.cells, jsonbRaw(row.raw)];
    });
    await copyFrom(client, `COPY ${stage} (${names.join(', ')}) FROM STDIN`, copyText(data));
    const key = quoteIdent(columns.find((c) => c.source === def.primaryKey)!.name);
    const updates = [...names, SYNCED_AT_COLUMN, SYNC_ID_COLUMN].filter((n) => n !== key).map((n) => `${n} = EXCLUDED.${n}`);
    // Rows in key order, so two workers writing overlapping pages lock rows in the same order.
    await client.query(
      `INSERT INTO ${this.name(def.name)} (${names.join(', ')}, ${SYNCED_AT_COLUMN}, ${SYNC_ID_COLUMN})
       SELECT ${names.join(', ')}, now(), $1 FROM ${stage} ORDER BY ${key}
       ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}`,
      [syncId],
    );
  }

  /** A temporary table per stream and connection, emptied at each commit and remade when the columns change. */
  private async stagingTable(client: PoolClient, def: StreamDef, columns: Column[]): Promise<string> {
    const name = `pg_temp.${quoteIdent(`stage_${def.name}`)}`;
    const definitions = [...columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}`), `${RAW_COLUMN} jsonb`].join(', ');
    let tables = this.staging.get(client);
    if (!tables) this.staging.set(client, (tables = new Map()));
    if (tables.get(def.name) !== definitions) {
      await client.query(`DROP TABLE IF EXISTS ${name}`);
      await client.query(`CREATE TEMPORARY TABLE ${quoteIdent(`stage_${def.name}`)} (${definitions}) ON COMMIT DELETE ROWS`);
      tables.set(def.name, definitions);
    }
    return name;
  }

  private async run<T extends Record<string, unknown>>(doing: string, sql: string, params: unknown[] = []): Promise<{ rows: T[]; rowCount: number }> {
    try {
      const result = await this.pool.query<T>(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw postgresError(err, this.target, doing);
    }
  }

  async readBookmark(stream: string): Promise<Bookmark | null> {
    const { rows } = await this.run<{ cursor_ms: string; sync_id: string }>(
      `reading the bookmark of ${stream}`,
      `SELECT cursor_ms, sync_id FROM ${this.name('_retriever_state')} WHERE stream = $1`,
      [stream],
    );
    return rows[0] ? { cursor: Number(rows[0].cursor_ms), syncId: rows[0].sync_id } : null;
  }

  async commitBookmark(stream: string, bookmark: Bookmark): Promise<void> {
    await this.run(
      `committing the bookmark of ${stream}`,
      `INSERT INTO ${this.name('_retriever_state')} VALUES ($1, $2, to_timestamp($2::bigint / 1000.0), $3, now())
       ON CONFLICT (stream) DO UPDATE SET cursor_ms = EXCLUDED.cursor_ms, cursor = EXCLUDED.cursor, sync_id = EXCLUDED.sync_id, updated_at = now()`,
      [stream, bookmark.cursor, bookmark.syncId],
    );
  }

  async removeRowsNotIn(def: StreamDef, syncId: string): Promise<number> {
    await this.prepare(def);
    const { rowCount } = await this.run(`completing the full refresh of ${def.name}`, `DELETE FROM ${this.name(def.name)} WHERE ${SYNC_ID_COLUMN} <> $1`, [syncId]);
    return rowCount;
  }

  async recordSync(sync: SyncRecord): Promise<void> {
    const doing = `recording sync ${sync.syncId}`;
    if (sync.status === 'running') {
      await this.run(doing, `INSERT INTO ${this.name('_retriever_syncs')} VALUES ($1, now(), NULL, 'running', NULL) ON CONFLICT (sync_id) DO NOTHING`, [
        sync.syncId,
      ]);
    } else {
      await this.run(
        doing,
        `INSERT INTO ${this.name('_retriever_syncs')} VALUES ($1, now(), now(), $2, $3)
         ON CONFLICT (sync_id) DO UPDATE SET finished_at = now(), status = EXCLUDED.status, streams = EXCLUDED.streams`,
        [sync.syncId, sync.status, sync.streams ? JSON.stringify(sync.streams) : null],
      );
    }
  }

  async countRows(stream: string): Promise<number> {
    const { rows } = await this.run<{ n: string }>(`counting rows of ${stream}`, `SELECT count(*) AS n FROM ${this.name(stream)}`);
    return Number(rows[0].n);
  }

  /** For tests and the CLI: read-only SQL, with Retriever's schema first on the search path. */
  query(sql: string, params: (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
    return this.transaction('running a query', async (client) => {
      await client.query(`SET LOCAL search_path TO ${quoteIdent(this.schema)}, public`);
      return (await client.query(sql, params)).rows;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
