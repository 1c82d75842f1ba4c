import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from './helpers/temporal';
import { harness, tableIds, type Harness } from './helpers/retriever';
import { SIMULATOR_KEYS } from '../src/simulator';
import { parseDuration } from '../src/config/duration';
import { DEFAULT_LOOKBACK } from '../src/config/request';

const DAY = 86_400_000;
const MINUTE = 60_000;

describe('a sync on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const now = Date.now();
  const start = new Date(now - 3 * DAY).toISOString();
  let firstBookmark = 0;

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, { seed: 7, dashboards: 130, logs: { count: 4_321, from: now - 3 * DAY, to: now - 60_000 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('copies dashboards and logs exactly as the simulator holds them', async () => {
    const result = await h.sync({ streams: ['dashboards', 'logs'], start_date: start, lag: '0s', max_records_per_request: 500 });
    expect(result.status).toBe('completed');
    expect(await tableIds(h.destination, 'dashboards')).toEqual(h.simulator.world.groundTruth('dashboards'));
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    const logs = result.streams.find((s) => s.stream === 'logs')!;
    expect(logs.records).toBe(4_321);
    firstBookmark = logs.bookmark!;
    expect(firstBookmark).toBeGreaterThan(now - 60_000);
    expect(await h.destination.readBookmark('logs')).toMatchObject({ cursor: firstBookmark });
  });

  it('reads what is new on the next sync and its lookback before the bookmark again, duplicating nothing', async () => {
    const before = h.simulator.requests.length;
    // New logs, all later than what the first sync covered.
    while (Date.now() < firstBookmark + 1_000) await new Promise((r) => setTimeout(r, 100));
    const added = h.simulator.world.addLogs(250, firstBookmark, Date.now());
    const result = await h.sync({ streams: ['logs'], start_date: start, lag: '0s' });
    const lookback = parseDuration(DEFAULT_LOOKBACK);
    const reread = h.simulator.world.groundTruth('logs', { from: firstBookmark - lookback, to: firstBookmark });
    expect(reread.length).toBeGreaterThan(0);
    expect(result.streams[0].records).toBe(250 + reread.length);
    const ids = await tableIds(h.destination, 'logs');
    expect(ids).toEqual(h.simulator.world.groundTruth('logs'));
    expect(ids).toEqual(expect.arrayContaining(added));
    // The second sync asked for the time after the first one's bookmark, and the lookback before it.
    const froms = h.simulator.requests.slice(before).filter((r) => r.path === '/api/v2/logs/events').map((r) => Date.parse(r.query['filter[from]']));
    expect(Math.min(...froms)).toBe(firstBookmark - lookback);
  });

  it('keeps logs Datadog indexes after a sync has passed their time (2 and 10 minutes late), with the default config', async () => {
    await h.sync({ streams: ['logs'], start_date: start });
    const bookmark = (await h.destination.readBookmark('logs'))!.cursor;
    const now = Date.now();
    const late = [...h.simulator.world.addLogs(1, now - 2 * MINUTE, now - 2 * MINUTE + 1), ...h.simulator.world.addLogs(1, now - 10 * MINUTE, now - 10 * MINUTE + 1)];
    // Both are older than the bookmark: a sync that only read forward from it would never see them.
    expect(now - 2 * MINUTE).toBeLessThan(bookmark);
    expect(await tableIds(h.destination, 'logs')).not.toEqual(expect.arrayContaining(late));
    await h.sync({ streams: ['logs'], start_date: start });
    const ids = await tableIds(h.destination, 'logs');
    expect(ids).toEqual(expect.arrayContaining(late));
    expect(ids).toEqual(h.simulator.world.groundTruth('logs'));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps both Datadog keys out of the workflow history', async () => {
    const workflowId = `secrets-${Date.now()}`;
    await h.sync({ streams: ['dashboards', 'logs'], start_date: start, lag: '0s' }, workflowId);
    for (const id of [workflowId, `${workflowId}/logs`, `${workflowId}/dashboards`]) {
      const history = JSON.stringify(await env.client.workflow.getHandle(id).fetchHistory());
      expect(history.length).toBeGreaterThan(1000);
      // Payloads are base64-encoded JSON: look for the keys in both forms.
      for (const key of [SIMULATOR_KEYS.apiKey, SIMULATOR_KEYS.appKey]) {
        expect(history).not.toContain(key);
        expect(history).not.toContain(Buffer.from(key).toString('base64').slice(0, 16));
      }
    }
  });
});
