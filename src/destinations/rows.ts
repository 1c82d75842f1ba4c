import { getPath, type JsonRecord, type RecordsJson } from '../shared/json';
import type { PrepareOptions } from './destination';
import type { Column, ColumnType, TableSpec } from './table-model';

/**
 * One cell as both stores receive it: timestamps as ISO-8601 text, JSON as JSON text, integers
 * beyond 2^53 as decimal text. Converting here, once, is what makes DuckDB and PostgreSQL hold the
 * same rows.
 */
export type Cell = string | number | boolean | null;

export interface Row {
  /** One cell per column, in the columns' order. */
  cells: Cell[];
  /** The record as received, as JSON text: `JSON.parse(raw)` equals it. PostgreSQL stores `jsonbRaw(raw)`. */
  raw: string;
}

const INT64_MAX = 9223372036854775807n;
const INTEGER_TEXT = /^-?\d{1,19}$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Date, optional time, optional offset; Date.parse alone would also take "5" for a date. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.(\d+))?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** U+0000 or a surrogate: only a string with one can hold what a store cannot keep. */
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;
/** U+0000, or a surrogate that is not half of a pair (text a JSON body can escape, but UTF-8 cannot encode). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** How JSON.stringify writes those: `\u0000`, and a lone surrogate as `\udXXX` (a pair it writes as is). */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Text for a typed column, the same in both stores: PostgreSQL's text and jsonb refuse U+0000 and
 * UTF-8 has no lone surrogates, so each becomes U+FFFD. (`_raw` keeps them; see `toRow`.)
 */
function storableText(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text;
}

/** A JSON value with storableText applied to every string in it, keys included. */
function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [storableText(key), storableValue(v)]));
  }
  return value;
}

/** JSON text for a typed JSON column: PostgreSQL's jsonb and DuckDB's JSON functions accept it. */
function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  // Only a text with such an escape needs the walk.
  return UNSTORABLE_ESCAPE.test(text) ? JSON.stringify(storableValue(value)) : text;
}

/**
 * `_raw` as PostgreSQL's jsonb can hold it: the exact text, unless it has U+0000 or a lone surrogate
 * (jsonb refuses both), which become U+FFFD, in keys as in values (docs/destinations.md).
 */
export function jsonbRaw(raw: string): string {
  return UNSTORABLE_ESCAPE.test(raw) ? JSON.stringify(storableValue(JSON.parse(raw))) : raw;
}

function integerCell(value: unknown): Cell {
  const text = typeof value === 'number' && Number.isInteger(value) ? BigInt(value).toString() : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !INTEGER_TEXT.test(text)) return null;
  const big = BigInt(text);
  if (big > INT64_MAX || big < -INT64_MAX - 1n) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
}

function numberCell(value: unknown): Cell {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Always UTC text that both stores parse alike: a time without an offset is read as UTC (not as the
 * worker's local time), an impossible date (February 30) is refused rather than rolled over, and
 * microseconds survive, which Date keeps only to the millisecond.
 */
function timestampCell(value: unknown): Cell {
  if (typeof value !== 'string') return null;
  // Datadog's own form (what JavaScript writes, milliseconds and Z) is already the UTC text wanted:
  // one parse and a comparison instead of the general checks below.
  if (value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && value.charCodeAt(0) !== 43 && new Date(ms).toISOString() === value) return value;
  }
  const match = DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, date, time, fraction = '', offset] = match;
  const ms = Date.parse(time ? `${date}T${time}${offset ?? 'Z'}` : date);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  if (iso.slice(0, 4) === '+0' || iso.startsWith('-')) return null;
  if (!offset && iso.slice(0, 10) !== date) return null;
  if (offset && new Date(Date.parse(`${date}T00:00:00Z`)).toISOString().slice(0, 10) !== date) return null;
  const micros = fraction.slice(3, 6);
  return micros ? `${iso.slice(0, -1)}${micros}Z` : iso;
}

/** A value of the wrong type becomes NULL: the sync goes on, and the value stays in `_raw`. */
export function toCell(type: ColumnType, value: unknown): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? storableText(value) : typeof value === 'object' ? jsonText(value) : String(value);
    case 'timestamp':
      return timestampCell(value);
    case 'integer':
      return integerCell(value);
    case 'number':
      return numberCell(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'json':
      return jsonText(value);
  }
}

type CellReader = (record: JsonRecord) => Cell;

/** Per column list: a function per column that reads its value with the path split once, not per record. */
const readers = new WeakMap<Column[], CellReader[]>();

function cellReader(column: Column): CellReader {
  const read = valueReader(column);
  return (record) => toCell(column.type, read(record));
}

export function toRow(columns: Column[], record: JsonRecord): Row {
  let read = readers.get(columns);
  // Made again if the list changed since (column lists are replaced, not grown, but cheap to be sure).
  if (!read || read.length !== columns.length) readers.set(columns, (read = columns.map(cellReader)));
  const cells = new Array<Cell>(read.length);
  for (let i = 0; i < read.length; i++) cells[i] = read[i](record);
  // JSON.stringify writes U+0000 and lone surrogates as escapes, so the text is plain UTF-8 and parses
  // back to the very record: every character, lone surrogates as the same UTF-16 code units.
  return { cells, raw: JSON.stringify(record) };
}

/** The last copy of each key: one statement may not upsert the same row twice. */
export function lastPerKey(table: TableSpec, records: JsonRecord[]): JsonRecord[] {
  const byKey = new Map<string, JsonRecord>();
  for (const record of records) byKey.set(String(getPath(record, table.primaryKey)), record);
  return [...byKey.values()];
}

/**
 * A page ready to be written: its records (the last copy of each key) converted to rows for one
 * column list. A store writes it as it is while its table still has those columns, and converts the
 * records again when another page has added columns since.
 */
export interface PreparedPage {
  readonly table: TableSpec;
  readonly records: JsonRecord[];
  readonly columns: Column[];
  /** The records converted to rows; empty when the store types `json` itself. */
  readonly rows: Row[];
  /** Set when the store reads the records from their JSON text itself (DuckDB): every value converts as it is. */
  readonly json?: RecordsJson;
  /** Copies of a key the page's own records hold beyond the first (the last copy is the one kept). */
  readonly repeated?: number;
}

/**
 * Whether `value` is one `toCell` keeps as it is, so a store that reads the JSON itself and types it
 * natively holds the very cell JavaScript would have made: a string for a string column, a timestamp
 * already in UTC ISO-8601 form, an integer JavaScript holds exactly, a finite number, a boolean,
 * anything for JSON. Anything else (a number for a string, an odd date) is left to `toCell`.
 */
function keptAsIs(type: ColumnType, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'timestamp':
      return typeof value === 'string' && timestampCell(value) === value;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return true;
  }
}

/**
 * Whether every value of these records, in every column, converts as it is: then a store may read
 * their JSON text itself instead of the rows, as long as that text `escapesUnstorable` nothing.
 */
export function convertsAsIs(columns: Column[], records: JsonRecord[]): boolean {
  const values = columns.map(valueReader);
  for (const record of records) {
    for (let i = 0; i < columns.length; i++) if (!keptAsIs(columns[i].type, values[i](record))) return false;
  }
  return true;
}

/** Whether JSON text escapes U+0000 or a surrogate, which typed columns turn into U+FFFD. */
export function escapesUnstorable(text: string): boolean {
  return UNSTORABLE_ESCAPE.test(text);
}

/** Reads a column's value from a record, the path split once. */
function valueReader({ source }: Column): (record: JsonRecord) => unknown {
  const path = source.split('.');
  if (path.length === 1) return (record) => record[source];
  if (path.length === 2) {
    const [outer, inner] = path;
    return (record) => {
      const parent = record[outer];
      return parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[inner] : undefined;
    };
  }
  return (record) => getPath(record, source);
}

/**
 * The earliest and latest of the records' `timeField` times (epoch ms), as the timestamp column holds
 * them; undefined when a record has none, or no valid one.
 */
export function timeBounds(timeField: string, records: JsonRecord[]): { from: number; to: number } | undefined {
  const read = valueReader({ name: '', source: timeField, type: 'timestamp' });
  let from = Infinity;
  let to = -Infinity;
  for (const record of records) {
    const cell = timestampCell(read(record));
    if (cell === null) return undefined;
    const ms = Date.parse(cell as string);
    if (ms < from) from = ms;
    if (ms > to) to = ms;
  }
  return records.length > 0 ? { from, to } : undefined;
}

/** Records converted between yields when a page is converted ahead of its write (about 0.3 ms of work). */
const CONVERT_SLICE = 100;

/**
 * Converts `records` (already one per key) for `columns`. `yielding`: in slices, letting other work
 * run between them. A page read ahead is not urgent, while the worker's Temporal traffic (the
 * activity's completion, the next workflow task) is on the stream's critical path.
 */
export async function convertPage(table: TableSpec, columns: Column[], records: JsonRecord[], { yielding = false } = {}): Promise<PreparedPage> {
  if (!yielding) return { table, records, columns, rows: records.map((record) => toRow(columns, record)) };
  const rows: Row[] = [];
  for (let i = 0; i < records.length; i += CONVERT_SLICE) {
    await new Promise(setImmediate);
    for (let j = i; j < Math.min(i + CONVERT_SLICE, records.length); j++) rows.push(toRow(columns, records[j]));
  }
  return { table, records, columns, rows };
}

/**
 * A page for a store that reads records from their JSON text itself (DuckDB, PostgreSQL): left as
 * that text when every value converts as it is and the text escapes nothing a store cannot keep, so
 * the store's own casts make the cells `toCell` would; otherwise converted here. `unique` is
 * `records` with the last copy of each key. Without the text as received, one is made of `unique`.
 */
export async function prepareFromJson(table: TableSpec, columns: Column[], records: JsonRecord[], unique: JsonRecord[], options: PrepareOptions): Promise<PreparedPage> {
  if (convertsAsIs(columns, unique)) {
    // The text as received holds every copy of a repeated key (the last is kept); a text made here only the last.
    const json = options.json ?? { text: JSON.stringify(unique), path: '' };
    const kept = options.json ? records : unique;
    if (!escapesUnstorable(json.text)) return { table, records: kept, columns, rows: [], json, repeated: kept.length - unique.length };
  }
  return convertPage(table, columns, unique, options);
}
