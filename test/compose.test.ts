import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { codecAuthenticator } from '../src/codec/auth';
import { EncryptionCodec } from '../src/codec/encryption';
import { startCodecServer } from '../src/codec/server';
import { codecServerSettings } from '../src/config/codec-server';
import { parseDuration } from '../src/config/duration';
import { ENV_VARIABLES, postgresSettings, readEnv } from '../src/config/env';

const ROOT = join(__dirname, '..');
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown> | string[];
  stop_grace_period?: string;
  volumes?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

/** What `docker compose` substitutes for `${VAR:-default}` when VAR is unset. */
function withDefaults(environment: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'x')]),
  );
}

// No Docker engine runs where the tests run: the stack's shape is checked here, and what the worker
// image runs (the built CLI against Temporal and PostgreSQL) is exercised in production.e2e.test.ts.
describe('docker-compose.yml', () => {
  it('has the production stack: Temporal on PostgreSQL, its Web UI, the destination database, workers', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'simulator', 'codec-server']));
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui'].environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(services.simulator.profiles).toEqual(['simulator']);
    const init = services.postgresql.volumes!.find((v) => v.includes('docker-entrypoint-initdb.d'))!;
    expect(readFileSync(join(ROOT, init.split(':')[0]), 'utf8')).toMatch(/CREATE DATABASE retriever/);
  });

  it('builds every Retriever service from the Dockerfile and runs commands the CLI has', () => {
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/retriever.js"\]/);
    const { buildProgram } = require('../src/client') as typeof import('../src/client');
    const commands = buildProgram().commands.map((c) => c.name());
    for (const name of ['worker', 'simulator', 'codec-server']) {
      expect(services[name].build).toBe('.');
      expect(commands).toContain(services[name].command![0]);
    }
  });

  it('gives the worker only variables Retriever reads, and a valid configuration with the defaults', () => {
    const environment = services.worker.environment!;
    const unknown = Object.keys(environment).filter((k) => !ENV_VARIABLES.includes(k));
    expect(unknown).toEqual([]);
    const env = readEnv(withDefaults(environment));
    expect(env).toMatchObject({ RETRIEVER_DESTINATION: 'postgres', TEMPORAL_ADDRESS: 'temporal:7233', DD_BASE_URL: undefined });
    expect(postgresSettings(env)).toMatchObject({ url: 'postgresql://temporal@postgresql:5432/retriever', password: 'temporal' });
    // Docker's stop timeout must outlast the worker's own grace period, or pages in flight are killed.
    expect(parseDuration(services.worker.stop_grace_period!)).toBeGreaterThan(parseDuration(env.RETRIEVER_SHUTDOWN_GRACE));
    expect(Object.keys(services.worker.depends_on as object)).toEqual(expect.arrayContaining(['temporal', 'postgresql']));
  });

  it('serves the codec beyond loopback only to authenticated callers, and lets the Web UI forward its user\'s token', async () => {
    const codec = services['codec-server'];
    expect(codec.command).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
    expect(Object.keys(codec.environment!).filter((k) => !ENV_VARIABLES.includes(k))).toEqual([]);
    const settings = codecServerSettings(readEnv(withDefaults(codec.environment!)));
    expect(settings).toMatchObject({ auth: {}, namespaces: ['default'] });
    // Nothing set: the server refuses to start, rather than decrypt for anyone.
    await expect(startCodecServer(new EncryptionCodec({ currentKeyId: 'k', keys: new Map([['k', randomBytes(32)]]) }), { host: '0.0.0.0', port: 0, origins: [], authenticate: codecAuthenticator(settings.auth), namespaces: settings.namespaces, maxBodyBytes: settings.maxBodyBytes })).rejects.toThrow(
      'refusing to listen on 0.0.0.0 without authentication',
    );
    expect(withDefaults(services['temporal-ui'].environment!)).toMatchObject({ TEMPORAL_CODEC_PASS_ACCESS_TOKEN: 'true' });
  });

  it('keeps secrets out of the file: keys and passwords come from the environment', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const variable of ['DD_API_KEY', 'DD_APP_KEY', 'PGPASSWORD', 'POSTGRES_PASSWORD', 'RETRIEVER_CODEC_KEYS', 'RETRIEVER_CODEC_AUTH_TOKEN', 'TEMPORAL_AUTH_CLIENT_SECRET']) {
      for (const match of text.matchAll(new RegExp(`${variable}: (.*)`, 'g'))) expect(match[1]).toMatch(/^\$\{/);
    }
  });
});
