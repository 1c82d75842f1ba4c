import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PAGES_AHEAD } from '../src/activities/read-ahead';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { startSimulator, type Simulator } from '../src/simulator';
import { datadogSync } from '../src/workflows';
import { startWorkerProcess, type WorkerProcess } from './helpers/processes';
import { tempDir, uniqueQueue } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const DAY = 86_400_000;

describe('a worker process killed mid-sync', () => {
  let env: TestWorkflowEnvironment;
  let simulator: Simulator;
  const workers: WorkerProcess[] = [];
  // One instant for the simulated data and the sync's start_date, so no log falls between them.
  const now = Date.now();
  const start = now - 4 * DAY;

  beforeAll(async () => {
    env = await startDevServer();
    simulator = await startSimulator({ seed: 3, dashboards: 300, logs: { count: 40_000, from: start, to: now - 60_000 } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await simulator?.close();
    await env?.teardown();
  });

  it('is replaced by a new process, and the same sync completes with nothing lost or duplicated', async () => {
    const dbPath = join(tempDir(), 'retriever.duckdb');
    const taskQueue = uniqueQueue('crash');
    const workerEnv = { TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: taskQueue, DD_BASE_URL: simulator.url, RETRIEVER_DUCKDB_PATH: dbPath };
    const logPages = () => simulator.requests.filter((r) => r.path === '/api/v2/logs/events').length;

    const first = await startWorkerProcess(workerEnv);
    workers.push(first);
    const workflowId = `crash-${Date.now()}`;
    const handle = await env.client.workflow.start(datadogSync, {
      taskQueue,
      workflowId,
      args: [{ streams: ['dashboards', 'logs'], start_date: new Date(start).toISOString(), lag: '0s', max_records_per_request: 250 }],
    });

    // Kill it hard after some pages, well before the 160+ pages of logs are done.
    while (logPages() < 30) await new Promise((r) => setTimeout(r, 10));
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const pagesAtKill = logPages();
    expect(pagesAtKill).toBeLessThan(120);

    const second = await startWorkerProcess(workerEnv);
    workers.push(second);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    await second.kill('SIGTERM');

    // Only now is the DuckDB file free to open: compare it with the simulator's ground truth.
    const destination = await DuckDbDestination.open(dbPath);
    try {
      for (const stream of ['dashboards', 'logs']) {
        const rows = await destination.query(`SELECT id FROM ${stream} ORDER BY id`);
        expect(rows.map((r) => String(r.id))).toEqual(simulator.world.groundTruth(stream));
      }
    } finally {
      await destination.close();
    }
    // The new worker resumed where the old one was: every page was fetched once, plus at most those
    // read ahead at the kill, the one in flight and its retry. A restart from scratch would add the 30 pages again.
    const windows = dayWindows(start, handleEnd(result));
    const pagesNeeded = windows.reduce((n, w) => n + Math.floor(simulator.world.groundTruth('logs', w).length / 250) + 1, 0);
    expect(logPages()).toBeGreaterThanOrEqual(pagesNeeded);
    expect(logPages()).toBeLessThanOrEqual(pagesNeeded + PAGES_AHEAD + 2);
  });
});

/** The windows a 1d-window sync reads: day-aligned, the first starting at `from`. */
function dayWindows(from: number, to: number): { from: number; to: number }[] {
  const windows = [];
  for (let start = from; start < to; start = Math.min((Math.floor(start / DAY) + 1) * DAY, to)) {
    windows.push({ from: start, to: Math.min((Math.floor(start / DAY) + 1) * DAY, to) });
  }
  return windows;
}

/** The end of the sync's last window: the logs bookmark it committed. */
function handleEnd(result: { streams: { stream: string; bookmark?: number }[] }): number {
  return result.streams.find((s) => s.stream === 'logs')!.bookmark!;
}
