import type { JsonSchema } from '../../shared/json';

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

/** How an endpoint wants a time written, or how a record states one. */
export type TimeUnit = 'iso' | 'ms' | 's';

/** Time filtering of incremental streams. `from` is inclusive, `to` exclusive. */
export interface TimeWindow {
  fromParam: string;
  toParam: string;
  /** How the endpoint wants times written: ISO-8601, epoch milliseconds or epoch seconds. */
  unit: TimeUnit;
  /** Send the times as JSON numbers (int64 body fields) instead of strings. */
  numeric?: boolean;
  /** Dotted path of the record's event time, the incremental cursor field. */
  cursorField: string;
  /** How the cursor field is written in records; ISO-8601 unless stated. */
  cursorUnit?: TimeUnit;
  /** Sort parameter and value that make the endpoint return records oldest first. */
  sort?: { param: string; value: string };
  /**
   * How long after their own time this endpoint's records may still arrive or change (a duration):
   * re-read before the bookmark on every run, unless `stream_options` says otherwise. Unset: the
   * request's `lookback`, or DEFAULT_LOOKBACK.
   */
  lookback?: string;
}

/** A time parameter relative to the sync's "now", as the stream table states it. */
export interface RelativeTime {
  param: string;
  unit: TimeUnit;
  /** How far before now: the period for which the endpoint still lists items. */
  lookbackMs: number;
}

/**
 * Where the records are in a response body:
 * - `list`: an array at `recordsPath` (the usual case);
 * - `object`: one object at `recordsPath` is one record (nothing there: no record);
 * - `timeseries`: `series`, `times` and `values` at `recordsPath` become one row per series and time;
 * - `map`: an object of arrays at `recordsPath` (`{"env:prod": ["host-a", "host-b"]}`) becomes one
 *   row per key and value, named by `mapFields`.
 */
export type RecordShape = 'list' | 'object' | 'timeseries' | 'map';

/** For `recordShape: 'map'`: the row fields that take each key and each of its values. */
export interface MapFields {
  key: string;
  value: string;
  /**
   * The most distinct values Datadog returns in one response, where it documents a cap it applies
   * silently: a response that reaches it may have been cut, and the run says so.
   */
  maxValues?: number;
}

/**
 * Keeps only some of the items at `recordsPath`, for endpoints that serve several kinds of object in
 * one list (JSON:API `included[]`) or more than the stream is about (public and private locations).
 */
export interface RecordFilter {
  /** Dotted path of the field tested. */
  field: string;
  /** Kept when the field equals this. */
  equals?: string;
  /** Kept when the field is a string starting with this. */
  startsWith?: string;
}

/**
 * A stream read once per record of another stream, e.g. one history request per SLO. The parents are
 * not listed again: they are the rows of the parent stream's table, as the parent's own sync in the
 * same run left them (selecting a dependent stream syncs its parent first). Its pages walk that
 * table by key, `batchSize` parents a page, one request per parent (and window).
 */
export interface ParentStream {
  /** The parent stream's name in the table. */
  stream: string;
  /** Dotted path of the parent record's id. */
  key: string;
  /** The placeholder in this stream's path that takes the parent's id, e.g. `slo_id` for `{slo_id}`. */
  pathParam: string;
  /** Field added to each record, holding the parent's id. */
  field: string;
  /** Parents per fetchPage call: each costs one request; a retried page repeats only the ones not yet written. */
  batchSize: number;
  /**
   * Read a parent only when this field of its stored record differs from `field` of what was read for
   * it last (a summary's `modified_at` against the definition's): the others keep their rows.
   */
  whenChanged?: { parentField: string; field: string };
  /**
   * Read a parent only when what was read for it is older than this (a duration, e.g. `1d`): for
   * endpoints that cost one request per parent and change seldom. The others keep their rows.
   */
  refreshAfter?: string;
}

/**
 * A stream whose rows are made from another stream's records, with no request of its own: each item
 * of an array in every source record becomes a row (which user holds which role, from the users'
 * `relationships.roles.data`). The source records are read from the source stream's table, as its
 * sync in the same run left them (selecting a derived stream syncs its source first).
 */
export interface DerivedFrom {
  /** The source stream's name in the table. */
  stream: string;
  /** Dotted path, in each source record, of the array whose items become rows. */
  items: string;
  /** Row fields taken from the source record, by dotted path (e.g. `user_id: 'id'`). */
  recordFields: Record<string, string>;
  /** Row fields taken from each item, by dotted path (e.g. `role_id: 'id'`). */
  itemFields: Record<string, string>;
}

/** Where a stream's record schema comes from. */
export type SchemaSource =
  /** A component of Datadog's official OpenAPI spec, plus any fields Retriever adds to the records. */
  | { spec: 'v1' | 'v2'; component: string; addedFields?: Record<string, JsonSchema> }
  /** Records Retriever shapes itself (timeseries rows): no spec component describes them. */
  | { inline: JsonSchema };

export interface StreamDef {
  name: string;
  description: string;
  /** What a user should know of the stream beyond its row (docs/streams.md prints it). */
  notes?: string;
  method: HttpMethod;
  /** The endpoint; `{name}` placeholders are filled from the parent record (dependent streams). */
  path: string;
  /** Dotted path of the records in the response; '' when the body is the array itself. */
  recordsPath: string;
  /** How the records are laid out at `recordsPath`; `list` unless stated. */
  recordShape?: RecordShape;
  /** Dotted path of the record's unique id. */
  primaryKey: string;
  /**
   * For records without a single unique field: the primary key field is written as these fields'
   * values joined by `separator` (`:` unless stated; e.g. SLO id and window start).
   */
  derivedKey?: { field: string; from: string[]; separator?: string };
  /** For `recordShape: 'map'`: the fields each key and value are written to. */
  mapFields?: MapFields;
  /** Keeps only the items at `recordsPath` that pass this test. */
  recordFilter?: RecordFilter;
  /**
   * Dotted paths removed from every record before anything else sees it (secrets and key values
   * that must never be stored, whether or not Datadog documents sending them); the generated schema
   * leaves them out too.
   */
  dropFields?: string[];
  pagination: Pagination;
  window?: TimeWindow;
  /** Parameter holding the per-stream search query (`filter[query]`), for streams that take one. */
  queryParam?: string;
  /** The request's top-level `query` (Airbyte's, which filters logs) applies to this stream too. */
  topLevelQuery?: boolean;
  /** Fixed query parameters sent with every request. */
  params?: Record<string, string>;
  /**
   * A list that shows only recently active items unless asked for older ones: `param` is sent as
   * "now − `lookbackMs`". planSync fixes that time once per sync, so every page of one full refresh
   * asks for the same set and offsets stay consistent.
   */
  since?: RelativeTime;
  /** Fixed JSON body fields of a POST, by dotted path. */
  body?: Record<string, unknown>;
  /** Set for a stream read once per record of another stream. */
  parent?: ParentStream;
  /** Set for a stream made from another stream's records, with no request of its own. */
  derivedFrom?: DerivedFrom;
  /** The RBAC permission the endpoint needs (the spec's `x-permission`; alternatives joined by " or "). */
  permission: string;
  /** Where the record schema comes from. */
  schemaSource: SchemaSource;
}

/** Data sources of `POST /api/v2/query/timeseries`, as Airbyte's `queries[].data_source` names them. */
export const QUERY_DATA_SOURCES = ['metrics', 'cloud_cost', 'logs', 'rum'] as const;
export type QueryDataSource = (typeof QUERY_DATA_SOURCES)[number];

/** Events-platform aggregations (the spec's `EventsAggregation`), for logs and rum queries. */
export const EVENTS_AGGREGATIONS = ['count', 'cardinality', 'pc75', 'pc90', 'pc95', 'pc98', 'pc99', 'sum', 'min', 'max', 'avg'] as const;

/**
 * One configured timeseries query, as it travels to activities: small and JSON-safe. It becomes a
 * stream (and a table) named `name`.
 */
export interface QueryDefinition {
  name: string;
  data_source: QueryDataSource;
  /** A metrics query (`avg:system.cpu.user{*} by {host}`) or, for logs and rum, a search query. */
  query: string;
  /** Milliseconds between points; windows start and end on multiples of it. */
  interval: number;
  /** Logs and rum only: what to compute per interval, and the facets to split by. */
  compute?: { aggregation: (typeof EVENTS_AGGREGATIONS)[number]; metric?: string };
  group_by?: string[];
}
