import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { SIMULATOR_KEYS } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import { harness, tableIds, type Harness } from './helpers/retriever';
import { startDevServer, workflowBundle } from './helpers/temporal';

const DAY = 86_400_000;
const LOGS = '/api/v2/logs/events';

type Corruption = (body: string) => { status?: number; type?: string; body: string };

/** Ways an API answers garbage with a 200, each applied to one logs response in turn. */
const CORRUPTIONS: Record<string, Corruption> = {
  html: () => ({ type: 'text/html', body: '<html><body>Service temporarily unavailable</body></html>' }),
  truncated: (body) => ({ body: body.slice(0, Math.floor(body.length / 2)) }),
  'record not an object': (body) => withData(body, (data) => ['oops', ...data.slice(1)]),
  // On the fourth and second record, or the last of a shorter page (a window's last page may hold a few).
  'missing id': (body) => withData(body, (data) => data.map((r, i) => (i === Math.min(3, data.length - 1) ? { ...r, id: undefined } : r))),
  'id of the wrong type': (body) => withData(body, (data) => data.map((r, i) => (i === Math.min(1, data.length - 1) ? { ...r, id: { nested: true } } : r))),
};

function withData(body: string, change: (data: Record<string, unknown>[]) => unknown[]): { body: string } {
  const parsed = JSON.parse(body);
  return { body: JSON.stringify({ ...parsed, data: change(parsed.data) }) };
}

/** A proxy in front of the simulator that spoils chosen responses. */
async function corruptingProxy(target: string, plan: (Corruption | undefined)[]): Promise<{ url: string; close: () => Promise<void> }> {
  let logsSeen = 0;
  const server: Server = createServer(async (req, res) => {
    const upstream = await fetch(`${target}${req.url}`, { headers: req.headers as Record<string, string> });
    let body = await upstream.text();
    let status = upstream.status;
    let type = upstream.headers.get('content-type') ?? 'application/json';
    // Only pages with records are spoiled: a window's empty last page has no record to spoil.
    const withRecords = req.url!.startsWith(LOGS) && upstream.ok && (JSON.parse(body) as { data?: unknown[] }).data?.length;
    const corruption = withRecords ? plan[logsSeen++] : undefined;
    if (corruption) ({ body, status = status, type = type } = corruption(body));
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('garbage from the API', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const now = Date.now();
  const start = new Date(now - DAY).toISOString();

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, { seed: 41, logs: { count: 1_000, from: now - DAY, to: now - 60_000 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  async function syncThrough(proxyUrl: string, workflowId: string) {
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue: h.taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: proxyUrl,
      destination: h.destination,
      workflowBundle: await workflowBundle(),
      fetchRetry: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      return await worker.runUntil(
        env.client.workflow.execute(datadogSync, { taskQueue: h.taskQueue, workflowId, args: [{ streams: ['logs'], start_date: start, lag: '0s', max_records_per_request: 100 }] }),
      );
    } finally {
      await close();
    }
  }

  it('fails each spoiled page clearly, retries it, commits none of it, and ends exact', async () => {
    const kinds = Object.keys(CORRUPTIONS);
    // A clean answer after each spoiled one: the retry succeeds and the next page meets the next spoilage.
    const proxy = await corruptingProxy(h.simulator.url, Object.values(CORRUPTIONS).flatMap((c) => [c, undefined]));
    const workflowId = `garbage-${Date.now()}`;
    try {
      const result = await syncThrough(proxy.url, workflowId);
      expect(result.status).toBe('completed');
    } finally {
      await proxy.close();
    }
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
    const [nulls] = await h.destination.query(`SELECT count(*) AS n FROM logs WHERE id IS NULL OR id LIKE '%object%'`);
    expect(Number(nulls.n)).toBe(0);

    // Each spoiled attempt left its reason in history (the failure before the retry that worked).
    const history = await env.client.workflow.getHandle(`${workflowId}/logs`).fetchHistory();
    const reasons = history.events!.map((e) => e.activityTaskStartedEventAttributes?.lastFailure?.message).filter((m): m is string => Boolean(m));
    expect(reasons).toHaveLength(kinds.length);
    expect(reasons.join('\n')).toMatch(/page 1: .*not valid JSON.*<html>/);
    expect(reasons.join('\n')).toMatch(/record 0 is a string, not an object/);
    expect(reasons.join('\n')).toMatch(/record \d+ has no "id"/);
    expect(reasons.join('\n')).toMatch(/record \d+ has an object as "id", not a string or number/);
    for (const reason of reasons) expect(reason).toMatch(/^logs · \S+→\S+ · page \d+: /);
  });

  it('refuses a 50 MB page without retrying it, says what to do, and the same worker goes on serving syncs', async () => {
    const huge: Corruption = (body) => withData(body, (data) => data.map((r, i) => (i === 0 ? { ...r, attributes: { message: 'x'.repeat(50 * 1024 * 1024) } } : r)));
    // New logs, so the page that gets spoiled has records in it.
    const bookmark = (await h.destination.readBookmark('logs'))!.cursor;
    while (Date.now() < bookmark + 1_000) await new Promise((r) => setTimeout(r, 50));
    h.simulator.world.addLogs(20, bookmark, Date.now());
    const proxy = await corruptingProxy(h.simulator.url, [huge]);
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue: h.taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: proxy.url,
      destination: h.destination,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const sync = (workflowId: string) =>
      env.client.workflow.execute(datadogSync, { taskQueue: h.taskQueue, workflowId, args: [{ streams: ['logs'], start_date: start, lag: '0s', lookback: '0s' }] });
    const before = h.simulator.requests.filter((r) => r.path === LOGS).length;
    try {
      const error = await sync(`huge-${Date.now()}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const message = String((error as WorkflowFailedError).cause?.message);
      expect(message).toContain('response body is over');
      expect(message).toContain('lower max_records_per_request');
      expect(h.simulator.requests.filter((r) => r.path === LOGS).length - before).toBe(1); // not retried
      expect(worker.getState()).toBe('RUNNING');
      // The proxy spoils only that one answer: the next sync on the same worker reads the new logs.
      expect((await sync(`after-huge-${Date.now()}`)).streams[0]).toMatchObject({ status: 'completed', records: 20 });
    } finally {
      worker.shutdown();
      await running;
      await close();
      await proxy.close();
    }
    expect(await tableIds(h.destination, 'logs')).toEqual(h.simulator.world.groundTruth('logs'));
  });
});
