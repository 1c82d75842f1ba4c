import type { Pool, PoolClient } from 'pg';
import { isBrokenConnection, postgresError } from './postgres-connection';

/**
 * Transactions on a pool, one connection each. A connection the server closed while it sat idle is
 * replaced once; one cut while checked out fails its transaction, never the process.
 */
export class PostgresTransactions {
  /** Connections given a listener for the server going away while they are checked out. */
  private readonly watched = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly target: string,
    /** Errors passed through as they are (the caller's own signals), not described as PostgreSQL's. */
    private readonly passThrough: (err: unknown) => boolean,
    /** Called with a connection whose transaction failed: what the caller kept for it is gone. */
    private readonly onRollback: (client: PoolClient) => void,
  ) {}

  /** Runs `work` in one transaction on one connection; any failure rolls all of it back. */
  async run<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.begin(doing);
    let broken: Error | undefined;
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      this.onRollback(client);
      if (isBrokenConnection(err)) broken = err as Error;
      else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (this.passThrough(err)) throw err;
      throw postgresError(err, this.target, doing);
    } finally {
      client.release(broken);
    }
  }

  /** A connection with a transaction open on it. */
  private async begin(doing: string): Promise<PoolClient> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw postgresError(err, this.target, doing);
      }
      this.watch(client);
      try {
        await client.query('BEGIN');
        return client;
      } catch (err) {
        client.release(err as Error);
        // A pooled connection the server closed while it sat idle (a restart, a proxy's timeout): one more, fresh.
        if (attempt > 1 || !isBrokenConnection(err)) throw postgresError(err, this.target, doing);
      }
    }
  }

  /**
   * The pool listens for errors only on idle connections. A checked-out one the server drops between
   * two queries emits 'error' with no listener, which would crash the worker; the next query on it
   * fails anyway and the transaction reports that, so the event itself needs no handling.
   */
  private watch(client: PoolClient): void {
    if (this.watched.has(client)) return;
    this.watched.add(client);
    client.on('error', () => {});
  }
}
