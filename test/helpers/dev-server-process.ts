import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { temporalAnswers } from '../../src/cli/dev-server';
import { tempDir } from './retriever';
import { freePort, temporalCli } from './temporal';

/**
 * A Temporal dev server in a process of its own, on a database file, that a test may kill and start
 * again on the same port and file (TestWorkflowEnvironment cannot restart its server).
 */
export class DevServerProcess {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dbFile: string,
    private readonly extraArgs: string[],
  ) {}

  static async start(extraArgs: string[] = []): Promise<DevServerProcess> {
    const server = new DevServerProcess(await freePort(), join(tempDir('retriever-temporal-'), 'temporal.db'), extraArgs);
    await server.restart();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = spawn(
      temporalCli(),
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(this.port), '--db-filename', this.dbFile, '--log-level', 'error', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 240; i++) {
      if (await temporalAnswers(this.address)) return;
      if (this.child.exitCode !== null) throw new Error(`the Temporal dev server exited with ${this.child.exitCode}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the Temporal dev server did not answer at ${this.address}`);
  }

  /** Kills the server (SIGKILL by default) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
