import type { RecordsJson } from '../shared/json';
import { DUCKDB_TYPES } from './duckdb-pages';
import { quoteIdent } from './sql-tables';
import { ORGANIZATION_COLUMN, RAW_COLUMN, SYNC_ID_COLUMN, SYNCED_AT_COLUMN, type Column } from './table-model';

/**
 * A page written by DuckDB from the records' JSON text: DuckDB parses it, types every column
 * (`json_transform`) and inserts the rows in one statement, off the main thread, so the worker's
 * JavaScript thread only hands it the text. Used when every value converts as it is
 * (rows.ts `convertsAsIs`), so the cells are the ones JavaScript would have made.
 */

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The JSON path of the records' array: `$."data"[*]`, `$[*]` for a document that is the array. */
function arrayPath(path: string): string {
  const steps = path === '' ? [] : path.split('.');
  return `$${steps.map((step) => `.${JSON.stringify(step)}`).join('')}[*]`;
}

/**
 * The structure `json_transform` types a record by: every column's source path, nested, with the
 * column's type. Undefined when one column's source lies inside another's (a JSON column and a
 * field of it), which one structure cannot say.
 */
function structure(columns: Column[]): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  for (const column of columns) {
    const steps = column.source.split('.');
    let node = root;
    for (const step of steps.slice(0, -1)) {
      const next = node[step];
      if (typeof next === 'string') return undefined;
      node = (node[step] ??= {}) as Record<string, unknown>;
    }
    const leaf = steps[steps.length - 1];
    if (leaf in node) return undefined;
    node[leaf] = DUCKDB_TYPES[column.type];
  }
  return root;
}

/** The typed record's field for a column: `s['attributes']['timestamp']`. */
function field(column: Column): string {
  return `s${column.source
    .split('.')
    .map((step) => `[${literal(step)}]`)
    .join('')}`;
}

export interface JsonInsert {
  /** Parameters: $1 the JSON text's UTF-8 bytes (a BLOB), $2 the sync id, $3 the organisation. */
  sql: string;
}

/**
 * `INSERT [OR REPLACE] INTO table SELECT … FROM the JSON`: one row per record, typed as `columns`
 * say, `_raw` the record's JSON. With `repeated`, only the last copy of each key is kept (one
 * statement may not write a key twice). Undefined when the columns cannot be read by one structure.
 */
export function jsonInsert(table: string, columns: Column[], key: Column, json: Pick<RecordsJson, 'path'>, { replace, repeated }: { replace: boolean; repeated: boolean }): JsonInsert | undefined {
  const shape = structure(columns);
  if (!shape) return undefined;
  const target = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN, SYNCED_AT_COLUMN, SYNC_ID_COLUMN, quoteIdent(ORGANIZATION_COLUMN)].join(', ');
  const values = [...columns.map(field), 'r', 'now()', '$2', '$3'].join(', ');
  const ordinal = repeated ? ', generate_subscripts(l, 1) AS ord' : '';
  const records = `SELECT r${repeated ? ', ord' : ''}, json_transform(r, ${literal(JSON.stringify(shape))}) AS s FROM (SELECT unnest(l) AS r${ordinal} FROM (SELECT json_extract(decode($1), ${literal(arrayPath(json.path))}) AS l))`;
  const lastCopy = repeated ? ` QUALIFY row_number() OVER (PARTITION BY ${field(key)} ORDER BY ord DESC) = 1` : '';
  return { sql: `INSERT ${replace ? 'OR REPLACE ' : ''}INTO ${quoteIdent(table)} (${target}) SELECT ${values} FROM (${records})${lastCopy}` };
}

/**
 * Removes the earlier copies of a page's keys from a table without a key index: the rows of the
 * same organisation and key (another organisation's row of the same id is another row). With the
 * page's time range (the table's events carry their time in `timeColumn`, alike in every copy),
 * DuckDB reads only the row groups whose times overlap it (their min/max statistics say which), so
 * the cost follows the page, not the table. Parameters: $1 the organisation, $2 the keys as a JSON
 * array, then $3 and $4 the range's ends as ISO-8601 text when there is a time column.
 */
export function removeCopies(table: string, key: Column, timeColumn: Column | undefined): string {
  const organization = `${quoteIdent(ORGANIZATION_COLUMN)} = $1`;
  const keys = `${quoteIdent(key.name)} IN (SELECT unnest(from_json($2, ${literal(`["${DUCKDB_TYPES[key.type]}"]`)})))`;
  const time = timeColumn ? `${quoteIdent(timeColumn.name)} BETWEEN $3::TIMESTAMPTZ AND $4::TIMESTAMPTZ AND ` : '';
  return `DELETE FROM ${quoteIdent(table)} WHERE ${time}${organization} AND ${keys}`;
}
