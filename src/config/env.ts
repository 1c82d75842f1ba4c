import { z } from 'zod';
import { DURATION_PATTERN } from './duration';
import { formatIssues, InvalidConfigError } from './issues';

/** An exported but empty variable (`PGHOST=`) counts as unset, as libpq treats it. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(unsetIfEmpty, z.string().min(1).optional());
const optionalUrl = z.preprocess(unsetIfEmpty, z.string().url().optional());
const positiveInt = (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(fallback));
const splitList = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);
const optionalList = z.preprocess(unsetIfEmpty, z.string().transform(splitList).optional());

/** A size as DuckDB reads one (`2GB`, `512MiB`). */
const DUCKDB_SIZE = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
/** A size in bytes, written `4MiB`, `512KiB`, `2MB` or as a plain number of bytes. */
const byteSize = (fallback: string) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default(fallback)
      .pipe(z.string().regex(/^\d+\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i, 'a size such as 4MiB, 512KiB or a number of bytes'))
      .transform((text) => {
        const [, amount, unit = ''] = /^(\d+)\s*([a-z]*)$/i.exec(text)!;
        return Number(amount) * SIZE_UNITS[unit.toLowerCase()];
      })
      .pipe(z.number().positive('must be more than 0 bytes')),
  );

/** Public-key JWS algorithms: the codec server holds only the identity provider's public keys (no HS*, no "none"). */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const jwtAlgorithms = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('RS256')
    .transform((text, ctx) => {
      const algorithms = splitList(text);
      const unknown = algorithms.filter((a) => !(JWT_ALGORITHMS as readonly string[]).includes(a));
      if (unknown.length > 0 || algorithms.length === 0) {
        ctx.addIssue({ code: 'custom', message: `${unknown.join(', ') || 'empty'}: not accepted; use a comma-separated list of ${JWT_ALGORITHMS.join(', ')}` });
      }
      return algorithms;
    }),
);

/** Settings a worker or CLI reads from its environment. Secrets live only here. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  RETRIEVER_TASK_QUEUE: z.string().min(1).default('retriever'),
  /** Where the Temporal Web UI is, for links printed by the CLI. */
  TEMPORAL_UI_URL: optionalUrl,
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: optionalText,
  /** mTLS to the Temporal frontend: PEM files of the client certificate and key, and optionally the CA. */
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_CA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  /** Plain server-authenticated TLS without client certificates. */
  TEMPORAL_TLS: z.preprocess(unsetIfEmpty, z.enum(['true', 'false']).optional()),
  DD_API_KEY: z.string().min(1).optional(),
  DD_APP_KEY: z.string().min(1).optional(),
  /** Sends every site's requests to this base URL instead of https://api.<site> (the simulator, a proxy). */
  DD_BASE_URL: optionalUrl,
  /** Where records land: the embedded DuckDB file, or a PostgreSQL database (teams, several workers). */
  RETRIEVER_DESTINATION: z.enum(['duckdb', 'postgres']).default('duckdb'),
  RETRIEVER_DUCKDB_PATH: z.string().min(1).default('data/retriever.duckdb'),
  /** A fixed DuckDB memory limit (e.g. `4GB`); unset, it follows the primary-key indexes plus 512 MiB. */
  RETRIEVER_DUCKDB_MEMORY_LIMIT: z.preprocess(unsetIfEmpty, z.string().regex(DUCKDB_SIZE, 'a size such as 2GB or 512MiB').optional()),
  /** WAL size at which DuckDB checkpoints (every write waits meanwhile); default in duckdb-config.ts. */
  RETRIEVER_DUCKDB_CHECKPOINT_THRESHOLD: z.preprocess(unsetIfEmpty, z.string().regex(DUCKDB_SIZE, 'a size such as 1GB or 256MB').optional()),
  /** Threads DuckDB runs each statement on (default 1: the worker's writes are one pipeline each; duckdb-config.ts). */
  RETRIEVER_DUCKDB_THREADS: z.preprocess(unsetIfEmpty, z.string().regex(/^[1-9]\d*$/, 'a whole number of threads, such as 1 or 4').transform(Number).optional()),
  /** PostgreSQL as a URL; parts it leaves out come from the PG* variables below. */
  DATABASE_URL: optionalText,
  /** PostgreSQL's standard variables, as psql reads them. The password is read only from here or the URL. */
  PGHOST: optionalText,
  PGPORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(65535).optional()),
  PGUSER: optionalText,
  PGPASSWORD: optionalText,
  PGDATABASE: optionalText,
  PGAPPNAME: optionalText,
  /** The PostgreSQL schema that holds Retriever's tables (created when missing). */
  RETRIEVER_POSTGRES_SCHEMA: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain SQL identifier (letters, digits, _)')
    .default('public'),
  /** Pages a worker process fetches and writes at once, across all syncs. */
  RETRIEVER_MAX_CONCURRENT_ACTIVITIES: positiveInt(20),
  RETRIEVER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(40),
  /** After SIGTERM, how long pages in flight may finish before they are cancelled (and later retried). */
  RETRIEVER_SHUTDOWN_GRACE: z.preprocess(unsetIfEmpty, z.string().regex(DURATION_PATTERN, 'a duration like 30s or 2m').default('30s')),
  /** host:port of the worker's Prometheus endpoint (/metrics); unset: no endpoint. */
  RETRIEVER_METRICS_ADDRESS: z.preprocess(unsetIfEmpty, z.string().regex(/^[^:]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464').optional()),
  RETRIEVER_LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO')),
  /** Payload encryption keys, "id:base64key[,id:base64key]", and the id new payloads use. */
  RETRIEVER_CODEC_KEYS: optionalText,
  RETRIEVER_CODEC_KEY_ID: optionalText,
  /** Codec server: a shared bearer token for callers without single sign-on (the Temporal CLI's --codec-auth). */
  RETRIEVER_CODEC_AUTH_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(32, 'at least 32 characters, e.g. the output of `openssl rand -base64 32`').optional()),
  /** Codec server: JWTs (the Web UI user's access token) verified against this JWKS, for this issuer and audience. */
  RETRIEVER_CODEC_JWKS_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/, error: 'an http(s) URL of the identity provider\'s JWKS document' }).optional()),
  RETRIEVER_CODEC_JWT_ISSUER: optionalText,
  RETRIEVER_CODEC_JWT_AUDIENCE: optionalList,
  RETRIEVER_CODEC_JWT_ALGORITHMS: jwtAlgorithms,
  /** Codec server: request bodies over this size get 413. */
  RETRIEVER_CODEC_MAX_BODY: byteSize('4MiB'),
  /** Codec server: the namespaces it decodes for (X-Namespace); unset, TEMPORAL_NAMESPACE alone. */
  RETRIEVER_CODEC_NAMESPACES: optionalList,
  /** Codec server: HTTPS with this PEM certificate and key (the Web UI forwards tokens only over HTTPS). */
  RETRIEVER_CODEC_TLS_CERT: optionalText,
  RETRIEVER_CODEC_TLS_KEY: optionalText,
  /** A prebuilt workflow bundle (file of bundle code), so the worker skips bundling at start. */
  RETRIEVER_WORKFLOW_BUNDLE: optionalText,
});

/** Every variable Retriever reads (for docs and for checking deployment files). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

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

/** The PostgreSQL connection a worker uses; `password` is only ever read from the environment. */
export interface PostgresSettings {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  applicationName?: string;
  schema: string;
}

export function postgresSettings(env: RetrieverEnv): PostgresSettings {
  // Checked here, not in the schema: a DATABASE_URL meant for another program must not stop DuckDB users.
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    throw new InvalidConfigError(['DATABASE_URL: must be a postgres:// or postgresql:// URL'], 'environment');
  }
  return {
    url: env.DATABASE_URL,
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
    applicationName: env.PGAPPNAME,
    schema: env.RETRIEVER_POSTGRES_SCHEMA,
  };
}

/** The Web UI link of a workflow run. */
export function webUiUrl(env: RetrieverEnv, workflowId: string, runId?: string): string {
  const base = env.TEMPORAL_UI_URL ?? `http://${env.TEMPORAL_ADDRESS.replace(/:(\d+)$/, (_, port) => `:${Number(port) + 1000}`)}`;
  const path = `/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return `${base}${path}${runId ? `/${runId}` : ''}`;
}
