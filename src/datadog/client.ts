import { isUtf8 } from 'node:buffer';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { RateLimitInfo } from '../shared/rate-limit';
import { DatadogApiError, errorMessages, kindForAnswer, kindForStatus, parseRateLimit } from './errors';
import type { ApiRequest } from './request';

export interface DatadogCredentials {
  apiKey: string;
  appKey: string;
}

/** How long and how much the client waits for; every limit ends in a classified, retryable error. */
export interface DatadogClientLimits {
  /** Keep-alive connections to the API host. */
  connections?: number;
  /** Milliseconds to wait for response headers. */
  headersTimeoutMs?: number;
  /** Milliseconds to wait between two chunks of a body. */
  bodyTimeoutMs?: number;
  /** Milliseconds for the whole exchange, so a body that trickles in forever still ends. */
  requestTimeoutMs?: number;
  /** Largest body accepted; a bigger one fails as `too_large` instead of filling memory. */
  maxBodyBytes?: number;
}

export interface DatadogClientOptions extends DatadogClientLimits {
  baseUrl: string;
  credentials: DatadogCredentials;
}

export const DEFAULT_CLIENT_LIMITS: Required<DatadogClientLimits> = {
  connections: 8,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  // Below fetchPage's start-to-close timeout, so the activity reports a timeout itself.
  requestTimeoutMs: 90_000,
  // A full page of 1000 large logs is a few MiB; far beyond that is not a page to keep in memory.
  maxBodyBytes: 32 * 1024 * 1024,
};

export interface ApiResponse {
  status: number;
  body: unknown;
  /** The body as received, before parsing (a store may read the records from it itself); absent when none was kept. */
  text?: string;
  /**
   * The same body as the bytes received, when they are valid UTF-8 (so exactly the text's): a store
   * can take these as they are rather than encode the text again.
   */
  utf8?: Buffer;
  /** Size of the body in bytes, for metrics and progress. */
  bytes: number;
  rateLimit?: RateLimitInfo;
}

/** How a request is sent: a client's `send`, or one wrapped in retries. */
export type Send = (request: ApiRequest, options?: SendOptions) => Promise<ApiResponse>;

export interface SendOptions {
  signal?: AbortSignal;
  /** Send only the API key (the `validate` endpoint). */
  apiKeyOnly?: boolean;
}

/** A thin Datadog HTTP client: auth headers, a keep-alive pool, timeouts, size limits and classified errors. */
export class DatadogClient {
  private readonly pool: Pool;
  private readonly limits: Required<DatadogClientLimits>;

  constructor(private readonly options: DatadogClientOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...defined } as Required<DatadogClientLimits>;
    this.pool = new Pool(new URL(options.baseUrl).origin, {
      connections: this.limits.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: this.limits.headersTimeoutMs,
      bodyTimeout: this.limits.bodyTimeoutMs,
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

    const deadline = AbortSignal.timeout(this.limits.requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const failed = (err: unknown, phase: 'headers' | 'body', received = 0, declared?: number): unknown => {
      if (options.signal?.aborted) return err; // cancelled by the caller: not a Datadog problem
      if (deadline.aborted) {
        return new DatadogApiError('timeout', `${request.path}: timed out: no complete response within ${this.limits.requestTimeoutMs} ms`, { path: request.path });
      }
      return phase === 'headers' ? networkError(err, request.path) : bodyError(err, request.path, received, declared);
    };

    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: request.method,
        path,
        headers,
        body: request.body ? JSON.stringify(request.body) : undefined,
        signal,
      });
    } catch (err) {
      throw failed(err, 'headers');
    }
    const status = response.statusCode;
    const rateLimit = parseRateLimit(response.headers);
    const declared = Number(response.headers['content-length']) || undefined;
    const body = new BodyReader(response.body, this.limits.maxBodyBytes);
    let bytes: Buffer;
    try {
      bytes = await body.read();
    } catch (err) {
      if (err instanceof DatadogApiError) throw err;
      throw failed(err, 'body', body.received, declared);
    }
    if (body.tooLarge) {
      throw new DatadogApiError(
        'too_large',
        `${request.path}: response body is over ${this.limits.maxBodyBytes} bytes; lower max_records_per_request so each page is smaller`,
        { status, path: request.path, rateLimit },
      );
    }

    const text = bytes.toString('utf8');
    const kind = kindForStatus(status);
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (kind) throw httpError(kind, status, request.path, undefined, rateLimit, text);
      throw new DatadogApiError('malformed', `${request.path}: response is not valid JSON (${text.length} bytes, starts ${JSON.stringify(text.slice(0, 60))})`, {
        status,
        path: request.path,
        rateLimit,
      });
    }
    if (kind) throw httpError(kind, status, request.path, parsed, rateLimit, text);
    return { status, body: parsed, text, ...(isUtf8(bytes) ? { utf8: bytes } : {}), bytes: bytes.length, rateLimit };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Reads a body chunk by chunk, counting bytes, and stops at the size limit. */
class BodyReader {
  received = 0;
  tooLarge = false;

  constructor(
    private readonly body: Dispatcher.ResponseData['body'],
    private readonly maxBytes: number,
  ) {}

  async read(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) {
      this.received += (chunk as Buffer).length;
      if (this.received > this.maxBytes) {
        this.tooLarge = true;
        this.body.destroy();
        return Buffer.alloc(0);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
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
  return new DatadogApiError(kindForAnswer(status, errors) ?? kind, `${path}: HTTP ${status}: ${said}`, { status, path, errors, rateLimit });
}

function describeError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  return err instanceof Error ? `${err.message}${code ? ` (${code})` : ''}` : String(err);
}

function networkError(err: unknown, path: string): DatadogApiError | Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  const timeout =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  return new DatadogApiError(timeout ? 'timeout' : 'network', `${path}: ${timeout ? 'timed out' : 'network error'}: ${describeError(err)}`, { path });
}

/** The headers arrived but the body did not, completely: a stall is a timeout, anything else a cut-off body. */
function bodyError(err: unknown, path: string, received: number, declared: number | undefined): DatadogApiError | Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (err instanceof undiciErrors.BodyTimeoutError) {
    return new DatadogApiError('timeout', `${path}: timed out waiting for the rest of the body after ${received} bytes: ${describeError(err)}`, { path });
  }
  const of = declared !== undefined ? ` of ${declared}` : '';
  return new DatadogApiError('truncated', `${path}: response body cut off after ${received}${of} bytes: ${describeError(err)}`, { path });
}
