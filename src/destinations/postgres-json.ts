import { quoteIdent } from './sql-dialect';
import { ORGANIZATION_COLUMN, RAW_COLUMN, SYNC_ID_COLUMN, SYNCED_AT_COLUMN, type Column } from './table-model';

/**
 * A page PostgreSQL writes from the records' JSON text: the server parses the text into `jsonb`
 * once, takes each column from the parsed record and upserts the rows in one statement. The worker
 * converts nothing and no staging table is filled, where the converted rows cost a `jsonb` parse of
 * `_raw` and of every JSON column, each in the staging table and again in the table. Used when every
 * value converts as it is (rows.ts `convertsAsIs`), so the casts here make the cells `toCell` would.
 */

/** An SQL string literal, read alike whatever `standard_conforming_strings` says. */
function literal(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A dotted path as the text array `#>` takes: `ARRAY['attributes', 'timestamp']`. */
function steps(path: string): string {
  return `ARRAY[${path.split('.').map(literal).join(', ')}]::text[]`;
}

/** A column's cell from the record `r`. */
function cell(column: Column): string {
  const path = steps(column.source);
  const text = `(r #>> ${path})`;
  switch (column.type) {
    case 'json':
      // A JSON null is no value, as toCell has it.
      return `nullif(r #> ${path}, 'null'::jsonb)`;
    case 'string':
      return text;
    case 'timestamp':
      return `${text}::timestamptz`;
    case 'integer':
      // Through numeric: `1e3` and `1.0` are integers JavaScript holds exactly, not bigint's text.
      return `${text}::numeric::bigint`;
    case 'number':
      return `${text}::double precision`;
    case 'boolean':
      return `${text}::boolean`;
  }
}

/**
 * `INSERT … SELECT … FROM jsonb_array_elements(…) ON CONFLICT DO UPDATE` into `table` (schema
 * qualified): one row per record at `path` in the JSON (`''`: the document is the array), the last
 * copy of a repeated key, in key order, so two workers writing overlapping pages lock rows in the
 * same order. Parameters: $1 the JSON text, $2 the sync id, $3 the organisation.
 */
export function jsonUpsert(table: string, columns: Column[], key: Column, path: string): string {
  const names = [...columns.map((c) => quoteIdent(c.name)), RAW_COLUMN, SYNCED_AT_COLUMN, SYNC_ID_COLUMN];
  const organization = quoteIdent(ORGANIZATION_COLUMN);
  const keyName = quoteIdent(key.name);
  const updates = names.filter((n) => n !== keyName).map((n) => `${n} = EXCLUDED.${n}`);
  const records = path === '' ? '$1::jsonb' : `$1::jsonb #> ${steps(path)}`;
  return `INSERT INTO ${table} (${names.join(', ')}, ${organization})
    SELECT DISTINCT ON (${cell(key)}) ${[...columns.map(cell), 'r', 'now()', '$2', '$3'].join(', ')}
    FROM jsonb_array_elements(${records}) WITH ORDINALITY AS page(r, n)
    ORDER BY ${cell(key)}, n DESC
    ON CONFLICT (${organization}, ${keyName}) DO UPDATE SET ${updates.join(', ')}`;
}
