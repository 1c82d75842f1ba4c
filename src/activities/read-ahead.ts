import type { ApiResponse, DatadogClient } from '../datadog/client';
import type { ApiRequest } from '../datadog/request';
import type { PreparedPage } from '../destinations/destination';
import type { RateLimitInfo } from '../shared/rate-limit';

/**
 * Reading one page ahead. Once a page's body is in, fetchPage sends the request for the next page of
 * the same window now, and when its answer arrives has the destination prepare it (one record per
 * key, drift columns, rows converted) while the page before it is still being written. The next
 * fetchPage on this worker takes both and only writes. Nothing is written ahead: the position in
 * workflow state still says exactly what is in the destination.
 */

/** Requests sent ahead and not yet asked for; more are not sent. */
const MAX_PENDING = 16;
/** An answer read ahead and not asked for within this long is dropped (and its request aborted). */
const TTL_MS = 30_000;

/** What a fetchPage finds waiting for its page. */
export interface EarlyPage {
  /** The answer, or its error, as if the request had been sent now. */
  response: Promise<ApiResponse>;
  /** The page prepared from it; undefined when preparing failed (the page's own fetchPage then meets that failure itself). */
  prepared: Promise<PreparedPage | undefined>;
}

interface Pending extends EarlyPage {
  controller: AbortController;
  timer: NodeJS.Timeout;
}

/**
 * Whether the next page may be requested before the workflow asks for it: only while the bucket has
 * clearly more left than pacing keeps in reserve (at most a quarter of the limit), so reading ahead
 * never spends a request pacing would have held back.
 */
export function roomToReadAhead(rateLimit: RateLimitInfo | undefined): boolean {
  const { remaining, limit } = rateLimit ?? {};
  return remaining !== undefined && limit !== undefined && remaining > Math.ceil(limit / 4) + 1;
}

/** The identity of a request: what must match for an answer read ahead to answer it. */
function requestKey(client: DatadogClient, request: ApiRequest): string {
  const body = request.body ? JSON.stringify(request.body) : '';
  return `${client.baseUrl} ${request.method} ${request.path}?${new URLSearchParams(request.query).toString()} ${body}`;
}

export class ReadAhead {
  private readonly pending = new Map<string, Pending>();

  /** Sends `request` now and prepares its answer with `prepare`; does nothing when it is already pending or too many are. */
  start(client: DatadogClient, request: ApiRequest, prepare: (response: ApiResponse) => Promise<PreparedPage>): void {
    const key = requestKey(client, request);
    if (this.pending.has(key) || this.pending.size >= MAX_PENDING) return;
    const controller = new AbortController();
    const response = client.send(request, { signal: controller.signal });
    const prepared = response.then(prepare).then(
      (page) => page,
      // A failed request or a page that cannot be prepared: its own fetchPage meets the same failure and reports it.
      () => undefined,
    );
    const timer = setTimeout(() => {
      this.pending.delete(key);
      controller.abort();
    }, TTL_MS);
    timer.unref();
    this.pending.set(key, { response, prepared, controller, timer });
  }

  /** The page read ahead for `request`, if any; the caller's cancellation applies to it from now on. */
  take(client: DatadogClient, request: ApiRequest, signal: AbortSignal): EarlyPage | undefined {
    if (this.pending.size === 0) return undefined;
    const key = requestKey(client, request);
    const early = this.pending.get(key);
    if (!early) return undefined;
    this.pending.delete(key);
    clearTimeout(early.timer);
    const abort = () => early.controller.abort(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    const done = () => signal.removeEventListener('abort', abort);
    early.prepared.then(done, done);
    return { response: early.response, prepared: early.prepared };
  }

  /** Aborts every request still pending (worker shutdown). */
  close(): void {
    for (const { controller, timer } of this.pending.values()) {
      clearTimeout(timer);
      controller.abort();
    }
    this.pending.clear();
  }
}
