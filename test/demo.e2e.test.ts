import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { STREAM_NAMES } from '../src/datadog/streams/table';
import { SERVED_STREAMS } from '../src/simulator';
import type { StreamProgress } from '../src/workflows/types';
import { tempDir, uniqueQueue } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');

describe('npm start (retriever demo)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('syncs every stream the simulator serves, and a second run goes on from the bookmarks', async () => {
    const { DD_API_KEY: _api, DD_APP_KEY: _app, ...inherited } = process.env;
    const demoEnv = { ...inherited, TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: uniqueQueue('demo'), RETRIEVER_DUCKDB_PATH: join(tempDir(), 'demo.duckdb') };
    const demo = async () => JSON.parse((await run('node', [BIN, 'demo', '--json'], { env: demoEnv, maxBuffer: 16 * 1024 * 1024 })).stdout) as { status: string; streams: StreamProgress[] };

    const first = await demo();
    expect(first.status).toBe('completed');
    // The whole table, not a chosen few.
    expect(SERVED_STREAMS).toEqual(STREAM_NAMES);
    // In the sync's order: streams read from another stream's table come after it.
    expect(first.streams.map((s) => s.stream).sort()).toEqual([...SERVED_STREAMS].sort());
    expect(first.streams.filter((s) => s.status !== 'completed')).toEqual([]);
    // Datadog publishes a month's cost after it closes (historical by the 16th, attribution by the
    // 19th) and projects the current one from the 12th: over the demo's three days these may be empty.
    const costOfClosedMonths = ['historical_cost', 'monthly_cost_attribution', 'projected_cost'];
    const empty = first.streams.filter((s) => s.records === 0).map((s) => s.stream);
    expect(empty.filter((s) => !costOfClosedMonths.includes(s))).toEqual([]);

    const second = await demo();
    expect(second.status).toBe('completed');
    const logs = (result: typeof first) => result.streams.find((s) => s.stream === 'logs')!;
    // Only the lookback and what arrived since: far less than the first run's three days.
    expect(logs(second).records).toBeLessThan(logs(first).records / 10);
    expect(logs(second).bookmark).toBeGreaterThanOrEqual(logs(first).bookmark!);
  });
});
