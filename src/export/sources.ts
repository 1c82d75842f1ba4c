import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Pool } from 'pg';
import { postgresSettings, type RetrieverEnv } from '../config/env';
import { DUCKDB_TYPES } from '../destinations/duckdb-pages';
import { POSTGRES } from '../destinations/postgres';
import { describeTarget, poolConfig, postgresError } from '../destinations/postgres-connection';
import { quoteIdent } from '../destinations/sql-tables';
import type { ExportTable } from './parquet';

/** Rows read from PostgreSQL per round trip. */
const FETCH_ROWS = 5_000;

/** A destination's tables, read-only, each handed to DuckDB for its COPY. */
export interface ExportSource {
  readonly description: string;
  /** The names of the tables the store has. */
  tables(): Promise<Set<string>>;
  /** Runs `write` with the table ready for DuckDB. */
  withTable<T>(table: string, write: (table: ExportTable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The destination the environment names, opened to read. */
export function openExportSource(env: RetrieverEnv): Promise<ExportSource> {
  return env.RETRIEVER_DESTINATION === 'postgres' ? PostgresSource.open(env) : DuckDbSource.open(env.RETRIEVER_DUCKDB_PATH);
}

/** Reads a table's columns and their DuckDB types, in order. */
async function duckColumns(connection: DuckDBConnection, schema: string, table: string): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  return new Map(reader.getRowObjectsJS().map((r) => [String(r.column_name), String(r.data_type)]));
}

/** The DuckDB file, opened read-only: DuckDB copies straight from it. */
class DuckDbSource implements ExportSource {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
  ) {}

  static async open(path: string): Promise<DuckDbSource> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    } catch (err) {
      throw new Error(
        `cannot open DuckDB file ${path} to read: ${(err as Error).message}` +
          ' (no sync has written it yet, or a worker holds it: stop the worker first, or export from PostgreSQL, which several processes share)',
        { cause: err },
      );
    }
    const connection = await instance.connect();
    // Days are UTC days, whatever the machine's zone.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDbSource(instance, connection, `DuckDB ${path}`);
  }

  async tables(): Promise<Set<string>> {
    const reader = await this.connection.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'");
    return new Set(reader.getRowObjectsJS().map((r) => String(r.table_name)));
  }

  async withTable<T>(table: string, write: (table: ExportTable) => Promise<T>): Promise<T> {
    return write({ connection: this.connection, relation: `main.${quoteIdent(table)}`, columns: await duckColumns(this.connection, 'main', table) });
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * PostgreSQL, read through `pg` (DuckDB's postgres extension would be downloaded at run time): each
 * table is read in one snapshot, every value as its text (nothing lost on the way: microseconds,
 * int64, JSON as stored), staged in a temporary DuckDB file and cast back to the column's type there.
 */
class PostgresSource implements ExportSource {
  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly target: string,
  ) {}

  get description(): string {
    return `PostgreSQL ${this.target} (schema ${this.schema})`;
  }

  static async open(env: RetrieverEnv): Promise<PostgresSource> {
    const settings = postgresSettings(env);
    const pool = new Pool(poolConfig(settings));
    pool.on('error', (err) => console.warn(`retriever: PostgreSQL closed an idle connection: ${err.message}`));
    return new PostgresSource(pool, settings.schema, describeTarget(settings));
  }

  async tables(): Promise<Set<string>> {
    try {
      const { rows } = await this.pool.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [this.schema]);
      return new Set(rows.map((r) => String(r.table_name)));
    } catch (err) {
      throw postgresError(err, this.target, 'listing the tables');
    }
  }

  async withTable<T>(table: string, write: (table: ExportTable) => Promise<T>): Promise<T> {
    const dir = mkdtempSync(join(tmpdir(), 'retriever-export-'));
    const instance = await DuckDBInstance.create(join(dir, 'stage.duckdb'));
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      const columns = await this.stage(table, connection);
      const typed = [...columns].map(([name, type]) => `CAST(${quoteIdent(name)} AS ${type}) AS ${quoteIdent(name)}`);
      return await write({ connection, relation: `(SELECT ${typed.join(', ')} FROM stage)`, columns });
    } finally {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Copies the table's rows, as text, into `stage`; returns its columns with the DuckDB types they cast to. */
  private async stage(table: string, duck: DuckDBConnection): Promise<Map<string, string>> {
    const client = await this.pool.connect().catch((err) => {
      throw postgresError(err, this.target, `reading ${table}`);
    });
    let broken: Error | undefined;
    try {
      // One snapshot for the whole table, however many round trips it takes.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query("SET LOCAL TimeZone = 'UTC'");
      const described = await client.query(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [this.schema, table],
      );
      // A type the model does not know (a column a user added) stays text.
      const columns = new Map<string, string>(
        described.rows.map((r) => [String(r.column_name), DUCKDB_TYPES[POSTGRES.fromType[String(r.data_type)]] ?? 'VARCHAR']),
      );
      const names = [...columns.keys()].map(quoteIdent);
      await duck.run(`CREATE TABLE stage (${names.map((n) => `${n} VARCHAR`).join(', ')})`);
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR SELECT ${names.map((n) => `${n}::text`).join(', ')} FROM ${quoteIdent(this.schema)}.${quoteIdent(table)}`);
      const appender = await duck.createAppender('stage');
      for (;;) {
        const { rows } = await client.query<string[]>({ text: `FETCH ${FETCH_ROWS} FROM export_rows`, rowMode: 'array' });
        for (const row of rows) {
          for (const value of row) value === null ? appender.appendNull() : appender.appendVarchar(value);
          appender.endRow();
        }
        appender.flushSync();
        if (rows.length < FETCH_ROWS) break;
      }
      appender.closeSync();
      await client.query('COMMIT');
      return columns;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw postgresError(err, this.target, `reading ${table}`);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
