/**
 * What the benchmarks share: options, the processes they measure (simulator, Temporal dev server,
 * worker), and reading a process's peak memory and CPU time from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dynamicConfigArgs, temporalAnswers, temporalCliPath, TUNED_DEV_SERVER } from '../src/cli/dev-server';
import { SIMULATOR_KEYS } from '../src/simulator/server';
import { freePort } from '../test/helpers/temporal';
import type { RequestLogEntry, SimulatorOptions } from '../src/simulator/server';
import type { Question, SimulatorQuestion } from './simulator-process';

export const ROOT = join(__dirname, '..');
export const DAY = 86_400_000;

/** `--name value` from the command line, a positive number. */
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

export function stringOption(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function tempDir(prefix = 'retriever-bench-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A day boundary `days` back, so a sync's one-day windows line up with the data. */
export function dayStart(daysBack: number): number {
  return Math.floor(Date.now() / DAY) * DAY - daysBack * DAY;
}

export { freePort };

/** Runs a bench script's `main`, exiting non-zero on failure. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** Node with TypeScript sources, as bin/retriever.js runs them (swc through ts-node, no type check). */
function tsNodeArgs(script: string, args: string[]): string[] {
  return ['-e', `require('ts-node').register({ transpileOnly: true, swc: true, project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))} }); require(${JSON.stringify(script)})`, '--', ...args];
}

// ── /proc ─────────────────────────────────────────────────────────────────────────────────────

/** Peak resident set size of a live process, in bytes (Linux VmHWM). */
export function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

const TICKS = 100; // USER_HZ on Linux

/** User + system CPU seconds a live process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/**
 * CPU seconds of each thread of a live process so far, summed by thread name (`/proc/<pid>/task/*\/comm`:
 * `node` for the main thread, and names like `DedicatedWorker`, `libuv-worker`, `tokio-runtime-w`, DuckDB's own).
 */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = Number(tid) === pid ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch (err) {
      // A thread that ended between the listing and the read: its time is gone with it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return byName;
}

/** What each thread name gained between two readings of `threadCpuSeconds`. */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, seconds]) => [name, round(seconds - (before[name] ?? 0), 2)] as const)
      .filter(([, seconds]) => seconds > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** CPU seconds each named process uses while `work` runs. */
export async function cpuDuring<T>(pids: Record<string, number | undefined>, work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const own = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const read = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? own() : cpuSeconds(pid)]));
  const before = read();
  const result = await work();
  const after = read();
  return { result, cpu: Object.fromEntries(Object.keys(pids).map((name) => [name, round(after[name] - before[name], 2)])) };
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ── Child processes ───────────────────────────────────────────────────────────────────────────

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): { output: () => string; exited: Promise<void> } {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { output: () => output, exited };
}

async function waitFor(child: ChildProcess, output: () => string, ready: (text: string) => boolean, what: string): Promise<void> {
  for (;;) {
    if (ready(output())) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before it was ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export interface SimulatorProcess extends Child {
  readonly url: string;
  /** The requests it received, from the `from`-th on (without their queries and bodies). */
  requests(from?: number): Promise<Pick<RequestLogEntry, 'at' | 'path' | 'status' | 'rateLimit' | 'fault'>[]>;
  /** Records each stream holds (its ground truth), within a window for incremental streams. */
  counts(streams: { name: string; window?: { from: number; to: number } }[]): Promise<Record<string, number>>;
  /** For the streams whose list pages by shard (a page never spans two): the fewest requests it allows. */
  shardedPages(streams: { name: string; window?: { from: number; to: number } }[]): Promise<Record<string, number>>;
}

/** The Datadog simulator in a process of its own, so serving pages does not share the measured event loop. */
export async function startSimulatorProcess(options: SimulatorOptions): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, tsNodeArgs(join(__dirname, 'simulator-process.ts'), [JSON.stringify(options)]), {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { output, exited } = track(child);
  await waitFor(child, output, (t) => t.includes('"url"'), 'the simulator');
  const url = JSON.parse(output().split('\n').find((l) => l.includes('"url"'))!).url as string;
  let asked = 0;
  const ask = <T>(question: Question): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++asked;
      const onMessage = (message: { id: number; answer: T; error?: string }) => {
        if (message.id !== id) return;
        child.off('message', onMessage);
        if (message.error !== undefined) reject(new Error(`the simulator could not answer ${question.ask}: ${message.error}`));
        else resolve(message.answer);
      };
      child.on('message', onMessage);
      child.send({ ...question, id } satisfies SimulatorQuestion);
    });
  return {
    child,
    pid: child.pid!,
    url,
    output,
    stop: () => stopChild(child, exited),
    requests: (from = 0) => ask({ ask: 'requests', from }),
    counts: (streams) => ask({ ask: 'counts', streams }),
    shardedPages: (streams) => ask({ ask: 'shardedPages', streams }),
  };
}

export interface TemporalServer extends Child {
  readonly address: string;
  client: Client;
  connection: Connection;
}

export { TUNED_DEV_SERVER };

/**
 * A Temporal dev server (in-memory SQLite, as tests use it) in its own process, with any
 * `--dynamic-config-value` settings given.
 */
export async function startTemporal(dynamicConfig: Record<string, unknown> = TUNED_DEV_SERVER): Promise<TemporalServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(temporalCliPath(), ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', ...dynamicConfigArgs(dynamicConfig)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = track(child);
  for (let i = 0; !(await temporalAnswers(address)); i++) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited:\n${output()}`);
    if (i > 240) throw new Error(`the Temporal dev server did not answer at ${address}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const connection = await Connection.connect({ address });
  return {
    child,
    pid: child.pid!,
    address,
    output,
    connection,
    client: new Client({ connection }),
    async stop() {
      await connection.close();
      await stopChild(child, exited);
    },
  };
}

let bundleFile: Promise<string> | undefined;
/** The workflow bundle, written once to a file, so worker processes start without bundling. */
export function workflowBundleFile(): Promise<string> {
  bundleFile ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  }).then(({ code }) => {
    const path = join(tempDir('retriever-bundle-'), 'workflows.js');
    writeFileSync(path, code);
    return path;
  });
  return bundleFile;
}

export interface WorkerProcess extends Child {
  readonly taskQueue: string;
  readonly duckdbPath: string;
}

let workers = 0;
/** `retriever worker` in its own process: the one users run, configured the way they configure it. */
export async function startWorkerProcess(temporal: TemporalServer, simulatorUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const taskQueue = `bench-${process.pid}-${++workers}`;
  const duckdbPath = join(tempDir(), 'retriever.duckdb');
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'retriever.js'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      RETRIEVER_TASK_QUEUE: taskQueue,
      RETRIEVER_DESTINATION: 'duckdb',
      RETRIEVER_DUCKDB_PATH: duckdbPath,
      DD_BASE_URL: simulatorUrl,
      DD_API_KEY: SIMULATOR_KEYS.apiKey,
      DD_APP_KEY: SIMULATOR_KEYS.appKey,
      RETRIEVER_WORKFLOW_BUNDLE: await workflowBundleFile(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = track(child);
  await waitFor(child, output, (t) => t.includes('worker ready'), 'the worker');
  return { child, pid: child.pid!, taskQueue, duckdbPath, output, stop: () => stopChild(child, exited) };
}

/** Runs a TypeScript file of bench/ in a child process and returns the JSON it prints last. */
export async function runScript<T>(file: string, args: string[], onStart?: (pid: number) => void): Promise<T> {
  const child = spawn(process.execPath, tsNodeArgs(join(__dirname, file), args), { stdio: ['ignore', 'pipe', 'pipe'] });
  onStart?.(child.pid!);
  const { output, exited } = track(child);
  await exited;
  if (child.exitCode !== 0) throw new Error(`${file} failed (${child.exitCode ?? child.signalCode}):\n${output()}`);
  const last = output().trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!last) throw new Error(`${file} printed no result:\n${output()}`);
  return JSON.parse(last) as T;
}

/** Prints `--name value` pairs for a child script. */
export function args(values: Record<string, string | number>): string[] {
  return Object.entries(values).flatMap(([k, v]) => [`--${k}`, String(v)]);
}

/** `1,234,567` */
export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a';
}

export function mib(bytes: number): string {
  return `${int(bytes / 1024 / 1024)} MiB`;
}
