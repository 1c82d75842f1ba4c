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
   * The records are events: each happened once, at `cursorField`, which the endpoint filters on, and
   * never changes, so every copy of a record has the same time. Stores may then find earlier copies
   * of a key by that time (TableSpec.timeField) instead of keeping an index of every key.
   */
  events?: boolean;
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
 * - `timeseries`: `series`, `times` and `values` at `recordsPath` become one row per series and time.
 */
export type RecordShape = 'list' | 'object' | 'timeseries';

/**
 * A stream read once per record of another stream, e.g. one history request per SLO. Its page
 * state walks the parent's pages; each page of parents becomes one request per parent.
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
  /** Parents per fetchPage call: each costs one request, and a retried page repeats them all. */
  batchSize: number;
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
   * values joined by `:` (e.g. SLO id and window start).
   */
  derivedKey?: { field: string; from: string[] };
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
  /** The RBAC permission the endpoint needs (the spec's `x-permission`; alternatives joined by " or "). */
  permission: string;
  /**
   * The Datadog rate-limit bucket (`X-RateLimit-Name`) the endpoint shares with other rows' endpoints,
   * when it shares one: a sync starts streams of one bucket one after another. Unset: a bucket of
   * its own, read beside every other stream.
   */
  rateLimitBucket?: string;
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
