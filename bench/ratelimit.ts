/**
 * Rate-limit benchmark: a logs backlog larger than one rate-limit period, read through a simulator
 * whose logs bucket allows `--limit` requests per `--period` seconds. Prints requests sent, 429s,
 * achieved requests per period, utilisation (achieved / limit), records per granted request, and
 * what that makes at Datadog's 300 requests an hour.
 *
 *   npm run bench:ratelimit -- [--limit 60] [--period 60] [--pages 200] [--page-size 50] [--syncs 1]
 *
 * Target: utilisation >= 0.98 with 429s <= 1 % of requests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { SIMULATOR_KEYS, startSimulator, type RequestLogEntry } from '../src/simulator/server';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import { runMain, startTemporal, workflowBundleFile } from './common';

const DAY = 86_400_000;
const BUCKET = 'logs_list';
/** Datadog's documented limit for the logs list endpoint, per organisation. */
export const DATADOG_LOGS_REQUESTS_PER_HOUR = 300;

export interface RateLimitOptions {
  limit: number;
  /** Seconds. */
  period: number;
  pages: number;
  pageSize: number;
  syncs: number;
}

export interface RateLimitFigures extends RateLimitOptions {
  requests: number;
  limited: number;
  wholePeriods: number;
  grantedPerPeriod: number[];
  achievedPerPeriod: number;
  utilisation: number;
  records: number;
  /** Records the sync wrote per request the bucket granted (the last page of a window may be short). */
  recordsPerRequest: number;
  /** At Datadog's 300 requests an hour, with the utilisation and records per request measured here. */
  recordsPerHourAt300: number;
  seconds: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Runs the syncs through a rate-limited simulator and measures what the bucket granted. */
export async function measureRateLimit({ limit, period, pages, pageSize, syncs }: RateLimitOptions): Promise<RateLimitFigures> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already by an earlier part of the same run: keep that one.
  }
  const temporal = await startTemporal();
  const connection = await NativeConnection.connect({ address: temporal.address });
  const now = Date.now();
  // One day of logs in one window (the sync reads from a day boundary), so pages = logs / page size.
  const from = Math.floor((now - 60_000) / DAY) * DAY - DAY;
  const simulator = await startSimulator({
    seed: 1,
    logs: { count: pages * pageSize, from, to: from + DAY },
    rateLimits: { buckets: { [BUCKET]: { limit, period } } },
  });
  const destination = await DuckDbDestination.open(join(mkdtempSync(join(tmpdir(), 'retriever-bench-')), 'bench.duckdb'));
  const taskQueue = `bench-ratelimit-${process.pid}-${pageSize}`;
  const { worker, close } = await createWorker({
    connection,
    taskQueue,
    credentials: SIMULATOR_KEYS,
    baseUrl: simulator.url,
    destination,
    workflowBundle: { codePath: await workflowBundleFile() },
  });

  const started = Date.now();
  let records = 0;
  try {
    const results = await worker.runUntil(
      Promise.all(
        Array.from({ length: syncs }, (_, i) =>
          temporal.client.workflow.execute(datadogSync, {
            taskQueue,
            workflowId: `bench-ratelimit-${process.pid}-${pageSize}-${i}`,
            args: [{ streams: ['logs'], start_date: new Date(from).toISOString(), end_date: new Date(from + DAY).toISOString(), lag: '0s', max_records_per_request: pageSize }],
          }),
        ),
      ),
    );
    records = results.reduce((n, r) => n + r.records, 0);
  } finally {
    await close();
    await destination.close();
    await simulator.close();
    await connection.close();
    await temporal.stop();
  }
  const requests = simulator.requests.filter((r) => r.rateLimit?.bucket === BUCKET);
  return figures({ limit, period, pages, pageSize, syncs }, requests, records, (Date.now() - started) / 1000);
}

function figures(options: RateLimitOptions, requests: RequestLogEntry[], records: number, seconds: number): RateLimitFigures {
  const limited = requests.filter((r) => r.status === 429).length;
  const granted = new Map<number, number>();
  for (const r of requests) if (r.status !== 429) granted.set(r.rateLimit!.periodStart, (granted.get(r.rateLimit!.periodStart) ?? 0) + 1);
  const starts = [...granted.keys()].sort((a, b) => a - b);
  // The first period is joined part-way and the last one ends with the backlog: only the ones between are whole.
  const whole = starts.slice(1, -1);
  const achieved = whole.length > 0 ? whole.reduce((n, s) => n + granted.get(s)!, 0) / whole.length : NaN;
  const utilisation = achieved / options.limit;
  const recordsPerRequest = records / (requests.length - limited);
  return {
    ...options,
    requests: requests.length,
    limited,
    wholePeriods: whole.length,
    grantedPerPeriod: starts.map((s) => granted.get(s)!),
    achievedPerPeriod: achieved,
    utilisation,
    records,
    recordsPerRequest,
    recordsPerHourAt300: DATADOG_LOGS_REQUESTS_PER_HOUR * utilisation * recordsPerRequest,
    seconds,
  };
}

export function rateLimitTargetMet(f: RateLimitFigures): boolean {
  return f.utilisation >= 0.98 && f.limited / f.requests <= 0.01;
}

function report(f: RateLimitFigures): void {
  const share = f.requests > 0 ? f.limited / f.requests : 0;
  const row = (label: string, value: string) => console.log(`${label.padEnd(34)}${value}`);
  console.log('');
  row('requests sent (logs bucket)', String(f.requests));
  row('429s received', `${f.limited} (${(share * 100).toFixed(2)} % of requests)`);
  row('periods touched / whole periods', `${f.grantedPerPeriod.length} / ${f.wholePeriods}`);
  row('granted per period', f.grantedPerPeriod.join(' '));
  row('achieved requests per period', Number.isNaN(f.achievedPerPeriod) ? 'n/a (backlog shorter than three periods)' : f.achievedPerPeriod.toFixed(2));
  row('limit per period', `${f.limit} per ${f.period} s`);
  row('utilisation (achieved / limit)', Number.isNaN(f.utilisation) ? 'n/a' : f.utilisation.toFixed(3));
  row('records per granted request', f.recordsPerRequest.toFixed(1));
  row('records per hour at 300 req/h', Number.isNaN(f.recordsPerHourAt300) ? 'n/a' : Math.round(f.recordsPerHourAt300).toLocaleString('en'));
  row('wall time', `${f.seconds.toFixed(1)} s`);
  const met = rateLimitTargetMet(f);
  row('target (>= 0.98, 429s <= 1 %)', met ? 'met' : 'NOT met');
  if (!met) process.exitCode = 1;
}

async function main(): Promise<void> {
  const options: RateLimitOptions = {
    limit: option('limit', 60),
    period: option('period', 60),
    pages: option('pages', 200),
    pageSize: option('page-size', 50),
    syncs: option('syncs', 1),
  };
  console.log(
    `Logs bucket: ${options.limit} requests per ${options.period} s. Backlog: ~${options.pages} pages of ${options.pageSize} logs, read by ${options.syncs} sync(s) at once.`,
  );
  report(await measureRateLimit(options));
}

// Also imported by run-all.ts for its parts.
if (require.main === module) runMain(main);
