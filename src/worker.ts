import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataConverter, Duration } from '@temporalio/common';
import { createActivities, type ActivityDeps } from './activities';
import { ReadAhead } from './activities/read-ahead';
import type { FetchRetryPolicy } from './activities/retry-budget';
import { dataConverterFromEnv } from './codec/encryption';
import { datadogCredentials, readEnv, type RetrieverEnv } from './config/env';
import { temporalConnection } from './config/temporal-connection';
import { installRuntime } from './telemetry';
import { apiBaseUrl, type DatadogSite } from './config/sites';
import { DatadogClient, type DatadogClientLimits, type DatadogCredentials } from './datadog/client';
import type { Destination } from './destinations/destination';
import { openDestination } from './destinations/open';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  credentials: DatadogCredentials;
  /** Overrides https://api.<site> for every site. */
  baseUrl?: string;
  destination: Destination;
  /** A prebuilt workflow bundle (tests, many workers); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** How long in-flight pages may finish after a shutdown request. */
  shutdownGraceTime?: Duration;
  /** Timeouts and size limits of the Datadog HTTP client (defaults suit the real API). */
  http?: DatadogClientLimits;
  /** How a failing page is retried (defaults: 8 failed attempts, 1 s doubling to 30 s, jittered). */
  fetchRetry?: Partial<FetchRetryPolicy>;
  /** Payload encryption; must match the clients'. */
  dataConverter?: DataConverter;
  /** Pages this process works on at once. */
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** "Now" for planning syncs (tests point it at the simulator's clock); Date.now unless given. */
  now?: () => number;
}

/** One Datadog client per API host, shared by all activities of this worker (one keep-alive pool each). */
export function datadogClients(
  credentials: DatadogCredentials,
  baseUrl?: string,
  limits: DatadogClientLimits = {},
): { forSite: (site: DatadogSite) => DatadogClient; close: () => Promise<void> } {
  const clients = new Map<string, DatadogClient>();
  return {
    forSite(site) {
      const url = baseUrl ?? apiBaseUrl(site);
      let client = clients.get(url);
      if (!client) {
        client = new DatadogClient({ ...limits, baseUrl: url, credentials });
        clients.set(url, client);
      }
      return client;
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/** Builds a Worker whose activities close over one set of Datadog clients and one destination. */
export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const clients = datadogClients(setup.credentials, setup.baseUrl, setup.http);
  const readAhead = new ReadAhead();
  const deps: ActivityDeps = { datadog: clients.forSite, destination: setup.destination, fetchRetry: setup.fetchRetry, readAhead, now: setup.now };
  const worker = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities(deps),
    shutdownGraceTime: setup.shutdownGraceTime ?? '10s',
    dataConverter: setup.dataConverter,
    maxConcurrentActivityTaskExecutions: setup.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: setup.maxConcurrentWorkflowTasks,
  });
  const close = async () => {
    readAhead.close();
    await clients.close();
  };
  return { worker, close };
}

/**
 * Runs a worker configured from the environment until SIGINT/SIGTERM or until `stop` is aborted; then
 * pages in flight get RETRIEVER_SHUTDOWN_GRACE to finish before they are cancelled (and retried by
 * another worker).
 */
export async function runWorkerFromEnv(env: RetrieverEnv = readEnv(), log: (line: string) => void = console.error, stop?: AbortSignal): Promise<void> {
  const credentials = datadogCredentials(env);
  const dataConverter = dataConverterFromEnv();
  const connectionSettings = temporalConnection(env);
  installRuntime({ metricsAddress: env.RETRIEVER_METRICS_ADDRESS, logLevel: env.RETRIEVER_LOG_LEVEL });
  const destination = await openDestination(env);
  const connection = await NativeConnection.connect(connectionSettings);
  const workflowBundle = env.RETRIEVER_WORKFLOW_BUNDLE ? { codePath: env.RETRIEVER_WORKFLOW_BUNDLE } : undefined;
  const { worker, close } = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.RETRIEVER_TASK_QUEUE,
    credentials,
    baseUrl: env.DD_BASE_URL,
    destination,
    workflowBundle,
    dataConverter,
    shutdownGraceTime: env.RETRIEVER_SHUTDOWN_GRACE as Duration,
    maxConcurrentActivities: env.RETRIEVER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: env.RETRIEVER_MAX_CONCURRENT_WORKFLOW_TASKS,
  });
  const extras = [
    dataConverter && 'payloads encrypted',
    env.RETRIEVER_METRICS_ADDRESS && `metrics at http://${env.RETRIEVER_METRICS_ADDRESS}/metrics`,
  ].filter(Boolean);
  log(
    `worker ready: task queue "${env.RETRIEVER_TASK_QUEUE}" at ${env.TEMPORAL_ADDRESS}, writing to ${destination.description}` +
      (extras.length ? ` (${extras.join(', ')})` : ''),
  );
  const shutdown = () => {
    // A signal may have begun the shutdown already.
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const running = worker.run();
  // Asked to stop while starting: stop now that there is something to stop.
  if (stop?.aborted) shutdown();
  else stop?.addEventListener('abort', shutdown, { once: true });
  try {
    await running;
  } finally {
    stop?.removeEventListener('abort', shutdown);
    await close();
    await destination.close();
    await connection.close();
  }
  log('worker stopped');
}
