import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../src/activities';
import type { PostgresDestination } from '../src/destinations/postgres';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';
import { createWorker, datadogClients } from '../src/worker';
import { datadogSync } from '../src/workflows';
import type { SyncPlan } from '../src/workflows/types';
import { countRows } from './helpers/destinations';
import { dropSchema, openTestPostgres, testPostgresEnv, uniqueSchema } from './helpers/postgres';
import { harness, tableIds, tempDir, uniqueQueue, type Harness } from './helpers/retriever';
import { startDevServer, workflowBundle } from './helpers/temporal';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');
const DAY = 86_400_000;
const LOOKBACK = 30 * 60_000;
const LOGS = '/api/v2/logs/events';
const AUDIT = '/api/v2/audit/events';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startDevServer();
});
afterAll(async () => {
  await env?.teardown();
});

/** One instant for the simulated data and the syncs' start_date, so no record falls between them. */
const now = Date.now();
const start = now - 3 * DAY;
const request = { streams: ['logs', 'audit_logs'], start_date: new Date(start).toISOString(), lag: '0s' };
const data = { seed: 41, logs: { count: 3_000, from: start, to: now - 60_000 }, search: { audit_logs: 400 } };

/** Where each request of a stream's endpoint started reading, from `index` on in the simulator's log. */
function froms(simulator: Simulator, path: string, index = 0): number[] {
  return simulator.requests.slice(index).filter((r) => r.path === path).map((r) => Date.parse(r.query['filter[from]']));
}

describe('sync with full_refresh: the reset is part of the run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(env, data);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('survives a crash between the reset and the first page: the stream is re-read from start_date, the others keep their bookmarks', async () => {
    const first = await h.sync(request);
    expect(first.status).toBe('completed');
    const auditBookmark = (await h.destination.readBookmark('audit_logs'))!;
    expect(auditBookmark.cursor).toBeGreaterThan(start);
    const auditRows = await countRows(h.destination, 'audit_logs');

    // A worker that resets, then dies before it writes a page: its pages hang until it is gone.
    const clients = datadogClients(() => ({ credentials: SIMULATOR_KEYS, baseUrl: h.simulator.url }));
    const real = createActivities({ datadog: clients.forOrganization, destination: h.destination });
    let resetDone!: () => void;
    const reset = new Promise<void>((resolve) => (resetDone = resolve));
    const crashing: Activities = {
      ...real,
      async resetStreams(input) {
        const resets = await real.resetStreams(input);
        resetDone();
        return resets;
      },
      fetchPage: () => new Promise((_, reject) => Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('worker gone')))),
    };
    const doomed = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: h.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: crashing,
      shutdownGraceTime: '100ms',
    });
    const running = doomed.run();
    const requestsBefore = h.simulator.requests.length;
    const handle = await env.client.workflow.start(datadogSync, {
      taskQueue: h.taskQueue,
      workflowId: `reset-crash-${process.pid}`,
      args: [{ ...request, full_refresh: ['logs'], full_refresh_drop_rows: true }],
    });
    await reset;

    // Between the reset and the first page: logs has neither its bookmark nor its rows; audit_logs has both.
    expect(await h.destination.readBookmark('logs')).toBeNull();
    expect(await countRows(h.destination, 'logs')).toBe(0);
    expect(await h.destination.readBookmark('audit_logs')).toEqual(auditBookmark);
    expect(await countRows(h.destination, 'audit_logs')).toBe(auditRows);
    doomed.shutdown();
    await running;
    await clients.close();
    expect(froms(h.simulator, LOGS, requestsBefore)).toEqual([]);

    // Another worker takes the same run over: it does not reset again, and reads logs from start_date.
    const { worker, close } = await h.worker();
    const result = await worker.runUntil(handle.result());
    await close();
    expect(result.status).toBe('completed');
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    expect(Math.min(...froms(h.simulator, LOGS, requestsBefore))).toBe(start);
    // audit_logs went on from its bookmark, less the lookback.
    expect(Math.min(...froms(h.simulator, AUDIT, requestsBefore))).toBe(auditBookmark.cursor - LOOKBACK);
    expect(await tableIds(h.destination, 'audit_logs')).toEqual(h.simulator.world.groundTruth('audit_logs'));
    const history = await handle.fetchHistory();
    const resets = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resetStreams');
    expect(resets).toHaveLength(1);
  });
});

describe('retriever reset and sync --full-refresh (PostgreSQL, a worker running)', () => {
  const schema = uniqueSchema('reset');
  const taskQueue = uniqueQueue('reset-cli');
  const dir = tempDir();
  const config = join(dir, 'sync.json');
  let simulator: Simulator;
  let destination: PostgresDestination;
  let worker: Worker;
  let running: Promise<void>;
  let closeWorker: () => Promise<void>;

  async function retriever(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cliEnv = {
      ...process.env,
      ...testPostgresEnv(),
      TEMPORAL_ADDRESS: env.address,
      RETRIEVER_TASK_QUEUE: taskQueue,
      RETRIEVER_DESTINATION: 'postgres',
      RETRIEVER_POSTGRES_SCHEMA: schema,
    };
    try {
      const { stdout, stderr } = await run('node', [BIN, ...args], { env: cliEnv });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    simulator = await startSimulator(data);
    destination = await openTestPostgres(schema);
    ({ worker, close: closeWorker } = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: simulator.url,
      destination,
      workflowBundle: await workflowBundle(),
    }));
    running = worker.run();
    writeFileSync(config, JSON.stringify({ name: 'resettest', ...request }));
    await env.client.workflow.execute(datadogSync, { taskQueue, workflowId: `reset-cli-first-${process.pid}`, args: [request] });
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await closeWorker?.();
    await destination?.close();
    await simulator?.close();
    await dropSchema(schema);
  });

  it('reset --streams forgets only those bookmarks, and --drop-rows their rows', async () => {
    const audit = await destination.readBookmark('audit_logs');
    const logsBookmark = (await destination.readBookmark('logs'))!;
    const done = await retriever('reset', '--streams', 'logs', '--drop-rows');
    expect(done).toMatchObject({ code: 0 });
    expect(done.stdout).toContain(`logs: bookmark ${new Date(logsBookmark.cursor).toISOString()} forgotten, 3000 rows dropped`);
    expect(await destination.readBookmark('logs')).toBeNull();
    expect(await countRows(destination, 'logs')).toBe(0);
    expect(await destination.readBookmark('audit_logs')).toEqual(audit);
    expect(await countRows(destination, 'audit_logs')).toBe(400);

    // The next sync reads logs from start_date, audit_logs from its bookmark.
    const before = simulator.requests.length;
    await env.client.workflow.execute(datadogSync, { taskQueue, workflowId: `reset-cli-after-${process.pid}`, args: [request] });
    expect(Math.min(...froms(simulator, LOGS, before))).toBe(start);
    expect(Math.min(...froms(simulator, AUDIT, before))).toBe(audit!.cursor - LOOKBACK);
    expect(await countRows(destination, 'logs')).toBe(3_000);

    const unknown = await retriever('reset', '--streams', 'logs,nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown stream "nope"');
  });

  it('sync --full-refresh resets inside the run; --drop-rows alone is refused', async () => {
    const audit = await destination.readBookmark('audit_logs');
    const before = simulator.requests.length;
    const synced = await retriever('sync', '-c', config, '--full-refresh', 'logs', '--drop-rows', '--wait', '--json');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ status: 'completed' });
    expect(Math.min(...froms(simulator, LOGS, before))).toBe(start);
    expect(Math.min(...froms(simulator, AUDIT, before))).toBe(audit!.cursor - LOOKBACK);
    expect(await countRows(destination, 'logs')).toBe(3_000);

    const alone = await retriever('sync', '-c', config, '--drop-rows');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('full_refresh_drop_rows');
    const outside = await retriever('sync', '-c', config, '--full-refresh', 'dashboards');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('dashboards is not among the streams this sync reads');
  });

  it('refuses while a sync reads the stream or has it queued, naming the sync', async () => {
    // A sync whose first stream is stuck on its first page, the second waiting for its turn.
    const stuckQueue = uniqueQueue('reset-stuck');
    const plan: SyncPlan = {
      summary: 'stuck',
      organization: 'default',
      maxOutageMs: 0,
      maxParallelStreams: 1,
      tasks: ['logs', 'audit_logs'].map((stream) => ({
        syncId: 'stuck',
        organization: 'default',
        maxOutageMs: 0,
        stream,
        site: 'datadoghq.com',
        pageSize: 100,
        permission: 'x',
        strict: false,
        mode: 'incremental',
        window: { from: start, to: now, size: DAY },
      })),
    };
    const stuck = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: stuckQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        planSync: async () => plan,
        fetchPage: () => new Promise((_, reject) => Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('stopped')))),
        recordSync: async () => undefined,
      },
      shutdownGraceTime: '100ms',
    });
    const stuckRunning = stuck.run();
    const syncId = `reset-stuck-${process.pid}`;
    const handle = await env.client.workflow.start(datadogSync, { taskQueue: stuckQueue, workflowId: syncId, args: [{}] });
    try {
      // Until the child runs and visibility lists it.
      for (let i = 0; i < 100 && !(await retriever('reset', '--streams', 'logs')).stderr.includes('being read'); i++) await new Promise((r) => setTimeout(r, 100));
      const reading = await retriever('reset', '--streams', 'logs,audit_logs,dashboards');
      expect(reading.code).toBe(1);
      expect(reading.stderr).toContain(`logs: being read by sync ${syncId}`);
      expect(reading.stderr).toContain(`audit_logs: queued in sync ${syncId}`);
      expect(reading.stderr).not.toContain('dashboards:');
      expect(reading.stderr).toContain(`retriever cancel ${syncId} --wait`);
      const fullRefresh = await retriever('sync', '-c', config, '--full-refresh', 'audit_logs');
      expect(fullRefresh.code).toBe(1);
      expect(fullRefresh.stderr).toContain(`audit_logs: queued in sync ${syncId}`);
      expect(await destination.readBookmark('audit_logs')).not.toBeNull();

      // A stream no running sync reads is reset at once.
      expect((await retriever('reset', '--streams', 'dashboards')).code).toBe(0);

      // With no worker to say which streams the sync reads, every stream counts as read.
      stuck.shutdown();
      await stuckRunning;
      const unknown = await retriever('reset', '--streams', 'dashboards');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(`dashboards: sync ${syncId} is running and no worker answered which streams it reads`);
    } finally {
      await handle.terminate('test over');
    }
  });
});
