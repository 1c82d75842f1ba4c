/** Metrics and SLOs: the metrics list, timeseries queries, SLOs and their history. */
import { badRequest, decodeCursor, encodeCursor, ok, Params, refuse, slice, type Route } from '../http';
import { sliValue, type TimeseriesQueryBody } from '../datasets/timeseries';

const isIndex = (c: unknown): c is { next: number } => typeof c === 'object' && c !== null && Number.isInteger((c as { next: number }).next);

/**
 * GET /api/v2/metrics: metrics reporting within `window[seconds]` (default 3600). Paging is opt-in:
 * `page[size]` (1–10000) turns it on, `meta.pagination.next_cursor` is null on the last page.
 */
export const listMetrics: Route = (world, req) => {
  const params = new Params(req.query);
  const window = params.int('window[seconds]', 3600, { min: 1, max: 2_592_000 });
  const size = params.int('page[size]', 10_000, { min: 1, max: 10_000 });
  const cursorRaw = params.string('page[cursor]');
  const cursor = cursorRaw === null ? { next: 0 } : decodeCursor(cursorRaw, isIndex);
  if (!cursor) params.problems.push('page[cursor] is not a valid cursor');
  const problem = refuse(params);
  if (problem) return problem;
  const metrics = world.activeMetrics(window);
  if (!params.has('page[size]') && cursorRaw === null) return ok({ data: metrics });
  const page = slice(metrics, cursor!.next, size);
  const end = cursor!.next + page.length;
  const next = end < metrics.length ? encodeCursor({ next: end }) : null;
  const link = (c: string | null) => `${req.baseUrl}${req.path}?page[size]=${size}${c ? `&page[cursor]=${c}` : ''}`;
  return ok({
    data: page,
    links: { self: link(cursorRaw), first: link(null), next: next ? link(next) : null },
    meta: { pagination: { type: 'cursor_limit', limit: size, cursor: cursorRaw, next_cursor: next } },
  });
};

const METRICS_SOURCES = ['metrics', 'cloud_cost'];
const EVENTS_SOURCES = ['logs', 'rum', 'dora'];
const AGGREGATIONS = ['count', 'cardinality', 'pc75', 'pc90', 'pc95', 'pc98', 'pc99', 'sum', 'min', 'max', 'avg'];

function queryProblems(query: unknown, i: number): string[] {
  const q = query as TimeseriesQueryBody;
  const at = `data.attributes.queries[${i}]`;
  if (!q || typeof q !== 'object') return [`${at} must be an object`];
  if (METRICS_SOURCES.includes(q.data_source)) return typeof q.query === 'string' && q.query !== '' ? [] : [`${at}.query is required`];
  if (EVENTS_SOURCES.includes(q.data_source)) {
    return AGGREGATIONS.includes(q.compute?.aggregation ?? '') ? [] : [`${at}.compute.aggregation must be one of ${AGGREGATIONS.join(', ')}`];
  }
  return [`${at}.data_source must be one of ${[...METRICS_SOURCES, ...EVENTS_SOURCES].join(', ')}`];
}

/** POST /api/v2/query/timeseries: epoch-ms `from` (inclusive) and `to` (exclusive); no paging. */
export const queryTimeseries: Route = (world, req) => {
  const data = (req.body as { data?: { type?: unknown; attributes?: Record<string, unknown> } } | undefined)?.data;
  const attributes = data?.attributes;
  if (!data || !attributes) return badRequest('body must be {"data": {"type": "timeseries_request", "attributes": {...}}}');
  const problems: string[] = [];
  if (data.type !== 'timeseries_request') problems.push('data.type must be "timeseries_request"');
  const { from, to, interval, queries } = attributes;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!Number.isSafeInteger(value)) problems.push(`data.attributes.${name} must be epoch milliseconds (an integer)`);
  }
  if (interval !== undefined && !(Number.isSafeInteger(interval) && (interval as number) > 0)) problems.push('data.attributes.interval must be a positive integer (ms)');
  if (Number.isSafeInteger(from) && Number.isSafeInteger(to) && (from as number) >= (to as number)) problems.push('data.attributes.from must be before to');
  if (!Array.isArray(queries) || queries.length === 0) problems.push('data.attributes.queries must be a non-empty array');
  else queries.forEach((q, i) => problems.push(...queryProblems(q, i)));
  if (problems.length > 0) return badRequest(...problems);
  const { result } = world.timeseries(queries as TimeseriesQueryBody[], from as number, to as number, interval as number | undefined);
  return ok({ data: { type: 'timeseries_response', attributes: result } });
};

/** GET /api/v1/slo: `offset` and `limit` (default 1000). */
export const listSlos: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('offset', 0);
  const limit = params.int('limit', 1000, { min: 1 });
  const total = world.slos.length;
  return refuse(params) ?? ok({ data: slice(world.slos, offset, limit), errors: [], metadata: { page: { total_count: total, total_filtered_count: total } } });
};

/** GET /api/v1/slo/{slo_id}/history: `from_ts` and `to_ts` in epoch seconds, both required. */
export const sloHistory: Route = (world, req) => {
  const params = new Params(req.query);
  const from = params.seconds('from_ts', true);
  const to = params.seconds('to_ts', true);
  if (from !== undefined && to !== undefined && from >= to) params.problems.push('from_ts must be before to_ts');
  const problem = refuse(params);
  if (problem) return problem;
  const slo = world.slos.find((s) => s.id === req.params.slo_id);
  if (!slo) return { status: 404, body: { errors: [`SLO ${req.params.slo_id} not found`] } };
  const fromTs = from! / 1000;
  const toTs = to! / 1000;
  const sli = sliValue(String(slo.id), fromTs, toTs);
  const threshold = (slo.thresholds as Record<string, unknown>[])[0];
  return ok({
    data: {
      from_ts: fromTs,
      to_ts: toTs,
      type: slo.type,
      type_id: 1,
      overall: { name: slo.name, sli_value: sli, span_precision: 2, precision: { '30d': 2 }, preview: false },
      thresholds: { [String(threshold.timeframe)]: threshold },
    },
    errors: [],
  });
};
