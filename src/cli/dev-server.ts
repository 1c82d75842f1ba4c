import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';

const ROOT = resolve(__dirname, '..', '..');

/**
 * Dev-server settings that take Temporal's own latency out of a single workflow's way:
 * - The history service reads new transfer tasks (an activity or workflow task to dispatch) at most
 *   20 times a second per shard by default, and a dev server has one shard: a sequential workflow
 *   then waits up to 50 ms at every step (an activity round trip took 100 ms; 9 ms with this raised).
 * - Eager activity execution: the activity a workflow task schedules comes back to the worker in the
 *   reply to that workflow task, without a trip through the task queue.
 * See BENCHMARKS.md.
 */
export const TUNED_DEV_SERVER: Record<string, unknown> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'system.enableActivityEagerExecution': true,
};

/** `--dynamic-config-value` arguments for `temporal server start-dev`. */
export function dynamicConfigArgs(values: Record<string, unknown>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${JSON.stringify(v)}`]);
}

/** True when a Temporal frontend answers at `address`. */
export async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '2s' });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    // Nothing answers there (or not a Temporal frontend): the caller starts a dev server instead.
    return false;
  }
}

/** The pinned Temporal CLI, built on first use by scripts/install-temporal.sh. */
export function temporalCliPath(): string {
  const path = process.env.TEMPORAL_CLI ?? join(ROOT, 'tools', 'temporal');
  if (!existsSync(path)) {
    const built = spawnSync('bash', [join(ROOT, 'scripts', 'install-temporal.sh')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('could not install the Temporal CLI (see the message above)');
  }
  return path;
}

/**
 * Reuses the Temporal server at `address` when one answers; otherwise starts the dev server in the
 * background with its Web UI and a database file under data/, so runs and history survive restarts.
 */
export async function ensureDevServer(address: string, log: (line: string) => void): Promise<{ started: boolean; uiUrl: string }> {
  const [host, portText] = address.split(':');
  const port = Number(portText ?? 7233);
  const uiUrl = `http://${host === '127.0.0.1' ? 'localhost' : host}:${port + 1000}`;
  if (await temporalAnswers(address)) {
    log(`Using the Temporal server at ${address}.`);
    return { started: false, uiUrl };
  }
  const cli = temporalCliPath();
  const dataDir = join(ROOT, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFd = openSync(join(dataDir, 'temporal.log'), 'a');
  const child = spawn(
    cli,
    [
      ...['server', 'start-dev', '--db-filename', join(dataDir, 'temporal.db'), '--ip', host === 'localhost' ? '127.0.0.1' : host, '--port', String(port), '--ui-port', String(port + 1000)],
      ...dynamicConfigArgs(TUNED_DEV_SERVER),
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  child.unref();
  writeFileSync(join(dataDir, 'temporal.pid'), String(child.pid));
  log(`Starting the Temporal dev server at ${address} (Web UI ${uiUrl}, database data/temporal.db, log data/temporal.log)...`);
  for (let i = 0; i < 120; i++) {
    if (await temporalAnswers(address)) return { started: true, uiUrl };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Temporal dev server did not come up at ${address}; see data/temporal.log`);
}
