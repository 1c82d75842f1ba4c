/**
 * JSON as every layer sees it: records are plain objects, read and written by dotted paths, and
 * described by a minimal JSON Schema. Datadog's client, the destinations and the simulator share it.
 */

/** One record: a plain JSON object. */
export type JsonRecord = Record<string, unknown>;

/** Minimal JSON Schema, as much as the table model and validators read. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  nullable?: boolean;
}

/** Reads a dotted path (`meta.page.after`) from parsed JSON; '' means the value itself. */
export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Sets a dotted path in a JSON object, creating the objects on the way (`page.cursor`). */
export function setPath(target: JsonRecord, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    current[key] ??= {};
    current = current[key] as JsonRecord;
  }
  current[keys[keys.length - 1]] = value;
}

/**
 * Records as JSON text, exactly as they came: the array at dotted `path` ('' for the document
 * itself) of the JSON document `text`.
 */
export interface RecordsJson {
  text: string;
  path: string;
  /** `text` as the UTF-8 bytes it was received as, when kept: a store reads these rather than encode the text again. */
  utf8?: Uint8Array;
}
