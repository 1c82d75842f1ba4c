import type { ApiResponse, DatadogClient } from '../datadog/client';
import type { ApiRequest } from '../datadog/request';
import type { PreparedPage } from '../destinations/destination';
import type { RateLimitInfo } from '../shared/rate-limit';

/**
 * Reading ahead. Once a page's body is in, fetchPage sends the request for the next page of the same
 * window now, and each answer read ahead sends the request after it in turn, up to `pagesAhead` pages
 * of one stream's window not yet asked for. Each answer is prepared (one record per key, drift
 * columns, rows converted) while the pages before it are written; the fetchPage that asks for it only
 * writes. So a stream keeps its bucket busy while the destination is slow for a moment (a checkpoint,
 * other streams' pages before its own), not one request per write. The next page's write may also
 * start once the page before it is written (`writeAhead`): at most one page is in the destination
 * before its fetchPage has run (docs/architecture.md).
 */

/** Pages of one stream's window read ahead and not yet asked for: at a search bucket's 3 requests a second, a few seconds' worth. */
export const PAGES_AHEAD = 8;
/** Requests sent ahead and not yet asked for, all streams together; more are not sent. */
const MAX_PENDING = 32;
/** An answer read ahead and not asked for within this long is dropped (and its request aborted). */
const TTL_MS = 30_000;

/** What a fetchPage finds waiting for its page. */
export interface EarlyPage {
  /** The answer, or its error, as if the request had been sent now. */
  response: Promise<ApiResponse>;
  /** The page prepared from it; undefined when preparing failed (the page's own fetchPage then meets that failure itself). */
  prepared: Promise<PreparedPage | undefined>;
  /** The page's write, when the fetchPage before it started it (`writeAhead`). */
  written?: WrittenAhead;
}

/** A page's write started before its own fetchPage ran. */
export interface WrittenAhead {
  /** Whose write it is: the sync and organisation it was written for. */
  writer: string;
  /** True once it is written; false when it was not (a failure, which the page's own write then meets). */
  done: Promise<boolean>;
}

/** A request to read ahead, and what to do with its answer: prepare the page, and say which request follows it (none at the window's end). */
export interface AheadLink {
  request: ApiRequest;
  follow: (response: ApiResponse) => { prepared: Promise<PreparedPage | undefined>; next?: AheadLink };
}

interface Pending extends EarlyPage {
  chain: string;
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

/** A number per client: organisations on one site have a client each (their keys), and one's answers never answer another's request. */
const clientIds = new WeakMap<DatadogClient, number>();
let clientsSeen = 0;

function clientId(client: DatadogClient): number {
  let id = clientIds.get(client);
  if (id === undefined) clientIds.set(client, (id = ++clientsSeen));
  return id;
}

/** The identity of a request: what must match for an answer read ahead to answer it. */
function requestKey(client: DatadogClient, request: ApiRequest): string {
  const body = request.body ? JSON.stringify(request.body) : '';
  return `${clientId(client)} ${client.baseUrl} ${request.method} ${request.path}?${new URLSearchParams(request.query).toString()} ${body}`;
}

export class ReadAhead {
  private readonly pending = new Map<string, Pending>();
  /** Per chain (one stream's window): the request that waits for room, sent once a page of the chain is taken. */
  private readonly parked = new Map<string, { client: DatadogClient; link: AheadLink; key: string }>();
  /** Writes started ahead and not yet done. */
  private readonly writing = new Set<Promise<boolean>>();

  constructor(private readonly pagesAhead = PAGES_AHEAD) {}

  /**
   * Sends `link`'s request now (unless it is pending already), and from its answer the next one, while
   * `chain` (the stream's window) has fewer than `pagesAhead` pages waiting; the first one over waits
   * until a page of the chain is taken.
   */
  start(client: DatadogClient, chainName: string, link: AheadLink): void {
    const chain = `${clientId(client)} ${chainName}`;
    this.send(client, chain, link);
  }

  private send(client: DatadogClient, chain: string, link: AheadLink): void {
    const key = requestKey(client, link.request);
    if (this.pending.has(key)) return;
    if (this.waitingIn(chain) >= this.pagesAhead || this.pending.size >= MAX_PENDING) {
      this.parked.set(chain, { client, link, key });
      return;
    }
    if (this.parked.get(chain)?.key === key) this.parked.delete(chain);
    const controller = new AbortController();
    const response = client.send(link.request, { signal: controller.signal });
    const prepared = response
      .then((answer) => {
        const { prepared: page, next } = link.follow(answer);
        if (next) this.send(client, chain, next);
        return page;
      })
      .then(
        (page) => page,
        // A failed request or a page that cannot be prepared: its own fetchPage meets the same failure and reports it.
        () => undefined,
      );
    const timer = setTimeout(() => {
      // Not asked for in time: the stream stopped or went elsewhere; what was to follow is not sent either.
      this.pending.delete(key);
      this.parked.delete(chain);
      controller.abort();
    }, TTL_MS);
    timer.unref();
    this.pending.set(key, { response, prepared, controller, timer, chain });
  }

  /** The page read ahead for `request`, if any; the caller's cancellation applies to it from now on. */
  take(client: DatadogClient, request: ApiRequest, signal: AbortSignal): EarlyPage | undefined {
    if (this.pending.size === 0) return undefined;
    const key = requestKey(client, request);
    const early = this.pending.get(key);
    if (!early) return undefined;
    this.pending.delete(key);
    clearTimeout(early.timer);
    const waiting = this.parked.get(early.chain);
    if (waiting) {
      this.parked.delete(early.chain);
      this.send(waiting.client, early.chain, waiting.link);
    }
    const abort = () => early.controller.abort(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    const done = () => signal.removeEventListener('abort', abort);
    early.prepared.then(done, done);
    return { response: early.response, prepared: early.prepared, written: early.written };
  }

  /**
   * Starts writing the page read ahead for `request`, if there is one and it is not being written
   * yet, as `writer` (its sync and organisation). Called by a fetchPage once its own page is
   * written, so a window's pages are written one after another, in order, at most one of them
   * before its own fetchPage runs. A write that fails is left to the page's own fetchPage.
   */
  writeAhead(client: DatadogClient, request: ApiRequest, writer: string, write: (page: PreparedPage) => Promise<unknown>): void {
    const early = this.pending.get(requestKey(client, request));
    if (!early || early.written) return;
    const done = early.prepared.then((page) => (page ? write(page).then(() => true) : false)).catch(() => false);
    early.written = { writer, done };
    this.writing.add(done);
    void done.then(() => this.writing.delete(done));
  }

  /** Aborts every request still pending and waits for the writes started ahead (worker shutdown). */
  async close(): Promise<void> {
    for (const { controller, timer } of this.pending.values()) {
      clearTimeout(timer);
      controller.abort();
    }
    this.pending.clear();
    this.parked.clear();
    await Promise.all(this.writing);
  }

  private waitingIn(chain: string): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.chain === chain) n++;
    return n;
  }
}
