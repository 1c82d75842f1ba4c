import { parseSyncRequest, streamLookback } from '../src/config/request';
import { getStream } from '../src/datadog/streams/table';
import { configuredOrganizations, organizationsFromEnv } from '../src/config/organizations';
import { defaultWorkflowId } from '../src/cli/run-sync';
import { apiBaseUrl, DATADOG_SITES } from '../src/config/sites';

import { NOW, problems } from './helpers/config';

describe('sync request validation', () => {
  it('accepts a minimal request and fills the defaults', () => {
    const request = parseSyncRequest({ start_date: '2026-01-01' }, NOW);
    expect(request).toMatchObject({ site: 'datadoghq.com', window_size: '1d', lag: '1m', strict: false });
    // Not a fixed number: the plan reads one stream per rate-limit bucket at once.
    expect(request.max_parallel_streams).toBeUndefined();
  });

  it('lists every problem at once, each with its path', () => {
    const found = problems({
      site: 'datadoghq.io',
      streams: ['logs', 'log_events'],
      start_date: 'last tuesday',
      max_records_per_request: -5,
      window_size: 'daily',
      surprise: true,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^site: /),
        expect.stringMatching(/^streams\.1: unknown stream "log_events"; known streams: .*logs/),
        expect.stringMatching(/^start_date: must be an ISO-8601/),
        expect.stringMatching(/^max_records_per_request: /),
        expect.stringMatching(/^window_size: a duration/),
        expect.stringMatching(/surprise/),
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('takes a lookback for all streams and per stream, the stream\'s own winning, and refuses one for a full refresh', () => {
    const request = parseSyncRequest({ lookback: '2h', stream_options: { audit_logs: { lookback: '0s' } } }, NOW);
    expect(streamLookback(request, getStream('logs'))).toBe(2 * 3_600_000);
    expect(streamLookback(request, getStream('audit_logs'))).toBe(0);
    expect(streamLookback(parseSyncRequest({}, NOW), getStream('logs'))).toBe(30 * 60_000);
    expect(problems({ lookback: 'a while', stream_options: { dashboards: { lookback: '1h' } } })).toEqual([
      expect.stringMatching(/^lookback: a duration like 0s, 30m or 2h/),
      'stream_options.dashboards.lookback: dashboards is read whole on every run (full refresh): a lookback does not apply to it',
    ]);
  });

  it('reads each organisation\'s keys from the worker\'s environment, and names workflows after it', () => {
    const env = { DD_API_KEY: 'a', DD_APP_KEY: 'b', DD_API_KEY__EU: 'c', DD_APP_KEY__EU: 'd', DD_SITE__EU: 'datadoghq.eu' };
    expect(configuredOrganizations(env)).toEqual(['default', 'eu']);
    expect(organizationsFromEnv(env)('eu')).toEqual({ credentials: { apiKey: 'c', appKey: 'd' }, site: 'datadoghq.eu', baseUrl: undefined });
    expect(() => organizationsFromEnv({ DD_SITE__US: 'datadog.com' })('us')).toThrow(/DD_API_KEY__US: not set.*\n.*DD_APP_KEY__US: not set.*\n.*DD_SITE__US: "datadog.com" is not one of/s);
    const at = new Date('2026-11-22T02:06:44Z');
    expect(defaultWorkflowId(parseSyncRequest({ name: 'nightly' }, NOW), at)).toBe('retriever-nightly-20261122T020644Z');
    expect(defaultWorkflowId(parseSyncRequest({ name: 'nightly', organization: 'eu' }, NOW), at)).toBe('retriever-nightly-eu-20261122T020644Z');
    expect(problems({ organization: 'EU West' })).toEqual([expect.stringMatching(/^organization: lower-case letters/)]);
  });

  it('takes full_refresh streams among those it reads, and full_refresh_drop_rows only with them', () => {
    expect(parseSyncRequest({ streams: ['logs', 'dashboards'], full_refresh: ['logs'], full_refresh_drop_rows: true }, NOW)).toMatchObject({
      full_refresh: ['logs'],
      full_refresh_drop_rows: true,
    });
    expect(parseSyncRequest({}, NOW)).toMatchObject({ full_refresh: [], full_refresh_drop_rows: false });
    expect(problems({ streams: ['logs'], full_refresh: ['logz', 'audit_logs'] })).toEqual([
      expect.stringMatching(/^full_refresh\.0: unknown stream "logz"/),
      'full_refresh.1: audit_logs is not among the streams this sync reads (logs); add it to streams',
    ]);
    expect(problems({ full_refresh_drop_rows: true })).toEqual([
      'full_refresh_drop_rows: drops the rows of the full_refresh streams, and none is named: set full_refresh too',
    ]);
  });

  it('refuses keys in the request and says where they belong', () => {
    const found = problems({ api_key: 'abc', application_key: 'def' });
    expect(found).toEqual([
      expect.stringContaining('api_key: secrets are not accepted here; set DD_API_KEY and DD_APP_KEY'),
      expect.stringContaining('application_key: secrets are not accepted here'),
    ]);
  });

  it('rejects a start in the future and an end before the start', () => {
    expect(problems({ start_date: '2027-01-01' })).toEqual(['start_date: 2027-01-01 is in the future']);
    expect(problems({ start_date: '2026-03-01', end_date: '2026-02-01' })).toEqual(['end_date: must be after start_date (2026-03-01)']);
  });

  it('knows the API host of all nine Datadog sites', () => {
    expect(DATADOG_SITES).toHaveLength(9);
    expect(apiBaseUrl('datadoghq.eu')).toBe('https://api.datadoghq.eu');
    expect(apiBaseUrl('us2.ddog-gov.com')).toBe('https://api.us2.ddog-gov.com');
    expect(problems({ site: 'uk1.datadoghq.com' })).toEqual([]);
  });
});

describe('worker environment', () => {
  const { readEnv } = require('../src/config/env') as typeof import('../src/config/env');
  const { temporalConnection } = require('../src/config/temporal-connection') as typeof import('../src/config/temporal-connection');

  it('treats empty variables as unset and lists every bad one with its name', () => {
    expect(readEnv({ DD_BASE_URL: '', TEMPORAL_UI_URL: '' }).DD_BASE_URL).toBeUndefined();
    expect(() => readEnv({ RETRIEVER_SHUTDOWN_GRACE: 'soon', RETRIEVER_METRICS_ADDRESS: '9464', RETRIEVER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(
      /RETRIEVER_MAX_CONCURRENT_ACTIVITIES: [\s\S]*RETRIEVER_SHUTDOWN_GRACE: a duration[\s\S]*RETRIEVER_METRICS_ADDRESS: host:port/,
    );
  });

  it('connects to a local dev server in the clear, to Temporal Cloud over TLS with an API key', () => {
    expect(temporalConnection(readEnv({}))).toEqual({ address: 'localhost:7233' });
    expect(temporalConnection(readEnv({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' }))).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: true,
      apiKey: 'k',
    });
  });

  /** A DuckDB setting as the destination the worker opens from these variables has it. */
  async function duckDbSetting(setting: string, vars: Record<string, string>): Promise<unknown> {
    const { openDestination } = require('../src/destinations/open') as typeof import('../src/destinations/open');
    type DuckDb = import('../src/destinations/duckdb').DuckDbDestination;
    const { mkdtempSync, rmSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'retriever-env-'));
    try {
      const destination = (await openDestination(readEnv({ RETRIEVER_DUCKDB_PATH: `${dir}/r.duckdb`, ...vars }))) as DuckDb;
      try {
        return (await destination.query(`SELECT current_setting('${setting}') AS value`))[0].value;
      } finally {
        await destination.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('opens DuckDB with the checkpoint threshold it is given, 1GB by default, and refuses one that is not a size', async () => {
    expect(await duckDbSetting('checkpoint_threshold', {})).toMatch(/^(1\.0 GB|953\.6 MiB)$/);
    expect(await duckDbSetting('checkpoint_threshold', { RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD: '64MB' })).toMatch(/^(64\.0 MB|61\.0 MiB)$/);
    expect(() => readEnv({ RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD: 'large' })).toThrow(/RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD: a size such as 1GB or 256MB/);
  });

  it('opens DuckDB on one thread unless told more, and refuses a thread count that is not a whole number', async () => {
    expect(Number(await duckDbSetting('threads', {}))).toBe(1);
    expect(Number(await duckDbSetting('threads', { RETRIEVER_DUCKDB_THREADS: '3' }))).toBe(3);
    for (const bad of ['0', 'many', '1.5']) {
      expect(() => readEnv({ RETRIEVER_DUCKDB_THREADS: bad })).toThrow(/RETRIEVER_DUCKDB_THREADS: a whole number of threads, such as 1 or 4/);
    }
  });

  it('says which certificate file it cannot read, and that cert and key go together', () => {
    expect(() => temporalConnection(readEnv({ TEMPORAL_TLS_CERT: '/nonexistent/client.pem' }))).toThrow(
      /TEMPORAL_TLS_CERT: cannot read \/nonexistent\/client.pem \(ENOENT\)[\s\S]*TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/,
    );
  });
});

describe('each sync request field, wrong on its own', () => {
  const wrong: Record<string, unknown> = {
    name: 'has spaces',
    site: 'datadoghq.io',
    streams: [],
    start_date: 'yesterday',
    end_date: 20260101,
    max_records_per_request: 0,
    window_size: '1 day',
    lag: -1,
    stream_options: { logs: { query: 5 } },
    query: ['service:web'],
    queries: [{ name: 'cpu', data_source: 'traces', query: 'avg:system.cpu.user{*}' }],
    max_parallel_streams: 1000,
    strict: 'yes',
  };

  it.each(Object.keys(wrong))('%s: one problem, named by its path', (field) => {
    const found = problems({ start_date: '2026-01-01', [field]: wrong[field] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${field}(\\.|:)`));
  });

  it('all of them at once: every problem listed', () => {
    const found = problems(wrong);
    for (const field of Object.keys(wrong)) expect(found.some((p) => p.startsWith(field))).toBe(true);
  });
});
