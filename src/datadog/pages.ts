import type { JsonRecord, RecordsJson } from '../shared/json';
import { getPath } from '../shared/json';
import type { RateLimitInfo } from '../shared/rate-limit';
import type { ApiResponse, Send } from './client';
import { DatadogApiError } from './errors';
import { extractRecords } from './page';
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
  /** The records as they came, when they are exactly the array at a path of the body (a store may read them from there). */
  json?: RecordsJson;
  nextPage: PageState | null;
  /** Response bytes, for metrics. */
  bytes: number;
  /** The rate-limit headers of the page's (last) response. */
  rateLimit?: RateLimitInfo;
  /** A dependent stream's parents that were gone (404) by the time they were read. */
  parentsGone?: string[];
}

/** The request for one page of a stream that has pages of its own (not a dependent stream). */
export function pageRequest(def: StreamDef, at: PageAt): ApiRequest {
  return buildPageRequest(def, { window: at.window, since: at.since, page: at.page, pageSize: at.pageSize, query: at.search });
}

/** The page a response to `pageRequest(def, at)` holds. */
export function pageFromResponse(def: StreamDef, at: PageAt, response: ApiResponse): PageRead {
  const records = extractRecords(def, response.body);
  const nextPage = nextPageState(def.pagination, at.page, response.body, records.length, at.pageSize);
  // Records shaped by Retriever (a derived key, timeseries rows) are not the body's own.
  const asReceived = (def.recordShape ?? 'list') === 'list' && !def.derivedKey;
  return { records, ...(asReceived ? { json: { text: response.text, path: def.recordsPath } } : {}), nextPage, bytes: response.bytes, rateLimit: response.rateLimit };
}

/**
 * One page of a dependent stream: a page of its parent (e.g. a few SLOs), then one request per parent
 * for the window. The page state is the parent's, so a retried page repeats only these parents.
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

/** One page of any stream, sent now through `send` (a client's, or one that retries). */
export async function readPage(send: Send, def: StreamDef, at: PageAt, signal?: AbortSignal): Promise<PageRead> {
  if (def.parent) return readChildPage(send, def, at, signal);
  return pageFromResponse(def, at, await send(pageRequest(def, at), { signal }));
}
