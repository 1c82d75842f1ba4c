import { Pool, type PoolClient } from 'pg';
import type { PostgresSettings } from '../config/env';
import type { JsonRecord } from '../shared/json';
import type { Bookmark, Destination, PrepareOptions, ReadRowsOptions, RunContext, StoredRow, StreamReset, SyncRecord } from './destination';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import { copyFrom, copyText } from './pg-copy';
import { describeTarget, poolConfig, postgresError } from './postgres-connection';
import { PostgresTransactions } from './postgres-transactions';
import { jsonUpsert } from './postgres-json';
import { convertPage, jsonbRaw, lastPerKey, prepareFromJson, type PreparedPage } from './rows';
import { quoteIdent, SqlTables, storedRow, type ChangeSql, type RunSql, type SqlDialect, type TableColumns } from './sql-tables';
import { keyColumn, nameColumns, newScalarFields, ORGANIZATION_COLUMN, RAW_COLUMN, SYNC_ID_COLUMN, SYNCED_AT_COLUMN, type Column, type TableSpec } from './table-model';

export const POSTGRES: SqlDialect = {
  types: { string: 'text', timestamp: 'timestamptz', integer: 'bigint', number: 'double precision', boolean: 'boolean', json: 'jsonb' },
  fromType: {
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
  },
  epochMs: (param) => `to_timestamp(${param}::bigint / 1000.0)`,
  rekeysInPlace: true,
  columnsQuery: (schema, table) => [
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  ],
  msOf: (expression) => `(extract(epoch from ${expression}) * 1000)::bigint`,
};

/** Changes some other worker made to a table since this one read it: re-read and write again. */
class StaleColumns extends Error {}

/** The server would not read a page from its JSON text (a value it will not cast): convert it instead. */
class JsonRefused extends Error {}

/** A stream's table as this process knows it. */
type TableState = Omit<TableColumns, 'existing'>;

/**
 * PostgreSQL, for teams and for several workers at once: each page is upserted by primary key in one
 * transaction, so a page lands whole or not at all. The server reads a page from its JSON text
 * (postgres-json.ts) when every value converts as it is; any other page is converted here, COPYed
 * into a temporary staging table and upserted from there. DDL (tables, drift columns) is serialised
 * across workers by an advisory lock.
 */
export class PostgresDestination implements Destination {
  private readonly sql: SqlTables;
  /** Per stream: the table as this process last read it. */
  private readonly tables = new Map<string, Promise<TableState>>();
  /** Per connection: the staging tables it has, and the column list each was made for. */
  private readonly staging = new WeakMap<PoolClient, Map<string, string>>();
  private readonly transactions: PostgresTransactions;

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly target: string,
  ) {
    this.sql = new SqlTables(POSTGRES, schema);
    // A rollback also undoes the staging tables created in that transaction.
    this.transactions = new PostgresTransactions(pool, target, (err) => err instanceof StaleColumns || err instanceof JsonRefused, (client) => this.staging.delete(client));
  }

  get description(): string {
    return `PostgreSQL ${this.target} (schema ${this.schema})`;
  }

  static async open(settings: PostgresSettings): Promise<PostgresDestination> {
    const pool = new Pool(poolConfig(settings));
    // An idle connection the server closed is dropped by the pool; the next query opens another.
    pool.on('error', (err) => console.warn(`retriever: PostgreSQL closed an idle connection: ${err.message}`));
    const destination = new PostgresDestination(pool, settings.schema, describeTarget(settings));
    try {
      await destination.createStateTables();
      // After the state tables: a server that cannot be reached has been reported as such.
      await compressWithLz4(pool);
    } catch (err) {
      // The pool's own failure to end would only hide why the store could not be opened.
      await pool.end().catch((endError: Error) => console.warn(`retriever: closing the PostgreSQL pool failed: ${endError.message}`));
      throw err;
    }
    return destination;
  }

  /** Runs `work` in one transaction on one connection; any failure rolls all of it back. */
  private transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.transactions.run(doing, work);
  }

  /** A transaction that changes tables: one at a time across all workers writing to this schema. */
  private ddl<T>(doing: string, work: (run: RunSql) => Promise<T>): Promise<T> {
    return this.transaction(doing, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`retriever ddl ${this.schema}`]);
      return work(async (sql, params) => (await client.query(sql, params)).rows);
    });
  }

  private async createStateTables(): Promise<void> {
    await this.ddl('creating the state tables', async (run) => {
      // CREATE SCHEMA checks the CREATE privilege even when the schema exists: ask first.
      const exists = await run('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.length === 0) await run(`CREATE SCHEMA ${quoteIdent(this.schema)}`);
      for (const statement of this.sql.stateTables()) await run(statement);
      await this.sql.upgradeStateTables(run);
    });
  }

  async ensureTable(table: TableSpec): Promise<void> {
    await this.table(table);
  }

  private table(table: TableSpec): Promise<TableState> {
    return this.tables.get(table.name) ?? this.remember(table, this.createTable(table));
  }

  private remember(table: TableSpec, state: Promise<TableState>): Promise<TableState> {
    this.tables.set(table.name, state);
    // A failed read is not kept: the next page asks the database again (the failure is its caller's).
    state.then(undefined, () => this.tables.delete(table.name));
    return state;
  }

  /** Creates the table when missing and adds columns the schema declares that it lacks (a newer Retriever). */
  private createTable(table: TableSpec): Promise<TableState> {
    return this.ddl(`preparing table ${table.name}`, async (run) => {
      await run(this.sql.createTable(table));
      await this.sql.upgradeTable(run, table, await this.sql.readColumns(run, table));
      const current = await this.sql.readColumns(run, table);
      for (const column of this.sql.missingColumns(current)) await run(this.sql.addColumn(table, column));
      return { columns: current.columns, registered: current.registered };
    });
  }

  /** Schema drift: adds a column per new top-level scalar field, unless another worker just did. */
  private addColumns(table: TableSpec, fields: Omit<Column, 'name'>[]): Promise<TableState> {
    const state = this.ddl(`adding columns to ${table.name}`, async (run) => {
      const { columns, registered, existing } = await this.sql.readColumns(run, table);
      const known = new Set(columns.map((c) => c.source));
      const fresh = nameColumns(
        fields.filter((f) => !known.has(f.source)),
        existing.keys(),
      );
      for (const column of fresh) {
        for (const [statement, params] of this.sql.addDriftColumn(table, column)) await run(statement, params);
      }
      return { columns: [...columns, ...fresh], registered: registered + fresh.length };
    });
    return this.remember(table, state);
  }

  async prepare(table: TableSpec, records: JsonRecord[], options: PrepareOptions = {}): Promise<PreparedPage> {
    const unique = lastPerKey(table, records);
    let state = await this.table(table);
    const fresh = newScalarFields(table, state.columns, unique);
    if (fresh.length > 0) state = await this.addColumns(table, fresh);
    return prepareFromJson(table, state.columns, records, unique, options);
  }

  async writePage(page: PreparedPage, syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    const run: RunContext = { syncId, organization };
    if (page.records.length === 0) return 0;
    for (;;) {
      const state = await this.table(page.table);
      // Prepared against columns this process has since added to (or re-read): prepare again.
      if (page.columns !== state.columns) page = await this.prepare(page.table, page.records, { json: page.json });
      const current = page;
      try {
        await this.transaction(`writing a page of ${page.table.name}`, async (client) => {
          await this.holdColumns(client, current.table, state.registered);
          await (current.json ? this.upsertJson(client, current, run) : this.upsert(client, current, run));
        });
        return page.records.length - (page.repeated ?? 0);
      } catch (err) {
        if (err instanceof JsonRefused) {
          console.warn(`retriever: PostgreSQL did not read a page of ${page.table.name} from its JSON (${err.message}); converting it in JavaScript`);
          page = await convertPage(page.table, page.columns, lastPerKey(page.table, page.records));
        } else if (err instanceof StaleColumns) this.tables.delete(page.table.name);
        else throw err;
      }
    }
  }

  /** Holds the table so that no drift column can be added before the write, having checked none was since it was read. */
  private async holdColumns(client: PoolClient, table: TableSpec, registered: number): Promise<void> {
    await client.query(`LOCK TABLE ${this.sql.name(table.name)} IN ROW EXCLUSIVE MODE`);
    const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.sql.name('_retriever_columns')} WHERE stream = $1`, [table.name]);
    if (Number(count.rows[0].n) !== registered) throw new StaleColumns();
  }

  /** A page the server reads from its JSON text; JsonRefused when it will not cast a value, or finds other records there. */
  private async upsertJson(client: PoolClient, { table, columns, records, json, repeated = 0 }: PreparedPage, run: RunContext): Promise<void> {
    const sql = jsonUpsert(this.sql.name(table.name), columns, keyColumn(table, columns), json!.path);
    let written: number;
    try {
      written = (await client.query(sql, [json!.text, run.syncId, run.organization])).rowCount ?? 0;
    } catch (err) {
      // A data exception (a text, number or date it will not cast) or a type the table has that the cast does not give.
      const code = String((err as { code?: unknown }).code ?? '');
      if (code.startsWith('22') || code === '42804' || code === '42846') throw new JsonRefused((err as Error).message);
      throw err;
    }
    // Every record becomes a row, or the page is written another way: never fewer, silently.
    if (written !== records.length - repeated) throw new JsonRefused(`the JSON held ${written} of the page's ${records.length - repeated} records`);
  }

  private async upsert(client: PoolClient, { table, columns, rows }: PreparedPage, run: RunContext): Promise<void> {
    const stage = await this.stagingTable(client, table, columns);
    const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN];
    await copyFrom(client, `COPY ${stage} (${names.join(', ')}) FROM STDIN`, copyText(rows.map((row) => [...row.cells, jsonbRaw(row.raw)])));
    const key = quoteIdent(keyColumn(table, columns).name);
    const organization = quoteIdent(ORGANIZATION_COLUMN);
    const updates = [...names, SYNCED_AT_COLUMN, SYNC_ID_COLUMN].filter((n) => n !== key).map((n) => `${n} = EXCLUDED.${n}`);
    // Rows in key order, so two workers writing overlapping pages lock rows in the same order.
    await client.query(
      `INSERT INTO ${this.sql.name(table.name)} (${names.join(', ')}, ${SYNCED_AT_COLUMN}, ${SYNC_ID_COLUMN}, ${organization})
       SELECT ${names.join(', ')}, now(), $1, $2 FROM ${stage} ORDER BY ${key}
       ON CONFLICT (${organization}, ${key}) DO UPDATE SET ${updates.join(', ')}`,
      [run.syncId, run.organization],
    );
  }

  /** A temporary table per stream and connection, emptied at each commit and remade when the columns change. */
  private async stagingTable(client: PoolClient, table: TableSpec, columns: Column[]): Promise<string> {
    const name = `pg_temp.${quoteIdent(`stage_${table.name}`)}`;
    const definitions = [...columns.map((c) => `${quoteIdent(c.name)} ${POSTGRES.types[c.type]}`), `${RAW_COLUMN} jsonb`].join(', ');
    let tables = this.staging.get(client);
    if (!tables) this.staging.set(client, (tables = new Map()));
    if (tables.get(table.name) !== definitions) {
      await client.query(`DROP TABLE IF EXISTS ${name}`);
      await client.query(`CREATE TEMPORARY TABLE ${quoteIdent(`stage_${table.name}`)} (${definitions}) ON COMMIT DELETE ROWS`);
      tables.set(table.name, definitions);
    }
    return name;
  }

  private async run(doing: string, sql: string, params: unknown[] = []): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
    try {
      const result = await this.pool.query(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw postgresError(err, this.target, doing);
    }
  }

  readBookmark(stream: string, organization = DEFAULT_ORGANIZATION): Promise<Bookmark | null> {
    return this.sql.readBookmark(async (sql, params) => (await this.run(`reading the bookmark of ${stream}`, sql, params)).rows, organization, stream);
  }

  async commitBookmark(stream: string, bookmark: Bookmark, organization = DEFAULT_ORGANIZATION): Promise<void> {
    await this.run(`committing the bookmark of ${stream}`, ...this.sql.commitBookmark(organization, stream, bookmark));
  }

  /** One transaction: a failure anywhere leaves every bookmark and row as it was. */
  resetStreams(streams: string[], options: { dropRows: boolean; organization?: string }): Promise<StreamReset[]> {
    return this.transaction(`resetting ${streams.join(', ')}`, async (client) => {
      const run: ChangeSql = async (sql, params) => {
        const result = await client.query(sql, params);
        return { rows: result.rows, changed: result.rowCount ?? 0 };
      };
      const resets: StreamReset[] = [];
      for (const stream of streams) resets.push(await this.sql.resetStream(run, options.organization ?? DEFAULT_ORGANIZATION, stream, options.dropRows));
      return resets;
    });
  }

  async removeRowsNotIn(table: TableSpec, syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    await this.ensureTable(table);
    const { rowCount } = await this.run(`completing the full refresh of ${table.name}`, ...this.sql.removeRowsNotIn(table, { syncId, organization }));
    return rowCount;
  }

  async recordSync(sync: SyncRecord): Promise<void> {
    await this.run(`recording sync ${sync.syncId}`, ...this.sql.recordSync(sync));
  }

  async readRows(table: TableSpec, options: ReadRowsOptions = {}): Promise<StoredRow[]> {
    const { columns } = await this.table(table);
    const { rows } = await this.run(`reading rows of ${table.name}`, ...this.sql.readRows(table, columns, options));
    return rows.map(storedRow);
  }

  async keepRows(table: TableSpec, by: string, values: string[], syncId: string, organization = DEFAULT_ORGANIZATION): Promise<number> {
    if (values.length === 0) return 0;
    const { columns } = await this.table(table);
    const { rowCount } = await this.run(`keeping unchanged rows of ${table.name}`, ...this.sql.keepRows(table, columns, by, values, { syncId, organization }));
    return rowCount;
  }

  /** Read-only SQL (tests, exports), with Retriever's schema first on the search path. */
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

/**
 * Has every connection of the pool compress the large values it writes (a record's `_raw`, its
 * `attributes`, over 2 KB) with lz4 when the server has it (PostgreSQL 14 and later, built with
 * lz4, as Debian's and the official images are), instead of the default pglz, which cost a third
 * of each page's write of production-sized logs (docs/destinations.md). A column given its
 * own compression (`ALTER TABLE … ALTER COLUMN … SET COMPRESSION pglz`) keeps it.
 */
async function compressWithLz4(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
    if (rows[0]?.lz4 !== true) return;
    await client.query("SET default_toast_compression = 'lz4'");
  } finally {
    client.release();
  }
  // The pool's one connection so far (the state tables') was set above; a new one is set before
  // anything else it is asked, its queries running in order.
  pool.on('connect', (connection) => {
    connection.query("SET default_toast_compression = 'lz4'").catch((err: Error) => console.warn(`retriever: PostgreSQL refused lz4 compression: ${err.message}`));
  });
}
