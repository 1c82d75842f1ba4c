import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { RetrieverEnv } from './env';
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
  const read = (variable: 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA'): Buffer | undefined => {
    const path = env[variable];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined;
    }
  };
  const crt = read('TEMPORAL_TLS_CERT');
  const key = read('TEMPORAL_TLS_KEY');
  const ca = read('TEMPORAL_TLS_CA');
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither');
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
