/**
 * Records the histories of real syncs into test/histories/, for the replay test that guards running
 * syncs against non-deterministic changes to workflow code. Re-record only when a change to the
 * workflows is meant to be incompatible (and running syncs are drained first).
 *
 *   npx ts-node --transpile-only scripts/record-histories.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { startSimulator, SIMULATOR_KEYS } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import { startDevServer, temporalCli, workflowBundle } from '../test/helpers/temporal';

const DAY = 86_400_000;
const OUT = join(__dirname, '..', 'test', 'histories');

async function main(): Promise<void> {
  // A low continue-as-new threshold so the recording covers that path too.
  const env = await startDevServer(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60']);
  const now = Date.now();
  // About 1250 DORA deployments a day, more than one call returns: its recording holds split windows.
  const simulator = await startSimulator({
    seed: 99,
    dashboards: 60,
    logs: { count: 2_000, from: now - 2 * DAY, to: now - 60_000 },
    security: { counts: { dora_deployments: 2_500 } },
  });
  const destination = await DuckDbDestination.open(':memory:');
  const taskQueue = 'record-histories';
  const { worker, close } = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    credentials: SIMULATOR_KEYS,
    baseUrl: simulator.url,
    destination,
    workflowBundle: await workflowBundle(),
  });
  // A small logs bucket makes the sync pace itself: its history holds the named rate-limit timers.
  const limited = await startSimulator({
    seed: 98,
    logs: { count: 600, from: now - DAY, to: now - 60_000 },
    rateLimits: { buckets: { logs_list: { limit: 4, period: 2 } } },
  });
  const pacedDestination = await DuckDbDestination.open(':memory:'); // its own bookmarks: it reads from the start
  const paced = await createWorker({
    connection: env.nativeConnection,
    taskQueue: `${taskQueue}-paced`,
    credentials: SIMULATOR_KEYS,
    baseUrl: limited.url,
    destination: pacedDestination,
    workflowBundle: await workflowBundle(),
  });
  const syncs = [
    { id: 'replay-full', request: { streams: ['dashboards', 'logs'], start_date: new Date(now - 2 * DAY).toISOString(), lag: '0s', max_records_per_request: 100 } },
    { id: 'replay-incremental', request: { streams: ['logs'], start_date: new Date(now - 2 * DAY).toISOString(), lag: '0s' } },
    { id: 'replay-split', request: { streams: ['dora_deployments'], start_date: new Date(now - 2 * DAY).toISOString(), lag: '0s' } },
  ];
  await worker.runUntil(async () => {
    for (const sync of syncs) await env.client.workflow.execute(datadogSync, { taskQueue, workflowId: sync.id, args: [sync.request] });
  });
  const pacedSync = { id: 'replay-paced', request: { streams: ['logs'], start_date: new Date(now - DAY).toISOString(), lag: '0s', max_records_per_request: 50 } };
  syncs.push(pacedSync);
  await paced.worker.runUntil(() =>
    env.client.workflow.execute(datadogSync, { taskQueue: `${taskQueue}-paced`, workflowId: pacedSync.id, args: [pacedSync.request] }),
  );
  mkdirSync(OUT, { recursive: true });
  let written = 0;
  for (const sync of syncs) {
    for await (const execution of env.client.workflow.list({ query: `WorkflowId STARTS_WITH '${sync.id}'` })) {
      // The JSON of `temporal workflow show`, which Worker.runReplayHistory reads as it is.
      const json = execFileSync(temporalCli(), ['workflow', 'show', '--address', env.address, '-w', execution.workflowId, '-r', execution.runId, '-o', 'json']);
      const file = `${execution.workflowId.replace(/\//g, '__')}__${execution.runId}.json`;
      writeFileSync(join(OUT, file), json);
      written++;
    }
  }
  console.log(`wrote ${written} histories to ${OUT}`);
  await close();
  await paced.close();
  await destination.close();
  await pacedDestination.close();
  await simulator.close();
  await limited.close();
  await env.teardown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
