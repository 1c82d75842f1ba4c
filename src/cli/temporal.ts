import { Client, Connection } from '@temporalio/client';
import { dataConverterFromEnv } from '../codec/encryption';
import type { RetrieverEnv } from '../config/env';
import { temporalConnection } from '../config/temporal-connection';

/** A Temporal client from the environment, with an actionable error when no server answers. */
export async function connectClient(env: RetrieverEnv): Promise<{ client: Client; close: () => Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnection(env), connectTimeout: '5s' });
  } catch (err) {
    throw new Error(
      `cannot reach Temporal at ${env.TEMPORAL_ADDRESS} (${(err as Error).message}). ` +
        'Start one with `npm start` (local dev server) or set TEMPORAL_ADDRESS.',
    );
  }
  // The same codec as the workers, so encrypted inputs and results read back in clear here.
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverterFromEnv() });
  return { client, close: () => connection.close() };
}
