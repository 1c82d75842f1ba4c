/**
 * The worker started as the README says (`npx retriever worker`, or `npm run worker`): SIGTERM to
 * that command stops the worker, gracefully, and leaves no process of it behind. npm runs the
 * command through `sh -c`, which dies of the signal without passing it on.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SIMULATOR_KEYS } from '../src/simulator';
import { workflowBundleFile } from './helpers/processes';
import { tempDir, uniqueQueue } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const ROOT = join(__dirname, '..');

/** A process's parent pid and state letter, from /proc; undefined once it is gone. */
function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    // The command name, in parentheses, may hold spaces: the fields that matter follow its last ")".
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Running: present and not a zombie (an exited process nobody has reaped yet). */
function running(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

function descendants(pid: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = all.filter((p) => stat(p)?.ppid === pid);
  return [...children, ...children.flatMap(descendants)];
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

const describeOnLinux = existsSync('/proc/self/stat') ? describe : describe.skip;

describeOnLinux('stopping the worker command the README recommends', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it.each([
    ['npx', ['retriever', 'worker']],
    ['npm', ['run', 'worker']],
  ])('%s %s: SIGTERM to it stops the worker gracefully, and no worker process remains', async (command, args) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        RETRIEVER_TASK_QUEUE: uniqueQueue('npm-worker'),
        RETRIEVER_DUCKDB_PATH: join(tempDir(), 'retriever.duckdb'),
        RETRIEVER_WORKFLOW_BUNDLE: await workflowBundleFile(),
        DD_API_KEY: SIMULATOR_KEYS.apiKey,
        DD_APP_KEY: SIMULATOR_KEYS.appKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let workers: number[] = [];
    try {
      expect(await until(() => output.includes('worker ready'), 120_000)).toBe(true);
      // The node process running the worker, below npm and its shell.
      workers = descendants(child.pid!).filter((pid) => /^\S*node \S*retriever(\.js)? worker$/.test(commandLine(pid)));
      expect(workers).toHaveLength(1);

      child.kill('SIGTERM');
      await exited;
      expect(await until(() => !running(workers[0]), 30_000)).toBe(true);
      // It shut down through its own shutdown path (in-flight work drained, destination closed), not killed.
      expect(output).toContain('worker stopping: the npm process that started it has ended');
      expect(output).toMatch(/worker stopped\s*$/);
    } finally {
      for (const pid of [...workers, ...descendants(child.pid!)]) if (running(pid)) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
