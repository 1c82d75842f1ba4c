import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SyncRequestInput } from '../../src/config/request';
import { DuckDbDestination } from '../../src/destinations/duckdb';
import { startSimulator, SIMULATOR_KEYS, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { createWorker } from '../../src/worker';
import { datadogSync } from '../../src/workflows';
import type { SyncResult } from '../../src/workflows/types';
import { workflowBundle } from './temporal';

export function tempDir(prefix = 'retriever-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let queueCounter = 0;
export function uniqueQueue(name: string): string {
  return `${name}-${process.pid}-${++queueCounter}`;
}

export interface Harness {
  simulator: Simulator;
  destination: DuckDbDestination;
  taskQueue: string;
  /** An in-process worker on the harness's queue, simulator and destination (call its `close` after it stops). */
  worker(): ReturnType<typeof createWorker>;
  /** Runs one sync with an in-process worker and returns its result. */
  sync(request: SyncRequestInput, workflowId?: string): Promise<SyncResult>;
  close(): Promise<void>;
}

let syncCounter = 0;
/** `dataConverter`: the workers' payload encryption (the test's client must use the same). */
export async function harness(env: TestWorkflowEnvironment, simulatorOptions: SimulatorOptions = {}, options: { dataConverter?: DataConverter } = {}): Promise<Harness> {
  const simulator = await startSimulator(simulatorOptions);
  const destination = await DuckDbDestination.open(join(tempDir(), 'retriever.duckdb'));
  const taskQueue = uniqueQueue('sync');
  const worker = async () =>
    createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: simulator.url,
      destination,
      workflowBundle: await workflowBundle(),
      dataConverter: options.dataConverter,
      // Syncs are planned on the simulator's clock, so a test that pins or moves its time moves theirs.
      now: simulator.world.clock,
    });
  return {
    simulator,
    destination,
    taskQueue,
    worker,
    async sync(request, workflowId = `test-sync-${process.pid}-${++syncCounter}`) {
      const { worker: running, close } = await worker();
      try {
        return await running.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [request] }));
      } finally {
        await close();
      }
    },
    async close() {
      await destination.close();
      await simulator.close();
    },
  };
}

export async function tableIds(destination: DuckDbDestination, table: string): Promise<string[]> {
  const rows = await destination.query(`SELECT id FROM "${table}" ORDER BY id`);
  return rows.map((r) => String(r.id));
}
