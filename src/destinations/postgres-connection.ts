import type { PoolConfig } from 'pg';
import type { PostgresSettings } from '../config/env';
import { DestinationUnavailableError } from './destination';

/**
 * The pool's settings. Parts the URL names win over the PG* variables, as libpq does; anything left
 * unset falls back to pg's own defaults (localhost:5432, the OS user).
 */
export function poolConfig(settings: PostgresSettings): PoolConfig {
  return {
    connectionString: settings.url,
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    application_name: settings.applicationName ?? 'retriever',
    // A store that is down fails the activity in seconds (and Temporal retries it) instead of hanging.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    max: 8,
    keepAlive: true,
  };
}

/** Where the data goes, for logs and errors: never the password. */
export function describeTarget(settings: PostgresSettings): string {
  let url: URL | undefined;
  try {
    url = settings.url ? new URL(settings.url) : undefined;
  } catch {
    // A URL pg will refuse anyway: describe the target from the other settings.
    url = undefined;
  }
  const host = url?.hostname || settings.host || 'localhost';
  const port = url?.port || settings.port || 5432;
  const user = decodeURIComponent(url?.username ?? '') || settings.user || process.env.USER || '?';
  const database = decodeURIComponent(url?.pathname.slice(1) ?? '') || settings.database || user;
  return `${user}@${host}:${port}/${database}`;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** SQLSTATEs after which the same statement may well succeed later. */
function isTransient(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources: too many connections, disk full
    code.startsWith('57P') || // server shutting down or starting
    code === '40001' || // serialization failure
    code === '40P01' // deadlock between two workers' pages: one is rolled back and retried
  );
}

/**
 * Turns a pg error into one that says what to do. Everything that means "the store cannot take this
 * now" becomes DestinationUnavailableError, which the activity retries; nothing written is lost,
 * because each page commits as one transaction or not at all.
 */
export function postgresError(err: unknown, target: string, doing: string): Error {
  if (err instanceof DestinationUnavailableError) return err;
  // Read by shape, not instanceof: socket errors may come from another realm (jest's sandbox, for one).
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const error = { message: String((err as { message?: unknown } | null)?.message ?? err) };
  const where = `PostgreSQL ${target}`;
  if (UNREACHABLE.has(code) || /timeout expired|Connection terminated|connection timeout/i.test(error.message)) {
    return new DestinationUnavailableError(
      `${doing}: cannot reach ${where} (${code || error.message}); is it running? Check DATABASE_URL or PGHOST/PGPORT`,
      { cause: err },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new DestinationUnavailableError(
      `${doing}: ${where} refused the login (${error.message}); check PGUSER and PGPASSWORD (or the user and password in DATABASE_URL)`,
      { cause: err },
    );
  }
  if (code === '3D000') {
    return new DestinationUnavailableError(`${doing}: ${error.message} on ${where}; create it (createdb) or set PGDATABASE`, { cause: err });
  }
  if (isTransient(code)) {
    return new DestinationUnavailableError(`${doing}: ${where} is unavailable for now (${code}: ${error.message})`, { cause: err });
  }
  if (code === '42501') {
    return new Error(`${doing}: ${where}: ${error.message}; the user needs CREATE on the database or schema, and write access to Retriever's tables`, {
      cause: err,
    });
  }
  return new Error(`${doing}: ${where}: ${error.message}${code ? ` (SQLSTATE ${code})` : ''}`, { cause: err });
}

/** Whether a client hit a connection-level error and must be dropped from the pool, not reused. */
export function isBrokenConnection(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('57P') || /Connection terminated/i.test(String((err as Error)?.message));
}
