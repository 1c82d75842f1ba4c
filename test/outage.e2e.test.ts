/**
 * Outages waited out: Datadog (the simulator) stops answering for 10 minutes, and PostgreSQL for 2,
 * in the middle of a sync. The sync waits on durable timers and finishes by itself, exact. These run
 * on Temporal's time-skipping server: the minutes pass when the test says so (`env.sleep`), not in
 * real time. `npm run test:chaos` has the same in real time.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { tableSpec, getStream } from '../src/datadog/streams/table';
import { keyColumn } from '../src/destinations/table-model';
import { PostgresDestination } from '../src/destinations/postgres';
import type { Destination } from '../src/destinations/destination';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync, progressQuery } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { dropSchema, testPostgresSettings, uniqueSchema } from './helpers/postgres';
import { tempDir } from './helpers/retriever';
import { startTimeSkipping, workflowBundle } from './helpers/temporal';
import { tcpProxy } from './helpers/tcp-proxy';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { join } from 'node:path';

const DAY = 86_400_000;
const LOGS = '/api/v2/logs/events';

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Total of the stream's outage waits, from its history, and what they said. */
async function outageWaits(env: TestWorkflowEnvironment, workflowId: string): Promise<{ ms: number; summaries: string[] }> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
  const summaries = timers.map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? Buffer.from('""')).toString()) as string).filter((s) => s.includes('unavailable'));
  const ms = timers
    .filter((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? Buffer.from('""')).toString()).includes('unavailable'))
    .reduce((n, e) => n + Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000, 0);
  return { ms, summaries };
}

describe('outages waited out on durable timers', () => {
  let env: TestWorkflowEnvironment;
  let simulator: Simulator;
  const now = Date.now();
  const start = new Date(now - 2 * DAY).toISOString();

  beforeAll(async () => {
    env = await startTimeSkipping();
    simulator = await startSimulator({ seed: 31, logs: { count: 3_000, from: now - 2 * DAY, to: now - 60_000 } });
  });
  afterAll(async () => {
    await simulator?.close();
    await env?.teardown();
  });

  /** A worker with quick retries made quicker: the outage waits are what is under test. */
  async function worker(destination: Destination, taskQueue: string): Promise<{ worker: Worker; close: () => Promise<void> }> {
    return createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: simulator.url,
      destination,
      workflowBundle: await workflowBundle(),
      fetchRetry: { maxFailedAttempts: 3, initialDelayMs: 50, maxDelayMs: 100 },
    });
  }

  async function ids(destination: Destination & { query(sql: string): Promise<Record<string, unknown>[]> }): Promise<string[]> {
    const key = keyColumn(tableSpec(getStream('logs'))).name;
    return (await destination.query(`SELECT "${key}" AS k FROM logs`)).map((r) => String(r.k)).sort();
  }

  it('Datadog refusing connections, then answering 503, for 10 minutes: the sync finishes by itself, exact', async () => {
    const destination = await DuckDbDestination.open(join(tempDir(), 'outage.duckdb'));
    const taskQueue = 'outage-datadog';
    const { worker: running, close } = await worker(destination, taskQueue);
    try {
      const result = await running.runUntil(async () => {
        const handle = await env.client.workflow.start(datadogSync, {
          taskQueue,
          workflowId: 'outage-datadog',
          args: [{ streams: ['logs'], start_date: start, lag: '0s', max_records_per_request: 100 }],
        });
        await until('a few pages', () => (simulator.requests.filter((r) => r.path === LOGS && r.status === 200).length >= 5 ? true : undefined));
        await simulator.outage('refused');
        const child = env.client.workflow.getHandle('outage-datadog/logs');
        const message = await until('the stream to say it waits', async () => (await child.query(progressQuery))[0].message);
        expect(message).toMatch(/^waiting for Datadog since \d\d:\d\d:\d\d UTC \(.*(ECONNREFUSED|network error).*\); next try at/);
        await simulator.outage('unavailable');
        // Ten minutes pass for the workflow: waits fire, and the page is asked for again each time.
        await env.sleep('10m');
        expect(simulator.requests.some((r) => r.path === LOGS && r.status === 503)).toBe(true);
        await simulator.outage('up');
        return (await handle.result()) as SyncResult;
      });
      expect(result.status).toBe('completed');
      const truth = simulator.world.groundTruth('logs');
      expect(result.streams[0].records).toBeGreaterThanOrEqual(truth.length);
      expect(await ids(destination)).toEqual(truth);
      const waits = await outageWaits(env, 'outage-datadog/logs');
      expect(waits.ms).toBeGreaterThanOrEqual(10 * 60_000);
      expect(waits.summaries[0]).toBe('Datadog unavailable: waiting 30 s before trying again');
    } finally {
      await close();
      await destination.close();
    }
  });

  it('PostgreSQL unreachable for 2 minutes: the sync waits for it and finishes by itself, exact', async () => {
    const url = new URL(testPostgresSettings('x').url!);
    const proxy = await tcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    const schema = uniqueSchema('outage');
    const destination = await PostgresDestination.open({ url: url.toString(), schema });
    const taskQueue = 'outage-postgres';
    const { worker: running, close } = await worker(destination, taskQueue);
    try {
      const result = await running.runUntil(async () => {
        const handle = await env.client.workflow.start(datadogSync, {
          taskQueue,
          workflowId: 'outage-postgres',
          args: [{ streams: ['logs'], start_date: start, lag: '0s', max_records_per_request: 100 }],
        });
        const before = simulator.requests.length;
        await until('a few pages', () => (simulator.requests.slice(before).filter((r) => r.path === LOGS).length >= 5 ? true : undefined));
        await proxy.down();
        const child = env.client.workflow.getHandle('outage-postgres/logs');
        const message = await until('the stream to say it waits', async () => (await child.query(progressQuery))[0].message);
        expect(message).toMatch(/^waiting for the destination since \d\d:\d\d:\d\d UTC \(.*PostgreSQL.*\)/);
        await env.sleep('2m');
        await proxy.up();
        return (await handle.result()) as SyncResult;
      });
      expect(result.status).toBe('completed');
      expect(await ids(destination)).toEqual(simulator.world.groundTruth('logs'));
      expect((await outageWaits(env, 'outage-postgres/logs')).summaries[0]).toBe('the destination unavailable: waiting 30 s before trying again');
    } finally {
      await close();
      await destination.close();
      await proxy.close();
      await dropSchema(schema);
    }
  });
});
