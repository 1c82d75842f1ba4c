/**
 * fetchPage for streams read per record of another stream, or made from its records: parents come
 * from the parent's table, never from listing it again; only changed (or old enough) parents are
 * asked for, the others keep their rows; a retried page asks only for the parents it has not yet
 * written; a parent gone from Datadog is logged and passed over.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFetchPageActivities } from '../src/activities/fetch-page';
import { parseSyncRequest } from '../src/config/request';
import { DatadogClient } from '../src/datadog/client';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import type { JsonRecord } from '../src/shared/json';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator';
import type { FetchPageInput, PageState, PageSummary } from '../src/workflows/types';
import { writeRecords } from './helpers/destinations';

const DAY = 86_400_000;

describe('pages of dependent and derived streams', () => {
  let simulator: Simulator;
  let client: DatadogClient;
  let destination: DuckDbDestination;
  let now = Date.now();
  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 21,
      dashboards: 23,
      counts: { metrics: 30, users: 12, roles: 4 },
    });
    client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
  });
  beforeEach(async () => {
    destination = await DuckDbDestination.open(':memory:');
  });
  afterEach(async () => {
    await destination.close();
  });
  afterAll(async () => {
    await client.close();
    await simulator.close();
  });

  const activities = () => createFetchPageActivities({ datadog: () => client, destination, now: () => now, fetchRetry: { maxFailedAttempts: 3 } });
  const input = (stream: string, page: PageState, pageSize: number, extra: Partial<FetchPageInput> = {}): FetchPageInput => ({
    syncId: extra.syncId ?? 'sync-1',
    stream,
    site: 'datadoghq.com',
    page,
    pageSize,
    pageNumber: 1,
    ...extra,
  });
  /** Every page of a stream, as streamSync walks them. */
  async function readAll(stream: string, pageSize: number, extra: Partial<FetchPageInput> = {}): Promise<PageSummary[]> {
    const { fetchPage } = activities();
    const pages: PageSummary[] = [];
    let page: PageState | null = {};
    while (page) {
      const summary: PageSummary = await new MockActivityEnvironment().run(fetchPage, input(stream, page, pageSize, extra));
      pages.push(summary);
      page = summary.nextPage;
    }
    return pages;
  }
  const sent = (pattern: RegExp) => simulator.requests.filter((r) => pattern.test(r.path));
  const dashboardRecords = () => simulator.world.dashboards.map((d) => ({ ...d }) as unknown as JsonRecord);

  it('read each dashboard once from the stored list, and again only once it has changed', async () => {
    await writeRecords(destination, getStream('dashboards'), dashboardRecords(), 'sync-1');
    const before = simulator.requests.length;
    const pages = await readAll('dashboard_definitions', 10);
    const requests = simulator.requests.slice(before);
    // Parents come from the table: the list is never asked for again, each definition once.
    expect(requests.filter((r) => r.path === '/api/v1/dashboard')).toHaveLength(0);
    expect(requests.map((r) => r.path).sort()).toEqual(simulator.world.dashboards.map((d) => `/api/v1/dashboard/${d.id}`).sort());
    expect(pages.map((p) => p.recordCount)).toEqual([10, 10, 3]);

    // The next run: two dashboards changed since, and the refresh of `dashboards` stored that.
    const changed = simulator.world.dashboards.slice(4, 6);
    for (const d of changed) d.modified_at = new Date(now).toISOString();
    await writeRecords(destination, getStream('dashboards'), dashboardRecords(), 'sync-2');
    const second = simulator.requests.length;
    await readAll('dashboard_definitions', 10, { syncId: 'sync-2' });
    expect(simulator.requests.slice(second).map((r) => r.path).sort()).toEqual(changed.map((d) => `/api/v1/dashboard/${d.id}`).sort());
    // Unchanged definitions were kept for this sync, so the end of its full refresh removes none of them.
    expect(await destination.removeRowsNotIn(tableSpec(getStream('dashboard_definitions')), 'sync-2')).toBe(0);
    const stored = await destination.query('SELECT id, modified_at FROM dashboard_definitions ORDER BY id');
    expect(stored).toHaveLength(23);
    const [row] = await destination.query('SELECT _raw FROM dashboard_definitions WHERE id = $1', [changed[0].id]);
    expect(JSON.parse(String(row._raw)).modified_at).toBe(changed[0].modified_at);
  });

  it('pass over a dashboard deleted since it was listed, and write the others', async () => {
    const ghost = { ...simulator.world.dashboards[0], id: 'gone-gon-gon' } as unknown as JsonRecord;
    await writeRecords(destination, getStream('dashboards'), [...dashboardRecords().slice(0, 4), ghost], 'sync-1');
    const pages = await readAll('dashboard_definitions', 10);
    expect(pages.map((p) => p.recordCount)).toEqual([4]);
    const ids = await destination.query('SELECT id FROM dashboard_definitions');
    expect(ids.map((r) => r.id)).not.toContain('gone-gon-gon');
  });

  it('retry only the parents a failed page has not written', async () => {
    await writeRecords(destination, getStream('dashboards'), dashboardRecords(), 'sync-1');
    const batch = await destination.readRows(tableSpec(getStream('dashboards')), { limit: 10 });
    // The same organisation, where the seventh dashboard of the page answers a 5xx every time.
    const failing = `/api/v1/dashboard/${batch[6].key}`;
    const faulty = await startSimulator({ seed: 21, dashboards: 23, counts: { metrics: 30, users: 12, roles: 4 }, faults: { rates: { server_error: 1 }, paths: [failing] } });
    const faultyClient = new DatadogClient({ baseUrl: faulty.url, credentials: SIMULATOR_KEYS });
    try {
      const { fetchPage } = createFetchPageActivities({ datadog: () => faultyClient, destination, now: () => now });
      const first = new MockActivityEnvironment({ attempt: 1 });
      const beats: unknown[] = [];
      first.on('heartbeat', (details: unknown) => beats.push(details));
      await expect(first.run(fetchPage, input('dashboard_definitions', {}, 10))).rejects.toThrow(/HTTP 50\d/);
      expect(faulty.requests.map((r) => r.path)).toEqual(batch.slice(0, 7).map((r) => `/api/v1/dashboard/${r.key}`));
      // What the next attempt finds: the six written before the failure.
      const last = beats[beats.length - 1] as { parentsDone: string[] };
      expect(last.parentsDone.sort()).toEqual(batch.slice(0, 6).map((r) => r.key).sort());

      const retried = faulty.requests.length;
      await expect(new MockActivityEnvironment({ attempt: 2, heartbeatDetails: last }).run(fetchPage, input('dashboard_definitions', {}, 10))).rejects.toThrow(/HTTP 50\d/);
      expect(faulty.requests.slice(retried).map((r) => r.path)).toEqual([failing]);
      const written = await destination.query('SELECT count(*) AS n FROM dashboard_definitions');
      expect(Number(written[0].n)).toBe(6);
    } finally {
      await faultyClient.close();
      await faulty.close();
    }
  });

  it('read a metric’s metadata when it first appears, then not again until what was read is old enough', async () => {
    const metrics = simulator.world.activeMetrics(30 * 86_400) as JsonRecord[];
    await writeRecords(destination, getStream('metrics'), metrics, 'sync-1');
    const count = () => sent(/^\/api\/v1\/metrics\/[^/]+$/).length;
    const start = count();
    await readAll('metric_metadata', 25);
    expect(count() - start).toBe(metrics.length);
    // A day later, with the row's default of 7 days: nothing is read again, and every row is kept.
    now += DAY;
    let mark = count();
    await readAll('metric_metadata', 25, { syncId: 'sync-2', refreshMs: 7 * DAY });
    expect(count() - mark).toBe(0);
    expect(await destination.removeRowsNotIn(tableSpec(getStream('metric_metadata')), 'sync-2')).toBe(0);
    // A new metric is read at once; a day later still, with `refresh: 1d`, every one is read again.
    await writeRecords(destination, getStream('metrics'), [{ id: 'custom.web.brandnew', type: 'metrics' }], 'sync-3');
    simulator.world.metrics.push({ lastReported: now, record: { id: 'custom.web.brandnew', type: 'metrics' } });
    mark = count();
    await readAll('metric_metadata', 25, { syncId: 'sync-3', refreshMs: 7 * DAY });
    expect(sent(/^\/api\/v1\/metrics\/[^/]+$/).slice(mark).map((r) => r.path)).toEqual(['/api/v1/metrics/custom.web.brandnew']);
    now += DAY;
    mark = count();
    await readAll('metric_metadata', 25, { syncId: 'sync-4', refreshMs: DAY });
    expect(count() - mark).toBe(metrics.length + 1);
    const [row] = await destination.query("SELECT metric_name, type FROM metric_metadata WHERE metric_name = 'system.cpu.user'");
    expect(row).toEqual({ metric_name: 'system.cpu.user', type: expect.any(String) });
  });

  it('derive user roles from the stored users without a request', async () => {
    await writeRecords(destination, getStream('users'), simulator.world.users as JsonRecord[], 'sync-1');
    const before = simulator.requests.length;
    const pages = await readAll('user_roles', 5);
    expect(simulator.requests.length).toBe(before);
    expect(pages.length).toBe(3);
    const rows = await destination.query('SELECT id FROM user_roles ORDER BY id');
    expect(rows.map((r) => String(r.id))).toEqual(simulator.world.groundTruth('user_roles'));
  });

  it('take `stream_options.<stream>.refresh` only for streams that have one, and no shorter than a day', () => {
    expect(parseSyncRequest({ stream_options: { metric_metadata: { refresh: '30d' } } }, now).stream_options.metric_metadata.refresh).toBe('30d');
    expect(() => parseSyncRequest({ stream_options: { metric_metadata: { refresh: '1h' } } }, now)).toThrow(/stream_options.metric_metadata.refresh: must be at least 1d/);
    expect(() => parseSyncRequest({ stream_options: { dashboards: { refresh: '2d' } } }, now)).toThrow(/dashboards takes no refresh; only metric_metadata do/);
  });
});
