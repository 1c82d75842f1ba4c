import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataConverter, Duration } from '@temporalio/common';
import { createActivities, type ActivityDeps } from './activities';
import { ReadAhead } from './activities/read-ahead';
import type { FetchRetryPolicy } from './activities/retry-budget';
import { dataConverterFromEnv } from './codec/encryption';
import { datadogCredentials, readEnv, type RetrieverEnv } from './config/env';
import { configuredOrganizations, organizationsFromEnv, organizationVariable, type OrganizationLookup } from './config/organizations';
import { InvalidConfigError } from './config/issues';
import { temporalConnection } from './config/temporal-connection';
import { DEFAULT_ORGANIZATION } from './shared/organization';
import { installRuntime } from './telemetry';
import { apiBaseUrl, type DatadogSite } from './config/sites';
import { DatadogClient, type DatadogClientLimits, type DatadogCredentials } from './datadog/client';
import type { Destination } from './destinations/destination';
import { openDestination } from './destinations/open';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** The default organisation's keys. */
  credentials?: DatadogCredentials;
  /** Overrides https://api.<site> for the default organisation. */
  baseUrl?: string;
  /** Other organisations' keys (and sites, base URLs); `organizationsFromEnv` reads them from the environment. */
  organizations?: OrganizationLookup;
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

/**
 * One Datadog client per API host and key, shared by all activities of this worker (one keep-alive
 * pool each). An organisation's site from its environment wins over the request's.
 */
export function datadogClients(
  organizations: OrganizationLookup,
  limits: DatadogClientLimits = {},
): { forOrganization: (site: DatadogSite, organization?: string) => DatadogClient; close: () => Promise<void> } {
  const clients = new Map<string, DatadogClient>();
  return {
    forOrganization(site, organization = DEFAULT_ORGANIZATION) {
      const settings = organizations(organization);
      const url = settings.baseUrl ?? apiBaseUrl(settings.site ?? site);
      const key = `${url} ${settings.credentials.apiKey}`;
      let client = clients.get(key);
      if (!client) {
        client = new DatadogClient({ ...limits, baseUrl: url, credentials: settings.credentials });
        clients.set(key, client);
      }
      return client;
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/** The setup's organisations: its default keys and base URL, then its lookup for the others. */
function setupOrganizations(setup: WorkerSetup): OrganizationLookup {
  return (organization) => {
    if (organization === DEFAULT_ORGANIZATION && setup.credentials) return { credentials: setup.credentials, baseUrl: setup.baseUrl };
    if (setup.organizations) return setup.organizations(organization);
    throw new InvalidConfigError([`organization "${organization}": this worker has no keys for it (set ${organizationVariable('DD_API_KEY', organization)} and ${organizationVariable('DD_APP_KEY', organization)})`], "the worker's setup");
  };
}

/** Builds a Worker whose activities close over one set of Datadog clients and one destination. */
export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const clients = datadogClients(setupOrganizations(setup), setup.http);
  const readAhead = new ReadAhead();
  const deps: ActivityDeps = { datadog: clients.forOrganization, destination: setup.destination, fetchRetry: setup.fetchRetry, readAhead, now: setup.now };
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
    await readAhead.close();
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
  // The default organisation's keys, or at least one other organisation's: a worker with none could read nothing.
  const others = configuredOrganizations(process.env).filter((o) => o !== DEFAULT_ORGANIZATION);
  const credentials = others.length > 0 && !env.DD_API_KEY && !env.DD_APP_KEY ? undefined : datadogCredentials(env);
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
    organizations: organizationsFromEnv(process.env),
    destination,
    workflowBundle,
    dataConverter,
    shutdownGraceTime: env.RETRIEVER_SHUTDOWN_GRACE as Duration,
    maxConcurrentActivities: env.RETRIEVER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: env.RETRIEVER_MAX_CONCURRENT_WORKFLOW_TASKS,
  });
  const extras = [
    others.length > 0 && `organizations ${[...(credentials ? [DEFAULT_ORGANIZATION] : []), ...others].join(', ')}`,
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
