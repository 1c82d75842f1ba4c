import schemas from '../datadog/streams/schemas.json';
import type { JsonSchema, StreamDef } from '../datadog/streams/types';

export type ColumnType = 'string' | 'timestamp' | 'integer' | 'number' | 'boolean' | 'json';

export interface Column {
  name: string;
  /** Dotted path of the value in the API record. */
  source: string;
  type: ColumnType;
}

/** Columns every table carries besides the typed ones. */
export const RAW_COLUMN = '_raw';
export const SYNCED_AT_COLUMN = '_retriever_synced_at';
export const SYNC_ID_COLUMN = '_retriever_sync_id';

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

function columnName(field: string): string {
  return field.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

export function recordSchema(stream: string): JsonSchema {
  const schema = (schemas as Record<string, JsonSchema>)[stream];
  if (!schema) throw new Error(`no schema for stream "${stream}" (run npm run schemas:generate)`);
  return schema;
}

/**
 * The table of a stream: a typed column per top-level field of its record schema (nested values as
 * JSON). JSON:API records (`id`, `type`, `attributes`) get their attributes lifted to columns; an
 * attribute whose name is taken by a top-level field becomes `attributes_<name>`.
 */
export function columnsFor(def: StreamDef): Column[] {
  const properties = recordSchema(def.name).properties ?? {};
  const columns: Column[] = [];
  const taken = new Set<string>();
  const add = (field: string, source: string, schema: JsonSchema, prefix = '') => {
    let name = columnName(prefix + field);
    if (taken.has(name)) name = columnName(`attributes_${field}`);
    taken.add(name);
    columns.push({ name, source, type: columnType(schema) });
  };
  const attributes = properties.attributes?.properties;
  const isJsonApi = attributes !== undefined && 'id' in properties;
  for (const [field, schema] of Object.entries(properties)) {
    if (isJsonApi && field === 'attributes') continue;
    add(field, field, schema);
  }
  if (isJsonApi) for (const [field, schema] of Object.entries(attributes)) add(field, `attributes.${field}`, schema);
  if (!columns.some((c) => c.source === def.primaryKey)) {
    columns.unshift({ name: columnName(def.primaryKey), source: def.primaryKey, type: 'string' });
  }
  return columns;
}

export function primaryKeyColumn(def: StreamDef): Column {
  return columnsFor(def).find((c) => c.source === def.primaryKey)!;
}
