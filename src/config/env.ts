import { z } from 'zod';
import { formatIssues, InvalidConfigError } from './issues';

/** Settings a worker or CLI reads from its environment. Secrets live only here. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  RETRIEVER_TASK_QUEUE: z.string().min(1).default('retriever'),
  /** Where the Temporal Web UI is, for links printed by the CLI. */
  TEMPORAL_UI_URL: z.string().url().optional(),
  DD_API_KEY: z.string().min(1).optional(),
  DD_APP_KEY: z.string().min(1).optional(),
  /** Sends every site's requests to this base URL instead of https://api.<site> (the simulator, a proxy). */
  DD_BASE_URL: z.string().url().optional(),
  RETRIEVER_DUCKDB_PATH: z.string().min(1).default('data/retriever.duckdb'),
});

export type RetrieverEnv = z.output<typeof envSchema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): RetrieverEnv {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new InvalidConfigError(formatIssues(result.error.issues), 'environment');
  return result.data;
}

/** The worker's Datadog keys; both are required, and only ever read from the environment. */
export function datadogCredentials(env: RetrieverEnv): { apiKey: string; appKey: string } {
  const missing = [
    !env.DD_API_KEY && 'DD_API_KEY: not set (the Datadog API key)',
    !env.DD_APP_KEY && 'DD_APP_KEY: not set (the Datadog application key)',
  ].filter((m): m is string => Boolean(m));
  if (missing.length > 0) throw new InvalidConfigError(missing, 'environment');
  return { apiKey: env.DD_API_KEY!, appKey: env.DD_APP_KEY! };
}

/** The Web UI link of a workflow run. */
export function webUiUrl(env: RetrieverEnv, workflowId: string, runId?: string): string {
  const base = env.TEMPORAL_UI_URL ?? `http://${env.TEMPORAL_ADDRESS.replace(/:(\d+)$/, (_, port) => `:${Number(port) + 1000}`)}`;
  const path = `/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return `${base}${path}${runId ? `/${runId}` : ''}`;
}
