import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkAccess } from '../src/cli/check';
import { catalog } from '../src/cli/discover';
import { parseSyncRequest } from '../src/config/request';
import { DatadogClient } from '../src/datadog/client';
import { STREAMS } from '../src/datadog/streams/table';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';
import { unreadableReason } from '../src/shared/unreadable';
import { tempDir } from './helpers/retriever';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');

async function retriever(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { PATH: process.env.PATH!, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const QUERIES = [{ name: 'cpu', data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}' }];

describe('retriever discover', () => {
  it('describes every stream, query streams included', () => {
    const entries = catalog(parseSyncRequest({ queries: QUERIES }, Date.now()));
    expect(entries.map((e) => e.name)).toEqual([...STREAMS.map((s) => s.name), 'cpu']);
    expect(entries.find((e) => e.name === 'synthetic_tests')).toMatchObject({ sync_mode: 'full_refresh', primary_key: 'public_id', cursor_field: null, permission: 'synthetics_read' });
    expect(entries.find((e) => e.name === 'logs')).toMatchObject({ sync_mode: 'incremental', cursor_field: 'attributes.timestamp', max_page_size: 1000, accepts_query: true });
    expect(entries.find((e) => e.name === 'slo_history')).toMatchObject({ parent: 'service_level_objectives', cursor_field: 'to_ts' });
    const cpu = entries.find((e) => e.name === 'cpu')!;
    expect(cpu).toMatchObject({ endpoint: 'POST /api/v2/query/timeseries', sync_mode: 'incremental', primary_key: 'id', permission: 'timeseries_query' });
    expect(Object.keys(cpu.json_schema.properties!)).toEqual(['id', 'query', 'group', 'group_tags', 'timestamp', 'value', 'unit']);
    for (const entry of entries) expect(entry.json_schema.properties).toHaveProperty(entry.primary_key.split('.')[0]);
  });

  it('prints the catalogue, or JSON for scripts', async () => {
    const file = join(tempDir(), 'config.json');
    writeFileSync(file, JSON.stringify({ queries: QUERIES }));
    const text = await retriever({}, 'discover');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/synthetic_tests\s+full_refresh\s+public_id/);
    const json = await retriever({}, 'discover', '--json', '--config', file);
    const parsed = JSON.parse(json.stdout) as { streams: { name: string }[] };
    expect(parsed.streams.map((s) => s.name)).toContain('cpu');
  });
});

describe('retriever check', () => {
  let simulator: Simulator;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 2, forbiddenStreams: ['audit_logs'], forbiddenPermissions: ['timeseries_query'], missingRoutes: ['GET /api/v2/rum/events'] });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('checks both keys and says, per stream, whether it is readable and why not', async () => {
    const client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
    const report = await checkAccess(client, parseSyncRequest({ queries: QUERIES }, Date.now()));
    await client.close();
    expect(report.keys).toEqual({ api: { valid: true, message: 'valid' }, application: { valid: true, message: 'valid' } });
    const unreadable = report.streams.filter((s) => !s.readable);
    expect(unreadable.map((s) => s.stream)).toEqual(['audit_logs', 'rum_events', 'cpu']);
    expect(unreadable[0]).toMatchObject({ status: 403, message: expect.stringContaining('"audit_logs_read" permission') });
    expect(unreadable[0].message.startsWith(unreadableReason(403, 'audit_logs_read'))).toBe(true);
    // A 404 is an endpoint this organisation lacks, which no permission would change: the same words a sync's warning uses.
    expect(unreadable[1]).toMatchObject({ status: 404, message: expect.stringMatching(/^not available: the product or endpoint is not available for this organisation/) });
    expect(unreadable[1].message.startsWith(unreadableReason(404, 'rum_apps_read'))).toBe(true);
    expect(unreadable[1].message).not.toContain('permission');
    expect(unreadable[2].message).toContain('"timeseries_query" permission');
    expect(report.streams).toHaveLength(STREAMS.length + 1);
    // slo_history was checked through a real SLO.
    expect(simulator.requests.some((r) => /^\/api\/v1\/slo\/[^/]+\/history$/.test(r.path) && r.status === 200)).toBe(true);
  });

  it('tells a rejected API key from a rejected application key', async () => {
    const wrongApi = new DatadogClient({ baseUrl: simulator.url, credentials: { apiKey: 'nope', appKey: SIMULATOR_KEYS.appKey } });
    const a = await checkAccess(wrongApi, parseSyncRequest({ streams: ['logs'] }, Date.now()));
    await wrongApi.close();
    expect(a.keys.api).toMatchObject({ valid: false, message: expect.stringContaining('DD_API_KEY') });
    expect(a.streams[0]).toMatchObject({ readable: false, message: 'not checked: a key was rejected' });
    const wrongApp = new DatadogClient({ baseUrl: simulator.url, credentials: { apiKey: SIMULATOR_KEYS.apiKey, appKey: 'nope' } });
    const b = await checkAccess(wrongApp, parseSyncRequest({ streams: ['logs'] }, Date.now()));
    await wrongApp.close();
    expect(b.keys).toMatchObject({ api: { valid: true }, application: { valid: false, message: expect.stringContaining('DD_APP_KEY') } });
  });

  it('exits 1 when a key is rejected, and with --strict when a stream is unreadable', async () => {
    const env = { DD_BASE_URL: simulator.url, DD_API_KEY: SIMULATOR_KEYS.apiKey, DD_APP_KEY: SIMULATOR_KEYS.appKey };
    const ok = await retriever(env, 'check', '--streams', 'dashboards,audit_logs', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).streams).toEqual([
      expect.objectContaining({ stream: 'dashboards', readable: true }),
      expect.objectContaining({ stream: 'audit_logs', readable: false, status: 403 }),
    ]);
    const strict = await retriever(env, 'check', '--streams', 'dashboards,audit_logs', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/audit_logs\s+no\s+audit_logs_read\s+refused/);
    const rejected = await retriever({ ...env, DD_APP_KEY: 'wrong' }, 'check', '--streams', 'dashboards');
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('rejected (HTTP 403)');
    const missing = await retriever({ DD_BASE_URL: simulator.url }, 'check');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DD_API_KEY: not set');
  });

  it('retries 5xx answers and reset connections as a sync does, so every stream still reads as readable', async () => {
    const faulty = await startSimulator({ seed: 2, faults: { seed: 5, rates: { server_error: 0.2, reset: 0.15 } } });
    const client = new DatadogClient({ baseUrl: faulty.url, credentials: SIMULATOR_KEYS });
    try {
      // The sync's policy, with short delays so the test is quick.
      const report = await checkAccess(client, parseSyncRequest({ queries: QUERIES }, Date.now()), { retry: { policy: { initialDelayMs: 5, maxDelayMs: 40 } } });
      expect(report.keys).toEqual({ api: { valid: true, message: 'valid' }, application: { valid: true, message: 'valid' } });
      expect(report.streams.filter((s) => !s.readable)).toEqual([]);
      expect(report.streams).toHaveLength(STREAMS.length + 1);
      const faults = faulty.requests.filter((r) => r.fault).map((r) => r.fault);
      expect(faults).toContain('server_error');
      expect(faults).toContain('reset');
    } finally {
      await client.close();
      await faulty.close();
    }
  });

  it('still calls a refusal a refusal under faults: retrying cannot change a 403', async () => {
    const faulty = await startSimulator({ seed: 2, forbiddenStreams: ['monitors'], faults: { seed: 6, rates: { server_error: 0.3 } } });
    const client = new DatadogClient({ baseUrl: faulty.url, credentials: SIMULATOR_KEYS });
    try {
      const report = await checkAccess(client, parseSyncRequest({ streams: ['monitors', 'dashboards'] }, Date.now()), { retry: { policy: { initialDelayMs: 5, maxDelayMs: 40 } } });
      expect(report.streams).toEqual([
        expect.objectContaining({ stream: 'monitors', readable: false, status: 403 }),
        expect.objectContaining({ stream: 'dashboards', readable: true }),
      ]);
      // The refusal was asked once, not retried.
      expect(faulty.requests.filter((r) => r.path === '/api/v1/monitor' && r.status === 403)).toHaveLength(1);
    } finally {
      await client.close();
      await faulty.close();
    }
  });
});

describe('retriever check against an API without GET /api/v2/current_user', () => {
  let simulator: Simulator;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, missingRoutes: ['GET /api/v2/current_user'] });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('checks the application key another way, and takes a 404 for a missing endpoint, not a rejected key', async () => {
    const client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
    const report = await checkAccess(client, parseSyncRequest({ streams: ['dashboards', 'logs'] }, Date.now()));
    await client.close();
    expect(report.keys.api).toEqual({ valid: true, message: 'valid' });
    expect(report.keys.application).toMatchObject({ valid: true, message: expect.stringContaining('/api/v2/current_user is not available here (HTTP 404)') });
    expect(report.streams.every((s) => s.readable)).toBe(true);
    expect(simulator.requests.some((r) => r.path === '/api/v2/users' && r.query['page[size]'] === '1' && r.status === 200)).toBe(true);
  });

  it('still rejects a wrong application key', async () => {
    const wrongApp = new DatadogClient({ baseUrl: simulator.url, credentials: { apiKey: SIMULATOR_KEYS.apiKey, appKey: 'nope' } });
    const report = await checkAccess(wrongApp, parseSyncRequest({ streams: ['logs'] }, Date.now()));
    await wrongApp.close();
    expect(report.keys.application).toMatchObject({ valid: false, message: expect.stringMatching(/^rejected \(HTTP 403\): check DD_APP_KEY/) });
  });
});
