import type { JsonRecord, RecordsJson } from '../shared/json';
import { getPath } from '../shared/json';
import type { RateLimitInfo } from '../shared/rate-limit';
import type { ApiResponse, Send } from './client';
import { DatadogApiError } from './errors';
import { extractRecords, takeRecords } from './page';
import { effectivePageSize, nextFanOutPage, nextPageState, type PageState } from './pagination';
import { buildPageRequest, parentPath, type ApiRequest, type Window } from './request';
import { splitPoint } from './split';
import { getStream } from './streams/table';
import type { StreamDef } from './streams/types';

/**
 * Reading one page of a stream: the request, its records and where the next page is. The sync's
 * fetchPage and `retriever check` both read pages this way.
 */

/** Which page of a stream to read. */
export interface PageAt {
  window?: Window;
  page: PageState;
  pageSize: number;
  /** Streams with `since` in their row: the time they ask from, planned once per sync. */
  since?: number;
  /** The stream's search filter, for streams that take one. */
  search?: string;
  /** A stream with a fan-out: the values it reads, planned once per sync. */
  fanOutValues?: readonly string[];
}

export interface PageRead {
  records: JsonRecord[];
  /** The records as they came, when they are exactly the array at a path of the body (a store may read them from there). */
  json?: RecordsJson;
  nextPage: PageState | null;
  /** Response bytes, for metrics. */
  bytes: number;
  /** The rate-limit headers of the page's (last) response. */
  rateLimit?: RateLimitInfo;
  /** A dependent stream's parents that were gone (404) by the time they were read. */
  parentsGone?: string[];
  /** A dependent stream's parents its `parent.where` passed over: their ids and the value that did it. */
  parentsPassedOver?: { id: string; value: string }[];
  /**
   * Set when the answer held the most records one call returns (`window.splitWhenFull`): some may be
   * missing, so the records are not to be kept and the window is to be read as [from, splitAt) and
   * [splitAt, to) instead.
   */
  splitAt?: number;
  /** What the run must say about this page (a cap Datadog applies silently, reached). */
  warnings?: string[];
}

/** The request for one page of a stream that has pages of its own (not a dependent stream). */
export function pageRequest(def: StreamDef, at: PageAt): ApiRequest {
  return buildPageRequest(def, { window: at.window, since: at.since, page: at.page, pageSize: at.pageSize, query: at.search, fanOutValues: at.fanOutValues });
}

/** The page a response to `pageRequest(def, at)` holds. */
export function pageFromResponse(def: StreamDef, at: PageAt, response: ApiResponse): PageRead {
  // Paging counts what Datadog sent, before the stream's filter kept some of it.
  const { records, received, warnings } = takeRecords(def, response.body);
  const next = nextPageState(def.pagination, at.page, response.body, received, at.pageSize);
  const nextPage = def.fanOut ? nextFanOutPage(at.page, next, at.fanOutValues?.length ?? 0) : next;
  const splitAt = fullAnswer(def, at.window, received);
  return {
    records,
    ...(response.text !== undefined && recordsAsReceived(def) ? { json: { text: response.text, path: def.recordsPath, ...(response.utf8 ? { utf8: response.utf8 } : {}) } } : {}),
    nextPage,
    bytes: response.bytes,
    rateLimit: response.rateLimit,
    ...(splitAt !== undefined ? { splitAt } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/**
 * Whether a stream's records are the body's list exactly as Datadog sent it, so a destination may read
 * them from the body's text itself. Records Retriever shapes, filters, joins or trims are not.
 */
function recordsAsReceived(def: StreamDef): boolean {
  return (def.recordShape ?? 'list') === 'list' && !def.derivedKey && !def.recordFilter && !def.included && !(def.dropFields?.length);
}

/**
 * Where to split the window of an answer that came back full (`window.splitWhenFull`), or undefined
 * when it did not. A window too short to split fails: the records beyond the cap cannot be read.
 */
function fullAnswer(def: StreamDef, window: Window | undefined, received: number): number | undefined {
  const cap = def.window?.splitWhenFull;
  if (cap === undefined || window === undefined || received < cap) return undefined;
  const splitAt = splitPoint(window);
  if (splitAt === undefined) {
    const narrow = def.queryParam ? `; narrow the stream's query (stream_options.${def.name}.query) so that fewer match` : '';
    throw new DatadogApiError(
      'capped',
      `${def.name} (${def.path}): ${received} records between ${new Date(window.from).toISOString()} and ${new Date(window.to).toISOString()}, ` +
        `the most one call returns, and the window is too short to split again: Datadog offers no way to read the others${narrow}`,
      { path: def.path },
    );
  }
  return splitAt;
}

/**
 * Every page of a dependent stream for one parent (`id`, read at `pathTemplate`), each handed to
 * `onPage` with its records as it comes. False when the parent is gone: it was listed a moment ago,
 * so a 404 now means it was deleted since, not that the stream is unavailable.
 */
export async function readParentPages(
  send: Send,
  def: StreamDef,
  at: PageAt,
  { id, pathTemplate }: { id: string; pathTemplate: string },
  signal: AbortSignal | undefined,
  onPage: (records: JsonRecord[], response: ApiResponse) => unknown,
): Promise<boolean> {
  const link = def.parent!;
  const pageSize = effectivePageSize(def.pagination, undefined);
  let page: PageState | null = {};
  while (page) {
    const request = buildPageRequest(def, { window: at.window, since: at.since, page, pageSize, query: at.search, pathParams: { [link.pathParam]: id }, pathTemplate });
    let response;
    try {
      response = await send(request, { signal });
    } catch (err) {
      if (err instanceof DatadogApiError && err.kind === 'not_found') return false;
      throw err;
    }
    const records = extractRecords(def, response.body, { fields: { [link.field]: id } });
    await onPage(records, response);
    page = nextPageState(def.pagination, page, response.body, records.length, pageSize);
  }
  return true;
}

/**
 * A probe of a dependent stream straight from Datadog (`retriever check`, which has no destination):
 * a page of its parent (e.g. one SLO), then, for each parent, the stream's own pages for the window
 * (one request for most, several for results read backwards). A sync reads its parents from the
 * parent's table instead (activities/dependent-pages.ts).
 */
export async function readChildPage(send: Send, def: StreamDef, at: PageAt, signal?: AbortSignal): Promise<PageRead> {
  const link = def.parent!;
  const parentDef = getStream(link.stream);
  const parentResponse = await send(buildPageRequest(parentDef, { page: at.page, pageSize: at.pageSize }), { signal });
  const parents = extractRecords(parentDef, parentResponse.body);
  const records: JsonRecord[] = [];
  const parentsGone: string[] = [];
  const parentsPassedOver: { id: string; value: string }[] = [];
  let bytes = parentResponse.bytes;
  let rateLimit = parentResponse.rateLimit;
  for (const parent of parents) {
    const id = String(getPath(parent, link.key));
    const pathTemplate = parentPath(def, parent);
    if (pathTemplate === null) {
      parentsPassedOver.push({ id, value: String(getPath(parent, link.where!.field)) });
      continue;
    }
    const found = await readParentPages(send, def, at, { id, pathTemplate }, signal, (got, response) => {
      records.push(...got);
      bytes += response.bytes;
      rateLimit = response.rateLimit ?? rateLimit;
    });
    if (!found) parentsGone.push(id);
  }
  return {
    records,
    bytes,
    nextPage: nextPageState(parentDef.pagination, at.page, parentResponse.body, parents.length, at.pageSize),
    rateLimit,
    ...(parentsGone.length ? { parentsGone } : {}),
    ...(parentsPassedOver.length ? { parentsPassedOver } : {}),
  };
}

/**
 * One page of any stream, sent now through `send` (a client's, or one that retries). A derived stream
 * has no request of its own: this reads a page of its source.
 */
export async function readPage(send: Send, def: StreamDef, at: PageAt, signal?: AbortSignal): Promise<PageRead> {
  if (def.derivedFrom) return readPage(send, getStream(def.derivedFrom.stream), at, signal);
  if (def.parent) return readChildPage(send, def, at, signal);
  return pageFromResponse(def, at, await send(pageRequest(def, at), { signal }));
}
