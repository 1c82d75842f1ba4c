import { z } from 'zod';
import { getStream, STREAMS, STREAM_NAMES } from '../datadog/streams/table';
import { EVENTS_AGGREGATIONS, QUERY_DATA_SOURCES, type QueryDefinition, type StreamDef } from '../datadog/streams/types';
import { DURATION_PATTERN, parseDuration } from './duration';
import { formatIssues, InvalidConfigError } from './issues';
import { DATADOG_SITES } from './sites';

/** Field names that would carry credentials. They are refused: keys come from the worker's environment. */
const SECRET_FIELDS = ['api_key', 'application_key', 'app_key', 'apiKey', 'appKey', 'dd_api_key', 'dd_app_key', 'password'];

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or date-time, e.g. 2026-01-01T00:00:00Z');

const streamName = z.string().refine((s) => STREAM_NAMES.includes(s), {
  error: (issue) => `unknown stream "${String(issue.input)}"; known streams: ${STREAM_NAMES.join(', ')}`,
});

/** Default distance between points of a query stream, per data source: cloud costs are daily figures. */
const DEFAULT_INTERVAL: Record<(typeof QUERY_DATA_SOURCES)[number], string> = { metrics: '5m', logs: '5m', rum: '5m', cloud_cost: '1d' };

/**
 * A timeseries query that becomes a stream of its own. `name`, `data_source` and `query` are
 * Airbyte's `queries[]` fields; the rest is optional.
 */
const timeseriesQuery = z.strictObject({
  /** The stream's and the table's name. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and "_", starting with a letter (it names a table)'),
  data_source: z.enum(QUERY_DATA_SOURCES),
  /** Metrics and cloud_cost: a metrics query (`avg:system.cpu.user{*} by {host}`); logs and rum: a search query. */
  query: z.string().min(1),
  /** Distance between points, e.g. 1m, 5m, 1h; windows start and end on multiples of it. */
  interval: z.string().regex(DURATION_PATTERN, 'a duration like 1m, 5m or 1h').optional(),
  /** Logs and rum: what to compute per interval (default count). */
  compute: z.strictObject({ aggregation: z.enum(EVENTS_AGGREGATIONS), metric: z.string().min(1).optional() }).optional(),
  /** Logs and rum: facets to split the series by, e.g. ["service"]. */
  group_by: z.array(z.string().min(1)).optional(),
}).superRefine((q, ctx) => {
  if ((q.compute || q.group_by) && (q.data_source === 'metrics' || q.data_source === 'cloud_cost')) {
    ctx.addIssue({ code: 'custom', message: `compute and group_by apply to logs and rum queries; a ${q.data_source} query states them in its query string` });
  }
});

/**
 * A sync request: what the config file holds and what a `datadogSync` workflow takes as input.
 * Field names follow Airbyte's source-datadog spec where they overlap (site, start_date, end_date,
 * max_records_per_request). It never holds a secret.
 */
export const syncRequestSchema = z
  .strictObject({
    /** Names the sync in workflow IDs and the Web UI. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only, at most 64').default('datadog'),
    site: z.enum(DATADOG_SITES).default('datadoghq.com'),
    /** Streams to sync: names from the stream table and of `queries`; default all of them. */
    streams: z.array(z.string()).min(1, 'select at least one stream').optional(),
    /** Where incremental streams start when they have no bookmark yet. */
    start_date: isoDate.optional(),
    /** Where the sync stops; default: now minus `lag`. */
    end_date: isoDate.optional(),
    max_records_per_request: z.number().int().positive().optional(),
    /** Length of the time windows incremental streams are read in; each finished window is a bookmark. */
    window_size: z.string().regex(DURATION_PATTERN, 'a duration like 1h, 6h or 1d').default('1d'),
    /** How far behind now incremental streams stop, so records still being indexed are not skipped. */
    lag: z.string().regex(DURATION_PATTERN, 'a duration like 0s, 1m or 5m').default('1m'),
    /**
     * How far before its bookmark each incremental stream reads again on every run, for records
     * Datadog indexes (or revises) after their own time; key-based writes make the overlap harmless.
     * Default: the stream's own (e.g. `72h` for usage), else DEFAULT_LOOKBACK.
     */
    lookback: z.string().regex(DURATION_PATTERN, 'a duration like 0s, 30m or 2h').optional(),
    /** Per-stream options, e.g. `{ "logs": { "query": "service:web" } }`; `query` only for the search streams. */
    stream_options: z
      .record(streamName, z.strictObject({ query: z.string().min(1).optional(), lookback: z.string().regex(DURATION_PATTERN, 'a duration like 0s, 30m or 2h').optional() }))
      .default({}),
    /** Airbyte's `query`: a search filter for the streams whose row says so, i.e. `logs` (`stream_options.logs.query` wins). */
    query: z.string().optional(),
    /** Timeseries queries, each read from `POST /api/v2/query/timeseries` into a stream of its own name. */
    queries: z.array(timeseriesQuery).default([]),
    /** Streams read at once; default: one per rate-limit bucket the selected streams use (workflows/buckets.ts). */
    max_parallel_streams: z.number().int().min(1).max(64).optional(),
    /** Fail the sync when a stream is not readable (403/404) instead of skipping it with a warning. */
    strict: z.boolean().default(false),
  })
  // Runs even when other fields have problems, so every unknown stream name is reported in one go.
  .check(z.superRefine(checkStreamNames, { when: () => true }))
  .check(z.superRefine(checkIntervals, { when: () => true }))
  .superRefine((req, ctx) => {
    for (const [stream, options] of Object.entries(req.stream_options)) {
      // Runs only once every name is known (streamName checked the keys).
      if (options.query !== undefined && !getStream(stream).queryParam) {
        const searchable = STREAMS.filter((s) => s.queryParam).map((s) => s.name);
        ctx.addIssue({ code: 'custom', path: ['stream_options', stream, 'query'], message: `${stream} takes no search query; only ${searchable.join(', ')} do` });
      }
      if (options.lookback !== undefined && !getStream(stream).window) {
        ctx.addIssue({ code: 'custom', path: ['stream_options', stream, 'lookback'], message: `${stream} is read whole on every run (full refresh): a lookback does not apply to it` });
      }
    }
    if (req.start_date && req.end_date && Date.parse(req.end_date) <= Date.parse(req.start_date)) {
      ctx.addIssue({ code: 'custom', path: ['end_date'], message: `must be after start_date (${req.start_date})` });
    }
    if (DURATION_PATTERN.test(req.window_size) && parseDuration(req.window_size) < 60_000) {
      ctx.addIssue({ code: 'custom', path: ['window_size'], message: 'must be at least 1m' });
    }
  });

/** Stream names must be in the table or among the configured queries; query names must not shadow a table stream. */
function checkStreamNames(req: unknown, ctx: z.RefinementCtx<unknown>): void {
  if (!req || typeof req !== 'object') return;
  const { streams, queries } = req as { streams?: unknown; queries?: unknown };
  const queryNames = Array.isArray(queries) ? queries.map((q) => (q as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string') : [];
  const seen = new Set<string>();
  queryNames.forEach((name, i) => {
    if (STREAM_NAMES.includes(name)) ctx.addIssue({ code: 'custom', path: ['queries', i, 'name'], message: `"${name}" is already a stream; give the query another name` });
    else if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['queries', i, 'name'], message: `"${name}" names two queries` });
    seen.add(name);
  });
  if (!Array.isArray(streams)) return;
  streams.forEach((name, i) => {
    if (typeof name !== 'string' || STREAM_NAMES.includes(name) || queryNames.includes(name)) return;
    const known = [...STREAM_NAMES, ...queryNames].join(', ');
    ctx.addIssue({ code: 'custom', path: ['streams', i], message: `unknown stream "${name}"; known streams: ${known}` });
  });
}

/** Each query's interval must divide the window size: windows then start and end on whole intervals. */
function checkIntervals(req: unknown, ctx: z.RefinementCtx<unknown>): void {
  if (!req || typeof req !== 'object') return;
  const { queries, window_size } = req as { queries?: unknown; window_size?: unknown };
  if (!Array.isArray(queries)) return;
  const windowSize = typeof window_size === 'string' && DURATION_PATTERN.test(window_size) ? window_size : undefined;
  queries.forEach((q, i) => {
    const { interval, data_source } = (q ?? {}) as { interval?: unknown; data_source?: unknown };
    const text = interval ?? DEFAULT_INTERVAL[data_source as keyof typeof DEFAULT_INTERVAL];
    if (typeof text !== 'string' || !DURATION_PATTERN.test(text)) return;
    const ms = parseDuration(text);
    if (ms < 1_000) ctx.addIssue({ code: 'custom', path: ['queries', i, 'interval'], message: 'must be at least 1s' });
    else if (windowSize && parseDuration(windowSize) % ms !== 0) {
      ctx.addIssue({ code: 'custom', path: ['queries', i, 'interval'], message: `must divide window_size (${windowSize}) so that no interval straddles two windows` });
    }
  });
}

export type SyncRequestInput = z.input<typeof syncRequestSchema>;
export type SyncRequest = z.output<typeof syncRequestSchema>;

/**
 * Validates a sync request, listing every problem with its path. `now` is passed in so the same check
 * runs in the CLI and inside the sync's planning activity.
 */
export function parseSyncRequest(raw: unknown, now: number, source = 'sync request'): SyncRequest {
  const problems: string[] = [];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const field of SECRET_FIELDS) {
      if (field in raw) {
        problems.push(`${field}: secrets are not accepted here; set DD_API_KEY and DD_APP_KEY in the worker's environment`);
      }
    }
  }
  const stripped =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).filter(([k]) => !SECRET_FIELDS.includes(k)))
      : raw;
  const result = syncRequestSchema.safeParse(stripped);
  if (!result.success) problems.push(...formatIssues(result.error.issues));
  if (result.success && result.data.start_date && Date.parse(result.data.start_date) > now) {
    problems.push(`start_date: ${result.data.start_date} is in the future`);
  }
  if (problems.length > 0) throw new InvalidConfigError(problems, source);
  return result.data!;
}

/** Every stream a request reads: the selected ones, or all table streams and all queries. */
export function selectedStreams(request: Pick<SyncRequest, 'streams' | 'queries'>): string[] {
  return request.streams ?? [...STREAM_NAMES, ...request.queries.map((q) => q.name)];
}

/** The configured queries as activities receive them: intervals in milliseconds, defaults filled. */
export function queryDefinitions(request: Pick<SyncRequest, 'queries'>): QueryDefinition[] {
  return request.queries.map((q) => ({
    name: q.name,
    data_source: q.data_source,
    query: q.query,
    interval: parseDuration(q.interval ?? DEFAULT_INTERVAL[q.data_source]),
    ...(q.compute ? { compute: q.compute } : {}),
    ...(q.group_by ? { group_by: q.group_by } : {}),
  }));
}

/**
 * What incremental streams re-read before their bookmark unless told otherwise. Datadog accepts
 * logs and events up to 18 hours after their time, but nearly all arrive within minutes of it: half
 * an hour keeps a record that is indexed up to 30 minutes late (twice the 15 minutes that routine
 * indexing delays reach) for about half an hour's more reading per run (docs/streams.md).
 */
export const DEFAULT_LOOKBACK = '30m';

/** A stream's lookback in ms: its `stream_options`, else its own (the endpoint revises data), else the request's, else the default. */
export function streamLookback(request: Pick<SyncRequest, 'stream_options' | 'lookback'>, def: Pick<StreamDef, 'name' | 'window'>): number {
  return parseDuration(request.stream_options[def.name]?.lookback ?? def.window?.lookback ?? request.lookback ?? DEFAULT_LOOKBACK);
}

/** The search filter for a stream: its own `stream_options` query, or the top-level `query` where its row takes it. */
export function streamSearch(request: Pick<SyncRequest, 'stream_options' | 'query' | 'queries'>, stream: string): string | undefined {
  const own = request.stream_options[stream]?.query;
  if (own !== undefined) return own;
  return request.query && getStream(stream, queryDefinitions(request)).topLevelQuery ? request.query : undefined;
}
