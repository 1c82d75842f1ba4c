/**
 * Temporal's own cost per step: a workflow that runs `--n` trivial activities one after the other,
 * on dev servers with and without each of TUNED_DEV_SERVER's settings, with and without a heartbeat
 * as the activity starts (as fetchPage sends one). Prints milliseconds per activity round trip.
 *
 *   npx ts-node --transpile-only bench/temporal-roundtrip.ts -- [--n 200]
 */
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { option, runMain, startTemporal } from './common';

const SETTINGS: [string, Record<string, unknown>][] = [
  ['dev server defaults', {}],
  ['eager activities', { 'system.enableActivityEagerExecution': true }],
  ['transfer tasks read up to 1000/s', { 'history.transferProcessorMaxPollRPS': 1000 }],
  ['both', { 'system.enableActivityEagerExecution': true, 'history.transferProcessorMaxPollRPS': 1000 }],
];

async function measure(config: Record<string, unknown>, n: number, heartbeat: boolean): Promise<number> {
  const temporal = await startTemporal(config);
  const connection = await NativeConnection.connect({ address: temporal.address });
  try {
    const taskQueue = 'roundtrip';
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./roundtrip-workflow'),
      activities: {
        async noop() {
          if (heartbeat) Context.current().heartbeat();
          return 1;
        },
      },
    });
    return await worker.runUntil(async () => {
      // A first workflow warms the worker's cache and the server's task queues.
      await temporal.client.workflow.execute('roundTrips', { taskQueue, workflowId: 'warm-up', args: [20] });
      const started = performance.now();
      await temporal.client.workflow.execute('roundTrips', { taskQueue, workflowId: 'measured', args: [n] });
      return (performance.now() - started) / n;
    });
  } finally {
    await connection.close();
    await temporal.stop();
  }
}

async function main(): Promise<void> {
  const n = option('n', 200);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(`${n} trivial activities one after the other; milliseconds per round trip:`);
  for (const [label, config] of SETTINGS) {
    const plain = await measure(config, n, false);
    const beating = await measure(config, n, true);
    console.log(`  ${label.padEnd(36)} ${plain.toFixed(1).padStart(6)} ms · with a heartbeat at start ${beating.toFixed(1).padStart(6)} ms`);
  }
}

runMain(main);
