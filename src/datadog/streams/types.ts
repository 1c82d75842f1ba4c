/** The shape of one row of the stream table: a Datadog list endpoint described as data. */

export type HttpMethod = 'GET' | 'POST';

/**
 * How an endpoint pages. Parameter names are Datadog's own: for GET they are query keys
 * (`page[cursor]`), for POST they are dotted paths into the JSON body (`page.cursor`).
 */
export type Pagination =
  /** `start`/`count` style: the offset advances by the records received; a short page is the end. */
  | { kind: 'offset'; offsetParam: string; limitParam: string; maxPageSize: number }
  /** `page[number]`/`page[size]` style, 0-based pages; a short page is the end. */
  | { kind: 'page'; pageParam: string; sizeParam: string; maxPageSize: number }
  /** Opaque cursor: the end is a missing cursor or an empty page, never a short page. */
  | { kind: 'cursor'; cursorParam: string; limitParam: string; nextCursorPath: string; maxPageSize: number }
  /** One request returns everything. */
  | { kind: 'none' };

/** Time filtering of incremental streams. `from` is inclusive, `to` exclusive. */
export interface TimeWindow {
  fromParam: string;
  toParam: string;
  /** How the endpoint wants times written: ISO-8601, epoch milliseconds or epoch seconds. */
  unit: 'iso' | 'ms' | 's';
  /** Dotted path of the record's event time, the incremental cursor field. */
  cursorField: string;
  /** Sort parameter and value that make the endpoint return records oldest first. */
  sort?: { param: string; value: string };
}

export interface StreamDef {
  name: string;
  description: string;
  method: HttpMethod;
  path: string;
  /** Dotted path of the records array in the response; '' when the body is the array itself. */
  recordsPath: string;
  /** Dotted path of the record's unique id. */
  primaryKey: string;
  pagination: Pagination;
  window?: TimeWindow;
  /** Parameter holding the per-stream search query (`filter[query]`), for streams that take one. */
  queryParam?: string;
  /** Fixed parameters sent with every request. */
  params?: Record<string, string>;
  /** The RBAC permission the endpoint needs (the spec's `x-permission`). */
  permission: string;
  /** Where the record schema comes from in the official OpenAPI spec. */
  schemaSource: { spec: 'v1' | 'v2'; component: string };
}

/** Minimal JSON Schema, as much as the table model and validators read. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
}
