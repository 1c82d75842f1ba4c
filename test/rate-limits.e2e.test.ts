import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FetchRetryPolicy } from '../src/activities/retry-budget';
import type { SyncRequestInput } from '../src/config/request';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { startSimulator, type RequestLogEntry, type SimulatorOptions } from '../src/simulator/server';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { startWorkerProcess, type WorkerProcess } from './helpers/processes';
import { tableIds, tempDir, uniqueQueue } from './helpers/retriever';
import { startDevServer, workflowBundle } from './helpers/temporal';

const DAY = 86_400_000;
const LOGS = '/api/v2/logs/events';

/** The identity of a page request: a retry of the same page asks for exactly the same thing. */
const pageKey = (r: RequestLogEntry) => `${r.path}?${new URLSearchParams(r.query).toString()}`;

/**
 * Every wait the simulator could see: after a 429, the same page is asked for again; after a success
 * that left nothing, the same stream asks again. Both must come no sooner than the reset announced.
 */
function waitsAfterReset(requests: RequestLogEntry[], sameStream: (a: RequestLogEntry, b: RequestLogEntry) => boolean) {
  const waits: { after: RequestLogEntry; next: RequestLogEntry; earliest: number }[] = [];
  requests.forEach((entry, i) => {
    const spent = entry.status === 429 || (entry.status === 200 && entry.rateLimit!.remaining === 0);
    if (!spent) return;
    const next = requests.slice(i + 1).find((r) => (entry.status === 429 ? pageKey(r) === pageKey(entry) : sameStream(r, entry)));
    if (next) waits.push({ after: entry, next, earliest: entry.at + entry.rateLimit!.reset * 1000 });
  });
  return waits;
}

describe('rate limits', () => {
  let env: TestWorkflowEnvironment;
  const closing: (() => Promise<void>)[] = [];
  const now = Date.now();

  beforeAll(async () => {
    env = await startDevServer();
  });
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
    await env?.teardown();
  });

  async function syncInProcess(simulatorOptions: SimulatorOptions, request: SyncRequestInput, fetchRetry?: Partial<FetchRetryPolicy>) {
    const simulator = await startSimulator(simulatorOptions);
    const destination = await DuckDbDestination.open(join(tempDir(), 'retriever.duckdb'));
    closing.push(() => simulator.close(), () => destination.close());
    const taskQueue = uniqueQueue('limits');
    const workflowId = `limits-${process.pid}-${closing.length}`;
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: { apiKey: 'simulator-api-key', appKey: 'simulator-app-key' },
      baseUrl: simulator.url,
      destination,
      workflowBundle: await workflowBundle(),
      fetchRetry,
    });
    let result: SyncResult;
    try {
      result = await worker.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [request] }));
    } finally {
      await close();
    }
    return { simulator, destination, result, workflowId };
  }

  it('spends the bucket to the last unit, then waits for the reset on a named timer, without a single 429', async () => {
    const { simulator, destination, result, workflowId } = await syncInProcess(
      { seed: 4, logs: { count: 900, from: now - DAY, to: now - 60_000 }, rateLimits: { buckets: { logs_list: { limit: 5, period: 2 } } } },
      { streams: ['logs'], start_date: new Date(now - DAY).toISOString(), lag: '0s', max_records_per_request: 60 },
    );
    expect(result.status).toBe('completed');
    expect(await tableIds(destination, 'logs')).toEqual(simulator.world.groundTruth('logs'));
    const logs = simulator.requests.filter((r) => r.path === LOGS);
    expect(logs.filter((r) => r.status === 429)).toHaveLength(0);

    const waits = waitsAfterReset(logs, () => true);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const { next, earliest } of waits) expect(next.at).toBeGreaterThanOrEqual(earliest);
    // The Web UI shows why the stream waits: a timer whose summary names the bucket. Each one started
    // only once the bucket was spent to the last unit.
    const history = await env.client.workflow.getHandle(`${workflowId}/logs`).fetchHistory();
    const timers = (history.events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => JSON.parse(Buffer.from(e.userMetadata!.summary!.data!).toString('utf8')) as string);
    expect(timers.length).toBe(waits.length);
    for (const summary of timers) expect(summary).toMatch(/^rate limit "logs_list": 0 of 5 left, waiting \d+ s for the next period$/);
  });

  it('rides out a 429 storm: every wait honours the reset, and 429s never use up the retries meant for faults', async () => {
    const { simulator, destination, result } = await syncInProcess(
      {
        seed: 6,
        logs: { count: 600, from: now - DAY, to: now - 60_000 },
        // Other clients spend the whole bucket two periods out of three; 429s come as HTML.
        rateLimits: { buckets: { logs_list: { limit: 4, period: 2, othersPerPeriod: [4, 4, 0] } }, body: 'html' },
      },
      { streams: ['logs'], start_date: new Date(now - DAY).toISOString(), lag: '0s', max_records_per_request: 60 },
      // Two failed attempts would end a page; the storm's 429s must not count.
      { maxFailedAttempts: 2 },
    );
    expect(result.status).toBe('completed');
    expect(await tableIds(destination, 'logs')).toEqual(simulator.world.groundTruth('logs'));

    const logs = simulator.requests.filter((r) => r.path === LOGS);
    const limited = logs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    // One 429 per period at most: after one, the stream waits for the period to end.
    expect(new Set(limited.map((r) => r.rateLimit!.periodStart)).size).toBe(limited.length);
    // Some page met the storm twice in a row and still went through.
    const streak = Math.max(...[...countBy(limited, pageKey).values()]);
    expect(streak).toBeGreaterThanOrEqual(2);
    const waits = waitsAfterReset(logs, () => true);
    expect(waits.filter((w) => w.after.status === 429)).toHaveLength(limited.length);
    for (const { after, next, earliest } of waits) {
      expect(next.at).toBeGreaterThanOrEqual(earliest);
      expect(next.rateLimit!.periodStart).toBeGreaterThan(after.rateLimit!.periodStart);
    }
  });

  describe('shared by two worker processes', () => {
    const workers: WorkerProcess[] = [];
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    });

    it('keeps two syncs on one bucket within one budget, with few 429s, each honouring the reset', async () => {
      const limit = 6;
      const simulator = await startSimulator({
        seed: 8,
        logs: { count: 1_200, from: now - DAY, to: now - 60_000 },
        rateLimits: { buckets: { logs_list: { limit, period: 2 } } },
      });
      closing.push(() => simulator.close());
      const taskQueue = uniqueQueue('shared-budget');
      const files = [join(tempDir(), 'a.duckdb'), join(tempDir(), 'b.duckdb')];
      // Each process writes its own DuckDB file (one writer per file); together they must hold everything.
      workers.push(
        ...(await Promise.all(
          files.map((file) =>
            startWorkerProcess({ TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: taskQueue, DD_BASE_URL: simulator.url, RETRIEVER_DUCKDB_PATH: file }),
          ),
        )),
      );
      // Different page sizes tell the two syncs' requests apart in the simulator's log.
      const pageSizes = [50, 60];
      const results = await Promise.all(
        pageSizes.map((size, i) =>
          env.client.workflow.execute(datadogSync, {
            taskQueue,
            workflowId: `shared-budget-${process.pid}-${i}`,
            args: [{ streams: ['logs'], start_date: new Date(now - DAY).toISOString(), lag: '0s', max_records_per_request: size }],
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));

      const held: string[][] = [];
      for (const file of files) {
        const destination = await DuckDbDestination.open(file);
        held.push(await tableIds(destination, 'logs').catch(() => []));
        await destination.close();
      }
      // Both processes did part of the work, and nothing was lost between them.
      expect(held.every((ids) => ids.length > 0)).toBe(true);
      expect([...new Set(held.flat())].sort()).toEqual(simulator.world.groundTruth('logs'));

      const logs = simulator.requests.filter((r) => r.path === LOGS);
      const limited = logs.filter((r) => r.status === 429);
      const periods = new Set(logs.map((r) => r.rateLimit!.periodStart)).size;
      expect(logs.length - limited.length).toBeGreaterThanOrEqual(2 * 12);
      // Pacing on the shared headers: at most one overshoot per period between the two streams, on
      // average (each stream pacing on a budget of its own would overshoot by up to `limit` a period).
      expect(limited.length).toBeLessThanOrEqual(periods);
      const sameSync = (a: RequestLogEntry, b: RequestLogEntry) => a.query['page[limit]'] === b.query['page[limit]'];
      for (const { next, earliest } of waitsAfterReset(logs, sameSync)) expect(next.at).toBeGreaterThanOrEqual(earliest);
    });
  });
});

function countBy<T, K>(items: T[], key: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
