import { z } from 'zod';
import { DatadogApiError } from './errors';
import { getPath, setPath, type JsonRecord } from '../shared/json';
import { monthText, parseUtcTime } from '../shared/calendar';
import { POSITION_FIELD, type KeyPart, type RecordFilter, type StreamDef } from './streams/types';

const searchMeta = z
  .object({
    status: z.string().optional(),
    warnings: z.array(z.object({ code: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })).optional(),
  })
  .optional();

const timeseriesAttributes = z.object({
  series: z.array(z.object({ group_tags: z.array(z.string()).nullish(), query_index: z.number().int().nullish(), unit: z.array(z.object({ name: z.string().nullish() }).nullable()).nullish() })).default([]),
  times: z.array(z.number().int()).default([]),
  values: z.array(z.array(z.number().nullable())).default([]),
});

export interface ExtractContext {
  /** Fields to add to every record (a dependent stream's parent id). */
  fields?: Record<string, unknown>;
}

/** The records of one response, and how many items the response held before `recordFilter` (what paging counts). */
export interface TakenRecords {
  records: JsonRecord[];
  received: number;
  /** What the run must say about this response (a cap it reached). */
  warnings: string[];
}

/**
 * Takes the records out of one response body and checks what the rest of the pipeline relies on:
 * objects, each with its primary key. A search response that says it is partial
 * (`meta.status: "timeout"` or `meta.warnings`) is refused so the page is retried, never half-kept.
 */
export function extractRecords(def: StreamDef, body: unknown, context: ExtractContext = {}): JsonRecord[] {
  return takeRecords(def, body, context).records;
}

/** extractRecords, with the count of items before the stream's filter: a short page is judged on what Datadog sent. */
export function takeRecords(def: StreamDef, body: unknown, context: ExtractContext = {}): TakenRecords {
  const where = `${def.name} (${def.path})`;
  refusePartial(def, body, where);
  const all = recordsOf(def, body, where);
  const kept = def.recordFilter ? all.filter((record) => passes(def.recordFilter!, record)) : all;
  const joined = def.included ? withIncludedAll(def, kept, body, where) : kept;
  return { records: finishRecords(def, joined, context, where), received: all.length, warnings: capWarnings(def, all) };
}

/** Each record with its `included[]` resource (non-objects are left for finishRecords to refuse). */
function withIncludedAll(def: StreamDef, records: unknown[], body: unknown, where: string): unknown[] {
  const included = includedResources(def, body, where);
  return records.map((record, i) =>
    record !== null && typeof record === 'object' && !Array.isArray(record) ? withIncluded(def, record as JsonRecord, included, `${where}: record ${i}`) : record,
  );
}

/**
 * A derived stream's rows from its source records: one per item of the array at `items`, made of the
 * source record's `recordFields` and the item's `itemFields`, then keyed like any stream's records.
 */
export function deriveRecords(def: StreamDef, sources: JsonRecord[]): JsonRecord[] {
  const link = def.derivedFrom!;
  const where = `${def.name} (from ${link.stream}.${link.items})`;
  const rows: JsonRecord[] = [];
  for (const source of sources) {
    const items = getPath(source, link.items);
    // A record without the array has no items: a user without roles has `roles.data: []` or nothing.
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) throw new DatadogApiError('malformed', `${where}: expected an array at "${link.items}", got ${describe(items)}`, { path: def.path });
    for (const item of items) {
      const row: JsonRecord = {};
      for (const [field, path] of Object.entries(link.recordFields)) setPath(row, field, getPath(source, path) ?? null);
      for (const [field, path] of Object.entries(link.itemFields)) setPath(row, field, getPath(item, path) ?? null);
      rows.push(row);
    }
  }
  return finishRecords(def, rows, {}, where);
}

/** A map-shaped response that reaches the number of values Datadog says it stops at may have been cut. */
function capWarnings(def: StreamDef, rows: unknown[]): string[] {
  const fields = def.mapFields;
  if (def.recordShape !== 'map' || !fields?.maxValues) return [];
  const distinct = new Set(rows.map((row) => (row as JsonRecord)[fields.value])).size;
  if (distinct < fields.maxValues) return [];
  return [`${def.name}: Datadog returned ${distinct} distinct ${fields.value} values, the most it returns (${fields.maxValues}): some may have been left out`];
}

function passes(filter: RecordFilter, record: unknown): boolean {
  const value = getPath(record, filter.field);
  if (filter.equals !== undefined && value !== filter.equals) return false;
  if (filter.startsWith !== undefined && !(typeof value === 'string' && value.startsWith(filter.startsWith))) return false;
  return true;
}

/** Removes a dotted path from a record, leaving the objects around it. */
function dropPath(record: JsonRecord, path: string): void {
  const keys = path.split('.');
  const parent = getPath(record, keys.slice(0, -1).join('.'));
  if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as JsonRecord)[keys[keys.length - 1]];
}

/** What every record goes through: dropped fields, added fields, the derived key, the primary-key check. */
function finishRecords(def: StreamDef, records: unknown[], context: ExtractContext, where: string): JsonRecord[] {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new DatadogApiError('malformed', `${where}: record ${i} is ${describe(record)}, not an object`, { path: def.path });
    }
    // First, so nothing after (a derived key, an error message) can carry a dropped value.
    for (const path of def.dropFields ?? []) dropPath(record as JsonRecord, path);
    for (const [field, value] of Object.entries(context.fields ?? {})) setPath(record as JsonRecord, field, value);
    if (def.derivedKey) {
      const paths = def.derivedKey.from.map((part) => (typeof part === 'string' ? part : part.path));
      const parts = def.derivedKey.from.map((part, j) => keyPart(part, getPath(record, paths[j])));
      const missing = paths.filter((_, j) => parts[j] === undefined);
      if (missing.length > 0) {
        throw new DatadogApiError('malformed', `${where}: record ${i} has no ${missing.map((m) => `"${m}"`).join(', ')} (its key is made of them)`, { path: def.path });
      }
      setPath(record as JsonRecord, def.derivedKey.field, parts.join(def.derivedKey.separator ?? ':'));
    }
    const key = getPath(record, def.primaryKey);
    if (key === undefined || key === null || key === '') {
      throw new DatadogApiError('malformed', `${where}: record ${i} has no "${def.primaryKey}" (its primary key)`, { path: def.path });
    }
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new DatadogApiError('malformed', `${where}: record ${i} has ${describe(key)} as "${def.primaryKey}", not a string or number`, { path: def.path });
    }
  }
  return records as JsonRecord[];
}

/** One part of a derived key as text; undefined when the record lacks it (or a month part is not a time). */
function keyPart(part: KeyPart, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof part === 'string') return String(value);
  const ms = typeof value === 'string' ? parseUtcTime(value) : NaN;
  return Number.isNaN(ms) ? undefined : monthText(ms);
}

function refusePartial(def: StreamDef, body: unknown, where: string): void {
  const meta = searchMeta.safeParse((body as { meta?: unknown })?.meta);
  if (meta.success && meta.data) {
    const warnings = meta.data.warnings ?? [];
    if (meta.data.status === 'timeout' || warnings.length > 0) {
      const said = warnings.map((w) => [w.code, w.title, w.detail].filter(Boolean).join(': ')).join('; ');
      throw new DatadogApiError('partial', `${where}: Datadog returned partial results (status ${meta.data.status ?? '?'}${said ? `; ${said}` : ''})`, { path: def.path });
    }
  }
  // The timeseries endpoint reports trouble with some of a query's data as a 200 with an `errors` string.
  const errors = (body as { errors?: unknown })?.errors;
  if (def.recordShape === 'timeseries' && typeof errors === 'string' && errors.trim() !== '') {
    throw new DatadogApiError('partial', `${where}: Datadog returned partial results: ${errors}`, { path: def.path });
  }
}

function recordsOf(def: StreamDef, body: unknown, where: string): unknown[] {
  const found = getPath(body, def.recordsPath);
  const at = `"${def.recordsPath || '(body)'}"`;
  switch (def.recordShape ?? 'list') {
    case 'list':
      if (!Array.isArray(found)) throw new DatadogApiError('malformed', `${where}: expected an array at ${at}, got ${describe(found)}`, { path: def.path });
      return found;
    case 'object':
      if (found === undefined || found === null) return [];
      if (typeof found !== 'object' || Array.isArray(found)) {
        throw new DatadogApiError('malformed', `${where}: expected an object at ${at}, got ${describe(found)}`, { path: def.path });
      }
      return [found];
    case 'timeseries':
      return timeseriesRows(def, found, where);
    case 'ordered':
      return orderedRows(def, found, where);
    case 'values':
      return valueRows(def, found, where);
    case 'map':
      return mapRows(def, found, where);
  }
}

/** `["web-store", "checkout"]` → `{service: "web-store"}`, `{service: "checkout"}` (with `valueField: 'service'`). */
function valueRows(def: StreamDef, found: unknown, where: string): JsonRecord[] {
  if (found === undefined || found === null) return [];
  if (!Array.isArray(found)) throw new DatadogApiError('malformed', `${where}: expected an array of names at "${def.recordsPath}", got ${describe(found)}`, { path: def.path });
  const field = def.valueField ?? 'value';
  return found.map((value, i) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new DatadogApiError('malformed', `${where}: item ${i} at "${def.recordsPath}" is ${describe(value)}, not a name`, { path: def.path });
    }
    return def.positionField ? { [field]: value, [def.positionField]: i } : { [field]: value };
  });
}

/** The resources of a JSON:API compound document's `included[]`, by type and id. */
function includedResources(def: StreamDef, body: unknown, where: string): Map<string, JsonRecord> {
  const list = (body as { included?: unknown })?.included ?? [];
  if (!Array.isArray(list)) throw new DatadogApiError('malformed', `${where}: expected an array at "included", got ${describe(list)}`, { path: def.path });
  const byRef = new Map<string, JsonRecord>();
  for (const resource of list) {
    const { type, id } = (resource ?? {}) as { type?: unknown; id?: unknown };
    if (typeof type === 'string' && (typeof id === 'string' || typeof id === 'number')) byRef.set(`${type}\u0000${id}`, resource as JsonRecord);
  }
  return byRef;
}

/** The record with the resource its relationship names: added at `as`, or in its place. */
function withIncluded(def: StreamDef, record: JsonRecord, included: Map<string, JsonRecord>, where: string): JsonRecord {
  const link = def.included!;
  const ref = getPath(record, link.relationship) as { type?: unknown; id?: unknown } | undefined;
  const resource = ref && typeof ref === 'object' ? included.get(`${String(ref.type)}\u0000${String(ref.id)}`) : undefined;
  if (!resource) {
    // Without it the row would lack what it exists for: refused, so the page is asked for again.
    throw new DatadogApiError('malformed', `${where} refers at "${link.relationship}" to ${ref ? JSON.stringify(ref) : 'nothing'}, which "included" does not hold`, { path: def.path });
  }
  if (!link.as) return resource;
  setPath(record, link.as, resource);
  return record;
}

/**
 * One row per position of an ordered list of names or ids: `{ position, <valueField>: value }`.
 * Keyed by position, so a full refresh rewrites each position and removes those past the list's end.
 */
function orderedRows(def: StreamDef, found: unknown, where: string): JsonRecord[] {
  if (!def.valueField) throw new Error(`${def.name}: an ordered record shape needs its valueField`);
  if (!Array.isArray(found)) throw new DatadogApiError('malformed', `${where}: expected an array at "${def.recordsPath || '(body)'}", got ${describe(found)}`, { path: def.path });
  return found.map((value, position) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new DatadogApiError('malformed', `${where}: position ${position} is ${describe(value)}, not a name or id`, { path: def.path });
    }
    return { [POSITION_FIELD]: position, [def.valueField!]: value };
  });
}

/** `{key: [values]}` → one row per key and value, `{[mapFields.key]: key, [mapFields.value]: value}`. */
function mapRows(def: StreamDef, found: unknown, where: string): JsonRecord[] {
  if (found === undefined || found === null) return [];
  if (typeof found !== 'object' || Array.isArray(found)) throw new DatadogApiError('malformed', `${where}: expected an object at "${def.recordsPath}", got ${describe(found)}`, { path: def.path });
  const fields = def.mapFields;
  if (!fields) throw new Error(`${def.name}: a map-shaped stream names its key and value fields (mapFields)`);
  const rows: JsonRecord[] = [];
  for (const [key, values] of Object.entries(found)) {
    if (!Array.isArray(values)) throw new DatadogApiError('malformed', `${where}: "${key}" holds ${describe(values)}, not an array`, { path: def.path });
    for (const value of values) rows.push({ [fields.key]: key, [fields.value]: value });
  }
  return rows;
}

/**
 * One row per series and timestamp. `values[i]` lines up with `series[i]` and with `times`; an
 * interval without a value (null) is not a row. The key is the series' group and the time, both
 * stable across re-reads, so a re-read window overwrites its own rows.
 */
export function timeseriesRows(def: StreamDef, attributes: unknown, where = def.name): JsonRecord[] {
  if (attributes === undefined || attributes === null) return [];
  const parsed = timeseriesAttributes.safeParse(attributes);
  if (!parsed.success) {
    throw new DatadogApiError('malformed', `${where}: timeseries response is not series/times/values: ${parsed.error.issues[0]?.message}`, { path: def.path });
  }
  const { series, times, values } = parsed.data;
  if (values.length !== series.length || values.some((v) => v.length !== times.length)) {
    throw new DatadogApiError('malformed', `${where}: ${series.length} series, ${values.length} value lists and ${times.length} times do not line up`, { path: def.path });
  }
  const rows: JsonRecord[] = [];
  series.forEach((s, i) => {
    const tags = [...(s.group_tags ?? [])].sort();
    const group = tags.length > 0 ? tags.join(',') : '*';
    const unit = s.unit?.[0]?.name ?? null;
    times.forEach((t, j) => {
      const value = values[i][j];
      if (value === null) return;
      const timestamp = new Date(t).toISOString();
      rows.push({ id: `${group}|${timestamp}`, query: def.name, group, group_tags: tags, timestamp, value, unit });
    });
  });
  return rows;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
