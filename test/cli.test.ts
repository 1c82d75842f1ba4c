import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { tempDir } from './helpers/retriever';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');

async function retriever(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return retrieverWith({}, ...args);
}

async function retrieverWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('retriever CLI', () => {
  const dir = tempDir();

  it('prints every config problem with its path and exits 2 before contacting anything', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ streams: ['logz'], start_date: 'soon', api_key: 'abc123' }));
    const { code, stderr } = await retriever('sync', '--config', file);
    expect(code).toBe(2);
    expect(stderr).toContain('streams.0: unknown stream "logz"');
    expect(stderr).toContain('start_date: must be an ISO-8601 date');
    expect(stderr).toContain('api_key: secrets are not accepted here');
    expect(stderr).not.toContain('abc123');
  });

  it('says so when the config file is missing or not JSON', async () => {
    expect((await retriever('sync', '--config', join(dir, 'missing.json'))).stderr).toContain('cannot read the file (ENOENT)');
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "streams": [');
    const { code, stderr } = await retriever('sync', '--config', file);
    expect(code).toBe(2);
    expect(stderr).toContain('not valid JSON');
  });

  it('explains how to get a Temporal server when none answers', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ streams: ['logs'], start_date: '2026-01-01' }));
    const { code, stderr } = await retriever('sync', '--config', file);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach Temporal at 127.0.0.1:1');
    expect(stderr).toContain('npm start');
  });

  it('has help for every command', async () => {
    const { stdout } = await retriever('--help');
    for (const command of ['sync', 'status', 'worker', 'simulator', 'demo', 'reset', 'export']) expect(stdout).toContain(command);
    expect((await retriever('sync', '--help')).stdout).toContain('--config <file>');
  });

  it('export writes Parquet from the DuckDB file, and names an unknown stream or a missing file', async () => {
    const path = join(dir, 'export.duckdb');
    const destination = await DuckDbDestination.open(path);
    await destination.ensureTable(tableSpec(getStream('dashboards')));
    await destination.close();
    const out = join(dir, 'parquet');
    const env = { RETRIEVER_DUCKDB_PATH: path };
    const done = await retrieverWith(env, 'export', '--format', 'parquet', '--out', out, '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout).streams).toEqual([{ stream: 'dashboards', rows: 0, files: 1, path: join(out, 'dashboards') }]);

    const unknown = await retrieverWith(env, 'export', '--out', out, '--streams', 'dashboards,nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--streams: unknown stream "nope"');
    expect((await retrieverWith(env, 'export', '--format', 'csv', '--out', out)).code).toBe(2);
    const missing = await retrieverWith({ RETRIEVER_DUCKDB_PATH: join(dir, 'none.duckdb') }, 'export', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no sync has written it yet');
  });
});
