import type { JsonRecord, JsonSchema } from '../shared/json';

/**
 * What a destination knows of a stream's table: its name, the record field that is its key, and
 * the records' JSON schema. Nothing of the Datadog API beyond that.
 */
export interface TableSpec {
  name: string;
  /** Dotted path of each record's unique id. */
  primaryKey: string;
  schema: JsonSchema;
  /**
   * Set for records that are events: the dotted path of the time each happened, which every copy of
   * a key carries alike. A store may then find a key's earlier copies by that time instead of
   * keeping an index of every key (docs/destinations.md).
   */
  timeField?: string;
}

export type ColumnType = 'string' | 'timestamp' | 'integer' | 'number' | 'boolean' | 'json';

export interface Column {
  name: string;
  /** Dotted path of the value in the record. */
  source: string;
  type: ColumnType;
}

/** Columns every table carries besides the typed ones. */
export const RAW_COLUMN = '_raw';
export const SYNCED_AT_COLUMN = '_retriever_synced_at';
export const SYNC_ID_COLUMN = '_retriever_sync_id';
/** The Datadog organisation a row comes from: part of every table's primary key. */
export const ORGANIZATION_COLUMN = '_retriever_organization';
export const SYSTEM_COLUMNS: readonly string[] = [RAW_COLUMN, SYNCED_AT_COLUMN, SYNC_ID_COLUMN, ORGANIZATION_COLUMN];

/** Both stores cut identifiers at 63 bytes (PostgreSQL silently); cutting first keeps names exact. */
const MAX_NAME = 63;

function columnType(schema: JsonSchema): ColumnType {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'date-time' ? 'timestamp' : 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

export function columnName(field: string): string {
  return field.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase().slice(0, MAX_NAME);
}

/** JSON:API records (`id`, `type`, `attributes`) have their attributes lifted to columns. */
export function isJsonApi(table: TableSpec): boolean {
  const properties = table.schema.properties ?? {};
  return properties.attributes?.properties !== undefined && 'id' in properties;
}

/**
 * The table of a stream: a typed column per top-level field of its record schema (nested values as
 * JSON). JSON:API records (`id`, `type`, `attributes`) get their attributes lifted to columns; an
 * attribute whose name is taken by a top-level field becomes `attributes_<name>`.
 */
export function columnsFor(table: TableSpec): Column[] {
  const properties = table.schema.properties ?? {};
  const columns: Column[] = [];
  const taken = new Set<string>(SYSTEM_COLUMNS);
  const add = (field: string, source: string, schema: JsonSchema) => {
    let name = columnName(field);
    if (taken.has(name)) name = uniqueName(columnName(`attributes_${field}`), taken);
    taken.add(name);
    columns.push({ name, source, type: columnType(schema) });
  };
  const jsonApi = isJsonApi(table);
  for (const [field, schema] of Object.entries(properties)) {
    if (jsonApi && field === 'attributes') continue;
    add(field, field, schema);
  }
  if (jsonApi) for (const [field, schema] of Object.entries(properties.attributes!.properties!)) add(field, `attributes.${field}`, schema);
  if (!columns.some((c) => c.source === table.primaryKey)) {
    columns.unshift({ name: uniqueName(columnName(table.primaryKey), taken), source: table.primaryKey, type: 'string' });
  }
  return columns;
}

/** The column holding the table's primary key (always among `columns`: columnsFor adds it). */
export function keyColumn(table: TableSpec, columns: Column[] = columnsFor(table)): Column {
  const key = columns.find((c) => c.source === table.primaryKey);
  if (!key) throw new Error(`table ${table.name} has no column for its primary key ${table.primaryKey}`);
  return key;
}

/**
 * The columns a table has now: the schema's, then the ones schema drift added earlier (kept in
 * `_retriever_columns`). A drift column the schema has since declared, or whose name the schema
 * now uses, gives way to the schema's column.
 */
export function mergeColumns(declared: Column[], added: Column[]): Column[] {
  const names = new Set(declared.map((c) => c.name));
  const sources = new Set(declared.map((c) => c.source));
  return [...declared, ...added.filter((c) => !names.has(c.name) && !sources.has(c.source))];
}

function scalarType(value: unknown): ColumnType | undefined {
  if (typeof value === 'string') return 'string';
  // JSON numbers reach us as JavaScript doubles, so a double column loses nothing.
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

/**
 * Schema drift: top-level scalar fields (attributes, for JSON:API records) in a page that no column
 * holds yet, typed from the first value seen. Nested values and nulls stay in the raw JSON only, and
 * so do keys with a dot, which a dotted source path could not name.
 */
export function newScalarFields(table: TableSpec, known: Column[], records: JsonRecord[]): Omit<Column, 'name'>[] {
  // Known fields by their key within the object visited, so the common case (every key known)
  // looks each key up as it is, without building its path (this runs on every record of every page).
  const knownTop = new Set<string>();
  const knownAttributes = new Set<string>();
  for (const { source } of known) {
    knownTop.add(source);
    if (source.startsWith('attributes.')) knownAttributes.add(source.slice('attributes.'.length));
  }
  const found = new Map<string, ColumnType>();
  const visit = (object: unknown, knownKeys: Set<string>, prefix: string) => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
    for (const key in object) {
      if (knownKeys.has(key) || key.includes('.') || key === '') continue;
      const source = prefix + key;
      if (found.has(source)) continue;
      const type = scalarType((object as Record<string, unknown>)[key]);
      if (type) found.set(source, type);
    }
  };
  const jsonApi = isJsonApi(table);
  for (const record of records) {
    visit(record, knownTop, '');
    if (jsonApi) visit(record.attributes, knownAttributes, 'attributes.');
  }
  return [...found].map(([source, type]) => ({ source, type }));
}

/** Names new columns after their field, never reusing a name the table has (`<name>_2`, …). */
export function nameColumns(fields: Omit<Column, 'name'>[], takenNames: Iterable<string>): Column[] {
  const taken = new Set<string>([...SYSTEM_COLUMNS, ...takenNames]);
  return fields.map((field) => {
    const leaf = field.source.startsWith('attributes.') ? field.source.slice('attributes.'.length) : field.source;
    const name = uniqueName(columnName(leaf), taken);
    taken.add(name);
    return { ...field, name };
  });
}

function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const name = base.slice(0, MAX_NAME - suffix.length) + suffix;
    if (!taken.has(name)) return name;
  }
}
