import type { JsonRecord } from '../shared/json';
import { getPath } from '../shared/json';
import type { RateLimitInfo } from '../shared/rate-limit';
import type { ApiResponse, Send } from './client';
import { DatadogApiError } from './errors';
import { extractRecords, takeRecords } from './page';
import { nextPageState, type PageState } from './pagination';
import { buildPageRequest, type ApiRequest, type Window } from './request';
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
}

export interface PageRead {
  records: JsonRecord[];
  nextPage: PageState | null;
  /** Response bytes, for metrics. */
  bytes: number;
  /** The rate-limit headers of the page's (last) response. */
  rateLimit?: RateLimitInfo;
  /** A dependent stream's parents that were gone (404) by the time they were read. */
  parentsGone?: string[];
  /** What the run must say about this page (a cap Datadog applies silently, reached). */
  warnings?: string[];
}

/** The request for one page of a stream that has pages of its own (not a dependent stream). */
export function pageRequest(def: StreamDef, at: PageAt): ApiRequest {
  return buildPageRequest(def, { window: at.window, since: at.since, page: at.page, pageSize: at.pageSize, query: at.search });
}

/** The page a response to `pageRequest(def, at)` holds. */
export function pageFromResponse(def: StreamDef, at: PageAt, response: ApiResponse): PageRead {
  // Paging counts what Datadog sent, before the stream's filter kept some of it.
  const { records, received, warnings } = takeRecords(def, response.body);
  const nextPage = nextPageState(def.pagination, at.page, response.body, received, at.pageSize);
  return { records, nextPage, bytes: response.bytes, rateLimit: response.rateLimit, ...(warnings.length ? { warnings } : {}) };
}

/**
 * A probe of a dependent stream straight from Datadog (`retriever check`, which has no destination):
 * a page of its parent (e.g. one SLO), then one request per parent for the window. A sync reads its
 * parents from the parent's table instead (activities/dependent-pages.ts).
 */
export async function readChildPage(send: Send, def: StreamDef, at: PageAt, signal?: AbortSignal): Promise<PageRead> {
  const link = def.parent!;
  const parentDef = getStream(link.stream);
  const parentResponse = await send(buildPageRequest(parentDef, { page: at.page, pageSize: at.pageSize }), { signal });
  const parents = extractRecords(parentDef, parentResponse.body);
  const records: JsonRecord[] = [];
  const parentsGone: string[] = [];
  let bytes = parentResponse.bytes;
  let rateLimit = parentResponse.rateLimit;
  for (const parent of parents) {
    const id = String(getPath(parent, link.key));
    const request = buildPageRequest(def, { window: at.window, since: at.since, page: {}, pageSize: 0, query: at.search, pathParams: { [link.pathParam]: id } });
    let response;
    try {
      response = await send(request, { signal });
    } catch (err) {
      // The parent was listed a moment ago: a 404 now means it was deleted since, not that the stream is unavailable.
      if (err instanceof DatadogApiError && err.kind === 'not_found') {
        parentsGone.push(id);
        continue;
      }
      throw err;
    }
    records.push(...extractRecords(def, response.body, { fields: { [link.field]: id } }));
    bytes += response.bytes;
    rateLimit = response.rateLimit ?? rateLimit;
  }
  return {
    records,
    bytes,
    nextPage: nextPageState(parentDef.pagination, at.page, parentResponse.body, parents.length, at.pageSize),
    rateLimit,
    ...(parentsGone.length ? { parentsGone } : {}),
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
