import { Pool, errors as undiciErrors } from 'undici';
import { DatadogApiError, errorMessages, kindForStatus, parseRateLimit, type RateLimitInfo } from './errors';
import type { ApiRequest } from './request';

export interface DatadogCredentials {
  apiKey: string;
  appKey: string;
}

export interface DatadogClientOptions {
  baseUrl: string;
  credentials: DatadogCredentials;
  /** Keep-alive connections to the API host. */
  connections?: number;
  /** Milliseconds to wait for response headers, and between body chunks. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** Size of the body in bytes, for metrics and progress. */
  bytes: number;
  rateLimit?: RateLimitInfo;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Send only the API key (the `validate` endpoint). */
  apiKeyOnly?: boolean;
}

/** A thin Datadog HTTP client: auth headers, a keep-alive pool, timeouts, and classified errors. */
export class DatadogClient {
  private readonly pool: Pool;

  constructor(private readonly options: DatadogClientOptions) {
    this.pool = new Pool(new URL(options.baseUrl).origin, {
      connections: options.connections ?? 8,
      keepAliveTimeout: 30_000,
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async send(request: ApiRequest, options: SendOptions = {}): Promise<ApiResponse> {
    const search = new URLSearchParams(request.query).toString();
    const base = new URL(this.options.baseUrl);
    const path = `${base.pathname.replace(/\/$/, '')}${request.path}${search ? `?${search}` : ''}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'dd-api-key': this.options.credentials.apiKey,
      'user-agent': 'retriever',
    };
    if (!options.apiKeyOnly) headers['dd-application-key'] = this.options.credentials.appKey;
    if (request.body) headers['content-type'] = 'application/json';

    let status: number;
    let text: string;
    let rateLimit: RateLimitInfo | undefined;
    try {
      const response = await this.pool.request({
        method: request.method,
        path,
        headers,
        body: request.body ? JSON.stringify(request.body) : undefined,
        signal: options.signal,
      });
      status = response.statusCode;
      rateLimit = parseRateLimit(response.headers);
      text = await response.body.text();
    } catch (err) {
      throw networkError(err, request.path);
    }

    const kind = kindForStatus(status);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (kind) throw httpError(kind, status, request.path, undefined, rateLimit, text);
      throw new DatadogApiError('malformed', `${request.path}: response is not valid JSON (${text.length} bytes, starts ${JSON.stringify(text.slice(0, 60))})`, {
        status,
        path: request.path,
        rateLimit,
      });
    }
    if (kind) throw httpError(kind, status, request.path, body, rateLimit, text);
    return { status, body, bytes: Buffer.byteLength(text), rateLimit };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function httpError(
  kind: NonNullable<ReturnType<typeof kindForStatus>>,
  status: number,
  path: string,
  body: unknown,
  rateLimit: RateLimitInfo | undefined,
  text: string,
): DatadogApiError {
  const errors = errorMessages(body);
  const said = errors.length > 0 ? errors.join('; ') : text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
  return new DatadogApiError(kind, `${path}: HTTP ${status}: ${said}`, { status, path, errors, rateLimit });
}

function networkError(err: unknown, path: string): DatadogApiError | Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  const timeout =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  const message = err instanceof Error ? `${err.message}${(err as { code?: string }).code ? ` (${(err as { code?: string }).code})` : ''}` : String(err);
  return new DatadogApiError(timeout ? 'timeout' : 'network', `${path}: ${timeout ? 'timed out' : 'network error'}: ${message}`, { path });
}
