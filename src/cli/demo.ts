import type { Command } from 'commander';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { dataConverterFromEnv } from '../codec/encryption';
import { datadogCredentials, readEnv } from '../config/env';
import { temporalConnection } from '../config/temporal-connection';
import { parseSyncRequest } from '../config/request';
import { DuckDbDestination } from '../destinations/duckdb';
import { SERVED_STREAMS, startSimulator, SIMULATOR_KEYS, type Simulator, type SimulatorOptions } from '../simulator';
import { createWorker } from '../worker';
import { ensureDevServer } from './dev-server';
import { defaultWorkflowId, printOutcome, startSync, watchSync } from './run-sync';
import { connectClient } from './temporal';

const DAY = 86_400_000;

/**
 * The simulated organisation: enough of everything that each table has something to look at, and
 * little enough that the whole catalogue lands in about a minute on two cores. Streams without a
 * size here get the simulator's own small default.
 */
function demoWorld(today: number): SimulatorOptions {
  return {
    seed: 42,
    dashboards: 40,
    logs: { count: 30_000, from: today - 3 * DAY, to: today + DAY },
    search: { audit_logs: 2_000, events: 2_000, rum_events: 3_000, spans: 3_000 },
  };
}

/** Streams read at once: most of a stream's time goes to round trips, not to the two cores. */
const DEMO_PARALLEL_STREAMS = 8;

/**
 * `npm start`: everything on one machine. A Temporal dev server (started or reused), the simulator
 * unless DD_API_KEY is set, a worker in this process, and a sync of every stream into DuckDB.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('Run a real sync end to end on the embedded defaults (dev server, simulator or real Datadog, DuckDB)')
    .option('--days <n>', 'how far back logs are read on the first run', '3')
    .option('--json', 'machine-readable result', false)
    .action(async (opts: { days: string; json: boolean }) => {
      const log = (line: string) => console.error(line);
      // The SDK's worker lifecycle lines would drown the progress display.
      Runtime.install({ logger: new DefaultLogger('WARN') });
      const env = readEnv();
      const now = Date.now();
      const { uiUrl, started } = await ensureDevServer(env.TEMPORAL_ADDRESS, log);
      const runEnv = { ...env, TEMPORAL_UI_URL: env.TEMPORAL_UI_URL ?? uiUrl };

      let simulator: Simulator | undefined;
      let credentials = SIMULATOR_KEYS;
      let baseUrl = env.DD_BASE_URL;
      if (env.DD_API_KEY) {
        credentials = datadogCredentials(env);
        log(`Reading from real Datadog${baseUrl ? ` at ${baseUrl}` : ''} (DD_API_KEY is set).`);
      } else {
        // The simulated org is anchored to the day, so reruns see the same history plus new logs.
        const today = Math.floor(now / DAY) * DAY;
        simulator = await startSimulator(demoWorld(today));
        baseUrl = simulator.url;
        log(`DD_API_KEY is not set: reading from the built-in Datadog simulator at ${simulator.url}.`);
      }

      const destination = await DuckDbDestination.open(env.RETRIEVER_DUCKDB_PATH, { memoryLimit: env.RETRIEVER_DUCKDB_MEMORY_LIMIT });
      const connection = await NativeConnection.connect(temporalConnection(env));
      const { worker, close } = await createWorker({
        connection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.RETRIEVER_TASK_QUEUE,
        credentials,
        baseUrl,
        destination,
        dataConverter: dataConverterFromEnv(),
      });
      // Every stream the simulator serves (read from the stream table now, so a new row joins the demo);
      // from real Datadog every stream too, those the keys cannot read skipped with a warning.
      const request = parseSyncRequest(
        {
          name: 'demo',
          ...(simulator ? { streams: [...SERVED_STREAMS] } : {}),
          start_date: new Date(now - Number(opts.days) * DAY).toISOString(),
          lag: simulator ? '0s' : '1m',
          max_parallel_streams: DEMO_PARALLEL_STREAMS,
        },
        now,
      );
      const workflowId = defaultWorkflowId(request);
      const { client, close: closeClient } = await connectClient(env);
      try {
        const outcome = await worker.runUntil(async () => {
          await startSync(client, runEnv, request, workflowId);
          log(`Sync ${workflowId} started; writing to ${destination.description}.`);
          return watchSync(client, workflowId, { progress: !opts.json });
        });
        printOutcome(outcome, runEnv, workflowId, opts.json);
        if (!opts.json) {
          console.log(`Data: ${env.RETRIEVER_DUCKDB_PATH} (try: duckdb ${env.RETRIEVER_DUCKDB_PATH} "select service, count(*) from logs group by 1")`);
          console.log(`Parquet for the lake: npm run retriever -- export --format parquet --out data/parquet`);
          if (started) console.log(`The Temporal dev server keeps running for the Web UI; stop it with: npm run stop`);
        }
        if (outcome.error) process.exitCode = 1;
      } finally {
        await closeClient();
        await close();
        await destination.close();
        await connection.close();
        await simulator?.close();
      }
    });
}
