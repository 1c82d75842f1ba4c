/**
 * The infrastructure, synthetic-results, SLO-correction, logs-configuration and monitor-configuration
 * streams, synced end to end from the simulator on a real Temporal dev server into DuckDB: a first
 * run, a second run after late and new records (exact, nothing twice, the orders rewritten), and
 * streams the application key may not read skipped with the permission named.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_LOOKBACK, type SyncRequestInput } from '../src/config/request';
import { parseDuration } from '../src/config/duration';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import { keyColumn } from '../src/destinations/table-model';
import { PROCESS_TICK_MS } from '../src/simulator/datasets/infra';
import { unreadableReason } from '../src/shared/unreadable';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FULL_REFRESH = [
  'containers',
  'container_images',
  'slo_corrections',
  'logs_indexes',
  'logs_index_order',
  'logs_pipelines',
  'logs_pipeline_order',
  'logs_archives',
  'logs_metrics',
  'logs_custom_destinations',
  'monitor_notification_rules',
  'monitor_config_policies',
];
const INCREMENTAL = ['processes', 'synthetic_results'];
const FAMILY = [...FULL_REFRESH, ...INCREMENTAL];

/** The primary keys a table holds, as sorted strings; and how many rows it has. */
async function keys(destination: DuckDbDestination, stream: string): Promise<string[]> {
  const column = keyColumn(tableSpec(getStream(stream))).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${stream}"`);
  return rows.map((r) => String(r.k)).sort();
}

describe('infrastructure, synthetic results, SLO corrections, logs and monitor configuration, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const anchor = Math.floor(Date.now() / HOUR) * HOUR;
  const start = anchor - 2 * DAY - 5 * HOUR;
  const firstEnd = anchor - 14 * HOUR;
  const secondEnd = anchor;
  const lookback = parseDuration(DEFAULT_LOOKBACK);
  const request = (end: number, streams = FAMILY): SyncRequestInput => ({
    start_date: new Date(start).toISOString(),
    end_date: new Date(end).toISOString(),
    lag: '0s',
    window_size: '1d',
    // Small pages, so every paged list turns several (synthetic results come 150 a call whatever this says).
    max_records_per_request: 10,
    streams,
  });

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, {
      seed: 17,
      logs: { count: 10, from: anchor - DAY, to: Date.now() },
      // API, browser, mobile and network tests (5, 3, 1, 1).
      counts: { synthetic_tests: 10, service_level_objectives: 5 },
      infra: { containers: 45, container_images: 25, processes: 160, slo_corrections: 23, monitor_notification_rules: 26, logs_pipelines: 7 },
    });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const world = () => h.simulator.world;

  it('copies every stream as the simulator holds it, reading results backwards and passing over tests without results', async () => {
    const result = await h.sync(request(firstEnd));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    // synthetic_results reads the tests from synthetic_tests' table: selecting it syncs that too.
    expect(result.streams.map((s) => [s.stream, s.status]).sort()).toEqual([...FAMILY, 'synthetic_tests'].map((s) => [s, 'completed']).sort());
    for (const stream of FULL_REFRESH) {
      const expected = world().groundTruth(stream);
      expect(expected.length).toBeGreaterThan(0);
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: expected });
    }
    for (const stream of INCREMENTAL) {
      const expected = world().groundTruth(stream, { from: start, to: firstEnd });
      expect(expected.length).toBeGreaterThan(0);
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: expected });
      expect(await h.destination.readBookmark(stream)).toMatchObject({ cursor: firstEnd });
    }

    const ok = h.simulator.requests.filter((r) => r.status === 200);
    // Every paged list went past its first page; the containers and processes lists ended on an empty page.
    for (const path of ['/api/v2/containers', '/api/v2/container_images', '/api/v2/processes', '/api/v1/slo/correction', '/api/v2/monitor/notification_rule']) {
      expect({ path, pages: ok.filter((r) => r.path === path).length > 2 }).toEqual({ path, pages: true });
    }
    // Results were read per API and browser test, some of them backwards past a first call of 150.
    const tests = world().syntheticTests;
    const resultCalls = ok.filter((r) => r.path.endsWith('/results'));
    const readTests = new Set(resultCalls.map((r) => r.path.split('/').slice(-2)[0]));
    expect([...readTests].sort()).toEqual(tests.filter((t) => t.type === 'api' || t.type === 'browser').map((t) => String(t.public_id)).sort());
    expect(resultCalls.filter((r) => r.path.includes('/browser/')).length).toBeGreaterThan(0);
    const windowEnds = new Set([String(firstEnd), ...resultCalls.map((r) => r.query.to_ts).filter((to) => Number(to) % DAY === 0)]);
    expect(resultCalls.filter((r) => !windowEnds.has(r.query.to_ts)).length).toBeGreaterThan(5);
    expect(h.simulator.requests.filter((r) => r.status === 404)).toEqual([]);
  });

  it('stores values, not just keys: UTC times from zone-less ones, the order of indexes, the recorded rule times', async () => {
    // A process still running: its row says when it was last seen before the run's end, as a UTC timestamp.
    const running = world().infra.processes.find((p) => p.end === Infinity)!;
    const [row] = await h.destination.query(`SELECT "timestamp", "start", cmdline FROM processes WHERE id = '${running.id}'`);
    expect(new Date(String(row.timestamp)).getTime()).toBe(Math.floor((firstEnd - 1) / PROCESS_TICK_MS) * PROCESS_TICK_MS);
    expect(new Date(String(row.start)).getTime()).toBe(Math.floor(running.start / 1000) * 1000);
    expect(row.cmdline).toBe(running.cmdline);
    const container = world().infra.liveContainers()[0] as { id: string; attributes: { started_at: string } };
    const [stored] = await h.destination.query(`SELECT started_at FROM containers WHERE id = '${container.id}'`);
    expect(new Date(String(stored.started_at)).toISOString()).toBe(`${container.attributes.started_at}.000Z`);

    const order = await h.destination.query('SELECT position, index_name FROM logs_index_order ORDER BY position');
    expect(order.map((r) => r.index_name)).toEqual(world().infra.indexOrder);
    const pipelines = await h.destination.query('SELECT position, pipeline_id FROM logs_pipeline_order ORDER BY position');
    expect(pipelines.map((r) => r.pipeline_id)).toEqual(world().infra.pipelineOrder);

    // Notification rules: Datadog's created_at/modified_at are columns; the spec's created/modified stay empty.
    const [rules] = await h.destination.query('SELECT count(created_at) AS with_at, count(created) AS with_spec_name, count(*) AS n FROM monitor_notification_rules');
    expect(Number(rules.with_at)).toBe(Number(rules.n));
    expect(Number(rules.with_spec_name)).toBe(0);

    // Browser results keep their own shape; every result names its test.
    const browser = world().syntheticTests.find((t) => t.type === 'browser')!;
    const [result] = await h.destination.query(`SELECT public_id, result, result_id FROM synthetic_results WHERE public_id = '${browser.public_id}' LIMIT 1`);
    expect(JSON.parse(String(result.result))).toHaveProperty('device.id');
    const [orphans] = await h.destination.query('SELECT count(*) AS n FROM synthetic_results WHERE public_id IS NULL');
    expect(Number(orphans.n)).toBe(0);
  });

  it('on the next run reads late and new records, duplicates nothing, and rewrites the orders', async () => {
    // Indexed late: seen before the first run's end, within the lookback it re-reads.
    const lateProcesses = world().infra.addProcesses(6, firstEnd - 25 * MINUTE, firstEnd - 5 * MINUTE);
    const lateResults = world().infra.addSyntheticResults(9, firstEnd - 25 * MINUTE, firstEnd - 2 * MINUTE);
    // The index order loses its last index and is reversed; the pipeline order gains nothing but moves.
    world().infra.indexOrder = world().infra.indexOrder.slice(0, -1).reverse();
    world().infra.pipelineOrder = [...world().infra.pipelineOrder.slice(1), world().infra.pipelineOrder[0]];
    const before = h.simulator.requests.length;

    const result = await h.sync(request(secondEnd));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    for (const stream of INCREMENTAL) {
      const expected = world().groundTruth(stream, { from: start, to: secondEnd });
      const held = await keys(h.destination, stream);
      expect({ stream, keys: held }).toEqual({ stream, keys: expected });
      expect(await h.destination.readBookmark(stream)).toMatchObject({ cursor: secondEnd });
    }
    expect(await keys(h.destination, 'processes')).toEqual(expect.arrayContaining(lateProcesses));
    expect(await keys(h.destination, 'synthetic_results')).toEqual(expect.arrayContaining(lateResults));
    // New records: results and processes seen after the first run's end.
    const [fresh] = await h.destination.query(`SELECT count(*) AS n FROM synthetic_results WHERE check_time > ${firstEnd + HOUR}`);
    expect(Number(fresh.n)).toBeGreaterThan(0);

    for (const stream of FULL_REFRESH) expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: world().groundTruth(stream) });
    const order = await h.destination.query('SELECT position, index_name FROM logs_index_order ORDER BY position');
    expect(order.map((r) => r.index_name)).toEqual(world().infra.indexOrder);
    const pipelines = await h.destination.query('SELECT pipeline_id FROM logs_pipeline_order ORDER BY position');
    expect(pipelines.map((r) => r.pipeline_id)).toEqual(world().infra.pipelineOrder);

    // Each incremental stream went back exactly its lookback before the bookmark, and no further.
    const later = h.simulator.requests.slice(before).filter((r) => r.status === 200);
    const processFroms = later.filter((r) => r.path === '/api/v2/processes').map((r) => Number(r.query.from) * 1000);
    expect(Math.min(...processFroms)).toBe(firstEnd - lookback);
    const resultFroms = later.filter((r) => r.path.endsWith('/results')).map((r) => Number(r.query.from_ts));
    expect(Math.min(...resultFroms)).toBe(firstEnd - lookback);
  });

  describe('with an application key missing some permissions', () => {
    let limited: Harness;

    beforeAll(async () => {
      limited = await harness(env, {
        seed: 18,
        logs: { count: 10, from: anchor - DAY, to: Date.now() },
        counts: { synthetic_tests: 4 },
        forbiddenPermissions: ['logs_read_archives', 'logs_read_config', 'synthetics_read'],
        forbiddenStreams: ['containers'],
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('skips what it may not read, naming the permission, and completes the others', async () => {
      const streams = ['logs_archives', 'logs_indexes', 'logs_custom_destinations', 'synthetic_results', 'containers', 'container_images', 'monitor_config_policies'];
      const result = await limited.sync({ ...request(anchor, streams), start_date: new Date(anchor - DAY).toISOString() });
      expect(result.status).toBe('completed');
      const status = Object.fromEntries(result.streams.map((s) => [s.stream, s.status]));
      expect(status).toEqual({
        logs_archives: 'skipped',
        logs_indexes: 'skipped',
        // Either permission will do, and logs_read_data is still there.
        logs_custom_destinations: 'completed',
        synthetic_results: 'skipped',
        // Brought along as synthetic_results' parent, and refused the same permission.
        synthetic_tests: 'skipped',
        containers: 'skipped',
        container_images: 'completed',
        monitor_config_policies: 'completed',
      });
      for (const [stream, permission] of [['logs_archives', 'logs_read_archives'], ['logs_indexes', 'logs_read_config'], ['synthetic_results', 'synthetics_read']]) {
        const warning = result.warnings.find((w) => w.startsWith(`${stream} skipped`));
        expect(warning).toContain(unreadableReason(403, permission));
      }
      // The spec asks no permission for containers: the refusal says so rather than naming one.
      expect(result.warnings.find((w) => w.startsWith('containers skipped'))).toContain(unreadableReason(403, ''));
      for (const stream of ['logs_custom_destinations', 'container_images', 'monitor_config_policies']) {
        expect({ stream, keys: await keys(limited.destination, stream) }).toEqual({ stream, keys: limited.simulator.world.groundTruth(stream) });
      }
    });
  });
});
