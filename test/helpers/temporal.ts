import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';

/** The Temporal CLI installed by scripts/install-temporal.sh (run by `npm test`'s pretest). */
export function temporalCli(): string {
  const path = process.env.TEMPORAL_CLI ?? join(__dirname, '..', '..', 'tools', 'temporal');
  if (!existsSync(path)) throw new Error(`no Temporal CLI at ${path}: run npm run temporal:install`);
  return path;
}

/** A real dev server on free ports, for one test file; `uiPort` also serves its Web UI. */
export function startDevServer(extraArgs: string[] = [], options: { uiPort?: number } = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCli() }, extraArgs, ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}) },
  });
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/** Keeps the SDK's own logging to warnings, so test output stays readable. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already by an earlier test file in this process: keep that one.
  }
}

/** Temporal's time-skipping test server installed by scripts/install-test-server.sh (run by `npm test`'s pretest). */
export function testServer(): string {
  const path = process.env.TEMPORAL_TEST_SERVER ?? join(__dirname, '..', '..', 'tools', 'temporal-test-server');
  if (!existsSync(path)) throw new Error(`no Temporal test server at ${path}: run bash scripts/install-test-server.sh`);
  return path;
}

/** A time-skipping environment: timers fire at once while no activity runs, so hours of waiting take no time. */
export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer() } } });
}
