/**
 * Rate-limit benchmark: a logs backlog larger than one rate-limit period, read through a simulator
 * whose logs bucket allows `--limit` requests per `--period` seconds. Prints requests sent, 429s,
 * achieved requests per period and utilisation (achieved / limit).
 *
 *   npm run bench:ratelimit -- [--limit 60] [--period 60] [--pages 200] [--page-size 50] [--syncs 1]
 *
 * Target: utilisation >= 0.95 with 429s <= 1 % of requests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalCliPath } from '../src/cli/dev-server';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { SIMULATOR_KEYS, startSimulator, type RequestLogEntry } from '../src/simulator/server';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';

const DAY = 86_400_000;
const BUCKET = 'logs_list';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

async function main(): Promise<void> {
  const limit = option('limit', 60);
  const period = option('period', 60);
  const pages = option('pages', 200);
  const pageSize = option('page-size', 50);
  const syncs = option('syncs', 1);
  console.log(`Logs bucket: ${limit} requests per ${period} s. Backlog: ~${pages} pages of ${pageSize} logs, read by ${syncs} sync(s) at once.`);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalCliPath() } } });
  const now = Date.now();
  // One day of logs in one window (the sync reads from a day boundary), so pages = logs / page size.
  const from = Math.floor((now - 60_000) / DAY) * DAY - DAY;
  const simulator = await startSimulator({
    seed: 1,
    logs: { count: pages * pageSize, from, to: from + DAY },
    rateLimits: { buckets: { [BUCKET]: { limit, period } } },
  });
  const destination = await DuckDbDestination.open(join(mkdtempSync(join(tmpdir(), 'retriever-bench-')), 'bench.duckdb'));
  const taskQueue = `bench-ratelimit-${process.pid}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: new DefaultLogger('WARN') });
  const { worker, close } = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    credentials: SIMULATOR_KEYS,
    baseUrl: simulator.url,
    destination,
    workflowBundle: { code },
  });

  const started = Date.now();
  try {
    await worker.runUntil(
      Promise.all(
        Array.from({ length: syncs }, (_, i) =>
          env.client.workflow.execute(datadogSync, {
            taskQueue,
            workflowId: `bench-ratelimit-${process.pid}-${i}`,
            args: [{ streams: ['logs'], start_date: new Date(from).toISOString(), end_date: new Date(from + DAY).toISOString(), lag: '0s', max_records_per_request: pageSize }],
          }),
        ),
      ),
    );
  } finally {
    await close();
    await destination.close();
    await simulator.close();
    await env.teardown();
  }
  report(simulator.requests.filter((r) => r.rateLimit?.bucket === BUCKET), limit, period, (Date.now() - started) / 1000);
}

function report(requests: RequestLogEntry[], limit: number, period: number, seconds: number): void {
  const limited = requests.filter((r) => r.status === 429).length;
  const granted = new Map<number, number>();
  for (const r of requests) if (r.status !== 429) granted.set(r.rateLimit!.periodStart, (granted.get(r.rateLimit!.periodStart) ?? 0) + 1);
  const starts = [...granted.keys()].sort((a, b) => a - b);
  // The first period is joined part-way and the last one ends with the backlog: only the ones between are whole.
  const whole = starts.slice(1, -1);
  const achieved = whole.length > 0 ? whole.reduce((n, s) => n + granted.get(s)!, 0) / whole.length : NaN;
  const utilisation = achieved / limit;
  const share = requests.length > 0 ? limited / requests.length : 0;
  const row = (label: string, value: string) => console.log(`${label.padEnd(34)}${value}`);
  console.log('');
  row('requests sent (logs bucket)', String(requests.length));
  row('429s received', `${limited} (${(share * 100).toFixed(2)} % of requests)`);
  row('periods touched / whole periods', `${starts.length} / ${whole.length}`);
  row('granted per period', starts.map((s) => granted.get(s)).join(' '));
  row('achieved requests per period', Number.isNaN(achieved) ? 'n/a (backlog shorter than three periods)' : achieved.toFixed(2));
  row('limit per period', `${limit} per ${period} s`);
  row('utilisation (achieved / limit)', Number.isNaN(utilisation) ? 'n/a' : utilisation.toFixed(3));
  row('wall time', `${seconds.toFixed(1)} s`);
  const met = utilisation >= 0.95 && share <= 0.01;
  row('target (>= 0.95, 429s <= 1 %)', met ? 'met' : 'NOT met');
  if (!met) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
