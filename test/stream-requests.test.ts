import { extractRecords, timeseriesRows } from '../src/datadog/page';
import { buildPageRequest, parseTime, sinceFor } from '../src/datadog/request';
import { getStream, queryStreamDef } from '../src/datadog/streams/table';

const window = { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-03-02T00:00:00Z') };
const cpu = queryStreamDef({ name: 'cpu', data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}', interval: 300_000 });

describe('building requests', () => {
  it('writes each endpoint\'s time filter in its own unit', () => {
    expect(buildPageRequest(getStream('logs'), { window, page: {}, pageSize: 1000 }).query).toEqual({
      'filter[from]': '2026-03-01T00:00:00.000Z',
      'filter[to]': '2026-03-02T00:00:00.000Z',
      sort: 'timestamp',
      'page[limit]': '1000',
    });
    expect(buildPageRequest(getStream('events'), { window, page: {}, pageSize: 10 }).query).toMatchObject({ 'filter[from]': String(window.from), 'filter[to]': String(window.to) });
    const history = buildPageRequest(getStream('slo_history'), { window, page: {}, pageSize: 0, pathParams: { slo_id: 'a/b c' } });
    expect(history).toEqual({ method: 'GET', path: '/api/v1/slo/a%2Fb%20c/history', query: { from_ts: String(window.from / 1000), to_ts: String(window.to / 1000) } });
  });

  it('sends the search query only to streams that take one', () => {
    expect(buildPageRequest(getStream('audit_logs'), { window, page: {}, pageSize: 5, query: '@evt.name:dashboard' }).query['filter[query]']).toBe('@evt.name:dashboard');
    expect(buildPageRequest(getStream('users'), { page: {}, pageSize: 5, query: 'x' }).query).toEqual({ 'page[size]': '5', 'page[number]': '0' });
  });

  it('builds the timeseries body with integer times and the query', () => {
    expect(buildPageRequest(cpu, { window, page: {}, pageSize: 0 })).toEqual({
      method: 'POST',
      path: '/api/v2/query/timeseries',
      query: {},
      body: {
        data: {
          type: 'timeseries_request',
          attributes: { from: window.from, to: window.to, interval: 300_000, queries: [{ data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}', name: 'query1' }] },
        },
      },
    });
    const logs = queryStreamDef({ name: 'errors', data_source: 'logs', query: 'status:error', interval: 3_600_000, group_by: ['service'] });
    expect((buildPageRequest(logs, { window, page: {}, pageSize: 0 }).body as { data: { attributes: { queries: unknown[] } } }).data.attributes.queries).toEqual([
      { data_source: 'logs', search: { query: 'status:error' }, compute: { aggregation: 'count', interval: 3_600_000 }, group_by: [{ facet: 'service' }], name: 'query1' },
    ]);
  });

  it('asks the host list for every host Datadog keeps (7 days), not its 3-hour default, from one planned time', () => {
    const plannedAt = Date.parse('2026-03-08T12:00:00Z');
    const since = sinceFor(getStream('hosts'), plannedAt)!;
    expect(new Date(since).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    for (const page of [{}, { offset: 1000 }]) {
      expect(buildPageRequest(getStream('hosts'), { since, page, pageSize: 1000 }).query).toMatchObject({ from: String(since / 1000), count: '1000' });
    }
    expect(sinceFor(getStream('dashboards'), plannedAt)).toBeUndefined();
  });

  it('refuses to build what Datadog would misread', () => {
    expect(() => buildPageRequest(getStream('logs'), { page: {}, pageSize: 10 })).toThrow('logs: an incremental stream needs a time window for every request');
    expect(() => buildPageRequest(getStream('hosts'), { page: {}, pageSize: 10 })).toThrow('hosts: needs its "from" time');
    expect(() => buildPageRequest(getStream('slo_history'), { window, page: {}, pageSize: 0 })).toThrow('no value for {slo_id}');
  });

  it('reads record times in the unit the stream states', () => {
    expect(parseTime('2026-03-01T00:00:00Z', 'iso')).toBe(window.from);
    expect(parseTime(window.from / 1000, 's')).toBe(window.from);
    expect(parseTime(String(window.from), 'ms')).toBe(window.from);
    expect(parseTime('soon', 'ms')).toBeNaN();
  });
});

describe('reading records', () => {
  it('makes one record of an object response and keys it by parent and window', () => {
    const def = getStream('slo_history');
    const body = { data: { from_ts: 1772323200, to_ts: 1772409600, overall: { sli_value: 99.5 } }, errors: [] };
    expect(extractRecords(def, body, { fields: { slo_id: 'abc' } })).toEqual([{ ...body.data, slo_id: 'abc', id: 'abc:1772323200' }]);
    expect(extractRecords(def, { errors: [{ error: 'no data' }] }, { fields: { slo_id: 'abc' } })).toEqual([]);
    expect(() => extractRecords(def, { data: { to_ts: 1 } }, { fields: { slo_id: 'abc' } })).toThrow('record 0 has no "from_ts" (its key is made of them)');
    expect(() => extractRecords(def, { data: [1] })).toThrow('expected an object at "data", got an array');
  });

  it('turns series × times into one row per series and time, skipping intervals without a value', () => {
    const attributes = {
      series: [{ group_tags: ['host:b', 'env:prod'], query_index: 0, unit: [{ name: 'percent' }, null] }, { group_tags: [], query_index: 0 }],
      times: [window.from, window.from + 300_000],
      values: [
        [1.5, null],
        [2, 3],
      ],
    };
    const rows = extractRecords(cpu, { data: { type: 'timeseries_response', attributes } });
    expect(rows).toEqual([
      { id: 'env:prod,host:b|2026-03-01T00:00:00.000Z', query: 'cpu', group: 'env:prod,host:b', group_tags: ['env:prod', 'host:b'], timestamp: '2026-03-01T00:00:00.000Z', value: 1.5, unit: 'percent' },
      { id: '*|2026-03-01T00:00:00.000Z', query: 'cpu', group: '*', group_tags: [], timestamp: '2026-03-01T00:00:00.000Z', value: 2, unit: null },
      { id: '*|2026-03-01T00:05:00.000Z', query: 'cpu', group: '*', group_tags: [], timestamp: '2026-03-01T00:05:00.000Z', value: 3, unit: null },
    ]);
    expect(timeseriesRows(cpu, undefined)).toEqual([]);
  });

  it('refuses timeseries that do not line up, and partial ones', () => {
    const misaligned = { series: [{ group_tags: [] }], times: [1, 2], values: [[1]] };
    expect(() => extractRecords(cpu, { data: { attributes: misaligned } })).toThrow('do not line up');
    const partial = { data: { attributes: { series: [], times: [], values: [] } }, errors: 'Query timed out for some series' };
    expect(() => extractRecords(cpu, partial)).toThrow(/partial results: Query timed out/);
  });

  it('refuses a partial search page of any search stream', () => {
    for (const name of ['audit_logs', 'events', 'rum_events', 'spans']) {
      expect(() => extractRecords(getStream(name), { data: [{ id: 'a' }], meta: { status: 'timeout' } })).toThrow(/partial results/);
    }
  });
});
