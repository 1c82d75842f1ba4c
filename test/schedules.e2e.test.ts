import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createSyncSchedule } from '../src/cli/schedule';
import { readEnv } from '../src/config/env';
import { parseSyncRequest } from '../src/config/request';
import { datadogSync, progressQuery } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { harness, tableIds, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('schedules and cancellation on a real dev server', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let worker: Worker;
  let running: Promise<void>;
  let closeClients: () => Promise<void>;
  const now = Date.now();

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, { seed: 5, dashboards: 10, logs: { count: 30_000, from: now - 3 * DAY, to: now - 60_000 } });
    ({ worker, close: closeClients } = await h.worker());
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await closeClients?.();
    await h?.close();
    await env?.teardown();
  });

  it('stops a cancelled sync cleanly, keeps its finished windows, and the next sync resumes from them', async () => {
    const start = new Date(now - 3 * DAY).toISOString();
    const handle = await env.client.workflow.start(datadogSync, {
      taskQueue: h.taskQueue,
      workflowId: `cancel-${Date.now()}`,
      args: [{ streams: ['logs'], start_date: start, lag: '0s', window_size: '6h', max_records_per_request: 100 }],
    });
    // Let at least one window finish, then cancel mid-way.
    await until('a committed window', async () => (await h.destination.readBookmark('logs')) ?? undefined);
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await env.client.workflow.getHandle(`${handle.workflowId}/logs`).describe()).status.name).toBe('CANCELLED');
    // The stream's own progress says so too (a closed workflow's query is answered by replay).
    const [progress] = await env.client.workflow.getHandle(`${handle.workflowId}/logs`).query(progressQuery);
    expect(progress.status).toBe('cancelled');

    const bookmark = (await h.destination.readBookmark('logs'))!.cursor;
    expect(bookmark).toBeLessThan(now - 60_000);
    const [sync] = await h.destination.query(`SELECT status FROM _retriever_syncs WHERE sync_id = '${handle.workflowId}'`);
    expect(sync.status).toBe('cancelled');

    const result = await env.client.workflow.execute(datadogSync, {
      taskQueue: h.taskQueue,
      workflowId: `after-cancel-${Date.now()}`,
      args: [{ streams: ['logs'], start_date: start, lag: '0s', lookback: '0s', window_size: '6h' }],
    });
    expect(result.status).toBe('completed');
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    // It started from the cancelled sync's bookmark, not from start_date.
    const firstFrom = h.simulator.requests.filter((r) => r.path === '/api/v2/logs/events').map((r) => Date.parse(r.query['filter[from]']));
    expect(firstFrom).toContain(bookmark);
  });

  it('runs a schedule repeatedly, each run incremental, until it is paused', async () => {
    const scheduleId = `sched-${Date.now()}`;
    const request = parseSyncRequest({ name: 'scheduled', streams: ['logs'], start_date: new Date(now - 3 * DAY).toISOString(), lag: '0s', lookback: '0s' }, Date.now());
    const testEnv = { ...readEnv({}), TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: h.taskQueue };
    await createSyncSchedule(env.client, testEnv, request, scheduleId, { every: '2s', catchupWindow: '1m', overlap: 'skip' });
    const schedule = env.client.schedule.getHandle(scheduleId);
    const completedRuns = async (): Promise<(SyncResult & { workflowId: string })[]> => {
      const results: (SyncResult & { workflowId: string })[] = [];
      for await (const w of env.client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}' AND ExecutionStatus = 'Completed'` })) {
        results.push({ ...(await env.client.workflow.getHandle<typeof datadogSync>(w.workflowId).result()), workflowId: w.workflowId });
      }
      return results;
    };

    const before = await until('the first scheduled run', async () => {
      const done = await completedRuns();
      return done.length >= 1 ? new Set(done.map((r) => r.workflowId)) : undefined;
    });
    const bookmark = (await h.destination.readBookmark('logs'))!.cursor;
    while (Date.now() < bookmark + 500) await sleep(50);
    const added = h.simulator.world.addLogs(120, bookmark, Date.now());
    const runs = await until('a run that read the new logs', async () => {
      const done = await completedRuns();
      const read = done.filter((r) => !before.has(r.workflowId)).reduce((n, r) => n + r.records, 0);
      return done.length >= 2 && (await tableIds(h.destination, 'logs')).length === h.simulator.world.groundTruth('logs').length ? { done, read } : undefined;
    });
    expect(await tableIds(h.destination, 'logs')).toEqual(expect.arrayContaining(added));
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    // Incremental: the runs after the first read each new log once and nothing the first run had read.
    expect(runs.done.length).toBeGreaterThanOrEqual(2);
    expect(runs.read).toBe(added.length);

    await schedule.pause('test');
    const taken = (await schedule.describe()).info.numActionsTaken;
    await sleep(6_000); // three intervals
    expect((await schedule.describe()).info.numActionsTaken).toBe(taken);
    expect((await schedule.describe()).state.paused).toBe(true);
    await schedule.delete();
  });
});
