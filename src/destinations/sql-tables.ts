import type { JsonRecord } from '../shared/json';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import type { Bookmark, ReadRowsOptions, RunContext, StoredRow, StreamReset, SyncRecord } from './destination';
import {
  columnsFor,
  keyColumn,
  mergeColumns,
  ORGANIZATION_COLUMN,
  RAW_COLUMN,
  SYNC_ID_COLUMN,
  SYNCED_AT_COLUMN,
  type Column,
  type ColumnType,
  type TableSpec,
} from './table-model';
import { quoteIdent, type ChangeSql, type RunSql, type SqlDialect } from './sql-dialect';

export { quoteIdent, type ChangeSql, type RunSql, type SqlDialect } from './sql-dialect';

/**
 * What DuckDB and PostgreSQL share, written once: the state tables, creating a stream's table,
 * schema-drift columns, bookmarks, sync records and the end of a full refresh. Each store runs the
 * statements its own way (one serial connection, or pooled transactions); only the dialect differs.
 */

/** A stream's table as the store has it: its columns (types as stored) and the drift columns recorded. */
export interface TableColumns {
  columns: Column[];
  /** Rows of `_retriever_columns` for the stream when read: more later means another writer added columns. */
  registered: number;
  /** Columns the table has, by name, with their type, in the table's order. */
  existing: Map<string, ColumnType | undefined>;
}

export class SqlTables {
  constructor(
    private readonly dialect: SqlDialect,
    /** The schema the tables live in (`main` for DuckDB). */
    private readonly schema: string,
  ) {}

  /** A table's qualified name. */
  name(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  private stateTable(name: string): string {
    return `CREATE TABLE ${name} (
        organization text NOT NULL, stream text NOT NULL, cursor_ms bigint NOT NULL, cursor timestamptz NOT NULL,
        sync_id text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (organization, stream))`;
  }

  stateTables(): string[] {
    const { json } = this.dialect.types;
    return [
      this.stateTable(this.name('_retriever_state')).replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'),
      `CREATE TABLE IF NOT EXISTS ${this.name('_retriever_syncs')} (
        sync_id text PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz,
        status text NOT NULL, streams ${json}, organization text)`,
      `CREATE TABLE IF NOT EXISTS ${this.name('_retriever_columns')} (
        stream text NOT NULL, column_name text NOT NULL, source text NOT NULL, type text NOT NULL,
        added_at timestamptz NOT NULL, PRIMARY KEY (stream, column_name))`,
    ];
  }

  /**
   * State tables made before there were several organisations: bookmarks gain an organisation (the
   * default one) in their key, sync records a column. Run after `stateTables`, in one transaction.
   */
  async upgradeStateTables(run: RunSql): Promise<void> {
    const has = async (table: string, column: string) =>
      (await run('SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3', [this.schema, table, column])).length > 0;
    if (!(await has('_retriever_state', 'organization'))) {
      const old = this.name('_retriever_state');
      const next = this.name('_retriever_state_next');
      await run(this.stateTable(next));
      await run(`INSERT INTO ${next} SELECT $1, stream, cursor_ms, cursor, sync_id, updated_at FROM ${old}`, [DEFAULT_ORGANIZATION]);
      await run(`DROP TABLE ${old}`);
      await run(`ALTER TABLE ${next} RENAME TO ${quoteIdent('_retriever_state')}`);
    }
    if (!(await has('_retriever_syncs', 'organization'))) await run(`ALTER TABLE ${this.name('_retriever_syncs')} ADD COLUMN organization text`);
  }

  private keyClause(table: TableSpec, columns: Column[]): string {
    return `PRIMARY KEY (${quoteIdent(ORGANIZATION_COLUMN)}, ${quoteIdent(keyColumn(table, columns).name)})`;
  }

  /**
   * The stream's table with the columns its schema declares, keyed by organisation and the record's
   * key unless `primaryKey` is false (then the store keeps rows unique itself: docs/destinations.md).
   */
  createTable(table: TableSpec, { primaryKey = true } = {}): string {
    const declared = columnsFor(table);
    const definitions = declared.map((c) => `${quoteIdent(c.name)} ${this.dialect.types[c.type]}`);
    definitions.push(
      `${RAW_COLUMN} ${this.dialect.types.json} NOT NULL`,
      `${SYNCED_AT_COLUMN} timestamptz NOT NULL`,
      `${SYNC_ID_COLUMN} text NOT NULL`,
      `${quoteIdent(ORGANIZATION_COLUMN)} text NOT NULL`,
      ...(primaryKey ? [this.keyClause(table, declared)] : []),
    );
    return `CREATE TABLE IF NOT EXISTS ${this.name(table.name)} (${definitions.join(', ')})`;
  }

  /**
   * A table made before there were several organisations (no organisation column): its rows become
   * the default organisation's, and its key (organisation, record key). In place where the store can
   * change a key; otherwise built again beside it and renamed. A table without a key (`primaryKey`
   * false) gains the column only. Run inside one transaction.
   */
  async upgradeTable(run: RunSql, table: TableSpec, current: TableColumns, { primaryKey = true } = {}): Promise<void> {
    if (!this.needsUpgrade(current)) return;
    const name = this.name(table.name);
    const organization = `${quoteIdent(ORGANIZATION_COLUMN)} text NOT NULL DEFAULT '${DEFAULT_ORGANIZATION}'`;
    const [keyed] = await run(
      "SELECT count(*) AS n FROM information_schema.table_constraints WHERE table_schema = $1 AND table_name = $2 AND constraint_type = 'PRIMARY KEY'",
      [this.schema, table.name],
    );
    if (!primaryKey && Number(keyed.n) === 0) {
      // In steps: DuckDB adds no column with a constraint.
      const column = quoteIdent(ORGANIZATION_COLUMN);
      await run(`ALTER TABLE ${name} ADD COLUMN ${column} text DEFAULT '${DEFAULT_ORGANIZATION}'`);
      await run(`ALTER TABLE ${name} ALTER COLUMN ${column} SET NOT NULL`);
      await run(`ALTER TABLE ${name} ALTER COLUMN ${column} DROP DEFAULT`);
      return;
    }
    if (this.dialect.rekeysInPlace) {
      const [constraint] = await run(
        "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = $1 AND table_name = $2 AND constraint_type = 'PRIMARY KEY'",
        [this.schema, table.name],
      );
      await run(`ALTER TABLE ${name} ADD COLUMN ${organization}`);
      if (constraint) await run(`ALTER TABLE ${name} DROP CONSTRAINT ${quoteIdent(String(constraint.constraint_name))}`);
      await run(`ALTER TABLE ${name} ADD ${this.keyClause(table, current.columns)}`);
      await run(`ALTER TABLE ${name} ALTER COLUMN ${quoteIdent(ORGANIZATION_COLUMN)} DROP DEFAULT`);
      return;
    }
    const actual = await run(
      'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [this.schema, table.name],
    );
    const names = actual.map((c) => quoteIdent(String(c.column_name)));
    const definitions = actual.map((c) => `${quoteIdent(String(c.column_name))} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`);
    const next = this.name(`${table.name}__upgrading`);
    await run(`CREATE TABLE ${next} (${[...definitions, organization, this.keyClause(table, current.columns)].join(', ')})`);
    await run(`INSERT INTO ${next} (${names.join(', ')}) SELECT ${names.join(', ')} FROM ${name}`);
    await run(`DROP TABLE ${name}`);
    await run(`ALTER TABLE ${next} RENAME TO ${quoteIdent(table.name)}`);
  }

  /** Whether a table's columns are those of a table made before organisations (upgradeTable changes it). */
  needsUpgrade(current: TableColumns): boolean {
    return !current.existing.has(ORGANIZATION_COLUMN);
  }

  addColumn(table: TableSpec, column: Column): string {
    return `ALTER TABLE ${this.name(table.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${this.dialect.types[column.type]}`;
  }

  /** Schema drift: the new column, and its record, so later runs (and other writers) keep using it. */
  addDriftColumn(table: TableSpec, column: Column): [string, unknown[]][] {
    return [
      [this.addColumn(table, column), []],
      [`INSERT INTO ${this.name('_retriever_columns')} VALUES ($1, $2, $3, $4, now())`, [table.name, column.name, column.source, column.type]],
    ];
  }

  /** The columns the table has: the schema's, drift columns added earlier, types as stored. */
  async readColumns(run: RunSql, table: TableSpec): Promise<TableColumns> {
    const actual = await run(...this.dialect.columnsQuery(this.schema, table.name));
    const existing = new Map(actual.map((r) => [String(r.column_name), this.dialect.fromType[String(r.data_type)]]));
    const added = await run(`SELECT column_name, source, type FROM ${this.name('_retriever_columns')} WHERE stream = $1 ORDER BY added_at, column_name`, [
      table.name,
    ]);
    const columns = mergeColumns(
      columnsFor(table),
      added.map((r) => ({ name: String(r.column_name), source: String(r.source), type: String(r.type) as ColumnType })),
    );
    return { columns: columns.map((c) => ({ ...c, type: existing.get(c.name) ?? c.type })), registered: added.length, existing };
  }

  /** Columns the schema declares that the table lacks (it was made by an older Retriever). */
  missingColumns({ columns, existing }: TableColumns): Column[] {
    return columns.filter((c) => !existing.has(c.name));
  }

  async readBookmark(run: RunSql, organization: string, stream: string): Promise<Bookmark | null> {
    const [row] = await run(`SELECT cursor_ms, sync_id FROM ${this.name('_retriever_state')} WHERE organization = $1 AND stream = $2`, [organization, stream]);
    return row ? { cursor: Number(row.cursor_ms), syncId: String(row.sync_id) } : null;
  }

  commitBookmark(organization: string, stream: string, bookmark: Bookmark): [string, unknown[]] {
    return [
      `INSERT INTO ${this.name('_retriever_state')} VALUES ($1, $2, $3, ${this.dialect.epochMs('$3')}, $4, now())
       ON CONFLICT (organization, stream) DO UPDATE SET cursor_ms = EXCLUDED.cursor_ms, cursor = EXCLUDED.cursor, sync_id = EXCLUDED.sync_id, updated_at = now()`,
      [organization, stream, bookmark.cursor, bookmark.syncId],
    ];
  }

  /**
   * Resets one organisation's stream, inside the caller's transaction: forgets its bookmark and, with
   * `dropRows`, deletes its rows. The one place that says which bookmark and which rows are a stream's.
   */
  async resetStream(run: ChangeSql, organization: string, stream: string, dropRows: boolean): Promise<StreamReset> {
    const { rows } = await run(`DELETE FROM ${this.name('_retriever_state')} WHERE organization = $1 AND stream = $2 RETURNING cursor_ms, sync_id`, [organization, stream]);
    const bookmark = rows[0] ? { cursor: Number(rows[0].cursor_ms), syncId: String(rows[0].sync_id) } : null;
    if (!dropRows) return { stream, bookmark };
    const columns = await run('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [this.schema, stream]);
    // A stream never synced has no table: nothing to drop, and none is made.
    if (columns.rows.length === 0) return { stream, bookmark, rowsDropped: 0 };
    // A table from before there were several organisations holds only the default one's rows.
    const perOrganization = columns.rows.some((c) => c.column_name === ORGANIZATION_COLUMN);
    if (!perOrganization && organization !== DEFAULT_ORGANIZATION) return { stream, bookmark, rowsDropped: 0 };
    const deleted = perOrganization
      ? await run(`DELETE FROM ${this.name(stream)} WHERE ${quoteIdent(ORGANIZATION_COLUMN)} = $1`, [organization])
      : await run(`DELETE FROM ${this.name(stream)}`);
    return { stream, bookmark, rowsDropped: deleted.changed };
  }

  recordSync(sync: SyncRecord): [string, unknown[]] {
    const organization = sync.organization ?? DEFAULT_ORGANIZATION;
    if (sync.status === 'running') {
      return [
        `INSERT INTO ${this.name('_retriever_syncs')} (sync_id, started_at, finished_at, status, streams, organization)
         VALUES ($1, now(), NULL, 'running', NULL, $2) ON CONFLICT (sync_id) DO NOTHING`,
        [sync.syncId, organization],
      ];
    }
    return [
      `INSERT INTO ${this.name('_retriever_syncs')} (sync_id, started_at, finished_at, status, streams, organization)
       VALUES ($1, now(), now(), $2, $3, $4)
       ON CONFLICT (sync_id) DO UPDATE SET finished_at = now(), status = EXCLUDED.status, streams = EXCLUDED.streams`,
      [sync.syncId, sync.status, sync.streams ? JSON.stringify(sync.streams) : null, organization],
    ];
  }

  /** The statement of `Destination.readRows`, over the table's columns as they are. */
  readRows(table: TableSpec, columns: Column[], options: ReadRowsOptions = {}): [string, unknown[]] {
    const text = (field: string) => `CAST(${quoteIdent(columnOf(table, columns, field).name)} AS TEXT)`;
    const by = text(options.by ?? table.primaryKey);
    const select = [`${by} AS row_key`, `${this.dialect.msOf(SYNCED_AT_COLUMN)} AS written_at`];
    if (options.field) select.push(`${text(options.field)} AS row_value`);
    if (options.records) select.push(`${RAW_COLUMN} AS row_record`);
    const params: unknown[] = [options.organization ?? DEFAULT_ORGANIZATION];
    const where = [`${quoteIdent(ORGANIZATION_COLUMN)} = $1`, `${by} IS NOT NULL`];
    if (options.after !== undefined) {
      params.push(options.after);
      where.push(`${by} > $${params.length}`);
    }
    if (options.only) {
      if (options.only.length === 0) where.push('FALSE');
      else where.push(`${by} IN (${options.only.map((value) => (params.push(value), `$${params.length}`)).join(', ')})`);
    }
    const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    return [`SELECT ${select.join(', ')} FROM ${this.name(table.name)} WHERE ${where.join(' AND ')} ORDER BY ${by}${limit}`, params];
  }

  /** The statement of `Destination.keepRows`. */
  keepRows(table: TableSpec, columns: Column[], by: string, values: string[], run: RunContext): [string, unknown[]] {
    const placeholders = values.map((_, i) => `$${i + 3}`).join(', ');
    const column = quoteIdent(columnOf(table, columns, by).name);
    return [
      `UPDATE ${this.name(table.name)} SET ${SYNC_ID_COLUMN} = $1 WHERE ${quoteIdent(ORGANIZATION_COLUMN)} = $2 AND CAST(${column} AS TEXT) IN (${placeholders})`,
      [run.syncId, run.organization, ...values],
    ];
  }

  /**
   * After a complete full refresh: the organisation's rows this sync did not see are gone upstream,
   * unless a sync that ran while this one did wrote or kept them (two syncs may refresh one stream
   * at once, as when each adds the parent of a dependent stream it reads): that one saw them too.
   * A sync left `running` by a terminated workflow keeps protecting its rows: they stay, none is lost.
   */
  removeRowsNotIn(table: TableSpec, run: RunContext): [string, unknown[]] {
    const syncs = this.name('_retriever_syncs');
    const began = `coalesce((SELECT started_at FROM ${syncs} WHERE sync_id = $1), now())`;
    const alongside = `SELECT sync_id FROM ${syncs} WHERE sync_id <> $1 AND (finished_at IS NULL OR finished_at >= ${began})`;
    return [
      `DELETE FROM ${this.name(table.name)} WHERE ${quoteIdent(ORGANIZATION_COLUMN)} = $2 AND ${SYNC_ID_COLUMN} <> $1
       AND ${SYNCED_AT_COLUMN} < ${began} AND ${SYNC_ID_COLUMN} NOT IN (${alongside})`,
      [run.syncId, run.organization],
    ];
  }
}

/** The column holding a record field; readRows and keepRows read only fields that have one. */
function columnOf(table: TableSpec, columns: Column[], field: string): Column {
  const column = columns.find((c) => c.source === field);
  if (!column) throw new Error(`table ${table.name} has no column for "${field}"; only fields with a column can be read by`);
  return column;
}

/** A row of readRows' statement, as both stores return it (DuckDB's JSON as text, PostgreSQL's jsonb parsed). */
export function storedRow(row: Record<string, unknown>): StoredRow {
  const stored: StoredRow = { key: String(row.row_key), writtenAt: Number(row.written_at) };
  if ('row_value' in row) stored.value = row.row_value === null || row.row_value === undefined ? null : String(row.row_value);
  if ('row_record' in row) stored.record = (typeof row.row_record === 'string' ? JSON.parse(row.row_record) : row.row_record) as JsonRecord;
  return stored;
}
