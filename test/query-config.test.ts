import { parseSyncRequest, queryDefinitions, selectedStreams, streamSearch } from '../src/config/request';
import { STREAM_NAMES, STREAMS } from '../src/datadog/streams/table';

import { NOW, problems } from './helpers/config';

describe('query streams in the config', () => {
  it("accepts Airbyte's queries and fills each one's interval", () => {
    const request = parseSyncRequest(
      {
        queries: [
          { name: 'cpu', data_source: 'metrics', query: 'avg:system.cpu.user{*}' },
          { name: 'cost', data_source: 'cloud_cost', query: 'sum:aws.cost.amortized{*}' },
          { name: 'errors', data_source: 'logs', query: 'status:error', interval: '1h', group_by: ['service'], compute: { aggregation: 'count' } },
        ],
      },
      NOW,
    );
    expect(queryDefinitions(request)).toEqual([
      { name: 'cpu', data_source: 'metrics', query: 'avg:system.cpu.user{*}', interval: 300_000 },
      { name: 'cost', data_source: 'cloud_cost', query: 'sum:aws.cost.amortized{*}', interval: 86_400_000 },
      { name: 'errors', data_source: 'logs', query: 'status:error', interval: 3_600_000, group_by: ['service'], compute: { aggregation: 'count' } },
    ]);
    expect(selectedStreams(request)).toEqual([...STREAM_NAMES, 'cpu', 'cost', 'errors']);
  });

  it('lets streams select query streams by name, and lists them among the known streams', () => {
    const queries = [{ name: 'cpu', data_source: 'metrics', query: 'avg:system.cpu.user{*}' }];
    expect(selectedStreams(parseSyncRequest({ streams: ['cpu', 'logs'], queries }, NOW))).toEqual(['cpu', 'logs']);
    expect(problems({ streams: ['cpu', 'memory'], queries })).toEqual([expect.stringMatching(/^streams\.1: unknown stream "memory"; known streams: .*logs.*, cpu$/)]);
  });

  it('rejects bad queries, each problem with its path', () => {
    expect(
      problems({
        window_size: '1d',
        queries: [
          { name: 'logs', data_source: 'metrics', query: 'a' },
          { name: 'Bad Name', data_source: 'apm', query: '' },
          { name: 'x', data_source: 'metrics', query: 'a', interval: '7m' },
          { name: 'x', data_source: 'metrics', query: 'a', group_by: ['host'] },
        ],
      }).sort(),
    ).toEqual([
      'queries.0.name: "logs" is already a stream; give the query another name',
      expect.stringMatching(/^queries\.1\.data_source: /),
      expect.stringMatching(/^queries\.1\.name: lower-case letters/),
      expect.stringMatching(/^queries\.1\.query: /),
      'queries.2.interval: must divide window_size (1d) so that no interval straddles two windows',
      'queries.3.name: "x" names two queries',
      'queries.3: compute and group_by apply to logs and rum queries; a metrics query states them in its query string',
    ]);
  });
});

describe('search filters', () => {
  it('take stream_options.<stream>.query, and Airbyte\'s top-level query for logs', () => {
    const request = parseSyncRequest({ query: 'service:web', stream_options: { audit_logs: { query: '@evt.name:dashboard' } } }, NOW);
    expect(streamSearch(request, 'logs')).toBe('service:web');
    expect(streamSearch(request, 'audit_logs')).toBe('@evt.name:dashboard');
    expect(streamSearch(request, 'spans')).toBeUndefined();
    expect(streamSearch(parseSyncRequest({ query: 'a', stream_options: { logs: { query: 'b' } } }, NOW), 'logs')).toBe('b');
  });

  it('are refused for streams that take none', () => {
    const searchable = STREAMS.filter((s) => s.queryParam).map((s) => s.name);
    expect(searchable.slice(0, 5)).toEqual(['logs', 'audit_logs', 'events', 'rum_events', 'spans']);
    expect(problems({ stream_options: { users: { query: 'x' } } })).toEqual([`stream_options.users.query: users takes no search query; only ${searchable.join(', ')} do`]);
  });
});
