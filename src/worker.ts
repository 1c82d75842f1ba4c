import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { createActivities, type ActivityDeps } from './activities';
import type { FetchRetryPolicy } from './activities/retry-budget';
import { datadogCredentials, readEnv, type RetrieverEnv } from './config/env';
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
  const deps: ActivityDeps = { datadog: clients.forSite, destination: setup.destination, fetchRetry: setup.fetchRetry };
  const worker = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities(deps),
    shutdownGraceTime: setup.shutdownGraceTime ?? '10s',
  });
  return { worker, close: clients.close };
}

/** Runs a worker configured from the environment until SIGINT/SIGTERM. */
export async function runWorkerFromEnv(env: RetrieverEnv = readEnv(), log: (line: string) => void = console.error): Promise<void> {
  const credentials = datadogCredentials(env);
  const destination = await openDestination(env);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workflowBundle = process.env.RETRIEVER_WORKFLOW_BUNDLE ? { codePath: process.env.RETRIEVER_WORKFLOW_BUNDLE } : undefined;
  const { worker, close } = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.RETRIEVER_TASK_QUEUE,
    credentials,
    baseUrl: env.DD_BASE_URL,
    destination,
    workflowBundle,
  });
  log(`worker ready: task queue "${env.RETRIEVER_TASK_QUEUE}" at ${env.TEMPORAL_ADDRESS}, writing to ${destination.description}`);
  try {
    await worker.run();
  } finally {
    await close();
    await destination.close();
    await connection.close();
  }
}
