import type { JsonSchema } from '../../shared/json';
import type { DerivedFrom, ParentStream } from './dependent-types';

export type { DerivedFrom, ParentStream } from './dependent-types';

/** The shape of one row of the stream table: a Datadog list endpoint described as data. */

export type HttpMethod = 'GET' | 'POST';

/**
 * How an endpoint pages. Parameter names are Datadog's own: for GET they are query keys
 * (`page[cursor]`), for POST they are dotted paths into the JSON body (`page.cursor`).
 */
export type Pagination =
  /** `start`/`count` style: the offset advances by the records received; a short page is the end. */
  | { kind: 'offset'; offsetParam: string; limitParam: string; maxPageSize: number }
  /**
   * `page[number]`/`page[size]` style; a short page is the end. Pages count from 0 unless
   * `firstPage` says otherwise: an endpoint whose pages start at 1 would, read from 0, serve its
   * first page twice or refuse the request.
   */
  | { kind: 'page'; pageParam: string; sizeParam: string; maxPageSize: number; firstPage?: number }
  /**
   * Opaque cursor: the end is a missing cursor or an empty page, never a short page. `limitParam` and
   * `maxPageSize` come together, or not at all for endpoints that choose their page size themselves
   * (the usage endpoints' `next_record_id`).
   */
  | { kind: 'cursor'; cursorParam: string; nextCursorPath: string; limitParam?: string; maxPageSize?: number }
  /**
   * Newest first, at most `cap` records a call and no cursor (synthetic test results): the next call
   * asks for what is older, its `toParam` set to how far back the last call reached (`nextToPath`).
   * A call that returns fewer than `cap` records is the end.
   */
  | {
      kind: 'backward_time';
      toParam: string;
      nextToPath: string;
      cap: number;
      /**
       * The endpoint writes `nextToPath` cut to this many milliseconds (1000: the second): the next call
       * reaches to the end of that span, so records sharing it are read twice (harmlessly), never lost.
       */
      nextToResolutionMs?: number;
    }
  /** One request returns everything. */
  | { kind: 'none' };

/**
/**
 * How an endpoint wants a time written, or how a record states one: ISO-8601, or epoch seconds,
 * milliseconds or nanoseconds (CI Visibility and DORA write their event times in nanoseconds).
 * `hour` and `month` are ISO-8601 of the hour's or month's first instant, for endpoints precise to
 * the hour (`[YYYY-MM-DDThh]`) or the month (`[YYYY-MM]`): they read whole hours or months, so
 * windows start (and, for hours, end) on whole ones.
 */
export type TimeUnit = 'iso' | 'ms' | 's' | 'ns' | 'hour' | 'month';

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
  /**
   * The `to` parameter names the last unit read, not the first one after (`end_month`: "for usage
   * ending this month"): it is written as the unit holding the window's last instant.
   */
  inclusiveTo?: boolean;
  /** The longest span one request may cover (a duration); windows are cut no longer. */
  maxSpan?: string;
  /** How many calendar months back the endpoint serves: a run asks for nothing older. */
  retentionMonths?: number;
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
 * - `ordered`: an ordered array of names or ids at `recordsPath` (the order of log indexes, of
 *   pipelines) becomes one row per position, `{ position, <valueField>: value }`, keyed by
 *   `position`: a full refresh rewrites every position and removes those the list no longer has;
 * - `values`: an array of names (strings or numbers) at `recordsPath`, each one a row `{<valueField>: name}`;
 * - `map`: an object of arrays at `recordsPath` (`{"env:prod": ["host-a", "host-b"]}`) becomes one
 *   row per key and value, named by `mapFields`.
 */
export type RecordShape = 'list' | 'object' | 'timeseries' | 'ordered' | 'values' | 'map';

/** The field of an `ordered` row that holds its position (0 is the first), and is its key. */
export const POSITION_FIELD = 'position';

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

/** Where a stream's record schema comes from. */
export type SchemaSource =
  /**
   * A component of Datadog's official OpenAPI spec, plus any fields Retriever adds to the records
   * (dotted names reach into objects: `attributes.created_at`).
   */
  | {
      spec: 'v1' | 'v2';
      component: string;
      addedFields?: Record<string, JsonSchema>;
      /**
       * Dotted paths of fields the spec types as plain strings that hold times, often without a zone
       * (`2022-04-11T15:49:04`, which Datadog means as UTC): their columns are timestamps, read as UTC.
       */
      timeFields?: string[];
    }
  /** Records Retriever shapes itself (timeseries rows): no spec component describes them. */
  | { inline: JsonSchema };

/**
 * A required parameter that takes one value per request (hourly_usage_attribution's `usage_type`):
 * each window is read once per value, one after another; the page state says which value it is on.
 */
export interface FanOut {
  /** The query parameter. */
  param: string;
  /** The config option that lists the values: `stream_options.<stream>.<option>`. */
  option: string;
  /** The values read when the config lists none. */
  defaults: readonly string[];
  /** Every value the endpoint accepts (the spec's enum). */
  allowed: readonly string[];
}

/** One part of a derived key: a dotted path, or a time written as its month (`YYYY-MM`). */
export type KeyPart = string | { path: string; as: 'month' };

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
  /** For `recordShape: 'ordered'` or `'values'`: the field each row holds its name or id in (`index_name`). */
  valueField?: string;
  /** For `recordShape: 'values'`: an optional field for the name's 0-based place in the array. */
  positionField?: string;
  /** Records that are (or carry) resources of the response's `included[]`. */
  included?: IncludedResource;
  /** Dotted path of the record's unique id. */
  primaryKey: string;
  /**
   * For records without a single unique field: the primary key field is written as these fields'
   * values joined by `separator` (`:` unless stated; e.g. SLO id and window start). A part
   * `{ path, as: 'month' }` is a time written as its month: a monthly figure Datadog re-dates on every read stays one row.
   */
  derivedKey?: { field: string; from: KeyPart[]; separator?: string };
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
  /** Set for an endpoint that takes one value of a required parameter per request. */
  fanOut?: FanOut;
  /**
   * Datadog serves the endpoint to parent-level organisations only: a child organisation's keys are
   * refused (a 400 saying "non-parent org keys", or a 403), and the stream is skipped saying so.
   */
  parentOrgOnly?: boolean;
  /** Set for a stream made from another stream's records, with no request of its own. */
  derivedFrom?: DerivedFrom;
  /** The RBAC permission the endpoint needs (the spec's `x-permission`; alternatives joined by " or "). */
  permission: string;
  /**
   * The Datadog rate-limit bucket (`X-RateLimit-Name`) the endpoint shares with other rows' endpoints,
   * when it shares one: a sync starts streams of one bucket one after another. Datadog does not
   * publish which endpoints share a bucket; rows name their product family's (one guess for all of
   * it: if its endpoints have buckets of their own, they are only read one after another). Unset: a
   * bucket of its own, read beside every other stream.
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
