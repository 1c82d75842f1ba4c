/**
 * Every stream, synced end to end from the simulator on a real Temporal dev server into DuckDB:
 * a first run, a second incremental run that reads only what follows the first one's bookmarks,
 * and streams the application key may not read being skipped with the permission named.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { queryDefinitions, parseSyncRequest, streamLookback, type SyncRequestInput } from '../src/config/request';
import { fitRange } from '../src/activities/plan';
import { queryStreamDef, STREAMS, tableSpec } from '../src/datadog/streams/table';
import type { QueryDefinition, StreamDef } from '../src/datadog/streams/types';
import { keyColumn } from '../src/destinations/table-model';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import type { TimeseriesQueryBody } from '../src/simulator/datasets/timeseries';
import type { World } from '../src/simulator';
import { parseUtcTime } from '../src/shared/calendar';
import { getPath } from '../src/shared/json';
import { unreadableReason } from '../src/shared/unreadable';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = DAY;

/** One query per data source; intervals divide the 1-day window. */
const QUERIES: SyncRequestInput['queries'] = [
  { name: 'cpu_by_host', data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}', interval: '30m' },
  { name: 'daily_cost', data_source: 'cloud_cost', query: 'sum:aws.cost.amortized{*} by {env}' },
  { name: 'errors_by_service', data_source: 'logs', query: 'status:error', interval: '1h', group_by: ['service'] },
  { name: 'slow_views', data_source: 'rum', query: '@type:view', interval: '2h', compute: { aggregation: 'pc95', metric: '@view.loading_time' } },
];

/** Streams of monthly figures that Datadog publishes weeks after the month ends (test/streams-usage.e2e.test.ts reads them). */
const PUBLISHED_AFTER_THE_MONTH = ['historical_cost', 'monthly_cost_attribution'];

/** The primary keys a table holds, as sorted strings. */
async function keys(destination: DuckDbDestination, def: StreamDef): Promise<string[]> {
  const column = keyColumn(tableSpec(def)).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${def.name}"`);
  return rows.map((r) => String(r.k)).sort();
}

/** The windows a stream reads [from, to) in: each ends on a multiple of the window size (as streamSync does). */
function windows(from: number, to: number): { from: number; to: number }[] {
  const out = [];
  for (let f = from; f < to; f = Math.min((Math.floor(f / WINDOW) + 1) * WINDOW, to)) out.push({ from: f, to: Math.min((Math.floor(f / WINDOW) + 1) * WINDOW, to) });
  return out;
}

/** Rows a query stream must hold for [from, to): one per series and interval with a value. */
function timeseriesTruth(world: World, query: QueryDefinition, from: number, to: number): string[] {
  const alignedFrom = Math.floor(from / query.interval) * query.interval;
  const alignedTo = Math.floor(to / query.interval) * query.interval;
  if (alignedFrom >= alignedTo) return [];
  const body = queryStreamDef(query).body!['data.attributes.queries'] as TimeseriesQueryBody[];
  const { result } = world.timeseries(body, alignedFrom, alignedTo, query.interval);
  const ids: string[] = [];
  result.series.forEach((series, i) => {
    const group = [...series.group_tags].sort().join(',') || '*';
    result.times.forEach((t, j) => {
      if (result.values[i][j] !== null) ids.push(`${group}|${new Date(t).toISOString()}`);
    });
  });
  return ids.sort();
}

describe('every stream, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  // Whole hours, so the runs' ends fall on every query interval; the simulator's clock pinned, so
  // usage hours published hours late do not appear between a sync and its check.
  const loaded = Date.now();
  const anchor = Math.floor(loaded / HOUR) * HOUR;
  const start = anchor - 2 * DAY - 5 * HOUR;
  const firstEnd = anchor - 14 * HOUR;
  const secondEnd = anchor;
  const request = (end: number, streams?: string[]): SyncRequestInput => ({
    start_date: new Date(start).toISOString(),
    end_date: new Date(end).toISOString(),
    lag: '0s',
    // This file checks that a run starts exactly at the bookmark; test/sync.e2e.test.ts covers the lookback.
    lookback: '0s',
    window_size: '1d',
    // Small pages, so every paging style turns a few pages (each still capped at its endpoint's maximum).
    max_records_per_request: 40,
    queries: QUERIES,
    ...(streams ? { streams } : {}),
  });
  const queries = queryDefinitions(parseSyncRequest({ queries: QUERIES }, Date.now()));
  const incremental = [...STREAMS.filter((s) => s.window), ...queries.map(queryStreamDef)];

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, {
      seed: 5,
      clock: () => loaded,
      dashboards: 45,
      logs: { count: 1_500, from: anchor - 3 * DAY, to: loaded },
      search: { audit_logs: 240, events: 200, rum_events: 260, spans: 220 },
      counts: { monitors: 80, users: 90, hosts: 90, metrics: 50, incidents: 45, service_level_objectives: 12, teams: 41, synthetic_tests: 41 },
      // Search pages end early at 4-hour boundaries, cursor and all: a client that stops on a short page loses records.
      searchPartitionMs: 4 * HOUR,
    });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  /** Where a stream's bookmark stands after a run that ended at `end`: query streams stop on a whole interval. */
  function bookmarkAt(def: StreamDef, end: number): number {
    const query = queries.find((q) => q.name === def.name);
    return query ? Math.floor(end / query.interval) * query.interval : end;
  }

  /** The stream a simulator request was made for. */
  function streamOf(r: { path: string; body?: unknown }): string | undefined {
    const sent = (r.body as { data?: { attributes?: { queries?: { query?: string; search?: { query?: string } }[] } } } | undefined)?.data?.attributes?.queries?.[0];
    if (sent) return queries.find((q) => q.query === (sent.query ?? sent.search?.query))?.name;
    return incremental.find((d) => new RegExp(`^${d.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.path))?.name;
  }

  /** What each incremental stream must hold after reading [start, end) in runs that ended at `ends`. */
  function incrementalTruth(def: StreamDef, ends: number[]): string[] {
    const end = ends[ends.length - 1];
    const query = queries.find((q) => q.name === def.name);
    if (query) return timeseriesTruth(h.simulator.world, query, start, end);
    if (def.name === 'slo_history') {
      // One row per SLO and window read; each run's windows start at the previous run's bookmark.
      const read = ends.flatMap((e, i) => windows(i === 0 ? start : ends[i - 1], e));
      return h.simulator.world.slos.flatMap((slo) => read.map((w) => `${slo.id}:${Math.floor(w.from / 1000)}`)).sort();
    }
    return h.simulator.world.groundTruth(def.name, { from: start, to: end });
  }

  it('copies every stream exactly as the simulator holds it', async () => {
    const result = await h.sync(request(firstEnd));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    const names = result.streams.map((s) => s.stream).sort();
    expect(names).toEqual([...STREAMS.map((s) => s.name), ...queries.map((q) => q.name)].sort());
    for (const def of STREAMS.filter((s) => !s.window)) {
      expect({ stream: def.name, keys: await keys(h.destination, def) }).toEqual({ stream: def.name, keys: h.simulator.world.groundTruth(def.name) });
    }
    for (const def of incremental) {
      const expected = incrementalTruth(def, [firstEnd]);
      // Datadog publishes a month's cost (attribution) mid-way through the next month: two days may hold none.
      if (!PUBLISHED_AFTER_THE_MONTH.includes(def.name)) expect(expected.length).toBeGreaterThan(0);
      expect({ stream: def.name, keys: await keys(h.destination, def) }).toEqual({ stream: def.name, keys: expected });
      expect(await h.destination.readBookmark(def.name)).toMatchObject({ cursor: bookmarkAt(def, firstEnd) });
    }
    // Every paging style went past its first page.
    for (const path of ['/api/v1/dashboard', '/api/v1/monitor', '/api/v2/users', '/api/v2/incidents', '/api/v2/team', '/api/v2/logs/events', '/api/v2/metrics']) {
      const pages = h.simulator.requests.filter((r) => r.path === path && r.status === 200).length;
      expect({ path, pages: pages > 1 }).toEqual({ path, pages: true });
    }
  });

  it('stores values, not just keys: query rows, SLO history, hosts', async () => {
    const cpu = queries[0];
    const [row] = await h.destination.query(`SELECT "group", "timestamp", value, unit FROM cpu_by_host WHERE "group" = 'host:i-0a1b2c' ORDER BY "timestamp" LIMIT 1`);
    const t = Date.parse(String(row.timestamp));
    const expected = h.simulator.world.timeseries(queryStreamDef(cpu).body!['data.attributes.queries'] as TimeseriesQueryBody[], t, t + cpu.interval, cpu.interval).result;
    expect(Number(row.value)).toBeCloseTo(expected.values[expected.series.findIndex((s) => s.group_tags.includes('host:i-0a1b2c'))][0]!, 6);
    expect(row.unit).toBe('percent');
    const history = await h.destination.query('SELECT slo_id, from_ts, to_ts, overall FROM slo_history ORDER BY from_ts LIMIT 1');
    expect(Number(history[0].to_ts) - Number(history[0].from_ts)).toBeLessThanOrEqual(WINDOW / 1000);
    expect(h.simulator.world.slos.map((s) => s.id)).toContain(history[0].slo_id);
    // Hosts are keyed by name: EC2 instances come without `id` (Datadog sends `aws_id` instead).
    const [hosts] = await h.destination.query('SELECT count(*) AS n, count(id) AS with_id, max(id) AS top FROM hosts');
    expect(Number(hosts.n)).toBe(h.simulator.world.groundTruth('hosts').length);
    expect(Number(hosts.with_id)).toBeLessThan(Number(hosts.n));
    expect(typeof hosts.top === 'bigint' || typeof hosts.top === 'number').toBe(true);
    // Datadog lists a host for 7 days after its last report, but only the last 3 hours' unless asked with `from`:
    // hosts quiet for hours or days are in the table, those silent for over a week Datadog no longer lists.
    const nowS = Date.now() / 1000;
    const silentFor = (host: Record<string, unknown>) => nowS - Number(host.last_reported_time);
    const named = (list: Record<string, unknown>[]) => list.map((host) => String(host.host_name));
    const quiet = named(h.simulator.world.hosts.filter((host) => silentFor(host) > 4 * 3600 && silentFor(host) < 6 * 86_400 + 600));
    const gone = named(h.simulator.world.hosts.filter((host) => silentFor(host) > 7 * 86_400 + 600));
    expect(quiet.length).toBeGreaterThan(3);
    expect(gone.length).toBeGreaterThan(0);
    const synced = await keys(h.destination, STREAMS.find((s) => s.name === 'hosts')!);
    expect(synced).toEqual(expect.arrayContaining(quiet));
    expect(synced.filter((name) => gone.includes(name))).toEqual([]);
    // Every page of the refresh asked from the same time, fixed when the sync was planned: a week before it.
    const hostPages = h.simulator.requests.filter((r) => r.path === '/api/v1/hosts' && r.status === 200);
    expect(hostPages.length).toBeGreaterThan(1);
    const froms = [...new Set(hostPages.map((r) => r.query.from))];
    expect(froms).toHaveLength(1);
    expect(Math.abs(nowS - Number(froms[0]) - 7 * 86_400)).toBeLessThan(600);
  });

  /** Where a stream's next run starts: its lookback before the bookmark (on a whole interval for query streams), never before start. */
  function nextFrom(def: StreamDef, bookmark: number): number {
    const query = queries.find((q) => q.name === def.name);
    const from = Math.max(bookmark - streamLookback(parseSyncRequest(request(secondEnd), Date.now()), def), start);
    return query ? Math.floor(from / query.interval) * query.interval : from;
  }

  /** The start of the window a request asked for, read from the stream's own parameter in its own unit. */
  function requestFrom(def: StreamDef, r: { query: Record<string, string>; body?: unknown }): number | undefined {
    const window = def.window!;
    const raw = def.method === 'POST' ? getPath(r.body, window.fromParam) : r.query[window.fromParam];
    if (raw === undefined || raw === null) return undefined;
    switch (window.unit) {
      case 'ms':
        return Number(raw);
      case 's':
        return Number(raw) * 1000;
      case 'ns':
        return Number(BigInt(String(raw)) / 1_000_000n);
      default:
        return parseUtcTime(String(raw));
    }
  }

  it('reads what follows each bookmark on the next run and its lookback again, and duplicates nothing', async () => {
    const before = h.simulator.requests.length;
    const result = await h.sync(request(secondEnd, incremental.map((d) => d.name)));
    expect(result.status).toBe('completed');
    for (const def of incremental) {
      expect({ stream: def.name, keys: await keys(h.destination, def) }).toEqual({ stream: def.name, keys: incrementalTruth(def, [firstEnd, secondEnd]) });
      expect(await h.destination.readBookmark(def.name)).toMatchObject({ cursor: bookmarkAt(def, secondEnd) });
    }
    // Each stream's first request of this run starts at its bookmark from the first run, less its lookback,
    // fitted to what the endpoint serves (whole hours, calendar months, its retention).
    const later = h.simulator.requests.slice(before).filter((r) => r.status === 200);
    for (const def of incremental) {
      const froms = later.filter((r) => streamOf(r) === def.name).map((r) => requestFrom(def, r)).filter((f): f is number => f !== undefined);
      const expected = fitRange(def.window!, { from: nextFrom(def, bookmarkAt(def, firstEnd)), to: bookmarkAt(def, secondEnd), size: DAY }, Date.now()).window.from;
      if (expected >= bookmarkAt(def, secondEnd)) {
        expect({ stream: def.name, requests: froms.length }).toEqual({ stream: def.name, requests: 0 });
        continue;
      }
      expect({ stream: def.name, from: Math.min(...froms) }).toEqual({ stream: def.name, from: expected });
    }
    // audit_logs sent its time filter on every request.
    expect(later.filter((r) => r.path === '/api/v2/audit/events').every((r) => r.query['filter[from]'] && r.query['filter[to]'])).toBe(true);
  });

  describe('with an application key missing some permissions', () => {
    let limited: Harness;

    beforeAll(async () => {
      limited = await harness(env, {
        seed: 6,
        logs: { count: 200, from: anchor - DAY, to: Date.now() },
        forbiddenStreams: ['audit_logs', 'monitors'],
        forbiddenPermissions: ['timeseries_query'],
        // An endpoint the organisation does not have answers 404.
        missingRoutes: ['GET /api/v2/rum/events'],
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    const streams = ['audit_logs', 'monitors', 'cpu_by_host', 'rum_events', 'dashboards', 'users', 'logs'];

    it('skips the streams it may not read, naming the permission (403) or saying the endpoint is not there (404), and completes the others', async () => {
      const result = await limited.sync({ ...request(anchor, streams), start_date: new Date(anchor - DAY).toISOString() });
      expect(result.status).toBe('completed');
      const status = Object.fromEntries(result.streams.map((s) => [s.stream, s.status]));
      expect(status).toEqual({ audit_logs: 'skipped', monitors: 'skipped', cpu_by_host: 'skipped', rum_events: 'skipped', dashboards: 'completed', users: 'completed', logs: 'completed' });
      expect(result.warnings).toHaveLength(4);
      for (const [stream, permission] of [['audit_logs', 'audit_logs_read'], ['monitors', 'monitors_read'], ['cpu_by_host', 'timeseries_query']]) {
        const warning = result.warnings.find((w) => w.startsWith(`${stream} skipped`));
        expect(warning).toContain(`"${permission}"`);
        expect(warning).toContain(unreadableReason(403, permission));
      }
      // The same words `retriever check` uses: no permission would make a missing endpoint readable.
      const missing = result.warnings.find((w) => w.startsWith('rum_events skipped'))!;
      expect(missing).toContain(unreadableReason(404, 'rum_apps_read'));
      expect(missing).toMatch(/^rum_events skipped: not available: the product or endpoint is not available for this organisation/);
      expect(missing).not.toContain('permission');
      for (const name of ['dashboards', 'users']) {
        const def = STREAMS.find((s) => s.name === name)!;
        expect(await keys(limited.destination, def)).toEqual(limited.simulator.world.groundTruth(name));
      }
      expect(await keys(limited.destination, STREAMS.find((s) => s.name === 'logs')!)).toEqual(limited.simulator.world.groundTruth('logs', { from: anchor - DAY, to: anchor }));
    });

    it('fails instead when strict', async () => {
      const failed = await limited.sync({ ...request(anchor, ['monitors', 'dashboards']), strict: true }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(WorkflowFailedError);
      expect(String((failed as WorkflowFailedError).cause?.message)).toContain('monitors');
    });
  });
});
