/**
 * A whole organisation as fast as its rate limits allow: one sync of every stream against a
 * simulator whose buckets have Datadog's limits, time compressed (an hour's budget every 100 s,
 * `datadogLikeLimits`), holding enough data that the big buckets need hundreds of requests.
 *
 * From the simulator's ground truth it computes, per bucket, the fewest requests the API allows for
 * the data it holds (maximum page sizes, the whole range in one window, one request per parent and
 * window where the API requires it), and the time that takes at the bucket's rate; the sync cannot
 * end before the slowest bucket. It prints that lower bound beside the sync's wall time, and the
 * requests sent beside the minimum, with what the extra ones were (windows, retries, key checks, and
 * the next sync's lookback).
 *
 *   npx ts-node --transpile-only bench/organisation.ts [--logs 240000] [--spans 120000] [--rum 30000]
 *       [--audit 15000] [--events 15000] [--days 3]
 *
 * Targets: wall time <= 1.15 × the lower bound; requests sent <= 1.1 × the minimum.
 */
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SyncRequestInput } from '../src/config/request';
import { parseDuration } from '../src/config/duration';
import { effectivePageSize } from '../src/datadog/pagination';
import { getStream } from '../src/datadog/streams/table';
import { SERVED_STREAMS } from '../src/simulator/routes';
import type { StreamDef } from '../src/datadog/streams/types';
import { datadogLikeLimits, RateLimiter } from '../src/simulator/rate-limits';
import type { RequestLogEntry } from '../src/simulator/server';
import type { SyncResult } from '../src/workflows/types';
import { DAY, int, option, round, runMain, startSimulatorProcess, startTemporal, startWorkerProcess, type SimulatorProcess, type TemporalServer } from './common';

export interface BucketFigures {
  bucket: string;
  limit: number;
  period: number;
  /** The fewest requests the API allows for the bucket's data. */
  fewest: number;
  /** Seconds those take at the bucket's rate (limit per period). */
  boundSeconds: number;
  sent: number;
  limited: number;
  /** Requests granted in each period the bucket was used in, first to last. */
  grantedPerPeriod: number[];
}

export interface OrganisationFigures {
  streams: number;
  records: number;
  seconds: number;
  lowerBoundSeconds: number;
  /** The bucket the lower bound is of. */
  slowest: string;
  wallOverBound: number;
  fewestRequests: number;
  sentRequests: number;
  requestsOverFewest: number;
  /** Streams whose rows differ from the simulator's ground truth (none, when every record was read). */
  differences: string[];
  /** What the requests beyond the fewest were. */
  extra: { windows: number; retries: number; checks: number; other: number };
  /** Requests of the next sync, which only re-reads each incremental stream's lookback (and the full refreshes). */
  nextSync: { requests: number; lookback: number; seconds: number };
  maxParallelStreams: number;
  buckets: BucketFigures[];
}

const MINUTE = 60_000;

/** The fewest requests the API allows for `count` records at the endpoint's largest page, in one window. */
function pagesFor(def: StreamDef, count: number): number {
  const p = def.pagination;
  if (p.kind === 'none') return def.window?.splitWhenFull ? Math.max(1, Math.ceil(count / def.window.splitWhenFull)) : 1;
  if (p.kind === 'backward_time') return Math.floor(count / p.cap) + 1;
  const size = effectivePageSize(p, undefined);
  // Endpoints that choose their page size themselves: at least one request.
  if (!Number.isFinite(size) || size <= 0) return 1;
  // A short page ends offset and page lists; the events search ends on an empty page after a full one; other cursors on a missing one.
  if (p.kind === 'cursor' && p.nextCursorPath !== 'meta.page.after') return Math.max(1, Math.ceil(count / size));
  return Math.floor(count / size) + 1;
}

/** Windows of `size` ms over [from, to), each ending on a multiple of the size, as the sync cuts them. */
function windowCount(from: number, to: number, size: number): number {
  let n = 0;
  for (let at = from; at < to; at = Math.min((Math.floor(at / size) + 1) * size, to)) n++;
  return n;
}

/** The fewest windows the endpoint allows over the range: one, unless it caps a request's span or reads whole months. */
function windowsFor(def: StreamDef, range: { from: number; to: number }): number {
  const w = def.window;
  if (!w) return 1;
  if (w.unit === 'month') {
    const months = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
    return months(range.to - 1) - months(range.from) + 1;
  }
  return w.maxSpan ? Math.ceil((range.to - range.from) / parseDuration(w.maxSpan)) : 1;
}

/**
 * A lower bound of the requests a stream needs for `count` records: what the API allows at its
 * largest pages and widest windows (one request per parent, per fan-out value; none for a stream
 * made from another's records). Where the simulator's truth does not say how records spread over
 * parents or values, the bound assumes the kindest spread: the figure can only be too low.
 */
function fewestFor(def: StreamDef, count: number, parents: number, range: { from: number; to: number }): number {
  if (def.derivedFrom) return 0;
  const windows = windowsFor(def, range);
  if (def.parent) {
    // slo_history: a row per SLO and window, each its own request; others: a request per parent at least.
    if (def.pagination.kind === 'backward_time') return Math.max(parents, pagesFor(def, count) - 1);
    return Math.max(parents, def.window ? count : 0);
  }
  const values = def.fanOut ? def.fanOut.defaults.length : 1;
  // Each window and value takes a request at least; the records, their pages at least.
  return Math.max(windows * values, pagesFor(def, count));
}

/** Per bucket: the fewest requests the simulator's data allows; per stream: the records it holds. */
async function fewestByBucket(simulator: SimulatorProcess, limiter: RateLimiter, range: { from: number; to: number }, streams: readonly string[]) {
  const byBucket = new Map<string, number>();
  const byStream = new Map<string, number>();
  const records = new Map<string, number>();
  const incremental = new Set<string>();
  const defs = streams.map((name) => getStream(name));
  // slo_history's rows are its windows' (one per SLO and day, the default window size): counted here, not by the simulator.
  const perWindow = (def: StreamDef) => def.name === 'slo_history';
  const counts = await simulator.counts(defs.filter((d) => !perWindow(d)).map((d) => ({ name: d.name, ...(d.window ? { window: range } : {}) })));
  for (const def of defs.filter(perWindow)) counts[def.name] = counts[def.parent!.stream] * windowCount(range.from, range.to, DAY);
  // Lists whose pages never span two shards allow no fewer than a page per shard: the simulator counts them.
  const sharded = await simulator.shardedPages(defs.map((d) => ({ name: d.name, ...(d.window ? { window: range } : {}) })));
  for (const def of defs) {
    if (def.window) incremental.add(def.name);
    records.set(def.name, counts[def.name]);
    const fewest = Math.max(fewestFor(def, counts[def.name], def.parent ? counts[def.parent.stream] : 0, range), sharded[def.name] ?? 0);
    byStream.set(def.name, fewest);
    const bucket = limiter.bucketFor(def.path);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + fewest);
  }
  return { byBucket, byStream, records, incremental };
}

/** Requests the simulator received for these endpoints (`{name}` a path segment). */
function requestsOf<R extends Pick<RequestLogEntry, 'path'>>(requests: R[], paths: Set<string>): R[] {
  const patterns = [...paths].map((path) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`));
  return requests.filter((r) => patterns.some((p) => p.test(r.path)));
}

async function countTables(path: string, streams: string[]): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const out: Record<string, number> = {};
    for (const stream of streams) {
      const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM "${stream}"`);
      out[stream] = Number(reader.getRowObjectsJS()[0].n);
    }
    return out;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Waits until just past the start of the simulator's next rate-limit period, so every run starts alike. */
async function periodStart(period: number): Promise<void> {
  const ms = period * 1000;
  await new Promise((resolve) => setTimeout(resolve, ms - (Date.now() % ms) + 50));
}

export async function measureOrganisation(
  temporal: TemporalServer,
  sizes: { logs: number; spans: number; rum: number; audit: number; events: number; days: number },
  log = console.log,
): Promise<OrganisationFigures> {
  const limits = datadogLikeLimits();
  const now = Date.now();
  const start = Math.floor(now / DAY) * DAY - sizes.days * DAY;
  // Every record before the sync's end (now less its 1-minute lag), so each is read.
  const dataTo = now - 5 * MINUTE;
  const simulator = await startSimulatorProcess({
    seed: 7,
    logs: { count: sizes.logs, from: start, to: dataTo },
    search: { spans: sizes.spans, rum_events: sizes.rum, audit_logs: sizes.audit, events: sizes.events },
    counts: {
      monitors: 1_500,
      hosts: 2_500,
      metrics: 300,
      users: 400,
      roles: 25,
      teams: 40,
      incidents: 250,
      downtimes: 150,
      synthetic_tests: 30,
      synthetic_global_variables: 30,
      notebooks: 60,
      service_level_objectives: 30,
      dashboard_lists: 20,
    },
    dashboards: 300,
    rateLimits: limits,
  });
  const limiter = new RateLimiter(limits);
  const worker = await startWorkerProcess(temporal, simulator.url);
  try {
    const range = { from: start, to: now };
    const truth = await fewestByBucket(simulator, limiter, range, SERVED_STREAMS);
    const request: SyncRequestInput = { name: 'organisation', streams: [...SERVED_STREAMS], start_date: new Date(start).toISOString() };
    let seen = 0;
    const sync = async (id: string) => {
      const started = performance.now();
      const result = (await temporal.client.workflow.execute('datadogSync', { taskQueue: worker.taskQueue, workflowId: id, args: [request] })) as SyncResult;
      const seconds = (performance.now() - started) / 1000;
      const requests = await simulator.requests(seen);
      seen += requests.length;
      return { result, seconds, requests };
    };
    await periodStart(10);
    log(`  a full sync of ${SERVED_STREAMS.length} streams …`);
    const full = await sync(`organisation-${process.pid}-1`);
    log(`      ${full.seconds.toFixed(1)} s, ${int(full.result.records)} records, ${full.requests.length} requests`);
    log(`  the next sync (lookback only) …`);
    const next = await sync(`organisation-${process.pid}-2`);
    log(`      ${next.seconds.toFixed(1)} s, ${next.requests.length} requests`);
    const plan = await maxParallel(temporal, `organisation-${process.pid}-1`);
    await worker.stop();

    // Every record the organisation holds was read by the full sync, and reached its table.
    const read = Object.fromEntries(full.result.streams.map((s) => [s.stream, s.records]));
    // Rows of a dependent stream read by window are keyed by window, which the next sync's lookback shifts: the others' tables are compared.
    const comparable = (stream: string) => !(getStream(stream).parent && getStream(stream).window) && read[stream] !== undefined;
    const keyedByRecord = [...truth.records.keys()].filter(comparable);
    const rows = await countTables(worker.duckdbPath, keyedByRecord);
    rmSync(dirname(worker.duckdbPath), { recursive: true, force: true });
    const differences = keyedByRecord.filter((stream) => rows[stream] !== truth.records.get(stream)).map((s) => `${s} table ${rows[s]} of ${truth.records.get(s)}`);
    differences.push(...[...truth.records].filter(([stream, n]) => !comparable(stream) && (read[stream] ?? 0) < n).map(([s, n]) => `${s} read ${read[s] ?? 0} of ${n}`));
    // Counted twice: a backward page's last second, a window split again.
    const counted = [...truth.records].filter(([stream, n]) => comparable(stream) && read[stream] !== n).map(([s, n]) => `${s} ${read[s]} for ${n}`);
    if (counted.length > 0) log(`      records counted other than the rows they made (tables equal the simulator's): ${counted.join(', ')}`);
    if (differences.length > 0) log(`      differences from the simulator's data: ${differences.join(', ')}`);

    const buckets: BucketFigures[] = [];
    const sentBy = new Map<string, typeof full.requests>();
    for (const r of full.requests) sentBy.set(r.rateLimit!.bucket, [...(sentBy.get(r.rateLimit!.bucket) ?? []), r]);
    for (const bucket of new Set([...truth.byBucket.keys(), ...sentBy.keys()])) {
      const { limit, period } = limiter.limitOf(bucket);
      const fewest = truth.byBucket.get(bucket) ?? 0;
      const sent = sentBy.get(bucket) ?? [];
      const granted = new Map<number, number>();
      for (const r of sent) if (r.status !== 429) granted.set(r.rateLimit!.periodStart, (granted.get(r.rateLimit!.periodStart) ?? 0) + 1);
      const grantedPerPeriod = [...granted].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
      buckets.push({ bucket, limit, period, fewest, boundSeconds: round((fewest * period) / limit, 1), sent: sent.length, limited: sent.filter((r) => r.status === 429).length, grantedPerPeriod });
    }
    buckets.sort((a, b) => b.boundSeconds - a.boundSeconds);
    const slowest = buckets[0];
    const fewestRequests = buckets.reduce((n, b) => n + b.fewest, 0);
    const sentRequests = full.requests.length;

    // Where the extra requests went: key checks, 429s, and the incremental streams' window ends.
    const checks = full.requests.filter((r) => r.path === '/api/v1/validate' || r.path === '/api/v2/current_user').length;
    const retries = full.requests.filter((r) => r.status === 429 || r.fault).length;
    const incrementalDefs = [...truth.incremental].map((name) => getStream(name));
    const incrementalPaths = new Set(incrementalDefs.map((d) => d.path));
    const incrementalSent = requestsOf(full.requests, incrementalPaths).filter((r) => r.status !== 429 && !r.fault).length;
    const incrementalFewest = incrementalDefs.reduce((n, d) => n + truth.byStream.get(d.name)!, 0);
    const windows = incrementalSent - incrementalFewest;
    const other = sentRequests - fewestRequests - checks - retries - windows;
    const nextIncremental = requestsOf(next.requests, incrementalPaths).length;
    return {
      streams: full.result.streams.length,
      records: full.result.records,
      seconds: round(full.seconds, 1),
      lowerBoundSeconds: slowest.boundSeconds,
      slowest: slowest.bucket,
      wallOverBound: round(full.seconds / slowest.boundSeconds, 3),
      fewestRequests,
      sentRequests,
      requestsOverFewest: round(sentRequests / fewestRequests, 3),
      extra: { windows, retries, checks, other },
      differences,
      nextSync: { requests: next.requests.length, lookback: nextIncremental, seconds: round(next.seconds, 1) },
      maxParallelStreams: plan,
      buckets,
    };
  } finally {
    await worker.stop();
    await simulator.stop();
  }
}

/** The most children the sync had running at once, from its history. */
async function maxParallel(temporal: TemporalServer, workflowId: string): Promise<number> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  let open = 0;
  let most = 0;
  for (const event of history.events ?? []) {
    if (event.childWorkflowExecutionStartedEventAttributes) most = Math.max(most, ++open);
    if (event.childWorkflowExecutionCompletedEventAttributes || event.childWorkflowExecutionFailedEventAttributes) open--;
  }
  return most;
}

export function printOrganisation(o: OrganisationFigures): void {
  const row = (label: string, value: string) => console.log(`${label.padEnd(52)}${value}`);
  console.log(`\n${'bucket'.padEnd(16)}${'limit'.padStart(12)}${'fewest'.padStart(8)}${'bound s'.padStart(9)}${'sent'.padStart(7)}${'429s'.padStart(6)}`);
  for (const b of o.buckets) {
    console.log(`${b.bucket.padEnd(16)}${`${b.limit}/${b.period}s`.padStart(12)}${String(b.fewest).padStart(8)}${b.boundSeconds.toFixed(1).padStart(9)}${String(b.sent).padStart(7)}${String(b.limited).padStart(6)}`);
  }
  console.log('');
  row(`granted per period, ${o.buckets[0].bucket}`, o.buckets[0].grantedPerPeriod.join(' '));
  row(`full sync, ${o.streams} streams, ${int(o.records)} records`, `${o.seconds.toFixed(1)} s (${o.maxParallelStreams} streams at once)`);
  row(`lower bound (slowest bucket: ${o.slowest})`, `${o.lowerBoundSeconds.toFixed(1)} s`);
  row('wall / lower bound (target <= 1.15)', o.wallOverBound.toFixed(3));
  row('requests sent / fewest (target <= 1.1)', `${o.sentRequests} / ${o.fewestRequests} = ${o.requestsOverFewest.toFixed(3)}`);
  row('  extra: windows · retries · key checks · other', `${o.extra.windows} · ${o.extra.retries} · ${o.extra.checks} · ${o.extra.other}`);
  row('next sync: requests (of which lookback)', `${o.nextSync.requests} (${o.nextSync.lookback}) in ${o.nextSync.seconds.toFixed(1)} s`);
}

async function main(): Promise<void> {
  const sizes = {
    logs: option('logs', 240_000),
    spans: option('spans', 120_000),
    rum: option('rum', 30_000),
    audit: option('audit', 15_000),
    events: option('events', 15_000),
    days: option('days', 3),
  };
  console.log(`A whole organisation under Datadog-like rate limits (time compressed): ${int(sizes.logs)} logs, ${int(sizes.spans)} spans, … over ${sizes.days} days.`);
  const temporal = await startTemporal();
  try {
    printOrganisation(await measureOrganisation(temporal, sizes));
  } finally {
    await temporal.stop();
  }
}

// Also imported by run-all.ts for its parts.
if (require.main === module) runMain(main);
