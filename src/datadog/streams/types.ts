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

/**
 * How an endpoint wants a time written, or how a record states one: ISO-8601, or epoch seconds,
 * milliseconds or nanoseconds (CI Visibility and DORA write their event times in nanoseconds).
 */
export type TimeUnit = 'iso' | 's' | 'ms' | 'ns';

/** Time filtering of incremental streams. `from` is inclusive, `to` exclusive. */
export interface TimeWindow {
  fromParam: string;
  toParam: string;
  /** How the endpoint wants times written. */
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
  /**
   * For an endpoint without paging that returns at most this many records a call (DORA, Error
   * Tracking): a call that returns this many may have left some out, so it is not written and its
   * window is read again as two halves, each split again while it comes back full. A window too
   * short to split (about a second) that still comes back full fails the stream: nothing is dropped
   * silently.
   */
  splitWhenFull?: number;
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
 * - `values`: an array of names (strings or numbers) at `recordsPath`, each one a row `{<valueField>: name}`.
 */
export type RecordShape = 'list' | 'object' | 'timeseries' | 'values';

/**
 * A JSON:API compound document: the records refer (at `relationship`, `{type, id}`) to resources of
 * the body's `included[]`. With `as`, the resource is added to the record at that path; without it,
 * the record is the resource itself (the list only says which resources matched). A record whose
 * resource is missing is refused as malformed.
 */
export interface IncludedResource {
  relationship: string;
  as?: string;
}

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
  /** For `recordShape: 'values'`: the field each name becomes, and optionally one for its 0-based place in the array. */
  valueField?: string;
  positionField?: string;
  /** Records that are (or carry) resources of the response's `included[]`. */
  included?: IncludedResource;
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
  /** Fixed query-string parameters sent with every request (a POST's too; its body fields are `body`). */
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
