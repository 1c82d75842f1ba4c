import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import type { FetchRetryPolicy } from '../src/activities/retry-budget';
import type { SyncRequestInput } from '../src/config/request';
import type { DatadogClientLimits, DatadogCredentials } from '../src/datadog/client';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { SIMULATOR_KEYS, startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/server';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { tableIds, tempDir, uniqueQueue } from './helpers/retriever';
import { startDevServer, workflowBundle } from './helpers/temporal';

const DAY = 86_400_000;
const LOGS = '/api/v2/logs/events';

interface Run {
  simulator: Simulator;
  destination: DuckDbDestination;
  result?: SyncResult;
  error?: unknown;
}

describe('a sync against a faulty Datadog API', () => {
  let env: TestWorkflowEnvironment;
  const opened: Run[] = [];
  const now = Date.now();

  beforeAll(async () => {
    env = await startDevServer();
  });
  afterAll(async () => {
    for (const run of opened) {
      await run.destination.close();
      await run.simulator.close();
    }
    await env?.teardown();
  });

  /** One sync with an in-process worker; the failure, if any, is returned rather than thrown. */
  async function sync(
    simulatorOptions: SimulatorOptions,
    request: SyncRequestInput,
    worker: { credentials?: DatadogCredentials; http?: DatadogClientLimits; fetchRetry?: Partial<FetchRetryPolicy> } = {},
  ): Promise<Run> {
    const run: Run = { simulator: await startSimulator(simulatorOptions), destination: await DuckDbDestination.open(join(tempDir(), 'retriever.duckdb')) };
    opened.push(run);
    const taskQueue = uniqueQueue('faults');
    const { worker: w, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: worker.credentials ?? SIMULATOR_KEYS,
      baseUrl: run.simulator.url,
      destination: run.destination,
      workflowBundle: await workflowBundle(),
      http: worker.http,
      fetchRetry: worker.fetchRetry,
    });
    try {
      run.result = await w.runUntil(
        env.client.workflow.execute(datadogSync, { taskQueue, workflowId: `faults-${process.pid}-${opened.length}`, args: [request] }),
      );
    } catch (err) {
      run.error = err;
    } finally {
      await close();
    }
    return run;
  }

  /** The message a failed sync ends with: the workflow's own failure, not Temporal's wrapper. */
  const failureMessage = (error: unknown) => {
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause?.message ?? '';
  };

  it('completes through 5xx, resets, cut-off, malformed, slow and endless bodies, with tables equal to the ground truth', async () => {
    const run = await sync(
      {
        seed: 5,
        dashboards: 180,
        logs: { count: 2_500, from: now - 2 * DAY, to: now - 60_000 },
        faults: {
          seed: 9,
          rates: { server_error: 0.2, reset: 0.05, truncated: 0.05, malformed: 0.05, slow_body: 0.03, hang: 0.02 },
          slowBodyMs: 200,
          latencyMs: [0, 20],
          paths: ['/api/v1/dashboard', LOGS],
        },
      },
      // One stream at a time: requests arrive in a fixed order, so the seed fixes which ones fail.
      { streams: ['dashboards', 'logs'], start_date: new Date(now - 2 * DAY).toISOString(), lag: '0s', max_records_per_request: 100, max_parallel_streams: 1 },
      { http: { requestTimeoutMs: 1_500, headersTimeoutMs: 1_500, bodyTimeoutMs: 1_500 }, fetchRetry: { initialDelayMs: 200, maxDelayMs: 2_000 } },
    );
    expect(run.error).toBeUndefined();
    expect(run.result!.status).toBe('completed');
    expect(await tableIds(run.destination, 'dashboards')).toEqual(run.simulator.world.groundTruth('dashboards'));
    expect(await tableIds(run.destination, 'logs')).toEqual(run.simulator.world.groundTruth('logs'));
    expect(run.result!.streams.find((s) => s.stream === 'logs')!.records).toBe(run.simulator.world.groundTruth('logs').length);

    const faults = run.simulator.requests.filter((r) => r.fault);
    const kinds = new Set(faults.map((r) => r.fault));
    for (const kind of ['server_error', 'reset', 'truncated', 'malformed'] as const) expect(kinds).toContain(kind);
    // About a third of the data requests failed, and every failed page was asked for again. (A slow
    // body within the client's deadline is a success: its page needs no second request.)
    const data = run.simulator.requests.filter((r) => r.path === LOGS || r.path === '/api/v1/dashboard');
    const failed = faults.filter((r) => r.fault !== 'slow_body');
    expect(failed.length / data.length).toBeGreaterThan(0.2);
    const pageKey = (r: (typeof data)[number]) => `${r.path}?${new URLSearchParams(r.query).toString()}`;
    const served = new Set(data.filter((r) => !r.fault || r.fault === 'slow_body').map(pageKey));
    for (const request of failed) expect(served).toContain(pageKey(request));
  });

  it('gives up on a page after the bounded retries and no outage wait (max_outage 0s), naming stream, window and page', async () => {
    const run = await sync(
      { seed: 2, logs: { count: 300, from: now - DAY, to: now - 60_000 }, faults: { rates: { server_error: 1 }, paths: [LOGS] } },
      { streams: ['logs'], start_date: new Date(now - DAY).toISOString(), lag: '0s', window_size: '1d', max_outage: '0s' },
      { fetchRetry: { maxFailedAttempts: 3, initialDelayMs: 100 } },
    );
    const message = failureMessage(run.error);
    const firstWindow = new Date(now - DAY).toISOString();
    expect(message).toContain(`logs · ${firstWindow}→`);
    expect(message).toContain('· page 1: /api/v2/logs/events: HTTP 5');
    expect(message).toContain('gave up after 3 failed attempts');
    expect(message).toContain('past max_outage (0 s of waiting)');
    expect(run.simulator.requests.filter((r) => r.path === LOGS)).toHaveLength(3);
  });

  it('fails at once on a wrong API key, naming it, after a single request', async () => {
    const run = await sync(
      { seed: 2, dashboards: 10 },
      { streams: ['dashboards'] },
      { credentials: { apiKey: 'not-the-key', appKey: SIMULATOR_KEYS.appKey } },
    );
    expect(failureMessage(run.error)).toMatch(/Datadog rejected the API key \(DD_API_KEY\)/);
    expect(run.simulator.requests.map((r) => `${r.status} ${r.path}`)).toEqual(['403 /api/v1/validate']);
  });

  it('fails at once on a wrong application key, naming it, after two requests', async () => {
    const run = await sync(
      { seed: 2, dashboards: 10 },
      { streams: ['dashboards'] },
      { credentials: { apiKey: SIMULATOR_KEYS.apiKey, appKey: 'not-the-key' } },
    );
    expect(failureMessage(run.error)).toMatch(/Datadog rejected the application key \(DD_APP_KEY\)/);
    expect(run.simulator.requests.map((r) => `${r.status} ${r.path}`)).toEqual(['200 /api/v1/validate', '403 /api/v2/current_user']);
  });

  it('goes on where the API has no GET /api/v2/current_user: a page of users checks the application key instead', async () => {
    const run = await sync({ seed: 2, dashboards: 10, missingRoutes: ['GET /api/v2/current_user'] }, { streams: ['dashboards'] });
    expect(run.error).toBeUndefined();
    expect(run.result!.status).toBe('completed');
    expect(await tableIds(run.destination, 'dashboards')).toEqual(run.simulator.world.groundTruth('dashboards'));
    expect(run.simulator.requests.slice(0, 3).map((r) => `${r.status} ${r.path}`)).toEqual(['200 /api/v1/validate', '404 /api/v2/current_user', '200 /api/v2/users']);
  });

  it('still fails at once on a wrong application key there', async () => {
    const run = await sync(
      { seed: 2, dashboards: 10, missingRoutes: ['GET /api/v2/current_user'] },
      { streams: ['dashboards'] },
      { credentials: { apiKey: SIMULATOR_KEYS.apiKey, appKey: 'not-the-key' } },
    );
    expect(failureMessage(run.error)).toMatch(/Datadog rejected the application key \(DD_APP_KEY\).*\/api\/v2\/users, asked instead, answered HTTP 403/);
    expect(run.simulator.requests.map((r) => `${r.status} ${r.path}`)).toEqual(['200 /api/v1/validate', '404 /api/v2/current_user', '403 /api/v2/users']);
  });
});
