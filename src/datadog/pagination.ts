import { getPath } from '../shared/json';
import { DatadogApiError } from './errors';
import type { Pagination } from './streams/types';

/** Where a stream is within its pages. `{}` is the first page. Small and JSON-safe: it lives in workflow state. */
export interface PageState {
  offset?: number;
  page?: number;
  cursor?: string;
  /** `backward_time`: the upper time bound (epoch ms) of the next call; unset on the first. */
  to?: number;
  /** Streams with a fan-out: the index of the value being read (0 when absent). */
  value?: number;
}

/** Request parameters for the page `state` points at. */
export function pageParams(pagination: Pagination, state: PageState, pageSize: number): Record<string, string | number> {
  switch (pagination.kind) {
    case 'offset':
      return { [pagination.limitParam]: pageSize, [pagination.offsetParam]: state.offset ?? 0 };
    case 'page':
      return { [pagination.sizeParam]: pageSize, [pagination.pageParam]: state.page ?? pagination.firstPage ?? 0 };
    case 'cursor': {
      // Endpoints without a page-size parameter (`next_record_id`) choose their page size themselves.
      const limit = pagination.limitParam === undefined ? {} : { [pagination.limitParam]: pageSize };
      return state.cursor === undefined ? limit : { ...limit, [pagination.cursorParam]: state.cursor };
    }
    case 'backward_time':
      // The first call keeps the window's own upper bound; later ones reach back from the last.
      return state.to === undefined ? {} : { [pagination.toParam]: state.to };
    case 'none':
      return {};
  }
}

/** The page after this one, or null at the end of the stream (or window). */
export function nextPageState(
  pagination: Pagination,
  state: PageState,
  body: unknown,
  received: number,
  pageSize: number,
): PageState | null {
  switch (pagination.kind) {
    // Only a short (or empty) page ends these: `links.next`, `next_offset` and counts are not read,
    // since Datadog sends some of them even on the last page and `meta.count` may count the page alone.
    case 'offset':
      return received < pageSize ? null : { offset: (state.offset ?? 0) + received };
    case 'page':
      return received < pageSize ? null : { page: (state.page ?? pagination.firstPage ?? 0) + 1 };
    case 'cursor': {
      // A short page is not the end of a cursor stream: only a missing cursor or an empty page is.
      const cursor = getPath(body, pagination.nextCursorPath);
      return received === 0 || typeof cursor !== 'string' || cursor === '' ? null : { cursor };
    }
    case 'backward_time':
      return received < pagination.cap ? null : { to: olderPage(pagination, state, body) };
    case 'none':
      return null;
  }
}

/**
 * Where the call after a full `backward_time` page reaches back to: the end of the span the endpoint
 * says it got to. Refuses a bound that does not move back (more than `cap` records in one span),
 * which would read the same page forever or skip the rest of that span.
 */
function olderPage(pagination: Extract<Pagination, { kind: 'backward_time' }>, state: PageState, body: unknown): number {
  const reached = getPath(body, pagination.nextToPath);
  if (typeof reached !== 'number' || !Number.isSafeInteger(reached)) {
    throw new DatadogApiError('malformed', `a full page of ${pagination.cap} has no "${pagination.nextToPath}" (epoch ms) to read older records from`);
  }
  const to = reached + (pagination.nextToResolutionMs ?? 1) - 1;
  if (state.to !== undefined && to >= state.to) {
    throw new DatadogApiError(
      'too_large',
      `more than ${pagination.cap} records up to ${new Date(to).toISOString()}: the endpoint returns at most ${pagination.cap} a call and cannot be read further back without losing some`,
    );
  }
  return to;
}

/**
 * The page after this one for a stream with a fan-out over `values`: the next page of the same
 * value, else the first page of the next value, else null (the window is read for every value).
 */
export function nextFanOutPage(state: PageState, next: PageState | null, values: number): PageState | null {
  const value = state.value ?? 0;
  if (next) return { ...next, value };
  return value + 1 < values ? { value: value + 1 } : null;
}

/** The page size to ask for: the endpoint's maximum unless the config lowers it (0: the endpoint sets it). */
export function effectivePageSize(pagination: Pagination, requested: number | undefined): number {
  if (pagination.kind === 'none') return 0;
  // Not ours to choose: the endpoint returns up to `cap`, and fewer is how the end is known.
  if (pagination.kind === 'backward_time') return pagination.cap;
  if (pagination.maxPageSize === undefined) return 0;
  return Math.min(requested ?? pagination.maxPageSize, pagination.maxPageSize);
}
