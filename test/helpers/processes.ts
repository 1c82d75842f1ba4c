import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIMULATOR_KEYS } from '../../src/simulator';
import { tempDir } from './retriever';
import { workflowBundle } from './temporal';

const BIN = join(__dirname, '..', '..', 'bin', 'retriever.js');

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

let bundlePath: Promise<string> | undefined;
/** The workflow bundle written once to a file, so worker processes skip bundling at start. */
export function workflowBundleFile(): Promise<string> {
  bundlePath ??= workflowBundle().then(({ code }) => {
    const path = join(tempDir('retriever-bundle-'), 'workflows.js');
    writeFileSync(path, code);
    return path;
  });
  return bundlePath;
}

/**
 * Starts `retriever worker` in its own process, with the simulator's keys and the given settings,
 * and resolves once it reports "worker ready".
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      DD_API_KEY: SIMULATOR_KEYS.apiKey,
      DD_APP_KEY: SIMULATOR_KEYS.appKey,
      RETRIEVER_WORKFLOW_BUNDLE: await workflowBundleFile(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes('worker ready')) {
        cleanup();
        resolve();
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`worker process exited before it was ready:\n${output}`));
    };
    const cleanup = () => {
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });
  return {
    child,
    output: () => output,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
