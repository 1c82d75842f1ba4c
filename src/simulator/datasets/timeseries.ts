/**
 * Timeseries the simulator answers queries with. Every value is a pure function of the query, the
 * series' group and the time, so any window read at any moment gives the same points: a test can
 * compute the ground truth of a whole range without the simulator storing anything.
 */
import { HOSTS, SERVICES } from '../data';
import { hashUnit } from '../random';

/** A query as `POST /api/v2/query/timeseries` receives it (the spec's `TimeseriesQuery`). */
export interface TimeseriesQueryBody {
  data_source: string;
  query?: string;
  name?: string;
  search?: { query?: string };
  compute?: { aggregation: string; metric?: string; interval?: number };
  group_by?: { facet: string; limit?: number }[];
}

export interface TimeseriesResult {
  series: { group_tags: string[]; query_index: number; unit?: (Record<string, unknown> | null)[] }[];
  times: number[];
  values: (number | null)[][];
}

/** Datadog widens the interval of a query that would return more points than this per series. */
export const MAX_POINTS = 1500;

const TAG_VALUES: Record<string, readonly string[]> = { host: HOSTS, env: ['prod', 'staging'], service: SERVICES };
const PERCENT = { family: 'percentage', name: 'percent', plural: 'percent', scale_factor: 1, short_name: '%' };

function valuesOf(key: string): readonly string[] {
  return TAG_VALUES[key] ?? [`${key}-a`, `${key}-b`];
}

/** The tag keys a query splits by: `… by {host,env}` for metrics, `group_by` facets for events. */
function groupKeys(query: TimeseriesQueryBody): string[] {
  if (query.group_by) return query.group_by.map((g) => g.facet.replace(/^@/, ''));
  const by = / by \{([^}]*)\}/.exec(query.query ?? '');
  return by ? by[1].split(',').map((k) => k.trim()).filter(Boolean) : [];
}

/** Every combination of the keys' values, each a sorted list of `key:value` tags. */
function groups(keys: string[]): string[][] {
  let out: string[][] = [[]];
  for (const key of keys) out = out.flatMap((tags) => valuesOf(key).map((v) => [...tags, `${key}:${v}`]));
  return out.map((tags) => [...tags].sort());
}

function text(query: TimeseriesQueryBody): string {
  return `${query.data_source}|${query.query ?? query.search?.query ?? ''}|${query.compute?.aggregation ?? ''}|${query.compute?.metric ?? ''}`;
}

/** The value of one series at one time; some intervals have no data (null). */
export function pointValue(query: TimeseriesQueryBody, groupTags: string[], time: number): number | null {
  const seed = `${text(query)}|${groupTags.join(',')}|${time}`;
  if (hashUnit(`${seed}|gap`) < 0.05) return null;
  const unit = hashUnit(seed);
  const isCount = query.data_source === 'logs' || query.data_source === 'rum';
  return isCount ? Math.floor(unit * 50) : Math.round(unit * 10_000) / 100;
}

/** The interval actually used: the one asked for, widened when it would give too many points. */
export function effectiveInterval(from: number, to: number, asked: number | undefined): number {
  const base = asked ?? Math.max(60_000, Math.ceil((to - from) / 300 / 60_000) * 60_000);
  const points = Math.ceil((to - from) / base);
  return points <= MAX_POINTS ? base : Math.ceil((to - from) / MAX_POINTS / 1000) * 1000;
}

/**
 * Points at multiples of the interval in [from, to), only for intervals already over at `now`
 * (a point covers [t, t + interval)).
 */
export function evaluate(queries: TimeseriesQueryBody[], from: number, to: number, interval: number, now: number): TimeseriesResult {
  const times: number[] = [];
  for (let t = Math.ceil(from / interval) * interval; t < to && t + interval <= now; t += interval) times.push(t);
  const result: TimeseriesResult = { series: [], times, values: [] };
  queries.forEach((query, index) => {
    for (const tags of groups(groupKeys(query))) {
      const isMetric = query.data_source === 'metrics' || query.data_source === 'cloud_cost';
      result.series.push({ group_tags: tags, query_index: index, ...(isMetric ? { unit: [PERCENT, null] } : {}) });
      result.values.push(times.map((t) => pointValue(query, tags, t)));
    }
  });
  return result;
}

/** The SLI of an SLO over a window, in percent. */
export function sliValue(sloId: string, fromSeconds: number, toSeconds: number): number {
  return Math.round((97 + hashUnit(`${sloId}|${fromSeconds}|${toSeconds}`) * 3) * 1000) / 1000;
}
