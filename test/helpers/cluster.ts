import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { temporalAnswers } from '../../src/cli/dev-server';
import { testPostgresEnv } from './postgres';
import { tempDir } from './retriever';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'temporal-cluster.sh');
const run = promisify(execFile);
/** The server takes nine ports from its base up (see scripts/temporal-cluster.sh). */
const PORTS_TAKEN = 9;

/** Runs scripts/temporal-cluster.sh with `env`; its messages (stderr) are returned. */
export async function clusterScript(command: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr } = await run('bash', [SCRIPT, command], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return stdout + stderr;
}

/** What the script says it runs with (`settings`), as a map. */
export async function clusterSettings(env: Record<string, string> = {}): Promise<Record<string, string>> {
  const out = await clusterScript('settings', env);
  const pairs = out.split('\n').map((line) => /^([A-Z_]+)=(.*)$/.exec(line));
  return Object.fromEntries(pairs.filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1], m[2]]));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with the nine above it free, below the ephemeral range so no client socket takes one meanwhile. */
async function freePortRange(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await Promise.all(Array.from({ length: PORTS_TAKEN }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no range of nine free ports found between 20000 and 30000');
}

/**
 * A Temporal cluster of its own for one test file, from scripts/temporal-cluster.sh: the server on the
 * project's PostgreSQL with databases, ports and a directory nobody else uses, dropped at the end.
 */
export class TemporalCluster {
  private constructor(
    readonly port: number,
    readonly database: string,
    readonly dir: string,
  ) {}

  static async start(): Promise<TemporalCluster> {
    await reapAbandonedClusters();
    const port = await freePortRange();
    const cluster = new TemporalCluster(port, `temporal_cluster_test_${process.pid}_${port}`, tempDir('retriever-cluster-'));
    await cluster.restart();
    return cluster;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get env(): Record<string, string> {
    return { RETRIEVER_CLUSTER_PORT: String(this.port), RETRIEVER_CLUSTER_DB: this.database, RETRIEVER_CLUSTER_DIR: this.dir };
  }

  /** Starts the server (again), on the same ports and databases, and waits until it serves. */
  async restart(): Promise<void> {
    await clusterScript('start', this.env);
  }

  /** Kills the server process with SIGKILL, as a crash would, and waits until it is gone. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(join(this.dir, 'server.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    while (processAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }

  answers(): Promise<boolean> {
    return temporalAnswers(this.address);
  }

  /** The history shard each of these workflows' executions lives on, read from the server's database. */
  async shardsOf(workflowIds: string[]): Promise<Map<string, number>> {
    const url = new URL(testPostgresEnv().DATABASE_URL);
    url.pathname = `/${this.database}`;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query<{ workflow_id: string; shard_id: number }>('SELECT workflow_id, shard_id FROM current_executions WHERE workflow_id = ANY($1)', [workflowIds]);
      return new Map(rows.map((r) => [r.workflow_id, Number(r.shard_id)]));
    } finally {
      await db.end();
    }
  }

  /** Stops the server and drops its databases and directory. */
  async drop(): Promise<void> {
    await clusterScript('drop', this.env);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const TEST_DATABASE = /^temporal_cluster_test_(\d+)_\d+$/;

/**
 * Servers and databases left by a test run that was interrupted before its afterAll (Ctrl-C, a killed
 * jest): a server runs in a session of its own and would otherwise keep running. A server is the
 * tests' when its DBNAME names a test database, and abandoned when the process named in it is gone.
 */
async function reapAbandonedClusters(): Promise<void> {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let environ: string, cmdline: string[];
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile, or another user's
    }
    const database = environ.split('\0').find((v) => v.startsWith('DBNAME='))?.slice('DBNAME='.length);
    const owner = database && TEST_DATABASE.exec(database)?.[1];
    const root = cmdline[cmdline.indexOf('--root') + 1];
    if (!owner || processAlive(Number(owner)) || !cmdline.includes('--root')) continue;
    process.kill(Number(entry), 'SIGKILL');
    if (basename(root).startsWith('retriever-cluster-')) rmSync(root, { recursive: true, force: true });
  }
  const db = new Client({ connectionString: testPostgresEnv().DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'temporal_cluster_test_%'");
    for (const { datname } of rows) {
      const owner = TEST_DATABASE.exec(datname.replace(/_visibility$/, ''))?.[1];
      if (owner && !processAlive(Number(owner))) await db.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await db.end();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: gone
  }
}
