/**
 * The row capabilities the infrastructure, synthetics and logs-configuration streams brought:
 * paging backwards in time, filtering parents by a field (and a path per parent type), ordered
 * lists as one row per position, and zone-less times read as UTC.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseSyncRequest, streamSearch } from '../src/config/request';
import { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import { extractRecords } from '../src/datadog/page';
import { readChildPage } from '../src/datadog/pages';
import { effectivePageSize, nextPageState, pageParams } from '../src/datadog/pagination';
import { buildPageRequest, parentPath } from '../src/datadog/request';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import type { Pagination, StreamDef } from '../src/datadog/streams/types';
import { columnsFor } from '../src/destinations/table-model';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';
import { RateLimiter } from '../src/simulator/rate-limits';
import { fewestShardedPages } from '../src/simulator/routes/infra';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const backward: Pagination = { kind: 'backward_time', toParam: 'to_ts', nextToPath: 'last_timestamp_fetched', cap: 150, nextToResolutionMs: 1000 };

/**
 * Evaluates `expression` (TypeScript, with `parseTime` and `toRow` in scope) in a Node process whose
 * time zone is `zone`, where `Date.parse` of a zone-less time is not UTC. (Jest's `process.env` is
 * its own copy: setting TZ there does not reach the clock.)
 */
function inTimeZone(zone: string, expression: string): unknown {
  const script = `const { parseTime } = require('./src/datadog/request'); const { toRow } = require('./src/destinations/rows'); process.stdout.write(JSON.stringify(${expression}));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: join(__dirname, '..'), env: { ...process.env, TZ: zone } });
  return JSON.parse(out.toString());
}

describe('paging backwards in time (newest first, 150 a call)', () => {
  const full = (reached: number) => ({ last_timestamp_fetched: reached, results: [] });

  it('keeps the window\'s upper bound on the first call, then reaches back to the end of the second Datadog stopped at', () => {
    expect(pageParams(backward, {}, 150)).toEqual({});
    const next = nextPageState(backward, {}, full(1_657_814_887_000), 150, 150);
    // Datadog cut the oldest result's 1657814887021 to the second: results of that second before .021 are still to come.
    expect(next).toEqual({ to: 1_657_814_887_999 });
    expect(pageParams(backward, next!, 150)).toEqual({ to_ts: 1_657_814_887_999 });
    const request = buildPageRequest(getStream('synthetic_results'), { window: { from: 0, to: 1_657_900_000_000 }, page: next!, pageSize: 150, pathParams: { public_id: 'abc-def-ghi' } });
    expect(request.query).toEqual({ from_ts: '0', to_ts: '1657814887999' });
  });

  it('ends on a call with fewer than 150, whatever the page size the config asks for', () => {
    expect(nextPageState(backward, { to: 5_000 }, full(1_000), 149, 150)).toBeNull();
    expect(nextPageState(backward, {}, { results: [] }, 0, 150)).toBeNull();
    expect(effectivePageSize(backward, 40)).toBe(150);
  });

  it('refuses to go on when the bound does not move back (more than 150 in one second), or is missing', () => {
    const stuck = () => nextPageState(backward, { to: 1_657_814_887_999 }, full(1_657_814_887_000), 150, 150);
    expect(stuck).toThrow(DatadogApiError);
    expect(stuck).toThrow(/more than 150 records up to 2022-07-14T16:08:07.999Z/);
    expect(() => nextPageState(backward, {}, { results: [] }, 150, 150)).toThrow(/no "last_timestamp_fetched"/);
  });
});

describe('a dependent stream filtering its parents, one path per parent type', () => {
  const def = getStream('synthetic_results');
  const tests = {
    api: { public_id: 'aaa-bbb-ccc', type: 'api' },
    browser: { public_id: 'ddd-eee-fff', type: 'browser' },
    mobile: { public_id: 'ggg-hhh-iii', type: 'mobile' },
    network: { public_id: 'jjj-kkk-lll', type: 'network' },
  };

  it('reads API tests at the row\'s path, browser tests at theirs, and passes mobile and network tests over', () => {
    expect(parentPath(def, tests.api)).toBe('/api/v1/synthetics/tests/{public_id}/results');
    expect(parentPath(def, tests.browser)).toBe('/api/v1/synthetics/tests/browser/{public_id}/results');
    expect(parentPath(def, tests.mobile)).toBeNull();
    expect(parentPath(def, tests.network)).toBeNull();
    expect(parentPath(def, { public_id: 'x' })).toBeNull();
    expect(parentPath(getStream('slo_history'), { id: 'x' })).toBe('/api/v1/slo/{slo_id}/history');
  });

  it('walks each parent\'s own pages, and says which parents it passed over', async () => {
    const sent: { path: string; query: Record<string, string> }[] = [];
    const answers: Record<string, unknown[]> = {
      '/api/v1/synthetics/tests/aaa-bbb-ccc/results': [
        { last_timestamp_fetched: 2_000_000, results: Array.from({ length: 150 }, (_, i) => ({ result_id: `a${i}`, check_time: 2_000_999 + 150 - i })) },
        { last_timestamp_fetched: 1_000_000, results: [{ result_id: 'a150', check_time: 1_500_000 }] },
      ],
      '/api/v1/synthetics/tests/browser/ddd-eee-fff/results': [{ last_timestamp_fetched: 1_000_000, results: [{ result_id: 'b0', check_time: 1_200_000 }] }],
    };
    const send = async (request: { path: string; query: Record<string, string> }) => {
      sent.push(request);
      const body = request.path === '/api/v1/synthetics/tests' ? { tests: Object.values(tests) } : answers[request.path].shift();
      return { status: 200, body, bytes: 1 };
    };
    const read = await readChildPage(send as never, def, { window: { from: 1_000_000, to: 3_000_000 }, page: {}, pageSize: 5 });
    expect(sent.map((r) => `${r.path} ${r.query.to_ts ?? ''}`)).toEqual([
      '/api/v1/synthetics/tests ',
      '/api/v1/synthetics/tests/aaa-bbb-ccc/results 3000000',
      '/api/v1/synthetics/tests/aaa-bbb-ccc/results 2000999',
      '/api/v1/synthetics/tests/browser/ddd-eee-fff/results 3000000',
    ]);
    expect(read.records).toHaveLength(152);
    expect(read.records[0]).toMatchObject({ id: 'aaa-bbb-ccc:a0', public_id: 'aaa-bbb-ccc' });
    expect(read.records[151]).toMatchObject({ id: 'ddd-eee-fff:b0', public_id: 'ddd-eee-fff' });
    expect(read.parentsPassedOver).toEqual([
      { id: 'ggg-hhh-iii', value: 'mobile' },
      { id: 'jjj-kkk-lll', value: 'network' },
    ]);
    // Four tests on a page of five: the parents' list is at its end.
    expect(read.nextPage).toBeNull();
  });

  describe('against the simulator', () => {
    let simulator: Simulator;
    let client: DatadogClient;
    beforeAll(async () => {
      simulator = await startSimulator({ seed: 21, counts: { synthetic_tests: 8 } });
      client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
    });
    afterAll(async () => {
      await client?.close();
      await simulator?.close();
    });

    it('reads every result of every API and browser test in the window, nothing twice, none lost at the seconds Datadog cuts to', async () => {
      const now = simulator.world.clock();
      const window = { from: now - 2 * DAY, to: now - HOUR };
      const ids: string[] = [];
      let page: Parameters<typeof readChildPage>[2]['page'] | null = {};
      while (page) {
        const read = await readChildPage((request, options) => client.send(request, options), def, { window, page, pageSize: 5 });
        ids.push(...read.records.map((r) => String(r.id)));
        page = read.nextPage;
      }
      const truth = simulator.world.groundTruth('synthetic_results', window);
      expect(new Set(ids).size).toBe(truth.length);
      expect([...new Set(ids)].sort()).toEqual(truth);
      // Some tests took several calls, and some call reached back into a second it had partly read.
      const calls = simulator.requests.filter((r) => r.path.endsWith('/results'));
      expect(calls.filter((r) => r.query.to_ts !== String(window.to)).length).toBeGreaterThan(3);
      expect(ids.length).toBeGreaterThan(new Set(ids).size);
      expect(calls.some((r) => r.path.includes('/browser/'))).toBe(true);
    });
  });
});

describe('an ordered list as one row per position', () => {
  const order = getStream('logs_index_order');

  it('makes each name a row keyed by its position', () => {
    expect(extractRecords(order, { index_names: ['main', 'payments', 'web'] })).toEqual([
      { position: 0, index_name: 'main' },
      { position: 1, index_name: 'payments' },
      { position: 2, index_name: 'web' },
    ]);
    expect(extractRecords(getStream('logs_pipeline_order'), { pipeline_ids: ['tags'] })).toEqual([{ position: 0, pipeline_id: 'tags' }]);
    expect(extractRecords(order, { index_names: [] })).toEqual([]);
    expect(columnsFor(tableSpec(order)).map((c) => [c.name, c.type])).toEqual([
      ['position', 'integer'],
      ['index_name', 'string'],
    ]);
  });

  it('refuses a body that is not an ordered list of names', () => {
    expect(() => extractRecords(order, {})).toThrow(/expected an array at "index_names", got nothing/);
    expect(() => extractRecords(order, { index_names: ['main', { name: 'web' }] })).toThrow(/position 1 is an object, not a name or id/);
  });
});

describe('zone-less times are UTC', () => {
  it('reads a record time without a zone as UTC, whatever the worker\'s time zone', () => {
    const times = ['2022-04-11T15:49:04', '2022-04-11 15:49:04.250', '2022-04-11T15:49:04+02:00', '2022-04-11T15:49:04Z'];
    expect(inTimeZone('America/New_York', `${JSON.stringify(times)}.map((t) => parseTime(t, 'iso'))`)).toEqual([
      Date.UTC(2022, 3, 11, 15, 49, 4),
      Date.UTC(2022, 3, 11, 15, 49, 4, 250),
      Date.UTC(2022, 3, 11, 13, 49, 4),
      Date.UTC(2022, 3, 11, 15, 49, 4),
    ]);
  });

  it('stores the zone-less times of processes and containers as UTC timestamps', () => {
    const processes = tableSpec(getStream('processes'));
    const columns = columnsFor(processes);
    const typed = (name: string) => columns.find((c) => c.name === name)?.type;
    expect([typed('timestamp'), typed('start'), typed('cmdline')]).toEqual(['timestamp', 'timestamp', 'string']);
    expect(columnsFor(tableSpec(getStream('containers'))).filter((c) => c.type === 'timestamp').map((c) => c.name)).toEqual(['created_at', 'started_at']);
    const record = { id: 'p1', type: 'process', attributes: { timestamp: '2022-04-11T15:49:04', start: '2021-02-04T11:51:47', cmdline: 'sshd' } };
    const cells = inTimeZone('Asia/Tokyo', `toRow(${JSON.stringify(columns)}, ${JSON.stringify(record)}).cells`) as unknown[];
    expect(cells[columns.findIndex((c) => c.name === 'timestamp')]).toBe('2022-04-11T15:49:04.000Z');
    expect(cells[columns.findIndex((c) => c.name === 'start')]).toBe('2021-02-04T11:51:47.000Z');
  });
});

describe('fields the spec names differently from what Datadog sends', () => {
  it('gives monitor notification rules columns for the recorded created_at and modified_at', () => {
    const def: StreamDef = getStream('monitor_notification_rules');
    const columns = columnsFor(tableSpec(def));
    expect(columns.filter((c) => ['created_at', 'modified_at', 'created', 'modified'].includes(c.name)).map((c) => [c.name, c.source, c.type])).toEqual([
      ['created', 'attributes.created', 'timestamp'],
      ['modified', 'attributes.modified', 'timestamp'],
      ['created_at', 'attributes.created_at', 'timestamp'],
      ['modified_at', 'attributes.modified_at', 'timestamp'],
    ]);
  });
});

describe('lists paged by shard', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 23 });
  });
  afterAll(async () => simulator?.close());

  /** Requests a client needs paging `path` at 10,000 a page, following `next` until an empty page. */
  async function requestsToPage(path: string, query: Record<string, string>, next: (body: { meta?: Record<string, Record<string, string>> }) => string | undefined): Promise<number> {
    let requests = 0;
    for (let cursor: string | undefined; ; ) {
      const url = new URL(path, simulator.url);
      for (const [k, v] of Object.entries({ ...query, ...(cursor ? { 'page[cursor]': cursor } : {}) })) url.searchParams.set(k, v);
      const response = await fetch(url, { headers: { 'DD-API-KEY': SIMULATOR_KEYS.apiKey, 'DD-APPLICATION-KEY': SIMULATOR_KEYS.appKey } });
      requests++;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: unknown[]; meta?: Record<string, Record<string, string>> };
      if (body.data.length === 0) return requests;
      cursor = next(body);
    }
  }

  it('allow no fewer requests than the benchmark bound counts: a page per shard at the largest size, and the empty page after', async () => {
    const now = simulator.world.clock();
    const window = { from: Math.floor((now - DAY) / 1000) * 1000, to: Math.floor(now / 1000) * 1000 };
    const containers = await requestsToPage('/api/v2/containers', { 'page[size]': '10000' }, (b) => b.meta?.pagination?.next_cursor);
    const processes = await requestsToPage('/api/v2/processes', { 'page[limit]': '10000', from: String(window.from / 1000), to: String(window.to / 1000) }, (b) => b.meta?.page?.after);
    expect(containers).toBe(fewestShardedPages(simulator.world, 'containers', window));
    expect(processes).toBe(fewestShardedPages(simulator.world, 'processes', window));
    // Far more than the records alone need at that size (one page and the empty one).
    expect(Math.min(containers, processes)).toBeGreaterThan(2);
    expect(fewestShardedPages(simulator.world, 'logs', window)).toBeUndefined();
  });
});

describe('processes, read by window', () => {
  it('sends the window in epoch seconds and the stream\'s query as `search`', () => {
    const request = parseSyncRequest({ stream_options: { processes: { query: 'nginx' } } }, Date.now());
    const built = buildPageRequest(getStream('processes'), { window: { from: 1_650_000_000_500, to: 1_650_003_600_000 }, page: {}, pageSize: 1000, query: streamSearch(request, 'processes') });
    expect(built.query).toEqual({ from: '1650000000', to: '1650003600', search: 'nginx', 'page[limit]': '1000' });
  });
});

describe('rate-limit buckets of paths with placeholders', () => {
  it('counts each test\'s results against the synthetics bucket', () => {
    const limiter = new RateLimiter();
    expect(limiter.bucketFor('/api/v1/synthetics/tests/abc-def-ghi/results')).toBe('synthetics');
    expect(limiter.bucketFor('/api/v1/synthetics/tests/browser/abc-def-ghi/results')).toBe('synthetics');
    // A placeholder stands for one segment, and only where the template has it.
    expect(limiter.bucketFor('/api/v1/synthetics/tests/abc-def-ghi')).toBe('api');
    expect(limiter.bucketFor('/api/v1/synthetics/tests/abc-def-ghi/results/extra')).toBe('api');
    expect(limiter.bucketFor('/api/v2/logs/config/archives')).toBe('logs_config');
  });
});
