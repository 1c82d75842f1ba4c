import { z } from 'zod';
import { getStream, STREAMS, STREAM_NAMES } from '../datadog/streams/table';
import { EVENTS_AGGREGATIONS, QUERY_DATA_SOURCES, type QueryDefinition, type StreamDef } from '../datadog/streams/types';
import { DURATION_PATTERN, parseDuration } from './duration';
import { formatIssues, InvalidConfigError } from './issues';
import { DATADOG_SITES } from './sites';
import { DEFAULT_MAX_OUTAGE } from '../shared/outage';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import { ORGANIZATION_PATTERN, ORGANIZATION_RULE } from './organizations';
import { SECRET_FIELDS, secretFieldsIn, secretProblem } from '../shared/secrets';

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or date-time, e.g. 2026-01-01T00:00:00Z');

const streamName = z.string().refine((s) => STREAM_NAMES.includes(s), {
  error: (issue) => `unknown stream "${String(issue.input)}"; known streams: ${STREAM_NAMES.join(', ')}`,
});

/** The shortest `refresh`: a stream that costs one request per record reads each at most once a day. */
const MIN_REFRESH_MS = 86_400_000;

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
 * The options that list the values of a stream's fan-out (a row's `fanOut.option`): which stream
 * takes each, and which values, is checked against the table (checkFanOutOptions).
 */
export const FAN_OUT_OPTIONS = {
  /** hourly_usage_attribution: the `usage_type`s to read, one request each per window. */
  usage_types: z.array(z.string().min(1)).min(1, 'list at least one usage type').optional(),
};

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
    /**
     * The Datadog organisation to read (default `default`): its keys, and its site when set, come from
     * the worker's environment (`DD_API_KEY__<NAME>`, …). Rows and bookmarks are kept per organisation.
     */
    organization: z.string().regex(ORGANIZATION_PATTERN, ORGANIZATION_RULE).default(DEFAULT_ORGANIZATION),
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
    /**
     * How long a stream waits, in all, for Datadog or the destination to come back once its quick
     * retries are spent, before it fails. Rate-limit waits do not count.
     */
    max_outage: z.string().regex(DURATION_PATTERN, 'a duration like 30m, 6h or 1d').default(DEFAULT_MAX_OUTAGE),
    /**
     * Per-stream options, e.g. `{ "logs": { "query": "service:web" } }`; `query` only for the search
     * streams, `usage_types` only for hourly_usage_attribution, `refresh` (how old a dependent
     * stream's rows may grow before they are read again) only for the streams whose row sets
     * `refreshAfter` (`metric_metadata`).
     */
    stream_options: z
      .record(
        streamName,
        z.strictObject({
          query: z.string().min(1).optional(),
          lookback: z.string().regex(DURATION_PATTERN, 'a duration like 0s, 30m or 2h').optional(),
          refresh: z.string().regex(DURATION_PATTERN, 'a duration like 1d or 7d').optional(),
          ...FAN_OUT_OPTIONS,
        }),
      )
      .default({}),
    /** Airbyte's `query`: a search filter for the streams whose row says so, i.e. `logs` (`stream_options.logs.query` wins). */
    query: z.string().optional(),
    /** Timeseries queries, each read from `POST /api/v2/query/timeseries` into a stream of its own name. */
    queries: z.array(timeseriesQuery).default([]),
    /** Streams read at once; default: one per rate-limit bucket the selected streams use (workflows/buckets.ts). */
    max_parallel_streams: z.number().int().min(1).max(64).optional(),
    /** Fail the sync when a stream is not readable (403/404) instead of skipping it with a warning. */
    strict: z.boolean().default(false),
    /**
     * Streams this sync reads from scratch: their bookmarks are forgotten first (by the sync itself,
     * so a crash cannot half-do it) and they are read from `start_date`. The other streams keep theirs.
     */
    full_refresh: z.array(z.string()).default([]),
    /** With `full_refresh`: also delete those streams' rows first, so the table holds only what is read again. */
    full_refresh_drop_rows: z.boolean().default(false),
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
      checkFanOutOptions(stream, options as Record<string, unknown>, ctx);
      if (options.refresh !== undefined) {
        const refreshable = STREAMS.filter((s) => s.parent?.refreshAfter).map((s) => s.name);
        if (!getStream(stream).parent?.refreshAfter) {
          ctx.addIssue({ code: 'custom', path: ['stream_options', stream, 'refresh'], message: `${stream} takes no refresh; only ${refreshable.join(', ')} do` });
        } else if (DURATION_PATTERN.test(options.refresh) && parseDuration(options.refresh) < MIN_REFRESH_MS) {
          ctx.addIssue({ code: 'custom', path: ['stream_options', stream, 'refresh'], message: 'must be at least 1d: each of its records costs one request' });
        }
      }
    }
    const selected = selectedStreams(req);
    req.full_refresh.forEach((stream, i) => {
      // Unknown names are reported by checkStreamNames.
      if (isKnownStream(req, stream) && !selected.includes(stream)) {
        ctx.addIssue({ code: 'custom', path: ['full_refresh', i], message: `${stream} is not among the streams this sync reads (${selected.join(', ')}); add it to streams` });
      }
    });
    if (req.full_refresh_drop_rows && req.full_refresh.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['full_refresh_drop_rows'], message: 'drops the rows of the full_refresh streams, and none is named: set full_refresh too' });
    }
    if (req.start_date && req.end_date && Date.parse(req.end_date) <= Date.parse(req.start_date)) {
      ctx.addIssue({ code: 'custom', path: ['end_date'], message: `must be after start_date (${req.start_date})` });
    }
    if (DURATION_PATTERN.test(req.window_size) && parseDuration(req.window_size) < 60_000) {
      ctx.addIssue({ code: 'custom', path: ['window_size'], message: 'must be at least 1m' });
    }
  });

/** A fan-out option only for the stream whose row names it, with values its endpoint accepts. */
function checkFanOutOptions(stream: string, options: Record<string, unknown>, ctx: z.RefinementCtx<unknown>): void {
  const fanOut = getStream(stream).fanOut;
  for (const option of Object.keys(FAN_OUT_OPTIONS)) {
    const values = options[option];
    if (values === undefined) continue;
    if (fanOut?.option !== option) {
      const takers = STREAMS.filter((s) => s.fanOut?.option === option).map((s) => s.name);
      ctx.addIssue({ code: 'custom', path: ['stream_options', stream, option], message: `${stream} takes no ${option}; only ${takers.join(', ')} does` });
      continue;
    }
    (values as string[]).forEach((value, i) => {
      if (!fanOut.allowed.includes(value)) {
        ctx.addIssue({ code: 'custom', path: ['stream_options', stream, option, i], message: `unknown ${fanOut.param} "${value}"; Datadog accepts: ${fanOut.allowed.join(', ')}` });
      }
    });
  }
}

/** Stream names must be in the table or among the configured queries; query names must not shadow a table stream. */
function checkStreamNames(req: unknown, ctx: z.RefinementCtx<unknown>): void {
  if (!req || typeof req !== 'object') return;
  const { queries } = req as { queries?: unknown };
  const queryNames = Array.isArray(queries) ? queries.map((q) => (q as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string') : [];
  const seen = new Set<string>();
  queryNames.forEach((name, i) => {
    if (STREAM_NAMES.includes(name)) ctx.addIssue({ code: 'custom', path: ['queries', i, 'name'], message: `"${name}" is already a stream; give the query another name` });
    else if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['queries', i, 'name'], message: `"${name}" names two queries` });
    seen.add(name);
  });
  for (const field of ['streams', 'full_refresh'] as const) {
    const names = (req as Record<string, unknown>)[field];
    if (!Array.isArray(names)) continue;
    names.forEach((name, i) => {
      if (typeof name !== 'string' || STREAM_NAMES.includes(name) || queryNames.includes(name)) return;
      const known = [...STREAM_NAMES, ...queryNames].join(', ');
      ctx.addIssue({ code: 'custom', path: [field, i], message: `unknown stream "${name}"; known streams: ${known}` });
    });
  }
}

function isKnownStream(req: Pick<SyncRequest, 'queries'>, name: string): boolean {
  return STREAM_NAMES.includes(name) || req.queries.some((q) => q.name === name);
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
  const secrets = secretFieldsIn(raw);
  const problems: string[] = secrets.map(secretProblem);
  // The other problems are listed too; a top-level secret field would only add "unrecognised key".
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

/** The values a stream with a fan-out reads: its `stream_options` list (duplicates dropped), else its row's defaults. */
export function streamFanOut(request: Pick<SyncRequest, 'stream_options'>, def: Pick<StreamDef, 'name' | 'fanOut'>): string[] | undefined {
  if (!def.fanOut) return undefined;
  const configured = (request.stream_options[def.name] as Record<string, unknown> | undefined)?.[def.fanOut.option] as string[] | undefined;
  return [...new Set(configured ?? def.fanOut.defaults)];
}

/** The search filter for a stream: its own `stream_options` query, or the top-level `query` where its row takes it. */
export function streamSearch(request: Pick<SyncRequest, 'stream_options' | 'query' | 'queries'>, stream: string): string | undefined {
  const own = request.stream_options[stream]?.query;
  if (own !== undefined) return own;
  return request.query && getStream(stream, queryDefinitions(request)).topLevelQuery ? request.query : undefined;
}
