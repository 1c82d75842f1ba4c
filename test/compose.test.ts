import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  entrypoint?: string[];
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
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'worker', 'simulator', 'codec-server']));
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
    expect(Object.keys(services.worker.depends_on as object)).toEqual(expect.arrayContaining(['temporal-namespace', 'postgresql']));
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
    for (const variable of ['DD_API_KEY', 'DD_APP_KEY', 'PGPASSWORD', 'POSTGRES_PASSWORD', 'POSTGRES_PWD', 'SQL_PASSWORD', 'RETRIEVER_CODEC_KEYS', 'RETRIEVER_CODEC_AUTH_TOKEN', 'TEMPORAL_AUTH_CLIENT_SECRET']) {
      for (const match of text.matchAll(new RegExp(`${variable}: (.*)`, 'g'))) expect(match[1]).toMatch(/^\$\{/);
    }
  });
});

/** What scripts/temporal-cluster.sh runs the server with (it needs neither Go nor PostgreSQL to say). */
function clusterSettings(): Record<string, string> {
  const out = execFileSync('bash', [join(ROOT, 'scripts', 'temporal-cluster.sh'), 'settings'], { encoding: 'utf8' });
  const pairs = out.split('\n').map((line) => /^([A-Z_]+)=(.*)$/.exec(line));
  return Object.fromEntries(pairs.filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1], m[2]]));
}

/** The host file a service mounts at `target`. */
function mountedAt(service: Service, target: string): string | undefined {
  const volume = service.volumes?.find((v) => v.split(':')[1] === target);
  return volume && resolve(ROOT, volume.split(':')[0]);
}

// What the cluster suite (test/cluster.e2e.test.ts) proves on scripts/temporal-cluster.sh's server is what
// docker-compose.yml runs: the same version, configuration variables, dynamic config and schema setup.
describe('docker-compose.yml and scripts/temporal-cluster.sh run the same Temporal', () => {
  const settings = clusterSettings();
  const temporal = services.temporal;
  const schema = services['temporal-schema'];
  const namespace = services['temporal-namespace'];

  it('the same server version, in the server image and the admin tools that set it up', () => {
    expect(settings.VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(temporal.image).toBe(`temporalio/server:${settings.VERSION}`);
    expect(schema.image).toMatch(new RegExp(`^temporalio/admin-tools:${settings.VERSION.replace(/\./g, '\\.')}-`));
    expect(namespace.image).toBe(schema.image);
  });

  it('the same configuration: the variables the image fills its config template from', () => {
    const environment = withDefaults(temporal.environment!);
    // Every variable compose sets, the script sets too (the password aside, which it never prints).
    expect(Object.keys(environment).filter((k) => !(k in settings))).toEqual([]);
    for (const key of ['DB', 'NUM_HISTORY_SHARDS']) expect({ key, value: environment[key] }).toEqual({ key, value: settings[key] });
    expect(Number(environment.NUM_HISTORY_SHARDS)).toBeGreaterThan(1);
    expect(environment).toMatchObject({ DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility', POSTGRES_SEEDS: 'postgresql' });
  });

  it('the same dynamic config file, mounted where the server is told to read it', () => {
    const target = String(temporal.environment!.DYNAMIC_CONFIG_FILE_PATH);
    expect(mountedAt(temporal, target)).toBe(settings.DYNAMIC_CONFIG_FILE_PATH);
    expect(existsSync(settings.DYNAMIC_CONFIG_FILE_PATH)).toBe(true);
  });

  it('the same schema setup: one script, the PostgreSQL schema of that version, before the server starts', () => {
    expect(schema.entrypoint).toEqual(['sh', '/retriever/setup.sh', 'schema']);
    expect(namespace.entrypoint).toEqual(['sh', '/retriever/setup.sh', 'namespace']);
    for (const service of [schema, namespace]) expect(mountedAt(service, '/retriever/setup.sh')).toBe(settings.SETUP_SCRIPT);
    // The admin-tools image carries the schema of its version under /etc/temporal/schema; the script takes the same tree from the server's module.
    expect(schema.environment!.SCHEMA_DIR).toBe('/etc/temporal/schema/postgresql/v12');
    expect(settings.SCHEMA_DIR).toMatch(/\/schema\/postgresql\/v12$/);
    expect(withDefaults(schema.environment!)).toMatchObject({ DBNAME: temporal.environment!.DBNAME, VISIBILITY_DBNAME: temporal.environment!.VISIBILITY_DBNAME, SQL_HOST: 'postgresql' });
    expect(temporal.depends_on).toMatchObject({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services.worker.depends_on).toMatchObject({ 'temporal-namespace': { condition: 'service_completed_successfully' } });
  });
});
