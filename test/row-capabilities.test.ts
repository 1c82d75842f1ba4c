/**
 * Row capabilities the security, CI, errors/APM and DORA streams need: query parameters on a POST,
 * nanosecond times, rows made of names, JSON:API `included[]` resources, and windows split when a
 * call without paging comes back full.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFetchPageActivities } from '../src/activities/fetch-page';
import { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import { extractRecords } from '../src/datadog/page';
import { pageFromResponse, readPage } from '../src/datadog/pages';
import { buildPageRequest, formatTime, parseTime } from '../src/datadog/request';
import { splitPoint } from '../src/datadog/split';
import { getStream } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import type { Destination, PreparedPage } from '../src/destinations/destination';
import { FAILURE } from '../src/shared/failure-types';
import type { JsonRecord } from '../src/shared/json';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator';
import type { PageSummary } from '../src/workflows/types';

const HOUR = 3_600_000;
const window = { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-03-02T00:00:00Z') };
const response = (body: unknown) => ({ status: 200, body, bytes: 1 });

/** What `run` throws (undefined if nothing). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('query parameters on a POST', () => {
  it('sends the row\'s params in the query string and the window, query and fixed fields in the body', () => {
    const request = buildPageRequest(getStream('error_tracking_issues'), { window, page: {}, pageSize: 0, query: 'service:checkout' });
    expect(request).toEqual({
      method: 'POST',
      path: '/api/v2/error-tracking/issues/search',
      query: { include: 'issue' },
      body: { data: { type: 'search_request', attributes: { query: 'service:checkout', persona: 'ALL', from: window.from, to: window.to } } },
    });
    // Without a query of its own, the required one matches everything.
    expect(buildPageRequest(getStream('error_tracking_issues'), { window, page: {}, pageSize: 0 }).body).toMatchObject({ data: { attributes: { query: '*' } } });
  });

  it('still sends everything of a GET in its query string', () => {
    expect(buildPageRequest(getStream('apm_services'), { page: {}, pageSize: 0 })).toEqual({ method: 'GET', path: '/api/v2/apm/services', query: { 'filter[env]': '*' } });
  });
});

describe('nanosecond times', () => {
  it('writes epoch nanoseconds exactly, beyond 2^53', () => {
    expect(formatTime(1_666_342_754_282, 'ns')).toBe('1666342754282000000');
  });

  it('reads them to the millisecond from a JSON number or a digit string', () => {
    // As JSON.parse reads Datadog's CI events: the last digits are already rounded away.
    expect(parseTime(JSON.parse('1666364356883000320'), 'ns')).toBe(1_666_364_356_883);
    expect(parseTime('1666364356883999999', 'ns')).toBe(1_666_364_356_883);
    expect(parseTime('2022-10-21T15:00:00Z', 'ns')).toBeNaN();
  });
});

describe('rows made of names', () => {
  const services = getStream('apm_services');

  it('makes one row per name', () => {
    const body = { data: { id: 'x', type: 'services_list', attributes: { services: ['web-store', 'checkout'], metadata: [{ isTraced: true }, { isTraced: false }] } } };
    expect(extractRecords(services, body)).toEqual([{ service: 'web-store' }, { service: 'checkout' }]);
    expect(extractRecords(services, { data: { type: 'services_list' } })).toEqual([]);
  });

  it('can number them, for lists whose order is what they say', () => {
    const ordered: StreamDef = { ...services, valueField: 'index_name', positionField: 'position', primaryKey: 'position', recordsPath: 'index_names' };
    expect(extractRecords(ordered, { index_names: ['main', 'web'] })).toEqual([
      { index_name: 'main', position: 0 },
      { index_name: 'web', position: 1 },
    ]);
  });

  it('refuses what is not a list of names', () => {
    expect(() => extractRecords(services, { data: { attributes: { services: 'web' } } })).toThrow('expected an array of names at "data.attributes.services", got a string');
    expect(() => extractRecords(services, { data: { attributes: { services: ['web', { name: 'x' }] } } })).toThrow('item 1 at "data.attributes.services" is an object, not a name');
  });
});

describe('JSON:API included resources', () => {
  const issues = getStream('error_tracking_issues');
  const result = (id: string) => ({ id, type: 'error_tracking_search_result', attributes: { total_count: 82 }, relationships: { issue: { data: { id, type: 'issue' } } } });
  const issue = (id: string) => ({ id, type: 'issue', attributes: { error_type: 'builtins.TypeError', state: 'OPEN', first_seen: 1, last_seen: 2 } });

  it('makes each record the resource its relationship names, without the window\'s counts', () => {
    const body = { data: [result('a'), result('b')], included: [issue('b'), { id: 'a', type: 'case', attributes: {} }, issue('a')] };
    expect(extractRecords(issues, body)).toEqual([issue('a'), issue('b')]);
  });

  it('or adds it to the record, at `as`', () => {
    const merged: StreamDef = { ...issues, included: { relationship: 'relationships.issue.data', as: 'issue' } };
    expect(extractRecords(merged, { data: [result('a')], included: [issue('a')] })).toEqual([{ ...result('a'), issue: issue('a') }]);
  });

  it('refuses a record whose resource is not included, so the page is read again', () => {
    const missing = thrown(() => extractRecords(issues, { data: [result('a'), result('b')], included: [issue('a')] }));
    expect(missing).toBeInstanceOf(DatadogApiError);
    expect(missing).toMatchObject({ kind: 'malformed', retryable: true });
    expect((missing as Error).message).toContain('record 1 refers at "relationships.issue.data" to {"id":"b","type":"issue"}, which "included" does not hold');
  });
});

describe('splitting a window whose answer came back full', () => {
  const dora = getStream('dora_deployments');
  const events = (n: number) => ({ data: Array.from({ length: n }, (_, i) => ({ id: `d${i}`, type: 'dora_deployment', attributes: { started_at: 0 } })) });

  it('cuts a window at the whole second at or before its middle; a window of about a second cannot be cut', () => {
    expect(splitPoint(window)).toBe(window.from + 12 * HOUR);
    expect(splitPoint({ from: 1_000, to: 4_500 })).toBe(2_000);
    expect(splitPoint({ from: 1_500, to: 2_600 })).toBe(2_000);
    expect(splitPoint({ from: 1_000, to: 2_000 })).toBeUndefined();
    expect(splitPoint({ from: 1_000, to: 1_001 })).toBeUndefined();
  });

  it('says where to split an answer holding the most one call returns, and nothing for one holding fewer', () => {
    const at = { window, page: {}, pageSize: 0 };
    expect(pageFromResponse(dora, at, response(events(1000)))).toMatchObject({ splitAt: window.from + 12 * HOUR, nextPage: null });
    expect(pageFromResponse(dora, at, response(events(999))).splitAt).toBeUndefined();
    // A row without the cap never splits, however many records come.
    expect(pageFromResponse(getStream('logs'), { ...at, pageSize: 1000 }, response(events(1000))).splitAt).toBeUndefined();
  });

  it('fails, naming the window and what to do, when a window too short to split comes back full', () => {
    const second = { from: window.from, to: window.from + 1_000 };
    const failure = thrown(() => pageFromResponse(dora, { window: second, page: {}, pageSize: 0 }, response(events(1000)))) as DatadogApiError;
    expect(failure).toMatchObject({ kind: 'capped', retryable: false });
    expect(failure?.message).toBe(
      'dora_deployments (/api/v2/dora/deployments): 1000 records between 2026-03-01T00:00:00.000Z and 2026-03-01T00:00:01.000Z, the most one call returns, ' +
        'and the window is too short to split again: Datadog offers no way to read the others; narrow the stream\'s query (stream_options.dora_deployments.query) so that fewer match',
    );
  });
});

describe('fetchPage on a window that comes back full', () => {
  let simulator: Simulator;
  let client: DatadogClient;
  const start = Date.UTC(2026, 2, 1);
  const written: PreparedPage[] = [];
  const destination = {
    prepare: async (table: unknown, records: JsonRecord[]) => ({ table, records, columns: [], rows: records.map(() => ({ cells: [], raw: '' })) }),
    writePage: async (page: PreparedPage) => (written.push(page), page.rows.length),
  } as unknown as Destination;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, logs: { count: 10, from: start, to: start + 2 * HOUR }, security: { counts: { dora_deployments: 0 } } });
    // 1500 deployments in the first hour, 10 in the second; 150 issues with errors in one second.
    simulator.world.security.add('dora_deployments', 1_500, start, start + HOUR);
    simulator.world.security.add('dora_deployments', 10, start + HOUR, start + 2 * HOUR);
    simulator.world.security.add('error_tracking_issues', 150, start + HOUR, start + HOUR + 1_000);
    client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
  });
  afterAll(async () => {
    await client?.close();
    await simulator?.close();
  });

  const { fetchPage } = createFetchPageActivities({ datadog: () => client, destination });
  const fetch = (stream: string, w: { from: number; to: number }) =>
    new MockActivityEnvironment().run(fetchPage, { syncId: 's', stream, site: 'datadoghq.com' as const, window: w, page: {}, pageSize: 0, pageNumber: 1 }) as Promise<PageSummary>;

  it('writes nothing of a full answer and says where to split it; writes a window that is not full', async () => {
    const full = await fetch('dora_deployments', { from: start, to: start + 2 * HOUR });
    expect(full).toMatchObject({ recordCount: 0, nextPage: null, splitAt: start + HOUR });
    expect(written).toHaveLength(0);
    const rest = await fetch('dora_deployments', { from: start + HOUR, to: start + 2 * HOUR });
    expect(rest).toMatchObject({ recordCount: 10, nextPage: null });
    expect(rest.splitAt).toBeUndefined();
    expect(written.flatMap((p) => p.records)).toHaveLength(10);
  });

  it('fails the page for good when more issues than one call returns had errors within one second', async () => {
    const failure = await fetch('error_tracking_issues', { from: start + HOUR, to: start + HOUR + 1_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE.capped, nonRetryable: true });
    expect((failure as Error).message).toContain('error_tracking_issues · 2026-03-01T01:00:00.000Z→2026-03-01T01:00:01.000Z · page 1');
    expect((failure as Error).message).toContain('stream_options.error_tracking_issues.query');
    // The same window, two seconds long, splits instead.
    const longer = await readPage((r) => client.send(r), getStream('error_tracking_issues'), { window: { from: start + HOUR, to: start + HOUR + 2_000 }, page: {}, pageSize: 0 });
    expect(longer.splitAt).toBe(start + HOUR + 1_000);
  });
});
