import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './helpers/retriever';

const run = promisify(execFile);
const BIN = join(__dirname, '..', 'bin', 'retriever.js');

async function retriever(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' } });
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
    for (const command of ['sync', 'status', 'worker', 'simulator', 'demo']) expect(stdout).toContain(command);
    expect((await retriever('sync', '--help')).stdout).toContain('--config <file>');
  });
});
