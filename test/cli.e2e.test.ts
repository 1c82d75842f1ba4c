import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { harness, tableIds, tempDir, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');
const DAY = 86_400_000;

describe('the retriever CLI against a running worker', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let worker: Worker;
  let running: Promise<void>;
  let closeClients: () => Promise<void>;
  const dir = tempDir();
  const config = join(dir, 'sync.json');

  async function retriever(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cliEnv = { ...process.env, TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: h.taskQueue };
    try {
      const { stdout, stderr } = await run('node', [BIN, ...args], { env: cliEnv });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    env = await startDevServer();
    const now = Date.now();
    h = await harness(env, { seed: 21, dashboards: 15, logs: { count: 1_500, from: now - 2 * DAY, to: now - 60_000 } });
    ({ worker, close: closeClients } = await h.worker());
    running = worker.run();
    writeFileSync(config, JSON.stringify({ name: 'clitest', streams: ['dashboards', 'logs'], start_date: new Date(now - 2 * DAY).toISOString(), lag: '0s' }));
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await closeClients?.();
    await h?.close();
    await env?.teardown();
  });

  it('sync --wait --json runs a sync and reports each stream; status shows it again', async () => {
    const synced = await retriever('sync', '--config', config, '--id', 'cli-sync-1', '--wait', '--json');
    expect(synced.code).toBe(0);
    const report = JSON.parse(synced.stdout);
    expect(report).toMatchObject({ workflowId: 'cli-sync-1', status: 'completed' });
    expect(report.streams.map((s: { stream: string; records: number }) => [s.stream, s.records])).toEqual([
      ['dashboards', 15],
      ['logs', 1_500],
    ]);
    expect(report.webUi).toMatch(/\/namespaces\/default\/workflows\/cli-sync-1$/);
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));

    const status = await retriever('status', 'cli-sync-1', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'COMPLETED', streams: report.streams });
    const text = await retriever('status', 'cli-sync-1');
    expect(text.stdout).toMatch(/logs\s+completed\s+1500/);
  });

  it('manages a schedule: create, describe, pause, trigger, delete', async () => {
    const created = await retriever('schedule', 'create', '--config', config, '--every', '1h', '--id', 'cli-schedule', '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ scheduleId: 'cli-schedule', paused: false, overlap: 'SKIP' });

    expect((await retriever('schedule', 'pause', 'cli-schedule', '--note', 'maintenance')).code).toBe(0);
    const described = JSON.parse((await retriever('schedule', 'describe', 'cli-schedule', '--json')).stdout);
    expect(described).toMatchObject({ paused: true, note: 'maintenance', spec: { intervals: [3_600_000] } });

    expect((await retriever('schedule', 'trigger', 'cli-schedule')).code).toBe(0);
    const listed = JSON.parse((await retriever('schedule', 'list', '--json')).stdout);
    expect(listed.map((s: { scheduleId: string }) => s.scheduleId)).toContain('cli-schedule');
    expect((await retriever('schedule', 'delete', 'cli-schedule')).code).toBe(0);
    expect((await retriever('schedule', 'describe', 'cli-schedule')).code).toBe(1);
  });

  it('refuses a schedule without a cadence, and exits 2', async () => {
    const { code, stderr } = await retriever('schedule', 'create', '--config', config);
    expect(code).toBe(2);
    expect(stderr).toContain('give exactly one of --every or --cron');
  });

  it('exits 1 with a readable reason for a sync that does not exist', async () => {
    const { code, stderr } = await retriever('status', 'no-such-sync');
    expect(code).toBe(1);
    expect(stderr).toContain('error: workflow not found for ID: no-such-sync');
  });
});
