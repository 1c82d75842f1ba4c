import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from 'pg';
import { parseSyncRequest, queryDefinitions, type SyncRequestInput } from '../src/config/request';
import { queryStreamDef, STREAMS, tableSpec } from '../src/datadog/streams/table';
import type { Destination } from '../src/destinations/destination';
import { DuckDbDestination } from '../src/destinations/duckdb';
import type { PostgresDestination } from '../src/destinations/postgres';
import { keyColumn } from '../src/destinations/table-model';
import { countRows, type QueryableDestination } from './helpers/destinations';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import { adminClient, dropSchema, openTestPostgres, testPostgresEnv, uniqueSchema } from './helpers/postgres';
import { startWorkerProcess, type WorkerProcess } from './helpers/processes';
import { tempDir, uniqueQueue } from './helpers/retriever';
import { snapshot } from './helpers/tables';
import { startDevServer, workflowBundle } from './helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LOGS_PATH = '/api/v2/logs/events';

describe('syncs into PostgreSQL through Temporal', () => {
  let env: TestWorkflowEnvironment;
  let simulator: Simulator;
  const workers: WorkerProcess[] = [];
  const schemas: string[] = [];
  const destinations: PostgresDestination[] = [];
  const clients: Client[] = [];
  // Day-aligned, so each 1d window is a whole day of logs and the first one is never nearly empty.
  const start = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY;
  const request: SyncRequestInput = { streams: ['dashboards', 'logs'], start_date: new Date(start).toISOString(), lag: '0s', window_size: '1d', max_records_per_request: 250 };

  beforeAll(async () => {
    env = await startDevServer();
    simulator = await startSimulator({ seed: 21, dashboards: 150, logs: { count: 6_000, from: start, to: Date.now() - 60_000 } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    // Ending a client also ends its transaction and the locks it holds, so the schemas can be dropped.
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await Promise.all(destinations.map((d) => d.close()));
    await simulator?.close();
    await env?.teardown();
    for (const schema of schemas) await dropSchema(schema);
  });

  function workerEnv(schema: string, taskQueue: string, applicationName: string): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: env.address,
      RETRIEVER_TASK_QUEUE: taskQueue,
      DD_BASE_URL: simulator.url,
      RETRIEVER_DESTINATION: 'postgres',
      ...testPostgresEnv(),
      RETRIEVER_POSTGRES_SCHEMA: schema,
      // Names this worker's connections in pg_stat_activity.
      PGAPPNAME: applicationName,
    };
  }

  async function freshSchema(prefix: string): Promise<string> {
    const schema = uniqueSchema(prefix);
    schemas.push(schema);
    return schema;
  }

  async function open(schema: string): Promise<PostgresDestination> {
    const destination = await openTestPostgres(schema);
    destinations.push(destination);
    return destination;
  }

  /** Sorted here, not in SQL: a server's collation may order text differently from JavaScript. */
  async function ids(destination: QueryableDestination, table: string): Promise<string[]> {
    return (await destination.query(`SELECT id FROM "${table}"`)).map((r) => String(r.id)).sort();
  }

  /** One sync by a worker in this process, writing to `destination`. */
  async function syncInProcess(from: Simulator, destination: Destination, syncRequest: SyncRequestInput, workflowId: string) {
    const taskQueue = uniqueQueue('in-process');
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: from.url,
      destination,
      workflowBundle: await workflowBundle(),
    });
    try {
      return await worker.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [syncRequest] }));
    } finally {
      await close();
    }
  }

  const withoutSyncId = (rows: Record<string, unknown>[]) => rows.map(({ _retriever_sync_id, ...rest }) => rest);

  /** Worker identities (`pid@host`) that started activities in these workflows. */
  async function activityWorkers(workflowIds: string[]): Promise<Set<string>> {
    const identities = new Set<string>();
    for (const id of workflowIds) {
      const history = await env.client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]);
      }
    }
    return identities;
  }

  it('completes one sync with two worker processes on one task queue, exactly', async () => {
    const schema = await freshSchema('scale');
    const taskQueue = uniqueQueue('pg-scale');
    const pair = await Promise.all([1, 2].map((n) => startWorkerProcess(workerEnv(schema, taskQueue, `retriever-scale-${process.pid}-${n}`))));
    workers.push(...pair);

    const workflowId = `pg-scale-${Date.now()}`;
    const result = await env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [request] });
    expect(result.status).toBe('completed');

    const destination = await open(schema);
    for (const stream of ['dashboards', 'logs']) expect(await ids(destination, stream)).toEqual(simulator.world.groundTruth(stream));
    const logs = result.streams.find((s) => s.stream === 'logs')!;
    expect(logs.records).toBe(6_000);
    expect(await destination.readBookmark('logs')).toEqual({ cursor: logs.bookmark, syncId: workflowId });
    const [sync] = await destination.query(`SELECT status, finished_at, streams FROM _retriever_syncs WHERE sync_id = $1`, [workflowId]);
    expect(sync.status).toBe('completed');
    expect(sync.streams).toMatchObject({ logs: { records: 6_000, status: 'completed' }, dashboards: { records: 150, status: 'completed' } });

    // Both processes did part of the work.
    const identities = await activityWorkers([workflowId, `${workflowId}/logs`, `${workflowId}/dashboards`]);
    expect([...identities].sort()).toEqual(pair.map((w) => String(w.child.pid)).sort());
    await Promise.all(pair.map((w) => w.kill('SIGTERM')));

    // The same sync into DuckDB, by an in-process worker, leaves the same rows.
    const duck = await DuckDbDestination.open(`${tempDir()}/retriever.duckdb`);
    try {
      await syncInProcess(simulator, duck, request, `${workflowId}-duckdb`);
      for (const stream of ['dashboards', 'logs']) {
        expect(withoutSyncId(await snapshot(destination, stream, 'id'))).toEqual(withoutSyncId(await snapshot(duck, stream, 'id')));
      }
    } finally {
      await duck.close();
    }
  });

  it('holds the same rows as DuckDB for every stream', async () => {
    // A pinned clock: both syncs see the very same organisation, whatever time passes between them.
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const world = await startSimulator({ seed: 5, clock: () => now, dashboards: 40, logs: { count: 900, from: now - 2 * DAY, to: now } });
    const duck = await DuckDbDestination.open(`${tempDir()}/retriever.duckdb`);
    try {
      const everything: SyncRequestInput = {
        start_date: new Date(now - 2 * DAY).toISOString(),
        end_date: new Date(now).toISOString(),
        lag: '0s',
        window_size: '1d',
        max_records_per_request: 100,
        queries: [{ name: 'cpu_by_host', data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}', interval: '1h' }],
      };
      const pg = await open(await freshSchema('every'));
      const id = `pg-every-${Date.now()}`;
      expect((await syncInProcess(world, pg, everything, `${id}-postgres`)).status).toBe('completed');
      expect((await syncInProcess(world, duck, everything, `${id}-duckdb`)).status).toBe('completed');

      const defs = [...STREAMS, ...queryDefinitions(parseSyncRequest(everything, now)).map(queryStreamDef)];
      let rows = 0;
      for (const def of defs) {
        const key = keyColumn(tableSpec(def)).name;
        const fromPg = withoutSyncId(await snapshot(pg, def.name, key));
        expect({ stream: def.name, rows: fromPg }).toEqual({ stream: def.name, rows: withoutSyncId(await snapshot(duck, def.name, key)) });
        rows += fromPg.length;
      }
      expect(rows).toBeGreaterThan(1_000);
    } finally {
      await duck.close();
      await world.close();
    }
  });

  it('never lets a bookmark run ahead of its data: a worker killed before the commit costs a re-read, not a row', async () => {
    const schema = await freshSchema('killed');
    const taskQueue = uniqueQueue('pg-kill');
    const applicationName = `retriever-killed-${process.pid}`;
    const first = await startWorkerProcess(workerEnv(schema, taskQueue, applicationName));
    workers.push(first);

    // Hold the bookmark table: data writes go on, the first bookmark commit waits behind the lock.
    // A second session watches: inside a transaction, pg_stat_activity keeps its first snapshot.
    const admin = await adminClient();
    const watcher = await adminClient();
    clients.push(admin, watcher);
    try {
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}"._retriever_state IN EXCLUSIVE MODE`);
      const killed = await env.client.workflow.start(datadogSync, { taskQueue, workflowId: `pg-killed-${Date.now()}`, args: [{ ...request, streams: ['logs'] }] });
      while (!(await commitWaiting(watcher, applicationName))) await new Promise((r) => setTimeout(r, 50));

      // Every page of the first window is written; its bookmark is not.
      const firstWindow = simulator.world.groundTruth('logs', { from: start, to: start + DAY });
      expect(firstWindow.length).toBeGreaterThan(1_000);
      const written = await watcher.query(`SELECT id FROM "${schema}".logs`);
      expect(written.rows.map((r) => String(r.id)).sort()).toEqual(firstWindow);

      expect(await first.kill('SIGKILL')).toBe('SIGKILL');
      // A killed process never sends its commit. This one had sent it already, and the server would run
      // it once the lock is free, as it cannot tell the client is gone: end that session too.
      await watcher.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      await admin.query('ROLLBACK');
      await killed.terminate('worker killed between a data write and its bookmark commit');
    } finally {
      await admin.end();
      await watcher.end();
    }

    const destination = await open(schema);
    expect(await destination.readBookmark('logs')).toBeNull();

    // The next sync starts where the bookmark is (nowhere yet): it re-reads the first window.
    const before = simulator.requests.length;
    const second = await startWorkerProcess(workerEnv(schema, taskQueue, `${applicationName}-next`));
    workers.push(second);
    const workflowId = `pg-after-kill-${Date.now()}`;
    const result = await env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [{ ...request, streams: ['logs'] }] });
    const froms = simulator.requests
      .slice(before)
      .filter((r) => r.path === LOGS_PATH)
      .map((r) => Date.parse(r.query['filter[from]']));
    expect(Math.min(...froms)).toBe(start);
    expect(await ids(destination, 'logs')).toEqual(simulator.world.groundTruth('logs'));
    expect(await countRows(destination, 'logs')).toBe(6_000);
    expect(await destination.readBookmark('logs')).toEqual({ cursor: result.streams[0].bookmark, syncId: workflowId });
    await second.kill('SIGTERM');
  });
});

/** Whether a session of this worker is waiting for a lock to write `_retriever_state`. */
async function commitWaiting(admin: Client, applicationName: string): Promise<boolean> {
  const { rowCount } = await admin.query(
    `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%_retriever_state%'`,
    [applicationName],
  );
  return (rowCount ?? 0) > 0;
}
