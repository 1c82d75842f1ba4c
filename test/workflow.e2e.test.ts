import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { datadogSync } from '../src/workflows';
import { SIMULATOR_KEYS } from '../src/simulator';
import { createWorker } from '../src/worker';
import { harness, tableIds, type Harness } from './helpers/retriever';
import { startDevServer, temporalCli, workflowBundle } from './helpers/temporal';

const run = promisify(execFile);
const DAY = 86_400_000;

describe('workflows on a dev server that asks for continue-as-new early', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const now = Date.now();
  const start = new Date(now - 2 * DAY).toISOString();

  beforeAll(async () => {
    // A low threshold makes the server suggest continue-as-new after a few dozen events.
    env = await startDevServer(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60']);
    h = await harness(env, { seed: 11, dashboards: 30, logs: { count: 3_000, from: now - 2 * DAY, to: now - 60_000 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('continues a long stream as new and still copies it exactly', async () => {
    const workflowId = `can-${Date.now()}`;
    const result = await h.sync({ streams: ['logs'], start_date: start, lag: '0s', max_records_per_request: 50 }, workflowId);
    expect(result.streams[0]).toMatchObject({ status: 'completed', records: 3_000 });
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    // 60+ pages at ~6 events each cannot fit in one run of 60 events: the child went on in new runs.
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}/logs'` })) runs.push(w.runId);
    expect(runs.length).toBeGreaterThan(2);
  });

  it('runs the same sync when started from the Temporal CLI with JSON input', async () => {
    const workflowId = `cli-${Date.now()}`;
    const input = JSON.stringify({ streams: ['dashboards', 'logs'], start_date: start, lag: '0s' });
    const { worker, close } = await h.worker();
    try {
      await worker.runUntil(async () => {
        // The command the README shows, pointed at this test's server.
        await run(temporalCli(), [
          'workflow', 'start', '--address', env.address, '--type', 'datadogSync', '--task-queue', h.taskQueue,
          '--workflow-id', workflowId, '--input', input,
        ]);
        const result = await env.client.workflow.getHandle<typeof datadogSync>(workflowId).result();
        expect(result.status).toBe('completed');
      });
    } finally {
      await close();
    }
    expect(await tableIds(h.destination, 'dashboards')).toEqual(h.simulator.world.groundTruth('dashboards'));
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
  });

  it('fails fast with every problem listed when started with a bad request', async () => {
    const requests = h.simulator.requests.length;
    const sync = h.sync({ streams: ['logs', 'nope'], start_date: 'yesterday', window_size: '7x' } as never);
    const error = await sync.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const message = String((error as WorkflowFailedError).cause?.message);
    expect(message).toContain('streams.1: unknown stream "nope"');
    expect(message).toContain('start_date: must be an ISO-8601 date');
    expect(message).toContain('window_size:');
    expect(h.simulator.requests.length).toBe(requests);
  });

  it('says which Datadog address it cannot reach, after a bounded number of tries and no outage wait (max_outage 0s)', async () => {
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue: `${h.taskQueue}-unreachable`,
      credentials: SIMULATOR_KEYS,
      baseUrl: 'http://127.0.0.1:1',
      destination: h.destination,
      workflowBundle: await workflowBundle(),
    });
    try {
      const error = await worker.runUntil(
        env.client.workflow.execute(datadogSync, { taskQueue: `${h.taskQueue}-unreachable`, workflowId: `unreachable-${Date.now()}`, args: [{ streams: ['logs'], max_outage: '0s' }] }).catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const message = String((error as WorkflowFailedError).cause?.message);
      expect(message).toContain('cannot reach Datadog at http://127.0.0.1:1');
      expect(message).toContain('DD_BASE_URL');
      expect(message).toContain('ECONNREFUSED');
      expect(message).toContain('past max_outage (0 s of waiting)');
    } finally {
      await close();
    }
  });
});
