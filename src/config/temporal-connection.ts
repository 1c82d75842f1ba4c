import type { TLSConfig } from '@temporalio/client';
import type { RetrieverEnv } from './env';
import { readNamedFile, unpairedProblem } from './files';
import { InvalidConfigError } from './issues';

export interface TemporalConnectionSettings {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/**
 * How to reach Temporal, shared by workers and the CLI: a plain local dev server, mTLS with client
 * certificates (self-hosted), or Temporal Cloud with an API key.
 */
export function temporalConnection(env: RetrieverEnv): TemporalConnectionSettings {
  const problems: string[] = [];
  const crt = readNamedFile(env, 'TEMPORAL_TLS_CERT', problems);
  const key = readNamedFile(env, 'TEMPORAL_TLS_KEY', problems);
  const ca = readNamedFile(env, 'TEMPORAL_TLS_CA', problems);
  problems.push(...unpairedProblem(env, 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'));
  if (problems.length > 0) throw new InvalidConfigError(problems, 'environment');

  let tls: TLSConfig | boolean | undefined;
  if (crt || ca || env.TEMPORAL_TLS_SERVER_NAME) {
    tls = {
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
    };
  } else if (env.TEMPORAL_TLS === 'true' || env.TEMPORAL_API_KEY) {
    tls = true; // Temporal Cloud with an API key always speaks TLS
  }
  return { address: env.TEMPORAL_ADDRESS, ...(tls !== undefined ? { tls } : {}), ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}) };
}
